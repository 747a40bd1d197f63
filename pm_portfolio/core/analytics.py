"""Counting views of public pages: per day and referring site, without IP addresses,
cookies or full referring addresses.

Each counted view is one upsert on its own short transaction, so counting never
holds up the page's own reads, and a failure to count never fails the page.
"""

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ProductView
from pm_portfolio.models import ProfileView
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkView

logger = logging.getLogger(__name__)

RECENT_DAYS = 30
TOP_SOURCES = 5

# Where a view came from. A recorded site is a host name with a dot in it, so it can
# never be mistaken for one of these words.
DIRECT = "direct"
OWN_PAGES = "internal"
NOT_RECORDED = ""
OTHER_SITES = "other"
UNNAMED_SOURCES = (DIRECT, OWN_PAGES, NOT_RECORDED, OTHER_SITES)
SOURCE_LENGTH = 100
# Sites named per page and day; beyond them views count as "other", so a script
# inventing Referer headers cannot grow the tables without bound.
MAX_SITES_A_DAY = 20
# Apps open links with their own schemes (LinkedIn's Android app sends
# android-app://com.linkedin.android/); their host says as much as a web site's.
_REFERRER_SCHEMES = {"http", "https", "android-app"}
_HOST_NAME = re.compile(
    rf"(?=.{{4,{SOURCE_LENGTH}}}$)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]*[a-z]"
)
# Crawlers, link-preview fetchers, scripts and headless browsers: not people reading.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|headless|"
    r"lighthouse|curl|wget|python|httpx|go-http-client|java/|okhttp|libwww|monitor|scan",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SourceViews:
    source: str
    views: int


@dataclass(frozen=True)
class ViewSummary:
    """Views of each kind of page, the sites readers came from (most views first), and
    how many views were readers going on from one of the maker's pages to another."""

    profile: int
    products: int
    share_links: int
    top_sources: list[SourceViews]
    from_own_pages: int

    @property
    def total(self) -> int:
        return self.profile + self.products + self.share_links


@dataclass(frozen=True)
class ShareLinkStats:
    link: ShareLink
    views: int
    first_viewed_on: date | None
    last_viewed_on: date | None


def is_bot(user_agent: str | None) -> bool:
    return not user_agent or bool(BOT_USER_AGENT.search(user_agent))


def should_count(user_agent: str | None, viewer_id: int | None, owner_id: int) -> bool:
    """People count; the maker looking at their own page and bots do not."""
    return viewer_id != owner_id and not is_bot(user_agent)


