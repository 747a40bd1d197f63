"""What the dashboard shows a maker, computed in a fixed number of queries: progress,
which changes only with the maker's data and the day, and reach, which changes with
every view."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import union_all
from sqlalchemy.orm import joinedload

from pm_portfolio import clock
from pm_portfolio.core import goals
from pm_portfolio.core.analytics import ShareLinkStats
from pm_portfolio.core.analytics import ViewSummary
from pm_portfolio.core.analytics import recent_views
from pm_portfolio.core.analytics import share_link_stats
from pm_portfolio.core.coach import PortfolioReadiness
from pm_portfolio.core.coach import portfolio_readiness
from pm_portfolio.core.dates import local_date
from pm_portfolio.core.goals import Streak
from pm_portfolio.core.publishing import reach
from pm_portfolio.core.skills import all_skills
from pm_portfolio.extensions import db
from pm_portfolio.models import SHIPPED_STATUSES
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from pm_portfolio.models import learning_skills
from pm_portfolio.models import product_skills

CADENCE_MONTHS = 12
NUDGE_AFTER_DAYS = 30
RECENT_COUNT = 5


@dataclass(frozen=True)
class ChecklistStep:
    label: str
    done: bool
    endpoint: str
    # The button that starts the step, when it is the next one.
    action: str = ""


@dataclass(frozen=True)
class MonthActivity:
    month: date
    shipped: int
    learnings: int


@dataclass(frozen=True)
class SkillCoverage:
    skill: Skill
    shipped_products: int
    learnings: int

    @property
    def is_gap(self) -> bool:
        return self.shipped_products == 0 and self.learnings == 0


@dataclass(frozen=True)
class Dashboard:
    status_counts: dict[str, int]
    learning_count: int
    last_shipped_on: date | None
    days_since_ship: int | None
    months: list[MonthActivity]
    coverage: list[SkillCoverage]
    recent_products: list[Product]
    recent_learnings: list[Learning]
    checklist: list[ChecklistStep]
    readiness: PortfolioReadiness | None
    listed_count: int
    hidden_idea_count: int
    # Days since the maker signed up: no idle nudge in their first month.
    days_since_joining: int
    # Towards the goal the maker set, if any.
    streak: Streak | None = None

    @property
    def product_count(self) -> int:
        return sum(self.status_counts.values())

    @property
    def is_new(self) -> bool:
        """Nothing logged yet: the page shows the next step, not empty charts."""
        return not any(self.status_counts.values()) and not self.learning_count

    @property
    def next_step(self) -> ChecklistStep | None:
        return next((step for step in self.checklist if not step.done), None)

    @property
    def needs_nudge(self) -> bool:
        """Products, but nothing shipped yet, or not for a month: time to make something.
        Never in a maker's first month or before their second product: a newcomer
        logging a product shipped in the spring is starting, not idle."""
        if self.product_count < 2 or self.days_since_joining <= NUDGE_AFTER_DAYS:
            return False
        return self.days_since_ship is None or self.days_since_ship > NUDGE_AFTER_DAYS

    @property
    def has_activity(self) -> bool:
        """Anything to draw in the cadence chart."""
        return any(month.shipped or month.learnings for month in self.months)

    @property
    def has_coverage(self) -> bool:
        """Any skill shown yet: until then nine empty bars and nine gaps say nothing."""
        return any(not row.is_gap for row in self.coverage)

    @property
    def skills_shown(self) -> int:
        return sum(not row.is_gap for row in self.coverage)

    @property
    def gaps(self) -> list[SkillCoverage]:
        return [row for row in self.coverage if row.is_gap]


def month_starts(today: date, count: int = CADENCE_MONTHS) -> list[date]:
    """The first days of the last `count` months, oldest first, this month last."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass(frozen=True)
class ProductCounts:
    by_status: dict[str, int]
    last_shipped_on: date | None
    # What a reader of the published portfolio sees (see core/publishing.py).
    listed: int
    hidden_ideas: int


def _product_counts(owner_id: int, show_ideas: bool) -> ProductCounts:
    rows = db.session.execute(
        db.select(
            Product.status,
            Product.visibility,
            func.count(Product.id).label("count"),
            func.max(Product.shipped_on).label("last_shipped"),
        )
        .where(Product.user_id == owner_id)
        .group_by(Product.status, Product.visibility)
    ).all()
    by_status = {status.value: 0 for status in ProductStatus}
    ship_dates = []
    listed = hidden_ideas = 0
    for row in rows:
        by_status[row.status] += row.count
        if row.status in SHIPPED_STATUSES and row.last_shipped is not None:
            ship_dates.append(row.last_shipped)
        seen = reach(row, show_ideas)
        listed += row.count if seen.on_portfolio else 0
        hidden_ideas += row.count if seen.hidden_idea else 0
    return ProductCounts(by_status, max(ship_dates, default=None), listed, hidden_ideas)


