"""What a reader may see of a maker, and in which order.

Every rule about visibility lives here, as SQL clauses for queries and as plain
predicates for pages that explain them to the maker:

- a product is on the published portfolio if it is public, and, while it is an
  idea, only if the maker chose to show ideas;
- a product can be opened through a share link if it is public or unlisted;
- a learning is public if it is marked public and its product is on the portfolio.

Nothing private reaches a public surface because every public query starts here.
"""

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import null
from sqlalchemy import or_
from sqlalchemy import true
from sqlalchemy import union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from pm_portfolio.core import stamps
from pm_portfolio.core.results import headline_metric
from pm_portfolio.core.stamps import OwnerStamp
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import MediaFile
from pm_portfolio.models import MediaItem
from pm_portfolio.models import MediaType
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductSlugRedirect
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from pm_portfolio.models import Visibility

SHAREABLE = (Visibility.UNLISTED, Visibility.PUBLIC)
LATEST_LEARNINGS = 5
# A card is a summary: its headline result and the next few; the case study has them all.
CARD_METRICS = 3
# Sitemap rows read from the database at a time.
SITEMAP_BATCH = 1000


def on_portfolio(show_ideas: bool | ColumnElement[bool]) -> ColumnElement[bool]:
    """Products listed on a published portfolio; `show_ideas` is the owner's choice or column."""
    if isinstance(show_ideas, bool):
        show_ideas = true() if show_ideas else false()
    return and_(
        Product.visibility == Visibility.PUBLIC,
        or_(Product.status != ProductStatus.IDEA, show_ideas),
    )


def reachable_by_link() -> ColumnElement[bool]:
    """Products a share link may show."""
    return Product.visibility.in_(SHAREABLE)


@dataclass(frozen=True)
class Reach:
    """Who can read a product, as the maker's own pages explain it."""

    visibility: Visibility
    on_portfolio: bool
    by_link: bool

    @property
    def hidden_idea(self) -> bool:
        """Public, but off the portfolio because ideas are not shown."""
        return self.visibility == Visibility.PUBLIC and not self.on_portfolio


def reach(product, show_ideas: bool) -> Reach:
    """The Python twin of `on_portfolio` and `reachable_by_link`, for one product (or any
    row with its `status` and `visibility`)."""
    visibility = Visibility(product.visibility)
    return Reach(
        visibility=visibility,
        on_portfolio=visibility == Visibility.PUBLIC
        and (product.status != ProductStatus.IDEA or show_ideas),
        by_link=visibility in SHAREABLE,
    )


@dataclass(frozen=True)
class ReaderView:
    """What a reader of the published portfolio sees, and why the maker's other products
    are not there: the maker's pages say exactly this, so nobody publishes an empty page
    believing it full."""

    listed: list[str]
    hidden_ideas: list[str]
    unlisted: list[str]
    private: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.listed


def reader_view(owner_id: int, show_ideas: bool) -> ReaderView:
    """Titles on the portfolio (in its order) and the others, by why they are hidden."""
    rows = db.session.execute(
        db.select(Product.title, Product.status, Product.visibility)
        .where(Product.user_id == owner_id)
        .order_by(*portfolio_order())
    ).all()
    reaches = [(row.title, reach(row, show_ideas)) for row in rows]
    return ReaderView(
        listed=[title for title, seen in reaches if seen.on_portfolio],
        hidden_ideas=[title for title, seen in reaches if seen.hidden_idea],
        unlisted=[title for title, seen in reaches if seen.visibility == Visibility.UNLISTED],
        private=[title for title, seen in reaches if seen.visibility == Visibility.PRIVATE],
    )


def empty_portfolio_advice(reader: ReaderView) -> str:
    """What to do so that a reader sees a product, for a portfolio that shows none."""
    if reader.hidden_ideas:
        return (
            f"“{reader.hidden_ideas[0]}” is still an idea, and ideas show only if you tick "
            "“Show ideas too”; or set its status to building or shipped."
        )
    if reader.unlisted or reader.private:
        return "Your products are private or unlisted: make one public to show it."
    return "Log a product and make it public to show it."


def portfolio_order():
    """Featured first, in the maker's order, then the most recently shipped or updated."""
    return (
        Product.is_featured.desc(),
        Product.position,
        case((Product.shipped_on.is_(None), 1), else_=0),
        Product.shipped_on.desc(),
        Product.updated_at.desc(),
        Product.id.desc(),
    )


