"""Counting views of public pages: per day, without IP addresses or cookies.

Each counted view is one upsert on its own short transaction, so counting never
holds up the page's own reads, and a failure to count never fails the page.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import literal
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
# Crawlers, link-preview fetchers, scripts and headless browsers: not people reading.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|headless|"
    r"lighthouse|curl|wget|python|httpx|go-http-client|java/|okhttp|libwww|monitor|scan",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ViewSummary:
    profile: int
    products: int
    share_links: int

    @property
    def total(self) -> int:
        return self.profile + self.products + self.share_links


@dataclass(frozen=True)
class ShareLinkStats:
    link: ShareLink
    views: int
    last_viewed_on: date | None


def is_bot(user_agent: str | None) -> bool:
    return not user_agent or bool(BOT_USER_AGENT.search(user_agent))


def should_count(user_agent: str | None, viewer_id: int | None, owner_id: int) -> bool:
    """People count; the maker looking at their own page and bots do not."""
    return viewer_id != owner_id and not is_bot(user_agent)


def _increment(model, day: date, **key: int) -> None:
    table = model.__table__
    dialect = db.engine.dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(day=day, count=1, **key)
        .on_conflict_do_update(index_elements=[*key, "day"], set_={"count": table.c.count + 1})
    )
    try:
        with db.engine.begin() as connection:
            connection.execute(statement)
    except SQLAlchemyError:
        logger.warning("could not count a view of %s %s", table.name, key, exc_info=True)


def count_profile_view(user_id: int, day: date) -> None:
    _increment(ProfileView, day, user_id=user_id)


def count_product_view(product_id: int, day: date) -> None:
    _increment(ProductView, day, product_id=product_id)


def count_share_link_view(share_link_id: int, day: date) -> None:
    _increment(ShareLinkView, day, share_link_id=share_link_id)


def recent_views(owner_id: int, today: date, days: int = RECENT_DAYS) -> ViewSummary:
    """Views of the maker's profile, products and share links over the last `days` days."""
    since = today - timedelta(days=days - 1)
    profile = db.select(literal("profile").label("kind"), func.sum(ProfileView.count)).where(
        ProfileView.user_id == owner_id, ProfileView.day >= since
    )
    products = (
        db.select(literal("products").label("kind"), func.sum(ProductView.count))
        .join(Product, Product.id == ProductView.product_id)
        .where(Product.user_id == owner_id, ProductView.day >= since)
    )
    share_links = (
        db.select(literal("share_links").label("kind"), func.sum(ShareLinkView.count))
        .join(ShareLink, ShareLink.id == ShareLinkView.share_link_id)
        .where(ShareLink.user_id == owner_id, ShareLinkView.day >= since)
    )
    totals = dict(db.session.execute(union_all(profile, products, share_links)).all())
    return ViewSummary(
        profile=int(totals.get("profile") or 0),
        products=int(totals.get("products") or 0),
        share_links=int(totals.get("share_links") or 0),
    )


def share_link_stats(owner_id: int) -> list[ShareLinkStats]:
    """Every share link of the maker with its total views and the last day it was opened."""
    totals = (
        db.select(
            ShareLinkView.share_link_id,
            func.sum(ShareLinkView.count).label("views"),
            func.max(ShareLinkView.day).label("last_day"),
        )
        .join(ShareLink, ShareLink.id == ShareLinkView.share_link_id)
        .where(ShareLink.user_id == owner_id)
        .group_by(ShareLinkView.share_link_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(ShareLink, totals.c.views, totals.c.last_day)
        .outerjoin(totals, totals.c.share_link_id == ShareLink.id)
        .where(ShareLink.user_id == owner_id)
        .options(joinedload(ShareLink.product))
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    ).all()
    return [ShareLinkStats(link, int(views or 0), last_day) for link, views, last_day in rows]
