"""The weekly digest: what happened to a maker's portfolio and job search in a week,
told in one email a maker opts into, and never sent when nothing happened.

A week is the ISO week in the maker's time zone. The digest is due from 08:00 on the
weekday they chose, and tells the seven days before that day. Each week is claimed by a
row (unique per maker and week) before anything is sent, so running
`flask digest send` often, or on several servers, sends one digest a week at most.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from pm_portfolio.core import coach
from pm_portfolio.core import goals
from pm_portfolio.core import reviews
from pm_portfolio.core.analytics import OWN_PAGES
from pm_portfolio.core.analytics import views_by_source
from pm_portfolio.core.dates import known_time_zone
from pm_portfolio.core.dates import local_moment
from pm_portfolio.core.dates import week_of
from pm_portfolio.core.follow_ups import FollowUp
from pm_portfolio.core.follow_ups import follow_ups
from pm_portfolio.database import writing_transactions
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import User
from pm_portfolio.models import WeeklyDigest

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DUE_FROM = time(8, 0)
# A claimed week not done by then is taken again by the next run.
RETRY_AFTER = timedelta(hours=1)
# Sites listed by name; the rest are summed up.
TOP_SITES = 5


def send_day(now: datetime, time_zone: str, digest_day: int) -> date | None:
    """The day this week's digest is due on, if it is due by now where the maker is."""
    local = local_moment(now, time_zone)
    due_on = local.date() - timedelta(days=local.weekday()) + timedelta(days=digest_day)
    if local.date() > due_on or (local.date() == due_on and local.time() >= DUE_FROM):
        return due_on
    return None


def due(now: datetime) -> list[tuple[int, date]]:
    """(maker id, send day) of every opted-in maker whose digest is due and not claimed
    yet this week. One query for the makers, one for this week's claims. Only to a
    confirmed address: a mistyped one must not receive someone's week."""
    makers = db.session.execute(
        db.select(User.id, User.time_zone, User.digest_day).where(
            User.weekly_digest.is_(True), User.email_verified_at.is_not(None)
        )
    ).all()
    candidates = {}
    for maker_id, time_zone, digest_day in makers:
        day = send_day(now, time_zone, digest_day)
        if day is not None:
            candidates[maker_id] = day
    if not candidates:
        return []
    weeks = {week_of(day) for day in candidates.values()}
    claimed = set(
        db.session.execute(
            db.select(WeeklyDigest.user_id, WeeklyDigest.week_of).where(
                WeeklyDigest.week_of.in_(sorted(weeks))
            )
        ).all()
    )
    return [
        (maker_id, day)
        for maker_id, day in sorted(candidates.items())
        if (maker_id, week_of(day)) not in claimed
    ]


def claim_many(due_digests: list[tuple[int, date]], now: datetime) -> list[int]:
    """Claim these makers' weeks, many in one statement; the ids of the rows claimed.
    If another run claimed one of them meanwhile, that batch is claimed one by one,
    and the taken weeks are left out."""
    rows = [
        {"user_id": maker_id, "week_of": week_of(day), "send_on": day, "claimed_at": now}
        for maker_id, day in due_digests
    ]
    if not rows:
        return []
    db.session.commit()
    try:
        with writing_transactions():
            ids = list(db.session.scalars(db.insert(WeeklyDigest).returning(WeeklyDigest.id), rows))
            db.session.commit()
    except IntegrityError:
        db.session.rollback()
        claimed = (claim(maker_id, day, now) for maker_id, day in due_digests)
        return [digest.id for digest in claimed if digest is not None]
    return ids


def claim(maker_id: int, day: date, now: datetime) -> WeeklyDigest | None:
    """This week's row for the maker, or None if someone (another run, another server)
    claimed it first."""
    # The week's claim is the transaction's first statement (see writing_transactions).
    db.session.commit()
    with writing_transactions():
        digest = WeeklyDigest(user_id=maker_id, week_of=week_of(day), send_on=day, claimed_at=now)
        db.session.add(digest)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
    return digest


def unfinished(now: datetime) -> list[int]:
    """Weeks claimed this past week, an hour ago or more, and neither sent nor found
    empty: their job failed. The next run tries them again."""
    return list(
        db.session.scalars(
            db.select(WeeklyDigest.id)
            .where(
                WeeklyDigest.sent_at.is_(None),
                WeeklyDigest.nothing_to_tell.is_(False),
                WeeklyDigest.claimed_at.between(now - timedelta(days=7), now - RETRY_AFTER),
            )
            .order_by(WeeklyDigest.id)
        )
    )


def mark_sent(digest: WeeklyDigest, now: datetime) -> None:
    digest.sent_at = now
    db.session.commit()


def mark_nothing_to_tell(digest: WeeklyDigest) -> None:
    digest.nothing_to_tell = True
    db.session.commit()


