"""The maker's data as files: streaming CSV exports, a full JSON backup, and JSON Resume.

Cells that a spreadsheet would run as a formula are written with a leading
apostrophe, and so are cells that already start with one, so that import can
take exactly one apostrophe off and get the original text back.
"""

import codecs
import csv
import io
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from json.encoder import encode_basestring as _json_string
from typing import Any

from sqlalchemy.orm import selectinload

from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from pm_portfolio.models import learning_skills
from pm_portfolio.models import product_skills

PRODUCT_COLUMNS = [
    "slug", "title", "tagline", "target_users", "status", "role", "started_on", "shipped_on",
    "url", "source_url", "visibility", "featured", "position", "skills", "metrics", "problem",
    "hypothesis", "solution", "tradeoffs", "outcome", "created_at", "updated_at",
]  # fmt: skip
LEARNING_COLUMNS = [
    "product_slug", "title", "kind", "learned_on", "skills", "public", "body", "created_at",
    "updated_at",
]  # fmt: skip
BACKUP_FORMAT = "pm-portfolio-backup"
BACKUP_FORMAT_VERSION = 1
SKILL_SEPARATOR = ";"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
BATCH_SIZE = 1000
FLUSH_BYTES = 64 * 1024


def to_cell(text: str) -> str:
    """Text as a spreadsheet will show it, never run it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def from_cell(cell: str) -> str:
    """The reverse of `to_cell`."""
    return cell[1:] if cell.startswith("'") else cell


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def iso_datetime(value: datetime) -> str:
    """UTC, to the microsecond; SQLite hands back naive datetimes, which are UTC here."""
    if value.tzinfo is not None:
        if value.utcoffset():
            value = value.astimezone(UTC)
        value = value.replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "+00:00"


def flag(value: bool) -> str:
    return "true" if value else "false"


def metrics_json(product: Product) -> list[dict[str, str]]:
    return [
        {"label": metric.label, "value": metric.value, "note": metric.note}
        for metric in product.metrics
    ]


def _metrics_cell(metrics: list[tuple[str, str, str]] | None) -> str:
    """The JSON that json.dumps(..., ensure_ascii=False, separators=(",", ":")) writes,
    built directly: exports write one per product, so it is worth the speed."""
    if not metrics:
        return ""
    return (
        "["
        + ",".join(
            f'{{"label":{_json_string(label)},"value":{_json_string(value)},'
            f'"note":{_json_string(note)}}}'
            for label, value, note in metrics
        )
        + "]"
    )


def _stream(query):
    """Plain rows, batch by batch (a server-side cursor on PostgreSQL), skipping the ORM."""
    return db.session.connection().execute(query.execution_options(yield_per=BATCH_SIZE))


class _Children:
    """Rows of a child table, ordered like their parents, handed out parent by parent.

    Reading children in the parents' order beside the parents' own stream joins
    them in one pass, without a query per batch of parents.
    """

    def __init__(self, rows):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def of(self, parent_id: int) -> list[tuple]:
        children = []
        while self._next is not None and self._next[0] == parent_id:
            children.append(tuple(self._next[1:]))
            self._next = next(self._rows, None)
        return children


def _filtered_products(owner_id: int, status: str | None, skill_key: str | None):
    query = db.select(Product.id).where(Product.user_id == owner_id)
    if status:
        query = query.where(Product.status == status)
    if skill_key:
        query = query.where(Product.skills.any(Skill.key == skill_key))
    return query


def _filtered_learnings(owner_id: int, product_id: int | None, skill_key: str | None):
    query = db.select(Learning.id).where(Learning.user_id == owner_id)
    if product_id is not None:
        query = query.where(Learning.product_id == product_id)
    if skill_key:
        query = query.where(Learning.skills.any(Skill.key == skill_key))
    return query


PRODUCT_ORDER = (Product.created_at, Product.id)
LEARNING_ORDER = (Learning.created_at, Learning.id)


def product_rows(owner_id: int, status=None, skill_key=None) -> Iterator[list[str]]:
    """The owner's products as CSV rows, streamed from the database in one pass.

    Plain rows, not ORM objects: an export reads every product once, and building
    objects would cost more than writing the file.
    """
    chosen = _filtered_products(owner_id, status, skill_key).scalar_subquery()
    products = _stream(
        db.select(
            Product.id, Product.slug, Product.title, Product.tagline, Product.target_users,
            Product.status, Product.role, Product.started_on, Product.shipped_on,
            Product.live_url, Product.source_url, Product.visibility, Product.is_featured,
            Product.position, Product.problem, Product.hypothesis, Product.solution,
            Product.tradeoffs, Product.outcome, Product.created_at, Product.updated_at,
        )
        .where(Product.id.in_(chosen))
        .order_by(*PRODUCT_ORDER)
    )  # fmt: skip
    skills = _Children(
        _stream(
            db.select(product_skills.c.product_id, Skill.key)
            .join(Product, Product.id == product_skills.c.product_id)
            .join(Skill, Skill.id == product_skills.c.skill_id)
            .where(Product.id.in_(chosen))
            .order_by(*PRODUCT_ORDER, Skill.position)
        )
    )
    metrics = _Children(
        _stream(
            db.select(Metric.product_id, Metric.label, Metric.value, Metric.note)
            .join(Product, Product.id == Metric.product_id)
            .where(Product.id.in_(chosen))
            .order_by(*PRODUCT_ORDER, Metric.position)
        )
    )
    for (
        id_, slug, title, tagline, target_users, status_, role, started_on, shipped_on,
        live_url, source_url, visibility, is_featured, position, problem, hypothesis,
        solution, tradeoffs, outcome, created_at, updated_at,
    ) in products:  # fmt: skip
        yield [
            slug,
            title,
            tagline,
            target_users,
            status_,
            role,
            iso_date(started_on),
            iso_date(shipped_on),
            live_url,
            source_url,
            visibility,
            flag(is_featured),
            str(position),
            SKILL_SEPARATOR.join(key for (key,) in skills.of(id_)),
            _metrics_cell(metrics.of(id_)),
            problem,
            hypothesis,
            solution,
            tradeoffs,
            outcome,
            iso_datetime(created_at),
            iso_datetime(updated_at),
        ]


def learning_rows(owner_id: int, product_id=None, skill_key=None) -> Iterator[list[str]]:
    """The owner's learnings as CSV rows, streamed from the database in one pass."""
    chosen = _filtered_learnings(owner_id, product_id, skill_key).scalar_subquery()
    learnings = _stream(
        db.select(
            Learning.id, Product.slug, Learning.title, Learning.kind, Learning.learned_on,
            Learning.is_public, Learning.body, Learning.created_at, Learning.updated_at,
        )
        .outerjoin(Product, Product.id == Learning.product_id)
        .where(Learning.id.in_(chosen))
        .order_by(*LEARNING_ORDER)
    )  # fmt: skip
    skills = _Children(
        _stream(
            db.select(learning_skills.c.learning_id, Skill.key)
            .join(Learning, Learning.id == learning_skills.c.learning_id)
            .join(Skill, Skill.id == learning_skills.c.skill_id)
            .where(Learning.id.in_(chosen))
            .order_by(*LEARNING_ORDER, Skill.position)
        )
    )
    for id_, slug, title, kind, learned_on, is_public, body, created_at, updated_at in learnings:
        yield [
            slug or "",
            title,
            kind,
            iso_date(learned_on),
            SKILL_SEPARATOR.join(key for (key,) in skills.of(id_)),
            flag(is_public),
            body,
            iso_datetime(created_at),
            iso_datetime(updated_at),
        ]