@dataclass(frozen=True)
class PublicOwner:
    """What public pages know of a maker; read as one plain row, as public pages are hot."""

    id: int
    username: str
    display_name: str
    headline: str
    bio: str
    website_url: str
    linkedin_url: str
    github_url: str
    location: str
    open_to: str
    # Public by the maker's choice, yet shown only on the contact page and in PDFs.
    contact_email: str
    contact_url: str
    is_published: bool
    show_ideas: bool
    portfolio_version: int
    # The profile photo at 1x and 2x (None without one).
    avatar_key: str | None = None
    avatar_key_2x: str | None = None

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_url)

    @property
    def initials(self) -> str:
        """Up to two letters for the disc shown until there is a photo: "Ada Lovelace" → "AL"."""
        words = [word for word in self.name.split() if word[0].isalnum()] or [self.username]
        letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
        return letters.upper()

    @property
    def hue(self) -> int:
        """One of eight disc colours, the same for a maker on every page and server."""
        return sum(self.username.encode()) % 8


@dataclass(frozen=True)
class SitemapVersion:
    """How many addresses the sitemap lists, and when the newest of them last changed."""

    urls: int
    last_changed: datetime | None


@dataclass(frozen=True)
class SitemapUrl:
    username: str
    # None for the portfolio itself, else one of its case studies.
    slug: str | None
    changed_at: datetime


@dataclass(frozen=True)
class SkillCount:
    skill: Skill
    products: int


def _avatar_key(largest: bool):
    """The key of the owner's smallest (or largest) profile photo file, in the owner's row."""
    return (
        db.select(MediaFile.key)
        .join(MediaItem, MediaItem.id == MediaFile.item_id)
        .where(MediaItem.user_id == User.id, MediaItem.media_type == MediaType.AVATAR)
        .order_by(MediaFile.width.desc() if largest else MediaFile.width)
        .limit(1)
        .correlate(User)
        .scalar_subquery()
    )


_USER_FIELDS = [name for name in PublicOwner.__dataclass_fields__ if not name.startswith("avatar")]
_OWNER_ROW = db.select(
    *(getattr(User, name) for name in _USER_FIELDS),
    _avatar_key(largest=False),
    _avatar_key(largest=True),
)
# Built once: every public request, even a 304, starts with this query.
_OWNER_BY_USERNAME = _OWNER_ROW.where(User.username == bindparam("username"))


def find_owner(username: str) -> PublicOwner | None:
    row = db.session.execute(_OWNER_BY_USERNAME, {"username": username.lower()}).first()
    return PublicOwner(*row) if row else None


def owner_stamp(username: str) -> OwnerStamp | None:
    """What a public page's ETag needs of the maker: kept by every server (see
    core/stamps.py), or read here and kept for the next reader."""
    stamp = stamps.owner_stamp(username)
    if stamp is None:
        owner = find_owner(username)
        if owner is None:
            return None
        stamp = OwnerStamp(owner.id, owner.portfolio_version, owner.is_published)
        stamps.keep_owner_stamp(username, stamp)
    return stamp


def owner_by_id(owner_id: int) -> PublicOwner:
    """The owner of a share link, as public pages know makers."""
    return PublicOwner(*db.session.execute(_OWNER_ROW.where(User.id == owner_id)).one())


def can_see_portfolio(owner: PublicOwner | OwnerStamp, viewer_id: int | None) -> bool:
    """Anyone once it is published; before that only its maker, as a preview."""
    return owner.is_published or viewer_id == owner.id


def _portfolio_products(owner: PublicOwner):
    return db.select(Product).where(Product.user_id == owner.id, on_portfolio(owner.show_ideas))


# What a card shows, loaded with the list: covers come in the same query.
CARD_LOADING = (
    selectinload(Product.metrics),
    selectinload(Product.skills),
    joinedload(Product.cover).joinedload(MediaItem.files),
)
# What a case study shows, in a fixed few queries.
CASE_STUDY_LOADING = (
    joinedload(Product.metrics),
    joinedload(Product.skills),
    selectinload(Product.media).selectinload(MediaItem.files),
    selectinload(Product.approved_endorsements),
)
# What JSON Resume gives: the cards, with approved confirmations as references.
RESUME_LOADING = (*CARD_LOADING, selectinload(Product.approved_endorsements))


def public_products(owner: PublicOwner, loading=CARD_LOADING) -> list[Product]:
    """The products on the portfolio, in its order, with what `loading` loads (what a
    card shows; CASE_STUDY_LOADING for documents of whole case studies)."""
    query = _portfolio_products(owner).options(*loading).order_by(*portfolio_order())
    return list(db.session.scalars(query).unique())


def public_product(owner: PublicOwner, slug: str) -> Product | None:
    query = _portfolio_products(owner).where(Product.slug == slug).options(*CASE_STUDY_LOADING)
    return db.session.scalars(query).unique().first()


@dataclass(frozen=True)
class Neighbour:
    slug: str
    title: str


@dataclass(frozen=True)
class Neighbours:
    """The case studies before and after one, in the order its reader met them."""

    previous: Neighbour | None = None
    next: Neighbour | None = None


def neighbours(ordered: list[Neighbour], slug: str) -> Neighbours:
    """`slug`'s neighbours in `ordered`; none at either end, none if it is not there."""
    slugs = [item.slug for item in ordered]
    if slug not in slugs:
        return Neighbours()
    index = slugs.index(slug)
    return Neighbours(
        previous=ordered[index - 1] if index > 0 else None,
        next=ordered[index + 1] if index + 1 < len(ordered) else None,
    )


