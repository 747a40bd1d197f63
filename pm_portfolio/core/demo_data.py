"""The demo maker's portfolio as data: what `flask seed-demo` creates, and what the
landing page shows a visitor as an example of a finished case study (it is drawn from
here whether or not the demo maker exists)."""

from pm_portfolio.core.results import METRIC_TEXT_FIELDS
from pm_portfolio.models import Metric
from pm_portfolio.models import Product

PROFILE = {
    "display_name": "Dana Demo",
    "headline": "Engineer turning side projects into products",
    "bio": "I make small products to learn product management by doing: interviews, bets, "
    "trade-offs, and honest outcomes.",
    "website_url": "https://example.com",
    "linkedin_url": "https://www.linkedin.com/in/example",
    "github_url": "https://github.com/example",
    "location": "Berlin, Germany",
    "open_to": "APM / PM roles · Remote or Berlin",
    "contact_email": "dana@example.com",
    "contact_url": "https://cal.example.com/dana",
}

# Dates are days before the day of seeding. Each lies under 330 days ago or over 370, so
# on any day of the year it is inside or outside the dashboard's 12 months (which start on
# a first of the month, 334 to 365 days back): the demo's dashboard always reads the same.
PRODUCTS = [
    {
        "title": "Standup Bot",
        "tagline": "Async stand-ups in Slack for remote teams of five to fifty.",
        "status": "shipped",
        "role": "Solo maker",
        "started": 260,
        "shipped": 200,
        "target_users": "Engineering managers of remote teams across three or more time zones.",
        "problem": "Daily stand-up calls across time zones meant someone always joined at "
        "7 am or 9 pm. In **12 interviews** with engineering managers, 9 said stand-ups "
        "were the meeting they would cut first.",
        "hypothesis": "If managers can collect updates in Slack threads, at least 30% of "
        "teams who install it will still use it after four weeks, and we will know because "
        "they keep answering the bot.",
        "solution": "A Slack app that asks three questions at each person's local 10 am and "
        "posts a digest to the team channel. Built in six weekends with Python and the "
        "Slack Bolt SDK.",
        "tradeoffs": "- Cut: Jira integration (asked for by 2 of 12; would have doubled the "
        "build).\n- Cut: analytics dashboard; the digest itself was the value.",
        "outcome": "Listed in the Slack app directory. Four-week retention reached 38%, above "
        "the 30% bar, so I kept it running.",
        "metrics": [
            {"label": "teams using it", "value": "140", "note": "after six months"},
            {
                "label": "4-week retention",
                "value": "38%",
                "target": "30%",
                "direction": "up",
                "note": "against the bar set in the hypothesis",
                "caveat": "First 140 teams; self-selected from the Slack app directory",
                "time_window": "weeks 1 to 4 after install",
            },
            {
                "label": "time in stand-ups, per person and week",
                "value": "15 min",
                "baseline": "75 min",
                "direction": "down",
                "time_window": "first 8 weeks",
                "caveat": "Self-reported by 12 managers",
            },
        ],
        # The digest screenshot shows the retention number (metric 2, screen 1).
        "evidence": (1, 0),
        "skills": ["discovery", "execution", "analytics"],
        "visibility": "public",
        "featured": True,
    },
    {
        "title": "Recipe Cost Calculator",
        "tagline": "Tells small bakeries what each recipe really costs.",
        "status": "shipped",
        "role": "PM and designer in a team of 2",
        "started": 110,
        "shipped": 16,
        "target_users": "Home bakers who started selling at markets.",
        "problem": "Bakers priced by gut feel; three of five I spoke to were losing money on "
        "their best seller without knowing.",
        "hypothesis": "If bakers see the cost per item, they will change at least one price "
        "in the first month.",
        "solution": "A web app: enter ingredients once with pack prices, build recipes, and "
        "see the cost per item and the margin at your price.",
        "tradeoffs": "No inventory tracking: it was the top request but would have turned a "
        "calculator into an ERP.",
        "outcome": "62% of active users changed a price within 30 days.",
        "metrics": [
            ("sign-ups", "1,200", ""),
            ("changed a price", "62%", "within 30 days"),
            ("rating", "4.6/5", "38 reviews"),
        ],
        "skills": ["design", "prioritisation", "growth"],
        "visibility": "public",
        "featured": True,
    },
    {
        "title": "Commute Carbon",
        "tagline": "A browser extension that shows the CO₂ of your commute options.",
        "status": "sunset",
        "role": "Solo maker",
        "started": 520,
        "shipped": 470,
        "problem": "People said they wanted greener commutes but had no number to compare.",
        "hypothesis": "If we show CO₂ next to travel times, 10% of users will pick a lower "
        "option at least once a week.",
        "solution": "A Chrome extension on top of map directions.",
        "tradeoffs": "Only trains, buses and cars; no bikes or scooters.",
        "outcome": "**Killed after 3 months.** Only 2% changed their choice. The number was "
        "interesting but not decisive: time and price won every time.",
        "metrics": [("installs", "850", ""), ("changed their choice", "2%", "target was 10%")],
        "skills": ["analytics", "strategy"],
        "visibility": "public",
    },
    {
        "title": "Interview Notes",
        "tagline": "Turns user interview notes into tagged insights.",
        "status": "building",
        "role": "Solo maker",
        "started": 45,
        "target_users": "Founders and PMs who run their own discovery interviews.",
        "problem": "Interview notes end up in ten documents and nobody reads them again.",
        "hypothesis": "If tagging takes under a minute per interview, people will tag every "
        "interview they run.",
        "solution": "A notes editor with one-key tags and an insight board.",
        "metrics": [("beta users", "18", "")],
        "skills": ["discovery", "technical"],
        "visibility": "unlisted",
    },
    {
        "title": "Neighbourhood Tool Library",
        "tagline": "Borrow a drill from the street instead of buying one.",
        "status": "building",
        "role": "Organiser and PM, team of 4 volunteers",
        "started": 90,
        "problem": "Most households own tools they use twice a year.",
        "skills": ["communication", "execution"],
        "visibility": "private",
    },
    {
        "title": "Focus Playlist Generator",
        "tagline": "Spotify playlists tuned to how long you need to focus.",
        "status": "idea",
        "problem": "People pick focus music by hand every session.",
        "skills": ["strategy"],
        "visibility": "private",
    },
    {
        "title": "Meetup Matchmaker",
        "tagline": "Pairs newcomers at meetups with someone who shares their interests.",
        "status": "idea",
        "skills": ["communication", "growth"],
        "visibility": "private",
    },
    {
        "title": "Habit Streaks for Teams",
        "tagline": "Shared habit streaks for small teams.",
        "status": "sunset",
        "role": "PM in a team of 3",
        "started": 420,
        "shipped": 320,
        "outcome": "Pivoted into Standup Bot: teams cared about the check-in, not the streak.",
        "metrics": [("teams", "35", "")],
        "skills": ["prioritisation", "communication"],
        "visibility": "public",
    },
]

