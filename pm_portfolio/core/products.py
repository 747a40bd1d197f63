"""Product rules: slugs, dates, ownership, listing, and saving a case study with its metrics."""

import re
import unicodedata
from collections.abc import Container
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from datetime import date
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from pm_portfolio.core import media
from pm_portfolio.core import revisions
from pm_portfolio.core.publishing import portfolio_order
from pm_portfolio.core.rows import assign_changed
from pm_portfolio.core.share_links import add_product_link
from pm_portfolio.core.share_links import linked_product_ids
from pm_portfolio.core.share_links import withdraw_product_link
from pm_portfolio.core.skills import all_skills
from pm_portfolio.core.storage import Storage
from pm_portfolio.extensions import db
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import SHIPPED_STATUSES
from pm_portfolio.models import Learning
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import ProductSlugRedirect
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import Skill
from pm_portfolio.models import Visibility

SLUG_MAX = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FALLBACK_SLUG = "product"
MAX_METRICS = 20
# Trimmed on saving; the title is required, and trimmed on its own.
TEXT_FIELDS = (*(name for name in CASE_STUDY_TEXTS if name != "title"), "live_url", "source_url")


class SlugTaken(Exception):
    """The owner already has a product at this slug."""


class ProductGone(Exception):
    """The product was deleted (in another tab, say) while this change was being made."""


@dataclass
class MetricData:
    """A result as the maker writes it, with the evidence around it."""

    label: str
    value: str
    note: str = ""
    baseline: str = ""
    unit: str = ""
    time_window: str = ""
    window_start: date | None = None
    window_end: date | None = None
    direction: str = ""
    source_url: str = ""
    # One of the product's own pictures or PDFs; anything else is dropped on saving.
    source_media_id: int | None = None
    caveat: str = ""
    target: str = ""

    def stored(self) -> dict:
        """The values as a metric row keeps them (text trimmed)."""
        values = asdict(self)
        return {name: value.strip() if isinstance(value, str) else value
                for name, value in values.items()}  # fmt: skip


METRIC_FIELDS = [metric_field.name for metric_field in fields(MetricData)]


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
    # From a file that cannot say which picture a metric cites (a CSV): keep the citations.
    cites_nothing_itself: bool = False
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


def slugs_in_use(owner_id: int) -> dict[str, int]:
    """The owner's slugs, each with the id of the product that has it."""
    rows = db.session.execute(
        db.select(Product.slug, Product.id).where(Product.user_id == owner_id)
    )
    return dict(rows.all())


def slug_taken(owner_id: int, slug: str, exclude_product_id: int | None = None) -> bool:
    query = db.select(Product.id).where(Product.user_id == owner_id, Product.slug == slug)
    if exclude_product_id is not None:
        query = query.where(Product.id != exclude_product_id)
    return db.session.scalar(query) is not None


def free_slug(base: str, used: Container[str]) -> str:
    """`base`, or the first of `base-2`, `base-3`… that is not in `used`."""
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


def owned_products(owner_id: int, product_ids: Iterable[int]) -> dict[int, Product]:
    """The owner's products among `product_ids`, by id, with what saving them touches."""
    return {
        product.id: product
        for product in db.session.scalars(
            db.select(Product)
            .where(Product.user_id == owner_id, Product.id.in_(list(product_ids)))
            .options(selectinload(Product.metrics), selectinload(Product.skills))
        )
    }