def referrer_source(referrer: str | None, own_hosts: Iterable[str]) -> str:
    """The site a reader came from: the host of the Referer header, never its path or
    query; `DIRECT` when there is none worth keeping; `OWN_PAGES` from this site (any of
    `own_hosts`, with or without a port)."""
    if not referrer:
        return DIRECT
    try:
        parts = urlsplit(referrer.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return DIRECT
    if parts.scheme.lower() not in _REFERRER_SCHEMES:
        return DIRECT
    if host in {own.lower().partition(":")[0] for own in own_hosts}:
        return OWN_PAGES
    host = host.removeprefix("www.")
    return host if _HOST_NAME.fullmatch(host) else DIRECT


def source_label(source: str) -> str:
    """A source as the maker reads it on their dashboard."""
    if source == DIRECT:
        return "Direct (typed, bookmarked, or from an app that hides it)"
    if source == NOT_RECORDED:
        return "Not recorded (counted before sources were)"
    if source == OWN_PAGES:
        return "Your own pages"
    if source == OTHER_SITES:
        return "Other sites"
    return source


def _named_source(connection, table, this_page_today, source: str) -> str:
    """A named site as the page counts it today: itself while the page has fewer than
    MAX_SITES_A_DAY named sites that day, or already counts it; else OTHER_SITES."""
    named = connection.execute(
        select(func.count(), func.count().filter(table.c.source == source))
        .select_from(table)
        .where(this_page_today, table.c.source.not_in(UNNAMED_SOURCES))
    ).one()
    return source if named[1] or named[0] < MAX_SITES_A_DAY else OTHER_SITES


def _increment(model, day: date, source: str, **key: int) -> None:
    """One upsert; for a named site, a count of the page's sites that day before it."""
    table = model.__table__
    ((column, value),) = key.items()
    this_page_today = and_(table.c[column] == value, table.c.day == day)
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    try:
        with db.engine.begin() as connection:
            if source not in UNNAMED_SOURCES:
                source = _named_source(connection, table, this_page_today, source)
            connection.execute(
                insert(table)
                .values(day=day, source=source, count=1, **key)
                .on_conflict_do_update(
                    index_elements=[*key, "day", "source"], set_={"count": table.c.count + 1}
                )
            )
    except SQLAlchemyError:
        logger.warning("could not count a view of %s %s", table.name, key, exc_info=True)


def count_profile_view(user_id: int, day: date, source: str) -> None:
    _increment(ProfileView, day, source, user_id=user_id)


def count_product_view(product_id: int, day: date, source: str) -> None:
    _increment(ProductView, day, source, product_id=product_id)


def count_share_link_view(share_link_id: int, day: date, source: str) -> None:
    _increment(ShareLinkView, day, source, share_link_id=share_link_id)


def recent_views(owner_id: int, today: date, days: int = RECENT_DAYS) -> ViewSummary:
    """Views of the maker's profile, products and share links over the last `days` days,
    and where they came from, in one query."""
    since = today - timedelta(days=days - 1)
    views = union_all(
        db.select(literal("profile").label("kind"), ProfileView.source, ProfileView.count).where(
            ProfileView.user_id == owner_id, ProfileView.day >= since
        ),
        db.select(literal("products").label("kind"), ProductView.source, ProductView.count)
        .join(Product, Product.id == ProductView.product_id)
        .where(Product.user_id == owner_id, ProductView.day >= since),
        db.select(literal("share_links").label("kind"), ShareLinkView.source, ShareLinkView.count)
        .join(ShareLink, ShareLink.id == ShareLinkView.share_link_id)
        .where(ShareLink.user_id == owner_id, ShareLinkView.day >= since),
    ).subquery()
    rows = db.session.execute(
        db.select(views.c.kind, views.c.source, func.sum(views.c.count)).group_by(
            views.c.kind, views.c.source
        )
    ).all()
    by_kind: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for kind, source, count in rows:
        by_kind[kind] += int(count)
        by_source[source] += int(count)
    from_own_pages = by_source.pop(OWN_PAGES, 0)
    ranked = sorted(by_source.items(), key=lambda item: (-item[1], item[0]))
    return ViewSummary(
        profile=by_kind["profile"],
        products=by_kind["products"],
        share_links=by_kind["share_links"],
        top_sources=[SourceViews(source, count) for source, count in ranked[:TOP_SOURCES]],
        from_own_pages=from_own_pages,
    )


def share_link_stats(owner_id: int) -> list[ShareLinkStats]:
    """Every share link of the maker with its total views and the first and last days
    it was opened."""
    totals = (
        db.select(
            ShareLinkView.share_link_id,
            func.sum(ShareLinkView.count).label("views"),
            func.min(ShareLinkView.day).label("first_day"),
            func.max(ShareLinkView.day).label("last_day"),
        )
        .join(ShareLink, ShareLink.id == ShareLinkView.share_link_id)
        .where(ShareLink.user_id == owner_id)
        .group_by(ShareLinkView.share_link_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(ShareLink, totals.c.views, totals.c.first_day, totals.c.last_day)
        .outerjoin(totals, totals.c.share_link_id == ShareLink.id)
        .where(ShareLink.user_id == owner_id)
        .options(joinedload(ShareLink.product))
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    ).all()
    return [
        ShareLinkStats(link, int(views or 0), first_day, last_day)
        for link, views, first_day, last_day in rows
    ]
