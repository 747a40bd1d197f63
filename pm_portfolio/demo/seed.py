"""The demo maker (`flask seed-demo`): a realistic portfolio, so a new user can see the app full."""

from datetime import date
from datetime import timedelta

from pm_portfolio import clock
from pm_portfolio.core import accounts
from pm_portfolio.core import media
from pm_portfolio.core.demo_data import LEARNINGS
from pm_portfolio.core.demo_data import PRODUCTS
from pm_portfolio.core.demo_data import PROFILE
from pm_portfolio.core.learnings import LearningData
from pm_portfolio.core.learnings import create_learning
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import create_product
from pm_portfolio.core.products import update_product
from pm_portfolio.demo import pictures
from pm_portfolio.web.media_settings import media_storage

DEMO_EMAIL = accounts.DEMO_EMAIL


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


def seed_demo_portfolio(username: str, password: str, today: date) -> int:
    """Create the demo maker with products and learnings; return the user's id."""
    user = accounts.create_user(DEMO_EMAIL, username, password)
    # The demo address is made up; nothing could confirm it, and the reminder is noise.
    user.email_verified_at = clock.now()
    accounts.update_profile(user, accounts.ProfileData(**PROFILE))
    accounts.publish(user, show_ideas=False)
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
