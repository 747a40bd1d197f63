import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest

from pm_portfolio.dashboard import charts
from pm_portfolio.dashboard import figures
from pm_portfolio.dashboard.figures import MonthActivity
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries

TODAY = date(2026, 11, 27)


def build(app, user_id: int, today: date = TODAY) -> figures.Dashboard:
    with app.app_context():
        return figures.build_dashboard(db.session.get(User, user_id), today)


def test_counts_by_status_and_learnings(app, user):
    with app.app_context():
        for status, count in (("idea", 3), ("building", 2), ("shipped", 1), ("sunset", 1)):
            for _ in range(count):
                shipped_on = date(2026, 5, 1) if status in ("shipped", "sunset") else None
                make_product(user.id, status=status, shipped_on=shipped_on)
        make_learning(user.id)
        make_learning(user.id)
        other = make_user()
        make_product(other.id, status="shipped", shipped_on=date(2026, 11, 1))
        make_learning(other.id)

    dashboard = build(app, user.id)

    assert dashboard.status_counts == {"idea": 3, "building": 2, "shipped": 1, "sunset": 1}
    assert dashboard.learning_count == 2
    assert dashboard.last_shipped_on == date(2026, 5, 1)
    assert dashboard.days_since_ship == (TODAY - date(2026, 5, 1)).days


def joined(app, user_id: int, days_ago: int) -> None:
    with app.app_context():
        maker = db.session.get(User, user_id)
        maker.created_at = datetime.combine(TODAY - timedelta(days=days_ago), time(9), UTC)
        db.session.commit()


@pytest.mark.parametrize(
    ("shipped_days_ago", "nudge"), [(None, True), (45, True), (31, True), (30, False), (2, False)]
)
def test_nudge_when_nothing_shipped_for_a_month(app, user, shipped_days_ago, nudge):
    joined(app, user.id, days_ago=90)
    with app.app_context():
        make_product(user.id, status="building")
        if shipped_days_ago is None:
            make_product(user.id, status="building")
        else:
            shipped_on = TODAY - timedelta(days=shipped_days_ago)
            make_product(user.id, status="shipped", shipped_on=shipped_on)

    assert build(app, user.id).needs_nudge is nudge


@pytest.mark.parametrize(
    ("joined_days_ago", "products", "nudge"),
    [(0, 1, False), (29, 2, False), (30, 2, False), (31, 2, True), (365, 1, False)],
)
def test_no_nudge_in_a_makers_first_month_or_before_their_second_product(
    app, user, joined_days_ago, products, nudge
):
    """Day one, the first product shipped in the spring: no "136 days since you last
    shipped" above "Get started"."""
    joined(app, user.id, days_ago=joined_days_ago)
    with app.app_context():
        for _ in range(products):
            make_product(user.id, status="shipped", shipped_on=TODAY - timedelta(days=136))

    assert build(app, user.id).needs_nudge is nudge


def test_the_nudge_is_on_the_page(today, app, logged_in_client, user):
    joined(app, user.id, days_ago=400)
    with app.app_context():
        make_product(user.id, status="building")
        make_product(user.id, status="idea")
    page = logged_in_client.get("/dashboard").get_data(as_text=True)
    assert "Make products." in page
    assert "You have not shipped anything yet." in page
    assert page.count(">Log a product</a>") == 1, "the nudge asks; the header has the button"


def test_a_new_makers_dashboard_is_one_next_step_not_empty_charts(logged_in_client):
    page = logged_in_client.get("/dashboard").get_data(as_text=True)

    assert "Next: Tell employers who you are: name and headline." in page
    assert page.count("Log a product") == 0, "one next step, not three ways to the same form"
    for absent in ("nudge-title", "chart__svg", "None yet", "Gaps to close", "Who is looking"):
        assert absent not in page, absent


