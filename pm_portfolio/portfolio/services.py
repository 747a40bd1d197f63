"""What the public may see of a maker, and the version that public pages are cached by.

Every rule about visibility lives here: a product is on a public page only if it
is public (and, for ideas, the maker chose to show ideas); a learning only if it
is marked public and its product is public.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import or_
from sqlalchemy import update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import ProductSlugRedirect
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from pm_portfolio.models import Visibility

LATEST_LEARNINGS = 5
CARD_METRICS = 3


@dataclass(frozen=True)
class SitemapEntry:
    username: str
    slugs: list[str]


@dataclass(frozen=True)
class SkillCount:
    skill: Skill
    products: int


def mark_portfolio_changed(user_id: int) -> None:
    """Record that something public pages show may have changed (part of the caller's commit)."""
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(portfolio_version=User.portfolio_version + 1)
        .execution_options(synchronize_session=False)
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
    is_published: bool
    show_ideas: bool
    portfolio_version: int

    @property
    def name(self) -> str:
        return self.display_name or self.username


# Built once: every public request, even a 304, starts with this query.
_OWNER_BY_USERNAME = db.select(
    *(getattr(User, name) for name in PublicOwner.__dataclass_fields__)
).where(User.username == bindparam("username"))


def find_owner(username: str) -> PublicOwner | None:
    row = db.session.execute(_OWNER_BY_USERNAME, {"username": username.lower()}).first()
    return PublicOwner(*row) if row else None


def can_see_portfolio(owner: PublicOwner, viewer_id: int | None) -> bool:
    """Anyone once it is published; before that only its maker, as a preview."""
    return owner.is_published or viewer_id == owner.id


def _shown_statuses(owner: PublicOwner) -> list[str]:
    statuses = [ProductStatus.BUILDING, ProductStatus.SHIPPED, ProductStatus.SUNSET]
    if owner.show_ideas:
        statuses.append(ProductStatus.IDEA)
    return statuses


def _public_products_query(owner: PublicOwner):
    return db.select(Product).where(
        Product.user_id == owner.id,
        Product.visibility == Visibility.PUBLIC,
        Product.status.in_(_shown_statuses(owner)),
    )


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


def public_products(owner: PublicOwner) -> list[Product]:
    query = (
        _public_products_query(owner)
        .options(selectinload(Product.metrics), selectinload(Product.skills))
        .order_by(*portfolio_order())
    )
    return list(db.session.scalars(query))


def public_product(owner: PublicOwner, slug: str) -> Product | None:
    query = (
        _public_products_query(owner)
        .where(Product.slug == slug)
        .options(joinedload(Product.metrics), joinedload(Product.skills))
    )
    return db.session.scalars(query).unique().first()


def renamed_product_slug(owner: PublicOwner, old_slug: str) -> str | None:
    """The current slug of the public product that used to live at `old_slug`."""
    return db.session.scalar(
        _public_products_query(owner)
        .with_only_columns(Product.slug)
        .join(ProductSlugRedirect, ProductSlugRedirect.product_id == Product.id)
        .where(ProductSlugRedirect.user_id == owner.id, ProductSlugRedirect.old_slug == old_slug)
    )


def build_log(product: Product) -> list[Learning]:
    """The learnings of a shown product that its maker marked public, oldest first."""
    return list(
        db.session.scalars(
            db.select(Learning)
            .where(Learning.product_id == product.id, Learning.is_public.is_(True))
            .order_by(Learning.learned_on, Learning.id)
        )
    )


def latest_public_learnings(owner: PublicOwner, limit: int = LATEST_LEARNINGS) -> list[Learning]:
    shown_product_ids = (
        _public_products_query(owner).with_only_columns(Product.id).scalar_subquery()
    )
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


def sitemap_entries() -> list[SitemapEntry]:
    """Every published portfolio with the slugs of its public products."""
    shown = and_(
        Product.user_id == User.id,
        Product.visibility == Visibility.PUBLIC,
        or_(Product.status != ProductStatus.IDEA, User.show_ideas.is_(True)),
    )
    rows = db.session.execute(
        db.select(User.username, Product.slug)
        .outerjoin(Product, shown)
        .where(User.is_published.is_(True))
        .order_by(User.username, Product.slug)
    )
    slugs: dict[str, list[str]] = {}
    for username, slug in rows:
        slugs.setdefault(username, [])
        if slug is not None:
            slugs[username].append(slug)
    return [SitemapEntry(username, product_slugs) for username, product_slugs in slugs.items()]


def public_etag(*parts: object) -> str:
    """A validator for a public page, from whatever decides its content."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