def _backup_products(owner_id: int):
    return db.session.scalars(
        db.select(Product)
        .where(Product.user_id == owner_id)
        .options(selectinload(Product.skills), selectinload(Product.metrics))
        .order_by(Product.created_at, Product.id)
        .execution_options(yield_per=BATCH_SIZE)
    )


def _backup_learnings(owner_id: int):
    return db.session.scalars(
        db.select(Learning)
        .where(Learning.user_id == owner_id)
        .options(selectinload(Learning.skills), selectinload(Learning.product))
        .order_by(Learning.created_at, Learning.id)
        .execution_options(yield_per=BATCH_SIZE)
    )


def stream_csv(columns: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """RFC 4180 CSV in UTF-8 with a byte-order mark (so Excel reads accents), in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield codecs.BOM_UTF8
    writer.writerow(columns)
    for row in rows:
        writer.writerow([to_cell(cell) for cell in row])
        if buffer.tell() >= FLUSH_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def export_filename(kind: str, today: date, extension: str = "csv") -> str:
    return f"pm-portfolio-{kind}-{today.isoformat()}.{extension}"


def backup(user: User, now: datetime) -> dict[str, Any]:
    """Everything the maker owns, as JSON-ready data (share tokens and view counts aside)."""
    products = _backup_products(user.id)
    learnings = _backup_learnings(user.id)
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "exported_at": iso_datetime(now),
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "headline": user.headline,
            "bio": user.bio,
            "website_url": user.website_url,
            "linkedin_url": user.linkedin_url,
            "github_url": user.github_url,
            "is_published": user.is_published,
            "show_ideas": user.show_ideas,
        },
        "products": [
            {
                "slug": product.slug,
                "title": product.title,
                "tagline": product.tagline,
                "target_users": product.target_users,
                "status": product.status,
                "role": product.role,
                "started_on": iso_date(product.started_on) or None,
                "shipped_on": iso_date(product.shipped_on) or None,
                "live_url": product.live_url,
                "source_url": product.source_url,
                "visibility": product.visibility,
                "is_featured": product.is_featured,
                "position": product.position,
                "skills": product.skill_keys,
                "metrics": metrics_json(product),
                "problem": product.problem,
                "hypothesis": product.hypothesis,
                "solution": product.solution,
                "tradeoffs": product.tradeoffs,
                "outcome": product.outcome,
                "created_at": iso_datetime(product.created_at),
                "updated_at": iso_datetime(product.updated_at),
            }
            for product in products
        ],
        "learnings": [
            {
                "product_slug": learning.product.slug if learning.product else None,
                "title": learning.title,
                "kind": learning.kind,
                "learned_on": iso_date(learning.learned_on),
                "skills": learning.skill_keys,
                "is_public": learning.is_public,
                "body": learning.body,
                "created_at": iso_datetime(learning.created_at),
                "updated_at": iso_datetime(learning.updated_at),
            }
            for learning in learnings
        ],
    }


def _without_empty(values: dict[str, Any]) -> dict[str, Any]:
    """JSON Resume validators reject nulls; leave out what the maker did not fill in."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def json_resume(owner: User, products: list[Product], profile_url: str) -> dict[str, Any]:
    """The public portfolio in the JSON Resume format (jsonresume.org), products as projects."""
    profiles = [
        {"network": network, "url": url}
        for network, url in (("LinkedIn", owner.linkedin_url), ("GitHub", owner.github_url))
        if url
    ]
    return {
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": {
            "name": owner.name,
            "label": owner.headline,
            "url": owner.website_url or profile_url,
            "summary": owner.bio,
            "profiles": profiles,
        },
        "projects": [
            _without_empty(
                {
                    "name": product.title,
                    "description": product.tagline,
                    "highlights": [
                        f"{metric.label}: {metric.value}"
                        + (f" ({metric.note})" if metric.note else "")
                        for metric in product.metrics
                    ],
                    "keywords": [skill.name for skill in product.skills],
                    "startDate": iso_date(product.started_on) or None,
                    "endDate": iso_date(product.shipped_on) or None,
                    "url": product.live_url or None,
                    "roles": [product.role] if product.role else [],
                    "type": "application",
                }
            )
            for product in products
        ],
        "meta": {"canonical": profile_url},
    }