@dataclass(frozen=True)
class SiteViews:
    site: str
    views: int
    # Views a week from it over the four weeks before.
    average: float

    @property
    def change(self) -> str:
        """How this week compares, in words: "+40 % on the 4-week average"."""
        if not self.average:
            return "new"
        percent = round((self.views - self.average) / self.average * 100)
        return f"{percent:+d} % on the 4-week average"


@dataclass(frozen=True)
class LinkOpened:
    """A share or application link opened in the week, and the case studies read."""

    name: str
    opens: int
    case_studies: list[str]


@dataclass
class Digest:
    """What a digest tells, all of it true for the maker's week."""

    maker_name: str
    first_day: date
    last_day: date
    sites: list[SiteViews] = field(default_factory=list)
    other_views: int = 0
    links: list[LinkOpened] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    new_comments: int = 0
    open_comments: int = 0
    learnings: int = 0
    shipped: list[str] = field(default_factory=list)
    next_step: coach.NextStep | None = None
    streak: goals.Streak | None = None

    @property
    def views(self) -> int:
        return sum(site.views for site in self.sites) + self.other_views

    @property
    def anything_happened(self) -> bool:
        """Whether the week has news: the coach's advice alone is not."""
        return bool(
            self.views
            or self.links
            or self.follow_ups
            or self.new_comments
            or self.learnings
            or self.shipped
        )


def _views_by_site(maker_id: int, first_day: date, last_day: date) -> Counter[str]:
    """Views of the maker's pages from each referring site, the maker's own aside."""
    counts = views_by_source(maker_id, first_day, last_day)
    counts.pop(OWN_PAGES, None)
    return counts


def _sites(maker_id: int, first_day: date, last_day: date) -> tuple[list[SiteViews], int]:
    week = _views_by_site(maker_id, first_day, last_day)
    before = _views_by_site(maker_id, first_day - timedelta(days=28), first_day - timedelta(1))
    ranked = sorted(week.items(), key=lambda item: (-item[1], item[0]))
    sites = [SiteViews(site, views, before[site] / 4) for site, views in ranked[:TOP_SITES]]
    return sites, sum(views for _site, views in ranked[TOP_SITES:])


def _moment(day: date, time_zone: str) -> datetime:
    """The start of `day` where the maker is, in UTC."""
    zone = ZoneInfo(known_time_zone(time_zone))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _links_opened(maker_id: int, start: datetime, end: datetime) -> list[LinkOpened]:
    rows = db.session.execute(
        db.select(
            ShareLink.id, ShareLink.name, Application.company, Application.role, Product.title
        )
        .join(ShareLinkOpen, ShareLinkOpen.share_link_id == ShareLink.id)
        .outerjoin(Application, Application.share_link_id == ShareLink.id)
        .outerjoin(Product, Product.id == ShareLinkOpen.product_id)
        .where(
            ShareLink.user_id == maker_id,
            ShareLinkOpen.opened_at >= start,
            ShareLinkOpen.opened_at < end,
        )
        .order_by(ShareLink.id, ShareLinkOpen.opened_at)
    ).all()
    links: dict[int, LinkOpened] = {}
    for link_id, name, company, role, title in rows:
        label = f"{company} ({role})" if company else name or "Your share link"
        link = links.setdefault(link_id, LinkOpened(label, 0, []))
        links[link_id] = LinkOpened(
            link.name,
            link.opens + 1,
            link.case_studies + ([title] if title and title not in link.case_studies else []),
        )
    return sorted(links.values(), key=lambda link: (-link.opens, link.name))


def build(maker: User, day: date, link_url: Callable[[ShareLink], str]) -> Digest:
    """The digest of the seven days before `day` (its send day), in the maker's zone."""
    first_day, last_day = day - timedelta(days=7), day - timedelta(days=1)
    start, end = _moment(first_day, maker.time_zone), _moment(day, maker.time_zone)
    sites, other_views = _sites(maker.id, first_day, last_day)
    readiness = coach.portfolio_readiness(maker.id)
    return Digest(
        maker_name=maker.name,
        first_day=first_day,
        last_day=last_day,
        sites=sites,
        other_views=other_views,
        links=_links_opened(maker.id, start, end),
        follow_ups=follow_ups(maker.id, maker.name, day, maker.time_zone, link_url),
        new_comments=db.session.scalar(
            db.select(func.count(ReviewComment.id)).where(
                ReviewComment.user_id == maker.id,
                ReviewComment.created_at >= start,
                ReviewComment.created_at < end,
            )
        ),
        open_comments=reviews.open_count(maker.id),
        learnings=db.session.scalar(
            db.select(func.count(Learning.id)).where(
                Learning.user_id == maker.id, Learning.learned_on.between(first_day, last_day)
            )
        ),
        shipped=list(
            db.session.scalars(
                db.select(Product.title)
                .where(Product.user_id == maker.id, Product.shipped_on.between(first_day, last_day))
                .order_by(Product.shipped_on, Product.id)
            )
        ),
        next_step=readiness.next_step if readiness else None,
        # The goal as it stood at the end of the week told.
        streak=goals.streak(maker.id, maker.weekly_goal, last_day),
    )
