"""Counting views of public pages: per day and referring site, without IP addresses,
cookies or full referring addresses.

A counted view waits in a buffer (core/view_buffer.py) and is written with others in
one transaction by a flush, so counting costs a page no SQL, and a failure to count
never fails the page. The maker's figures add the views still waiting.
"""

import logging
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from redis import RedisError
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from pm_portfolio.core.share_links import is_application_link
from pm_portfolio.core.view_buffer import PRODUCT
from pm_portfolio.core.view_buffer import PROFILE
from pm_portfolio.core.view_buffer import SHARE_LINK
from pm_portfolio.core.view_buffer import Flusher
from pm_portfolio.core.view_buffer import PendingView
from pm_portfolio.core.view_buffer import ViewBuffer
from pm_portfolio.core.view_buffer import open_view_buffer
from pm_portfolio.database import writing_transactions
from pm_portfolio.extensions import cache
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ProductView
from pm_portfolio.models import ProfileView
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkView
from pm_portfolio.models import User
from pm_portfolio.redis_clients import log_failure

logger = logging.getLogger(__name__)

RECENT_DAYS = 30
DAY = 24 * 3600
TOP_SOURCES = 5

# Where a view came from. A recorded site is a host name with a dot in it, so it can
# never be mistaken for one of these words.
DIRECT = "direct"
OWN_PAGES = "internal"
NOT_RECORDED = ""
OTHER_SITES = "other"
UNNAMED_SOURCES = (DIRECT, OWN_PAGES, NOT_RECORDED, OTHER_SITES)
SOURCE_LENGTH = 100
# Each kind of page: its daily table, the column naming the page, and the page's model.
_VIEW_TABLES = {
    PROFILE: (ProfileView, "user_id", User),
    PRODUCT: (ProductView, "product_id", Product),
    SHARE_LINK: (ShareLinkView, "share_link_id", ShareLink),
}
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


def init_view_counting(app) -> None:
    """Where this app's views wait (Redis, or this process) and what flushes them."""
    app.extensions["view_buffer"] = open_view_buffer(
        app.config["REDIS_URL"],
        app.config["CACHE_KEY_PREFIX"],
        app.extensions["redis_breaker"],
        flushes_itself=app.config["VIEW_FLUSH_SECONDS"] > 0,
    )

    def flush_in_context() -> None:
        with app.app_context():
            flush_views()

    app.extensions["view_flusher"] = Flusher(flush_in_context, app.config["VIEW_FLUSH_SECONDS"])


def _buffer() -> ViewBuffer:
    return current_app.extensions["view_buffer"]


def _count(owner_id: int, view: PendingView) -> None:
    """Off the request path: the view waits in the buffer for the next flush."""
    try:
        _buffer().add(owner_id, view)
    except RedisError:
        log_failure(logger, "could not count a view of %s", view)
    current_app.extensions["view_flusher"].ensure_running()


def count_profile_view(owner_id: int, day: date, source: str) -> None:
    _count(owner_id, PendingView(PROFILE, owner_id, day, source))


def count_product_view(owner_id: int, product_id: int, day: date, source: str) -> None:
    _count(owner_id, PendingView(PRODUCT, product_id, day, source))


def count_share_link_view(owner_id: int, share_link_id: int, day: date, source: str) -> None:
    _count(owner_id, PendingView(SHARE_LINK, share_link_id, day, source))


def pending_views(owner_id: int) -> Counter[PendingView]:
    """The maker's views not written yet (with Redis, every server's; else this process's)."""
    try:
        return _buffer().pending_for(owner_id)
    except RedisError:
        log_failure(logger, "could not read views waiting to be written")
        return Counter()


def views_version(owner_id: int) -> str:
    """Changes whenever a flush writes views of the maker: what their dashboard caches
    the written figures by."""
    try:
        return cache.get(_flushed_key(owner_id)) or ""
    except RedisError:
        # No version to cache by: a fresh one each time, so the figures are read afresh.
        return secrets.token_hex(8)


def _flushed_key(owner_id: int) -> str:
    return f"views-flushed:{owner_id}"


def _capped_sources(table, column: str, views: Counter[PendingView]) -> Counter[PendingView]:
    """The views with named sites beyond MAX_SITES_A_DAY per page and day (counting those
    already written) moved to OTHER_SITES; one query for the whole batch."""
    named = [view for view in views if view.source not in UNNAMED_SOURCES]
    if not named:
        return views
    written = db.session.execute(
        select(table.c[column], table.c.day, table.c.source).where(
            table.c[column].in_(sorted({view.object_id for view in named})),
            table.c.day.in_(sorted({view.day for view in named})),
            table.c.source.not_in(UNNAMED_SOURCES),
        )
    ).all()
    sites: dict[tuple[int, date], set[str]] = {}
    for object_id, day, source in written:
        sites.setdefault((object_id, day), set()).add(source)
    capped: Counter[PendingView] = Counter()
    # The most viewed sites keep their names.
    for view, count in sorted(views.items(), key=lambda item: (-item[1], item[0])):
        if view.source not in UNNAMED_SOURCES:
            page_sites = sites.setdefault((view.object_id, view.day), set())
            if view.source in page_sites or len(page_sites) < MAX_SITES_A_DAY:
                page_sites.add(view.source)
            else:
                view = replace(view, source=OTHER_SITES)
        capped[view] += count
    return capped