def portfolio_neighbours(owner: PublicOwner, slug: str) -> Neighbours:
    """A public case study's neighbours in the portfolio's order, titles only."""
    rows = db.session.execute(
        _portfolio_products(owner)
        .with_only_columns(Product.slug, Product.title)
        .order_by(*portfolio_order())
    )
    return neighbours([Neighbour(row.slug, row.title) for row in rows], slug)


def renamed_product_slug(owner: PublicOwner, old_slug: str) -> str | None:
    """The current slug of the public product that used to live at `old_slug`."""
    return db.session.scalar(
        _portfolio_products(owner)
        .with_only_columns(Product.slug)
        .join(ProductSlugRedirect, ProductSlugRedirect.product_id == Product.id)
        .where(ProductSlugRedirect.user_id == owner.id, ProductSlugRedirect.old_slug == old_slug)
    )


def build_log(product: Product) -> list[Learning]:
    """The public learnings of a product a reader may already see, oldest first."""
    return build_logs([product])[product.id]


def build_logs(products: list[Product]) -> dict[int, list[Learning]]:
    """`build_log` of several products in one query, by product id."""
    logs: dict[int, list[Learning]] = {product.id: [] for product in products}
    learnings = db.session.scalars(
        db.select(Learning)
        .where(Learning.product_id.in_(list(logs)), Learning.is_public.is_(True))
        .order_by(Learning.learned_on, Learning.id)
    )
    for learning in learnings:
        logs[learning.product_id].append(learning)
    return logs


def latest_public_learnings(owner: PublicOwner, limit: int = LATEST_LEARNINGS) -> list[Learning]:
    shown_product_ids = _portfolio_products(owner).with_only_columns(Product.id).scalar_subquery()
    return list(
        db.session.scalars(
            db.select(Learning)
            .where(
                Learning.user_id == owner.id,
                Learning.is_public.is_(True),
                Learning.product_id.in_(shown_product_ids),
            )
            .options(joinedload(Learning.product))
            .order_by(Learning.learned_on.desc(), Learning.id.desc())
            .limit(limit)
        )
    )


def card_metrics(product: Product) -> list[Metric]:
    """The results a card has room for: the one that says most first, then the maker's
    order."""
    headline = headline_metric(product.metrics)
    rest = [metric for metric in product.metrics if metric is not headline]
    return ([headline, *rest] if headline else rest)[:CARD_METRICS]


def skills_demonstrated(products: list[Product]) -> list[SkillCount]:
    """Each PM skill shown by these products, with how many show it, in taxonomy order."""
    counts = Counter(skill.id for product in products for skill in product.skills)
    skills = {skill.id: skill for product in products for skill in product.skills}
    ordered = sorted(skills.values(), key=lambda skill: skill.position)
    return [SkillCount(skill, counts[skill.id]) for skill in ordered]


def shipping_timeline(products: list[Product]) -> list[Product]:
    """Products with a ship date, latest first."""
    shipped = [product for product in products if product.shipped_on]
    return sorted(shipped, key=lambda product: product.shipped_on, reverse=True)


def _sitemap_urls():
    """One row per address in the sitemap: each published portfolio, and each product on
    it. A portfolio changes whenever anything on it does (its version bump touches the
    maker's row), so the maker's `updated_at` is its last change."""
    published = User.is_published.is_(True)
    portfolios = db.select(
        User.username, cast(null(), String).label("slug"), User.updated_at.label("changed_at")
    ).where(published)
    products = (
        db.select(User.username, Product.slug, Product.updated_at.label("changed_at"))
        .join(Product, and_(Product.user_id == User.id, on_portfolio(User.show_ideas)))
        .where(published)
    )
    return union_all(portfolios, products).subquery()


def sitemap_version() -> SitemapVersion:
    urls = _sitemap_urls()
    count, latest = db.session.execute(
        db.select(func.count(), func.max(urls.c.changed_at)).select_from(urls)
    ).one()
    return SitemapVersion(count, latest)


def sitemap_page(page: int, size: int) -> Iterator[SitemapUrl]:
    """The addresses of sitemap page `page` (from 1), each portfolio before its products,
    read from the database in batches so that a page of 50,000 takes little memory."""
    urls = _sitemap_urls()
    rows = db.session.execute(
        db.select(urls.c.username, urls.c.slug, urls.c.changed_at)
        .order_by(urls.c.username, urls.c.slug.nulls_first())
        .offset((page - 1) * size)
        .limit(size)
        .execution_options(yield_per=SITEMAP_BATCH)
    )
    for username, slug, changed_at in rows:
        yield SitemapUrl(username, slug, changed_at)


def public_etag(*parts: object) -> str:
    """A validator for a public page, from whatever decides its content."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
