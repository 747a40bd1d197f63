"""Product rules: slugs, dates, ownership, listing, and saving a case study with its metrics."""

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from pm_portfolio.core.publishing import portfolio_order
from pm_portfolio.core.share_links import ensure_product_link
from pm_portfolio.core.skills import skills_with_keys
from pm_portfolio.extensions import db
from pm_portfolio.models import SHIPPED_STATUSES
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductSlugRedirect
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import Skill
from pm_portfolio.models import Visibility

SLUG_MAX = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FALLBACK_SLUG = "product"
MAX_METRICS = 20
TEXT_FIELDS = (
    "tagline",
    "target_users",
    "problem",
    "hypothesis",
    "solution",
    "tradeoffs",
    "outcome",
    "role",
    "live_url",
    "source_url",
)


class SlugTaken(Exception):
    """The owner already has a product at this slug."""


@dataclass
class MetricData:
    label: str
    value: str
    note: str = ""


@dataclass
class ProductData:
    """Everything a maker writes about a product, as plain values."""

    title: str
    slug: str = ""
    tagline: str = ""
    target_users: str = ""
    problem: str = ""
    hypothesis: str = ""
    solution: str = ""
    tradeoffs: str = ""
    outcome: str = ""
    role: str = ""
    status: str = ProductStatus.IDEA
    started_on: date | None = None
    shipped_on: date | None = None
    live_url: str = ""
    source_url: str = ""
    visibility: str = Visibility.PRIVATE
    is_featured: bool = False
    position: int = 0
    skill_keys: list[str] = field(default_factory=list)
    metrics: list[MetricData] = field(default_factory=list)
    # Kept from an import or backup; new products get the current time.
    created_at: datetime | None = None
    updated_at: datetime | None = None


def slugify(text: str) -> str:
    """A URL-safe name from a title: "Café Finder!" becomes "cafe-finder"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or FALLBACK_SLUG


def slug_problem(slug: str) -> str | None:
    if len(slug) > SLUG_MAX:
        return f"Use at most {SLUG_MAX} characters."
    if not SLUG_PATTERN.fullmatch(slug):
        return "Use lower-case letters, digits and single hyphens, like my-product."
    return None


def slug_taken(owner_id: int, slug: str, exclude_product_id: int | None = None) -> bool:
    query = db.select(Product.id).where(Product.user_id == owner_id, Product.slug == slug)
    if exclude_product_id is not None:
        query = query.where(Product.id != exclude_product_id)
    return db.session.scalar(query) is not None


def available_slug(owner_id: int, title: str, exclude_product_id: int | None = None) -> str:
    """The slug of `title`, numbered ("-2", "-3"…) if the owner already uses it."""
    base = slugify(title)
    prefix_query = db.select(Product.slug).where(
        Product.user_id == owner_id, Product.slug.startswith(base, autoescape=True)
    )
    if exclude_product_id is not None:
        prefix_query = prefix_query.where(Product.id != exclude_product_id)
    used = set(db.session.scalars(prefix_query))
    if base not in used:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in used:
            return candidate
        number += 1


def date_problems(status: str, started_on: date | None, shipped_on: date | None) -> dict[str, str]:
    """What is wrong with a product's dates, by field name."""
    problems = {}
    if status in SHIPPED_STATUSES and shipped_on is None:
        problems["shipped_on"] = "A shipped or sunset product needs the date it shipped."
    if started_on and shipped_on and shipped_on < started_on:
        problems["shipped_on"] = "The ship date cannot be before the start date."
    return problems


def owned_product(owner_id: int, product_id: int) -> Product | None:
    """The product if `owner_id` owns it; None for anyone else's, as if it did not exist."""
    return db.session.scalar(
        db.select(Product).where(Product.id == product_id, Product.user_id == owner_id)
    )


def owned_product_with_details(owner_id: int, product_id: int) -> Product | None:
    """Like `owned_product`, with everything its page shows loaded in a fixed few queries."""
    return db.session.scalar(
        db.select(Product)
        .where(Product.id == product_id, Product.user_id == owner_id)
        .options(
            selectinload(Product.metrics),
            selectinload(Product.skills),
            selectinload(Product.learnings).selectinload(Learning.skills),
        )
    )