LEARNINGS = [
    ("Standup Bot", "user_interview", 270, "Managers hate the meeting, not the update",
     "Nine of twelve managers wanted the **information** from stand-ups, not the call.",
     ["discovery"], True),
    ("Standup Bot", "decision", 250, "Cut the Jira integration",
     "Two of twelve asked for it; it would have doubled the build. Shipped without it.",
     ["prioritisation"], True),
    ("Standup Bot", "experiment", 215, "Local-time prompts doubled answers",
     "Asking at 10 am local time instead of 10 am UTC took answer rates from 35% to 71%.",
     ["analytics", "design"], True),
    ("Standup Bot", "mistake", 198, "Launched on a Friday",
     "Nobody installs a work tool on a Friday afternoon. Relaunched on Tuesday.",
     ["growth"], True),
    ("Standup Bot", "insight", 120, "The digest is the product",
     "Usage tracked digest reads, not answers: managers came for the summary.",
     ["analytics"], False),
    ("Recipe Cost Calculator", "user_interview", 105, "Bakers price by gut feel",
     "Three of five bakers were underpricing their best seller.", ["discovery"], True),
    ("Recipe Cost Calculator", "decision", 70, "No inventory tracking",
     "Top request, but it turns a calculator into an ERP. Said no, explained why.",
     ["prioritisation", "communication"], True),
    ("Recipe Cost Calculator", "experiment", 40, "Pack-price entry beats per-gram entry",
     "Letting people type the price of a pack cut set-up time from 20 to 6 minutes.",
     ["design"], True),
    ("Recipe Cost Calculator", "insight", 9, "Markets are the channel",
     "Flyers at two farmers' markets brought more sign-ups than a month of social posts.",
     ["growth"], True),
    ("Commute Carbon", "experiment", 450, "Showing CO₂ did not change choices",
     "Only 2% picked a lower-carbon option; the target was 10%.", ["analytics"], True),
    ("Commute Carbon", "decision", 400, "Killed it",
     "Three months below target with no sign of change. Wrote down why and stopped.",
     ["strategy"], True),
    ("Commute Carbon", "mistake", 505, "Built before testing the number",
     "A fake-door test would have shown in a week what took three months.",
     ["discovery", "execution"], True),
    ("Interview Notes", "user_interview", 40, "Tagging must be faster than writing",
     "Every PM I asked already had a notes tool; tagging is the only new step.",
     ["discovery"], False),
    ("Interview Notes", "decision", 30, "Keyboard first", "One-key tags before any AI.",
     ["design", "technical"], False),
    ("Interview Notes", "experiment", 12, "Beta users tag 80% of interviews",
     "Above the bar I set, so I keep building.", ["analytics"], False),
    ("Neighbourhood Tool Library", "insight", 60, "Trust beats convenience",
     "People lend to neighbours they have met once; a street party did more than the app.",
     ["communication"], False),
    ("Neighbourhood Tool Library", "decision", 20, "Start with a spreadsheet",
     "Running it by hand for a month before building anything.", ["execution"], False),
    ("Habit Streaks for Teams", "insight", 310, "Teams cared about the check-in",
     "Streaks motivated two people per team; the daily check-in helped everyone.",
     ["discovery"], True),
    ("Habit Streaks for Teams", "decision", 290, "Pivot to stand-ups",
     "Kept the check-in, dropped the streak, became Standup Bot.", ["strategy"], True),
    (None, "insight", 150, "Write the outcome before you build",
     "Writing the success metric first made killing Commute Carbon easy.",
     ["strategy", "analytics"], False),
    (None, "mistake", 100, "Too many ideas at once",
     "Three ideas in parallel meant none shipped for two months.", ["prioritisation"], False),
    (None, "insight", 8, "Ship small, weekly", "Weekly releases keep feedback coming.",
     ["execution"], False),
]  # fmt: skip

# A metric written as a tuple above: (label, value, note).
TUPLE_FIELDS = ("label", "value", "note")


def _unsaved_metric(fields: dict) -> Metric:
    """A metric as a saved one reads: its empty texts "" (a new row's are None until
    saved), dates none."""
    empty = {name: "" for name in METRIC_TEXT_FIELDS if name not in ("window_start", "window_end")}
    return Metric(**{**empty, "window_start": None, "window_end": None, **fields})


def example_case_study() -> Product:
    """The demo's first featured product, unsaved: its title, tagline, role, status and
    results, for a visitor to see what a case study says before signing up."""
    spec = next(spec for spec in PRODUCTS if spec.get("featured"))
    metrics = [
        _unsaved_metric(
            metric if isinstance(metric, dict) else dict(zip(TUPLE_FIELDS, metric, strict=False))
        )
        for metric in spec.get("metrics", [])
    ]
    return Product(
        title=spec["title"],
        tagline=spec.get("tagline", ""),
        role=spec.get("role", ""),
        status=spec["status"],
        metrics=metrics,
    )