def test_the_next_step_moves_on_as_the_maker_does(app, logged_in_client, user):
    logged_in_client.submit("/settings", {"display_name": "Ada", "headline": "Maker"})
    page = logged_in_client.get("/dashboard").get_data(as_text=True)
    assert "Next: Log your first product" in page
    assert '<a class="button button--primary" href="/products/new">Log a product</a>' in page
    with app.app_context():
        make_product(user.id, status="building")
    page = logged_in_client.get("/dashboard").get_data(as_text=True)
    assert "Next: Write down what it taught you." in page
    assert "chart__svg" not in page, "nothing shipped or learned yet: no chart"
    assert "PM skill coverage" not in page


def test_cadence_covers_the_last_twelve_months(app, user):
    with app.app_context():
        make_product(user.id, status="shipped", shipped_on=date(2026, 11, 3))
        make_product(user.id, status="sunset", shipped_on=date(2026, 11, 20))
        make_product(user.id, status="shipped", shipped_on=date(2025, 12, 31))
        make_product(user.id, status="shipped", shipped_on=date(2025, 11, 30))
        make_learning(user.id, learned_on=date(2026, 6, 1))
        make_learning(user.id, learned_on=date(2026, 6, 30))
        make_learning(user.id, learned_on=date(2024, 6, 1))

    months = build(app, user.id).months

    assert [m.month for m in months][:2] == [date(2025, 12, 1), date(2026, 1, 1)]
    assert months[-1].month == date(2026, 11, 1)
    assert len(months) == 12
    by_month = {m.month: (m.shipped, m.learnings) for m in months}
    assert by_month[date(2026, 11, 1)] == (2, 0)
    assert by_month[date(2025, 12, 1)] == (1, 0)
    assert by_month[date(2026, 6, 1)] == (0, 2)
    assert sum(m.shipped for m in months) == 3