@dataclass(frozen=True)
class ProductFilters:
    """What the product list, and its CSV export, are narrowed to; empty means any."""

    status: str = ""
    skill_key: str = ""


def filtered_products(owner_id: int, filters: ProductFilters) -> Select:
    """The owner's products that pass `filters`, unordered: the list page and the export."""
    query = db.select(Product).where(Product.user_id == owner_id)
    if filters.status:
        query = query.where(Product.status == filters.status)
    if filters.skill_key:
        query = query.where(Product.skills.any(Skill.key == filters.skill_key))
    return query


def list_products(owner_id: int, filters: ProductFilters) -> list[Product]:
    """The owner's products in portfolio order: featured first, then the latest."""
    query = (
        filtered_products(owner_id, filters)
        .options(selectinload(Product.skills), selectinload(Product.metrics))
        .order_by(*portfolio_order())
    )
    return list(db.session.scalars(query))


def product_titles(owner_id: int) -> list[tuple[int, str]]:
    """(id, title) of the owner's products, for choosing one."""
    rows = db.session.execute(
        db.select(Product.id, Product.title)
        .where(Product.user_id == owner_id)
        .order_by(func.lower(Product.title), Product.id)
    )
    return [(row.id, row.title) for row in rows]


def _apply(product: Product, data: ProductData) -> None:
    product.title = data.title.strip()
    product.slug = data.slug or available_slug(product.user_id, data.title, product.id)
    for name in TEXT_FIELDS:
        setattr(product, name, getattr(data, name).strip())
    product.status = data.status
    product.started_on = data.started_on
    product.shipped_on = data.shipped_on
    product.visibility = data.visibility
    product.is_featured = data.is_featured
    product.position = data.position
    product.skills = skills_with_keys(data.skill_keys)
    if data.created_at is not None:
        product.created_at = data.created_at
    if data.updated_at is not None:
        product.updated_at = data.updated_at
    product.metrics = [
        Metric(
            label=metric.label.strip(),
            value=metric.value.strip(),
            note=metric.note.strip(),
            position=position,
        )
        for position, metric in enumerate(data.metrics[:MAX_METRICS])
    ]


def _drop_redirect(owner_id: int, slug: str) -> None:
    redirect = db.session.scalar(
        db.select(ProductSlugRedirect).where(
            ProductSlugRedirect.user_id == owner_id, ProductSlugRedirect.old_slug == slug
        )
    )
    if redirect is not None:
        db.session.delete(redirect)
        db.session.flush()


def _redirect_old_slug(product: Product, old_slug: str) -> None:
    """Keep the old public address working: it will redirect to the new one."""
    _drop_redirect(product.user_id, old_slug)
    db.session.add(
        ProductSlugRedirect(user_id=product.user_id, product_id=product.id, old_slug=old_slug)
    )


def stage_product(owner_id: int, data: ProductData, product: Product | None = None) -> Product:
    """Put a new product, or changes to `product`, in the session without committing.

    Callers that save many products at once (imports) commit them together.
    """
    is_new = product is None
    if product is None:
        product = Product(user_id=owner_id)
    old_slug = product.slug
    _apply(product, data)
    if is_new:
        db.session.add(product)
    elif product.slug != old_slug:
        _redirect_old_slug(product, old_slug)
    db.session.flush()
    # The slug belongs to a live product now, so no redirect may claim it.
    _drop_redirect(product.user_id, product.slug)
    ensure_product_link(product)
    return product


def _save(owner_id: int, data: ProductData, product: Product | None = None) -> Product:
    try:
        product = stage_product(owner_id, data, product)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if "slug" not in str(error.orig):
            raise
        raise SlugTaken from error
    return product


def create_product(owner_id: int, data: ProductData) -> Product:
    return _save(owner_id, data)


def update_product(product: Product, data: ProductData) -> Product:
    return _save(product.user_id, data, product)


def delete_product(product: Product) -> None:
    """Delete the product; its metrics, skills, learnings and share links go with it."""
    db.session.delete(product)
    db.session.commit()
