"""A goal the maker sets for themselves ("one learning a week"), and their streak: the
weeks or months in a row, up to now, that met it. The dashboard shows it, and the
weekly digest compares the week with it.

Weeks are ISO weeks (Monday first) and months calendar months, of the dates the maker
gives their learnings and ships.
"""

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from enum import StrEnum

from pm_portfolio.core.dates import week_of
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Product

# How far back a streak is counted: far beyond any streak, a bound on the query.
LOOK_BACK = timedelta(days=3 * 366)


class Goal(StrEnum):
    LEARNING_WEEKLY = "learning_weekly"
    SHIP_MONTHLY = "ship_monthly"

    @property
    def label(self) -> str:
        return {
            Goal.LEARNING_WEEKLY: "Log one learning a week",
            Goal.SHIP_MONTHLY: "Ship something every month",
        }[self]

    @property
    def unit(self) -> str:
        return "week" if self is Goal.LEARNING_WEEKLY else "month"


@dataclass(frozen=True)
class Streak:
    goal: Goal
    # Periods in a row that met the goal, ending with this one if it is met already,
    # else with the one before (this one is still open).
    length: int
    met_now: bool

    @property
    def summary(self) -> str:
        """The streak in words: "3 weeks in a row, this one included"."""
        unit = self.goal.unit
        periods = f"{self.length} {unit}{'s' if self.length != 1 else ''} in a row"
        if self.met_now:
            return f"{periods}, this one included"
        still_open = f"this {unit} is still open"
        return f"{periods}; {still_open}" if self.length else f"not met yet; {still_open}"


def _month(day: date) -> date:
    return day.replace(day=1)


def _previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def streak(owner_id: int, goal: str | None, today: date) -> Streak | None:
    """The maker's streak towards their goal, or None without one. One query."""
    if goal not in set(Goal):
        return None
    goal = Goal(goal)
    since = today - LOOK_BACK
    if goal is Goal.LEARNING_WEEKLY:
        days = db.select(Learning.learned_on).where(
            Learning.user_id == owner_id, Learning.learned_on.between(since, today)
        )
        period, previous = week_of, lambda start: start - timedelta(days=7)
    else:
        days = db.select(Product.shipped_on).where(
            Product.user_id == owner_id, Product.shipped_on.between(since, today)
        )
        period, previous = _month, _previous_month
    met = {period(day) for day in db.session.scalars(days.distinct())}
    current = period(today)
    met_now = current in met
    start = current if met_now else previous(current)
    length = 0
    while start in met:
        length += 1
        start = previous(start)
    return Streak(goal, length, met_now)