def owned_product_with_media(owner_id: int, product_id: int) -> Product | None:
    """Like `owned_product`, with its media items and their files (its media page)."""
    return db.session.scalar(
        db.select(Product)
        .where(Product.id == product_id, Product.user_id == owner_id)
        .options(selectinload(Product.media).selectinload(MediaItem.files))
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
            selectinload(Product.media).selectinload(MediaItem.files),
            selectinload(Product.approved_endorsements),
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


def _apply(product: Product, data: ProductData, slug: str, skills: dict[str, Skill]) -> None:
    """Set what changed only: a row re-imported unchanged costs no writes."""
    values = {
        "title": data.title.strip(),
        "slug": slug,
        **{name: getattr(data, name).strip() for name in TEXT_FIELDS},
        "status": data.status,
        "started_on": data.started_on,
        "shipped_on": data.shipped_on,
        "visibility": data.visibility,
        "is_featured": data.is_featured,
        "position": data.position,
    }
    if data.created_at is not None:
        values["created_at"] = data.created_at
    if data.updated_at is not None:
        values["updated_at"] = data.updated_at
    assign_changed(product, values)
    chosen = [skills[key] for key in dict.fromkeys(data.skill_keys) if key in skills]
    if {skill.id for skill in product.skills} != {skill.id for skill in chosen}:
        product.skills = chosen
    metrics = [metric.stored() for metric in data.metrics[:MAX_METRICS]]
    if data.cites_nothing_itself and product.id is not None:
        # A file without media (a CSV) keeps what each metric, by its label, cites now.
        cited = {metric.label: metric.source_media_id for metric in product.metrics}
        for metric in metrics:
            metric["source_media_id"] = cited.get(metric["label"])
    if any(metric["source_media_id"] is not None for metric in metrics):
        evidence_ids = {item.id for item in product.media} if product.id is not None else set()
        for metric in metrics:
            if metric["source_media_id"] not in evidence_ids:
                metric["source_media_id"] = None
    current = [
        {name: getattr(metric, name) for name in METRIC_FIELDS} for metric in product.metrics
    ]
    if current != metrics:
        product.metrics = [
            Metric(**values, position=position) for position, values in enumerate(metrics)
        ]


def stage_products(
    owner_id: int, changes: Sequence[tuple[ProductData, Product | None]]
) -> list[Product]:
    """Put new products, or changes to existing ones, in the session, with one flush.

    The whole batch costs a fixed few queries, however many products it holds:
    an import stages thousands at once. An empty slug is made from the title.
    A renamed product keeps its old address as a redirect; a slug that a live
    product takes can no longer redirect elsewhere. An unlisted product gets its
    share link. Each product whose case study changed keeps a revision. Nothing is
    committed: the caller commits, or rolls back, it all.
    """
    skills = {skill.key: skill for skill in all_skills()}
    in_use = slugs_in_use(owner_id)
    redirects = {
        redirect.old_slug: redirect
        for redirect in db.session.scalars(
            db.select(ProductSlugRedirect).where(ProductSlugRedirect.user_id == owner_id)
        )
    }
    linked = linked_product_ids(owner_id)
    staged = []
    for data, existing in changes:
        product = existing or Product(user_id=owner_id)
        old_slug = product.slug
        in_use.pop(old_slug, None)
        slug = data.slug or free_slug(slugify(data.title), in_use)
        _apply(product, data, slug, skills)
        in_use[slug] = product.id
        if existing is None:
            db.session.add(product)
        elif old_slug != slug:
            redirect = redirects.get(old_slug) or ProductSlugRedirect(
                user_id=owner_id, old_slug=old_slug
            )
            redirect.product_id = product.id
            db.session.add(redirect)
            redirects[old_slug] = redirect
        if (claimed := redirects.pop(slug, None)) is not None:
            db.session.delete(claimed)
        if product.visibility == Visibility.UNLISTED and product.id not in linked:
            add_product_link(product)
        elif product.visibility == Visibility.PRIVATE and product.id in linked:
            # A withdrawn link stays dead: unlisted again later means a new address.
            withdraw_product_link(product.id)
        staged.append(product)
    db.session.flush()
    revisions.record(staged)
    return staged


def stage_product(owner_id: int, data: ProductData, product: Product | None = None) -> Product:
    """Put a new product, or changes to `product`, in the session without committing."""
    (staged,) = stage_products(owner_id, [(data, product)])
    return staged


def _save(owner_id: int, data: ProductData, product: Product | None = None) -> Product:
    product_id = product.id if product is not None else None
    try:
        product = stage_product(owner_id, data, product)
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise ProductGone from error
    except IntegrityError as error:
        db.session.rollback()
        if "slug" in str(error.orig):
            raise SlugTaken from error
        # Deleted by another request after this one loaded it: a save that changed no
        # column of the product itself finds out only when its revision refers to it.
        if product_id is not None and db.session.get(Product, product_id) is None:
            raise ProductGone from error
        raise
    return product


def create_product(owner_id: int, data: ProductData) -> Product:
    return _save(owner_id, data)


def update_product(product: Product, data: ProductData) -> Product:
    return _save(product.user_id, data, product)


def product_data(product: Product) -> ProductData:
    """Everything the maker wrote about `product`, as a form would send it."""
    return ProductData(
        **{name: getattr(product, name) for name in CASE_STUDY_TEXTS},
        slug=product.slug,
        status=product.status,
        started_on=product.started_on,
        shipped_on=product.shipped_on,
        live_url=product.live_url,
        source_url=product.source_url,
        visibility=product.visibility,
        is_featured=product.is_featured,
        position=product.position,
        skill_keys=product.skill_keys,
        metrics=[
            MetricData(**{name: getattr(metric, name) for name in METRIC_FIELDS})
            for metric in product.metrics
        ],
    )


def revision_data(product: Product, revision: ProductRevision) -> ProductData:
    """The product as it is, with a revision's texts and metrics put back. Not checked:
    a revision may come from a restored backup, so the caller validates it like a form."""
    data = product_data(product)
    content = revision.content
    for name in revisions.CASE_STUDY_FIELDS:
        if name != "metrics":
            setattr(data, name, _text(content.get(name)))
    data.metrics = [
        MetricData(**{name: _metric_value(name, metric.get(name)) for name in METRIC_FIELDS})
        for metric in content.get("metrics") or []
        if isinstance(metric, dict)
    ]
    return data


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _metric_value(name: str, value):
    if name in ("window_start", "window_end"):
        try:
            return date.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            return None
    if name == "source_media_id":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return _text(value)


def delete_product(product: Product, storage: Storage) -> None:
    """Delete the product; its metrics, skills, learnings, share links and media go with
    it, and the media's files once no other item uses them."""
    keys = media.keys_of(db.select(MediaItem.id).where(MediaItem.product_id == product.id))
    db.session.delete(product)
    db.session.commit()
    media.delete_files(keys, storage)