def _publish_step(user: User, counts: ProductCounts) -> ChecklistStep:
    """Done only when a reader would see a product, not merely when the switch is on."""
    if user.is_published and counts.listed == 0:
        return ChecklistStep(
            "Your portfolio is published but shows no product yet: make one public "
            "(ideas show only if you choose)",
            done=False,
            endpoint="products.index",
            action="Choose a product to show",
        )
    return ChecklistStep(
        "Publish your portfolio for employers",
        done=user.is_published,
        endpoint="accounts.publish",
        action="Publish your portfolio",
    )


def _activity(owner_id: int, months: list[date], today: date) -> tuple[list[MonthActivity], int]:
    """Products shipped and learnings recorded per month, and all learnings ever: one query."""

    def per_month(kind: str, column, model):
        year, month = extract("year", column), extract("month", column)
        return (
            db.select(literal(kind).label("kind"), year, month, func.count())
            .where(model.user_id == owner_id, column >= months[0], column <= today)
            .group_by(year, month)
        )

    shipped = per_month("shipped", Product.shipped_on, Product).where(
        Product.status.in_(SHIPPED_STATUSES)
    )
    learned = per_month("learned", Learning.learned_on, Learning)
    every_learning = db.select(
        literal("every_learning"), literal(0), literal(0), func.count(Learning.id)
    ).where(Learning.user_id == owner_id)
    counts = {
        (kind, int(year), int(month)): count
        for kind, year, month, count in db.session.execute(
            union_all(shipped, learned, every_learning)
        )
    }
    months_activity = [
        MonthActivity(
            month=start,
            shipped=counts.get(("shipped", start.year, start.month), 0),
            learnings=counts.get(("learned", start.year, start.month), 0),
        )
        for start in months
    ]
    return months_activity, counts[("every_learning", 0, 0)]


def _coverage(owner_id: int) -> list[SkillCoverage]:
    products = (
        db.select(literal("products").label("kind"), product_skills.c.skill_id, func.count())
        .join(Product, Product.id == product_skills.c.product_id)
        .where(Product.user_id == owner_id, Product.status.in_(SHIPPED_STATUSES))
        .group_by(product_skills.c.skill_id)
    )
    learnings = (
        db.select(literal("learnings").label("kind"), learning_skills.c.skill_id, func.count())
        .join(Learning, Learning.id == learning_skills.c.learning_id)
        .where(Learning.user_id == owner_id)
        .group_by(learning_skills.c.skill_id)
    )
    counts = {
        (kind, skill_id): count
        for kind, skill_id, count in db.session.execute(union_all(products, learnings))
    }
    return [
        SkillCoverage(
            skill=skill,
            shipped_products=counts.get(("products", skill.id), 0),
            learnings=counts.get(("learnings", skill.id), 0),
        )
        for skill in all_skills()
    ]


def build_dashboard(user: User, today: date) -> Dashboard:
    counts = _product_counts(user.id, user.show_ideas)
    status_counts, last_shipped_on = counts.by_status, counts.last_shipped_on
    months, learning_count = _activity(user.id, month_starts(today), today)
    recent_products = list(
        db.session.scalars(
            db.select(Product)
            .where(Product.user_id == user.id)
            .order_by(Product.updated_at.desc(), Product.id.desc())
            .limit(RECENT_COUNT)
        )
    )
    recent_learnings = list(
        db.session.scalars(
            db.select(Learning)
            .where(Learning.user_id == user.id)
            .options(joinedload(Learning.product))
            .order_by(Learning.learned_on.desc(), Learning.id.desc())
            .limit(RECENT_COUNT)
        )
    )
    product_count = sum(status_counts.values())
    return Dashboard(
        status_counts=status_counts,
        learning_count=learning_count,
        last_shipped_on=last_shipped_on,
        days_since_ship=(today - last_shipped_on).days if last_shipped_on else None,
        days_since_joining=(today - user.created_at.date()).days,
        months=months,
        coverage=_coverage(user.id),
        recent_products=recent_products,
        recent_learnings=recent_learnings,
        checklist=[
            ChecklistStep(
                "Tell employers who you are: name and headline",
                done=bool(user.display_name and user.headline),
                endpoint="accounts.settings_profile",
                action="Add your name and headline",
            ),
            ChecklistStep(
                "Log your first product: what you built, for whom, and what happened",
                done=product_count > 0,
                endpoint="products.new",
                action="Log a product",
            ),
            ChecklistStep(
                "Write down what it taught you",
                done=learning_count > 0,
                endpoint="learnings.new",
                action="Add a learning",
            ),
            _publish_step(user, counts),
        ],
        listed_count=counts.listed,
        hidden_idea_count=counts.hidden_ideas,
        readiness=portfolio_readiness(user.id),
        # The maker's own day: learnings and ships are dated in it.
        streak=goals.streak(user.id, user.weekly_goal, local_date(clock.now(), user.time_zone)),
    )


@dataclass(frozen=True)
class Audience:
    """Who is looking: the last 30 days' views, and each share link's."""

    views: ViewSummary
    share_links: list[ShareLinkStats]


def build_audience(owner_id: int, today: date) -> Audience:
    return Audience(views=recent_views(owner_id, today), share_links=share_link_stats(owner_id))
