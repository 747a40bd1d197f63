"""The demo maker (`flask seed-demo`): a realistic portfolio, so a new user can see the app full."""

from datetime import date
from datetime import timedelta

from pm_portfolio import clock
from pm_portfolio.core import accounts
from pm_portfolio.core import media
from pm_portfolio.core.learnings import LearningData
from pm_portfolio.core.learnings import create_learning
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import create_product
from pm_portfolio.core.products import update_product
from pm_portfolio.demo import pictures
from pm_portfolio.web.media_settings import media_storage

DEMO_EMAIL = accounts.DEMO_EMAIL

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

# Generous: the demo's pictures are ours, and a small configured quota must not stop it.
DEMO_LIMITS = media.Limits(max_file_bytes=2**30, quota_bytes=2**40, items_per_product=100)
# Screenshots (heading, rows, alt text, caption; the first is the cover) and a one-pager.
PICTURES = {
    "Standup Bot": {
        "accent": (67, 56, 202),
        "screens": [
            ("This week's digest", ["Priya: shipped the CSV export", "Tom: blocked on a review",
             "Ana: interviewing two customers", "Lee: on holiday until Monday"],
             "The weekly digest in Slack: each person's answers, with who is blocked first", ""),
            ("When to ask", ["What did you finish yesterday?", "What will you do today?",
             "Is anything blocking you?", "Asked at 10:00, local time"],
             "The settings page: three questions, asked at each person's local 10 am",
             "Teams set it up in under a minute."),
        ],
        "one_pager": [
            ("Problem", "Stand-up calls across time zones: someone always joins at 7 am or 9 pm."),
            ("Bet", "Updates in Slack threads keep 30% of teams after four weeks."),
            ("Scope", "Three questions, a digest, local times.\nNot now: Jira, analytics."),
            ("Result", "38% four-week retention; 140 teams after six months."),
        ],
    },
    "Recipe Cost Calculator": {
        "accent": (15, 118, 110),
        "screens": [
            ("Sourdough loaf: $2.35", ["Flour, 500 g: $0.90", "Starter, 100 g: $0.18",
             "Salt, 10 g: $0.02", "Oven time, 45 min: $1.25"],
             "A recipe's cost, ingredient by ingredient, with the oven time included", ""),
        ],
    },
    "Commute Carbon": {
        "accent": (180, 83, 9),
        "screens": [
            ("Your commute this month", ["Bus: 12 trips, 9 kg CO2", "Bike: 8 trips, 0 kg CO2",
             "Car: 2 trips, 14 kg CO2", "Train: 4 trips, 3 kg CO2"],
             "A month of commutes by mode, with the carbon each produced", ""),
        ],
    },
}  # fmt: skip

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


def seed_demo_portfolio(username: str, password: str, today: date) -> int:
    """Create the demo maker with products and learnings; return the user's id."""
    user = accounts.create_user(DEMO_EMAIL, username, password)
    # The demo address is made up; nothing could confirm it, and the reminder is noise.
    user.email_verified_at = clock.now()
    accounts.update_profile(
        user,
        accounts.ProfileData(
            display_name="Dana Demo",
            headline="Engineer turning side projects into products",
            bio="I make small products to learn product management by doing: "
            "interviews, bets, trade-offs, and honest outcomes.",
            website_url="https://example.com",
            linkedin_url="https://www.linkedin.com/in/example",
            github_url="https://github.com/example",
            location="Berlin, Germany",
            open_to="APM / PM roles · Remote or Berlin",
            contact_email="dana@example.com",
            contact_url="https://cal.example.com/dana",
            is_published=True,
        ),
    )
    photo = pictures.avatar("DD", (67, 56, 202))
    media.set_avatar(user.id, photo, media_storage(), DEMO_LIMITS)
    product_ids = {}
    for position, spec in enumerate(PRODUCTS):
        data = ProductData(
            title=spec["title"],
            tagline=spec.get("tagline", ""),
            target_users=spec.get("target_users", ""),
            problem=spec.get("problem", ""),
            hypothesis=spec.get("hypothesis", ""),
            solution=spec.get("solution", ""),
            tradeoffs=spec.get("tradeoffs", ""),
            outcome=spec.get("outcome", ""),
            role=spec.get("role", ""),
            status=spec["status"],
            started_on=today - timedelta(days=spec["started"]) if "started" in spec else None,
            shipped_on=today - timedelta(days=spec["shipped"]) if "shipped" in spec else None,
            visibility=spec["visibility"],
            is_featured=spec.get("featured", False),
            position=position,
            skill_keys=spec["skills"],
            metrics=[
                MetricData(**metric) if isinstance(metric, dict) else MetricData(*metric)
                for metric in spec.get("metrics", [])
            ],
        )
        product = create_product(user.id, data)
        product_ids[spec["title"]] = product.id
        if spec["title"] in PICTURES:
            add_pictures(product, PICTURES[spec["title"]])
        if "evidence" in spec:
            metric_index, media_index = spec["evidence"]
            evidence = media.evidence_options(product)[media_index]
            data.metrics[metric_index].source_media_id = evidence[0]
            update_product(product, data)
    for product_title, kind, days_ago, title, body, skills, public in LEARNINGS:
        create_learning(
            user.id,
            LearningData(
                title=title,
                kind=kind,
                body=body,
                learned_on=today - timedelta(days=days_ago),
                product_id=product_ids.get(product_title),
                is_public=public,
                skill_keys=skills,
            ),
        )
    return user.id


def add_pictures(product, spec: dict) -> None:
    """The product's screenshots (the first one its cover) and its one-pager, if any."""
    storage, limits = media_storage(), DEMO_LIMITS
    for index, (heading, rows, alt_text, caption) in enumerate(spec["screens"]):
        data = pictures.screenshot(spec["accent"], product.title, heading, rows)
        item = media.add_upload(product, data, "screenshot.png", alt_text, caption, storage, limits)
        if index == 0:
            media.set_cover(item)
    if "one_pager" in spec:
        data = pictures.one_pager(spec["accent"], f"{product.title}: one-pager", spec["one_pager"])
        filename = f"{product.slug}-one-pager.pdf"
        media.add_upload(product, data, filename, "", "The one-page PRD.", storage, limits)