def test_month_starts_cross_the_year():
    assert figures.month_starts(date(2026, 2, 14), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_skill_coverage_counts_shipped_products_and_learnings_and_names_gaps(app, user):
    with app.app_context():
        make_product(user.id, status="shipped", shipped_on=TODAY, skills=["discovery", "design"])
        make_product(user.id, status="building", skills=["strategy"])
        make_learning(user.id, skills=["discovery"])
        make_learning(user.id, skills=["execution"])

    dashboard = build(app, user.id)

    coverage = {row.skill.key: (row.shipped_products, row.learnings) for row in dashboard.coverage}
    assert coverage["discovery"] == (1, 1)
    assert coverage["design"] == (1, 0)
    assert coverage["execution"] == (0, 1)
    assert coverage["strategy"] == (0, 0)
    assert len(coverage) == 9
    gaps = {row.skill.key for row in dashboard.gaps}
    assert gaps == {
        "strategy",
        "prioritisation",
        "analytics",
        "technical",
        "growth",
        "communication",
    }
    assert all(row.skill.suggestion for row in dashboard.gaps)
    assert dashboard.skills_shown == 3


def test_dashboard_shows_the_pictures_with_text_alternatives(hard_day, logged_in_client, app, user):
    with app.app_context():
        make_product(user.id, title="Shipped thing", status="shipped", shipped_on=hard_day)
        make_learning(user.id, title="A lesson", learned_on=hard_day, skills=["discovery"])

    page = logged_in_client.get("/dashboard").get_data(as_text=True)

    assert re.search(r'<svg class="chart__svg"[^>]*role="img"', page)
    assert "1 product shipped and 1 learning recorded in the last 12 months." in page
    assert "Show the numbers" in page
    assert "Discovery &amp; research" in page
    assert "Gaps to close" in page
    assert "Shipped thing" in page
    assert "A lesson" in page
    assert "style=" not in page


def test_cadence_chart_geometry():
    months = [MonthActivity(date(2026, m, 1), shipped=m % 3, learnings=m) for m in range(1, 13)]
    chart = charts.cadence_chart(months)

    assert chart.scale_max == 12
    assert len(chart.columns) == 12
    tallest = chart.columns[-1].bars[1]
    assert tallest.y == chart.top_y
    assert tallest.y + tallest.height == chart.baseline_y
    assert all(bar.height >= 0 for column in chart.columns for bar in column.bars)
    xs = [column.label_x for column in chart.columns]
    assert xs == sorted(xs)
    assert chart.columns[0].label == "Jan"


def test_an_empty_cadence_chart_draws_no_bars():
    chart = charts.cadence_chart([MonthActivity(date(2026, 1, 1), 0, 0)])
    assert chart.scale_max == 1
    assert all(bar.height == 0 for bar in chart.columns[0].bars)
    assert chart.summary == "0 products shipped and 0 learnings recorded in the last 1 months."


def dashboard_queries(app, client) -> int:
    with counted_queries(app) as statements:
        response = client.get("/dashboard")
    assert response.status_code == 200
    return len(statements)


def test_dashboard_costs_the_same_few_queries_at_any_size(logged_in_client, app, user):
    def add_products(count: int):
        with app.app_context():
            for index in range(count):
                product_id = make_product(
                    user.id,
                    status=("idea", "building", "shipped", "sunset")[index % 4],
                    shipped_on=date(2026, 1 + index % 11, 1) if index % 4 >= 2 else None,
                    skills=["discovery", "design"],
                    metrics=[("users", "10")],
                )
                make_learning(user.id, product_id, skills=["analytics"])

    logged_in_client.get("/dashboard")
    add_products(3)
    small = dashboard_queries(app, logged_in_client)
    add_products(297)
    large = dashboard_queries(app, logged_in_client)

    assert small == large
    assert large <= 11


def test_an_unchanged_dashboard_costs_only_the_sign_in(logged_in_client, app, user):
    with app.app_context():
        make_product(user.id, title="Kept", status="shipped", shipped_on=date(2026, 1, 1))
    logged_in_client.get("/dashboard")  # shows, and so clears, the welcome message
    first = logged_in_client.get("/dashboard").get_data(as_text=True)

    with counted_queries(app) as statements:
        again = logged_in_client.get("/dashboard").get_data(as_text=True)

    assert again == first
    # Follow-ups change with the day and with every opening of a link: asked each time.
    assert len(statements) == 2, "the signed-in user and the follow-ups; the rest is kept"


def test_the_dashboard_shows_a_change_at_once(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id, title="Before", status="shipped",
                                  shipped_on=date(2026, 1, 1))  # fmt: skip
    assert "Before" in logged_in_client.get("/dashboard").get_data(as_text=True)

    logged_in_client.submit(f"/products/{product_id}/edit", {"title": "After", "status": "idea"})
    page = logged_in_client.get("/dashboard").get_data(as_text=True)

    assert "After" in page
    assert "Before" not in page
    assert re.search(r"<dt>Ideas</dt><dd>1</dd>", page)


def test_a_counted_view_shows_on_the_dashboard_at_once(logged_in_client, app, user):
    with app.app_context():
        make_product(user.id, title="Seen", visibility="public")
        db.session.get(User, user.id).is_published = True
        db.session.commit()
    logged_in_client.get("/dashboard")
    app.test_client().get("/u/maker", headers={"User-Agent": "Mozilla/5.0 Firefox/130.0"})

    page = logged_in_client.get("/dashboard").get_data(as_text=True)

    assert "<dt>Portfolio page</dt><dd>1</dd>" in page


def test_no_maker_is_shown_another_makers_kept_dashboard(app, client, auth):
    """Two makers with the same data version on the same day: their own pages each."""
    with app.app_context():
        makers = [make_user(username=name, display_name=name.title()) for name in ("ada", "bob")]
        for maker in makers:
            make_product(maker.id, title=f"Product of {maker.username}", status="shipped",
                         shipped_on=date(2026, 1, 1))  # fmt: skip
        versions = {db.session.get(User, maker.id).portfolio_version for maker in makers}
    assert len(versions) == 1

    pages = {}
    for maker in makers:
        auth.login(maker.username, maker.password)
        pages[maker.username] = client.get("/dashboard").get_data(as_text=True)
        auth.logout()

    assert "Product of ada" in pages["ada"]
    assert "Product of bob" not in pages["ada"]
    assert "Product of bob" in pages["bob"]
    assert "Product of ada" not in pages["bob"]
    assert "Hi, Bob" in pages["bob"]
