"""A goal the maker sets, and the streak the dashboard shows and the digest compares."""

from datetime import date

import pytest

from pm_portfolio.core import goals
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import make_learning
from tests.factories import make_product


@pytest.mark.parametrize(
    ("learned", "today", "length", "met_now"),
    [
        # Three weeks in a row across New Year (ISO weeks start on Monday).
        ([date(2026, 12, 23), date(2026, 12, 30), date(2027, 1, 1)], date(2027, 1, 2), 2, True),
        (
            [date(2026, 12, 16), date(2026, 12, 23), date(2026, 12, 30)],
            date(2027, 1, 4),
            3,
            False,
        ),
        # A gap ends the streak; a week not over yet does not.
        ([date(2028, 2, 7), date(2028, 2, 21)], date(2028, 2, 29), 1, False),
        ([], date(2028, 2, 29), 0, False),
    ],
)
def test_a_learning_a_week(app, user, learned, today, length, met_now):
    with app.app_context():
        for day in learned:
            make_learning(user.id, learned_on=day)
        streak = goals.streak(user.id, "learning_weekly", today)
    assert (streak.length, streak.met_now) == (length, met_now)


def test_shipping_every_month_counts_months_through_a_leap_february(app, user):
    with app.app_context():
        for day in (date(2027, 12, 31), date(2028, 1, 15), date(2028, 2, 29)):
            make_product(user.id, status="shipped", shipped_on=day)
        streak = goals.streak(user.id, "ship_monthly", date(2028, 2, 29))
        assert goals.streak(user.id, "", date(2028, 2, 29)) is None
    assert (streak.length, streak.met_now) == (3, True)
    assert streak.summary == "3 months in a row, this one included"


def test_the_maker_sets_a_goal_and_the_dashboard_counts_the_streak(
    today, app, logged_in_client, user
):
    with app.app_context():
        make_learning(user.id, learned_on=today)
    logged_in_client.submit("/settings/emails", {"weekly_goal": "learning_weekly",
                                                 "digest_day": "0"})  # fmt: skip
    with app.app_context():
        assert db.session.get(User, user.id).weekly_goal == "learning_weekly"
    page = logged_in_client.get("/dashboard").get_data(as_text=True)
    assert "Log one learning a week" in page
    assert "1 week in a row, this one included" in page