def _write(kind: str, views: Counter[PendingView]) -> int:
    """Add `views` to their daily table; views of pages deleted since are dropped."""
    model, column, page_model = _VIEW_TABLES[kind]
    table = model.__table__
    existing = set(
        db.session.scalars(
            select(page_model.id).where(page_model.id.in_(sorted({v.object_id for v in views})))
        )
    )
    views = Counter({view: n for view, n in views.items() if view.object_id in existing})
    if not views:
        return 0
    views = _capped_sources(table, column, views)
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[column, "day", "source"],
        set_={"count": table.c.count + statement.excluded["count"]},
    )
    db.session.execute(
        statement,
        [
            {column: view.object_id, "day": view.day, "source": view.source, "count": count}
            for view, count in sorted(views.items())
        ],
    )
    return sum(views.values())


def flush_views() -> int:
    """Write the views waiting in the buffer, a batch per transaction; returns how many."""
    written = 0
    while True:
        with _buffer().take() as batch:
            if not batch:
                return written
            by_kind: dict[str, Counter[PendingView]] = {}
            for views in batch.values():
                for view, count in views.items():
                    by_kind.setdefault(view.kind, Counter())[view] += count
            with writing_transactions():
                for kind, views in sorted(by_kind.items()):
                    written += _write(kind, views)
                db.session.commit()
        token = secrets.token_hex(8)
        try:
            cache.set_many({_flushed_key(owner_id): token for owner_id in batch}, timeout=DAY)
        except RedisError:
            # Dashboards may show the figures they kept for up to an hour, their lifetime.
            log_failure(logger, "could not mark the written views")


def recent_views(owner_id: int, today: date, days: int = RECENT_DAYS) -> ViewSummary:
    """Views of the maker's profile, products and share links over the last `days` days,
    and where they came from: one query, and the views not written yet."""
    return _summarise_views(
        _written_views(owner_id, today - timedelta(days=days - 1), today),
        pending_views(owner_id),
        today,
        days,
    )


def views_by_source(owner_id: int, first_day: date, last_day: date) -> Counter[str]:
    """Views written for the maker from each source, on the days from `first_day` to
    `last_day`, of every kind of page."""
    counts: Counter[str] = Counter()
    for _kind, source, count in _written_views(owner_id, first_day, last_day):
        counts[source] += count
    return counts


def _written_views(owner_id: int, first_day: date, last_day: date) -> list[tuple[str, str, int]]:
    """(kind, source, views) written for the maker on the days from `first_day` to
    `last_day`."""
    views = union_all(
        db.select(literal(PROFILE).label("kind"), ProfileView.source, ProfileView.count).where(
            ProfileView.user_id == owner_id, ProfileView.day.between(first_day, last_day)
        ),
        db.select(literal(PRODUCT).label("kind"), ProductView.source, ProductView.count)
        .join(Product, Product.id == ProductView.product_id)
        .where(Product.user_id == owner_id, ProductView.day.between(first_day, last_day)),
        db.select(literal(SHARE_LINK).label("kind"), ShareLinkView.source, ShareLinkView.count)
        .join(ShareLink, ShareLink.id == ShareLinkView.share_link_id)
        .where(ShareLink.user_id == owner_id, ShareLinkView.day.between(first_day, last_day)),
    ).subquery()
    rows = db.session.execute(
        db.select(views.c.kind, views.c.source, func.sum(views.c.count)).group_by(
            views.c.kind, views.c.source
        )
    ).all()
    return [(kind, source, int(count)) for kind, source, count in rows]


def _summarise_views(
    written: list[tuple[str, str, int]],
    pending: Counter[PendingView],
    today: date,
    days: int = RECENT_DAYS,
) -> ViewSummary:
    """The dashboard's figures from the written (kind, source, views) and those waiting."""
    since = today - timedelta(days=days - 1)
    by_kind: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    waiting = ((view.kind, view.source, n) for view, n in pending.items() if view.day >= since)
    for kind, source, count in (*written, *waiting):
        by_kind[kind] += count
        by_source[source] += count
    from_own_pages = by_source.pop(OWN_PAGES, 0)
    ranked = sorted(by_source.items(), key=lambda item: (-item[1], item[0]))
    return ViewSummary(
        profile=by_kind[PROFILE],
        products=by_kind[PRODUCT],
        share_links=by_kind[SHARE_LINK],
        top_sources=[SourceViews(source, count) for source, count in ranked[:TOP_SOURCES]],
        from_own_pages=from_own_pages,
    )


def share_link_stats(owner_id: int) -> list[ShareLinkStats]:
    """Every product or portfolio link of the maker with its total views and the
    first and last days it was opened, the views not written yet included."""
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
        .where(
            ShareLink.user_id == owner_id,
            # An application shows its own link's activity.
            ~is_application_link(ShareLink.id),
        )
        .options(joinedload(ShareLink.product))
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    ).all()
    waiting: dict[int, list[tuple[date, int]]] = {}
    for view, count in pending_views(owner_id).items():
        if view.kind == SHARE_LINK:
            waiting.setdefault(view.object_id, []).append((view.day, count))
    stats = []
    for link, views, first_day, last_day in rows:
        days = [day for day in (first_day, last_day) if day]
        days += [day for day, _count in waiting.get(link.id, ())]
        views = int(views or 0) + sum(count for _day, count in waiting.get(link.id, ()))
        stats.append(ShareLinkStats(link, views, min(days, default=None), max(days, default=None)))
    return stats
