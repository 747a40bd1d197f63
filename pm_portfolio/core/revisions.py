"""Revision history of a case study: each save that changes a product's texts or
metrics keeps a revision; at most MAX_REVISIONS a product, the oldest dropped.

The diff is written here rather than taken from a library because it is the
product's own view: word-level, field by field, escaped by the templates.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from pm_portfolio.extensions import db
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision

MAX_REVISIONS = 50
CASE_STUDY_FIELDS = {
    "title": "Title",
    "tagline": "Tagline",
    "target_users": "Target users",
    "problem": "The problem",
    "hypothesis": "The hypothesis",
    "solution": "What was built",
    "tradeoffs": "Trade-offs",
    "outcome": "Outcome",
    "role": "Your role",
    "metrics": "Results",
}
KEPT_METRIC_FIELDS = [
    column.key
    for column in Metric.__table__.columns
    if column.key not in ("id", "product_id", "position")
]
_WORDS = re.compile(r"\s+|[^\s]+")
# Words and spaces compared one by one; beyond this, lines (a page of text is ~1,000).
MAX_WORD_TOKENS = 4000


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def snapshot(product: Product) -> dict:
    """The product's case study as a revision keeps it: plain JSON values."""
    content = {name: getattr(product, name) for name in CASE_STUDY_FIELDS if name != "metrics"}
    content["metrics"] = [
        {key: _plain(getattr(metric, key)) for key in KEPT_METRIC_FIELDS}
        for metric in product.metrics
    ]
    return content


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The case-study fields that differ; none for a first revision."""
    if before is None:
        return []
    return [name for name in CASE_STUDY_FIELDS if before.get(name) != after.get(name)]


def _latest(product_ids: list[int]) -> dict[int, dict]:
    """Each product's newest revision's content, in one query."""
    newest = func.row_number().over(
        partition_by=ProductRevision.product_id,
        order_by=(ProductRevision.created_at.desc(), ProductRevision.id.desc()),
    )
    ranked = (
        db.select(ProductRevision.product_id, ProductRevision.content, newest.label("rank"))
        .where(ProductRevision.product_id.in_(product_ids))
        .subquery()
    )
    rows = db.session.execute(
        db.select(ranked.c.product_id, ranked.c.content).where(ranked.c.rank == 1)
    )
    return dict(rows.all())


def prune(product_ids: Iterable[int]) -> None:
    """Drop the oldest revisions of these products beyond MAX_REVISIONS."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    db.session.flush()
    over = db.session.scalars(
        db.select(ProductRevision.product_id)
        .where(ProductRevision.product_id.in_(ids))
        .group_by(ProductRevision.product_id)
        .having(func.count(ProductRevision.id) > MAX_REVISIONS)
    ).all()
    for product_id in over:
        kept = (
            db.select(ProductRevision.id)
            .where(ProductRevision.product_id == product_id)
            .order_by(ProductRevision.created_at.desc(), ProductRevision.id.desc())
            .limit(MAX_REVISIONS)
        )
        db.session.execute(
            db.delete(ProductRevision).where(
                ProductRevision.product_id == product_id, ProductRevision.id.not_in(kept)
            )
        )


def record(products: list[Product]) -> None:
    """Keep a revision of each product whose case study differs from its newest one.
    The products must have ids (be flushed); nothing is committed."""
    latest = _latest([product.id for product in products]) if products else {}
    added = []
    for product in products:
        content = snapshot(product)
        before = latest.get(product.id)
        if content == before:
            continue
        revision = ProductRevision(
            product_id=product.id, content=content, changed=changed_fields(before, content)
        )
        db.session.add(revision)
        latest[product.id] = content
        added.append(product.id)
    prune(added)


def revisions_of(product_id: int) -> list[ProductRevision]:
    """Newest first."""
    return list(
        db.session.scalars(
            db.select(ProductRevision)
            .where(ProductRevision.product_id == product_id)
            .order_by(ProductRevision.created_at.desc(), ProductRevision.id.desc())
        )
    )


def owned_revision(owner_id: int, product_id: int, revision_id: int) -> ProductRevision | None:
    return db.session.scalar(
        db.select(ProductRevision)
        .join(Product, Product.id == ProductRevision.product_id)
        .where(
            ProductRevision.id == revision_id,
            ProductRevision.product_id == product_id,
            Product.user_id == owner_id,
        )
    )


@dataclass(frozen=True)
class Segment:
    text: str
    # "same", "removed" (only in the older text) or "added" (only in the newer).
    kind: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    before: list[Segment]
    after: list[Segment]

    @property
    def changed(self) -> bool:
        return any(segment.kind != "same" for segment in self.before + self.after)


def metric_lines(metrics: list[dict]) -> str:
    """Metrics as text to compare: one line each, "label: value", then what else is set."""
    lines = []
    for metric in metrics:
        extras = [
            # A cited picture's id means nothing to the maker; that there is one does.
            "evidence: one of its pictures or files"
            if key == "source_media_id"
            else f"{key.replace('_', ' ')}: {metric[key]}"
            for key in KEPT_METRIC_FIELDS
            if key not in ("label", "value") and metric.get(key) not in ("", None)
        ]
        lines.append(f"{metric.get('label', '')}: {metric.get('value', '')}" + (
            f" ({'; '.join(extras)})" if extras else ""
        ))  # fmt: skip
    return "\n".join(lines)


def word_diff(before: str, after: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into runs of words that are the same, removed or added; long texts
    line by line, since comparing word by word takes time that grows with the square."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    if max(len(old), len(new)) > MAX_WORD_TOKENS:
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    old_side: list[Segment] = []
    new_side: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            old_side.append(Segment("".join(old[old_start:old_end]), "same"))
            new_side.append(Segment("".join(new[new_start:new_end]), "same"))
            continue
        if old_end > old_start:
            old_side.append(Segment("".join(old[old_start:old_end]), "removed"))
        if new_end > new_start:
            new_side.append(Segment("".join(new[new_start:new_end]), "added"))
    return old_side, new_side


def compare(before: dict, after: dict) -> list[FieldDiff]:
    """Field by field, an older case study against a newer one."""
    diffs = []
    for name, label in CASE_STUDY_FIELDS.items():
        if name == "metrics":
            old, new = metric_lines(before.get(name) or []), metric_lines(after.get(name) or [])
        else:
            old, new = str(before.get(name) or ""), str(after.get(name) or "")
        diffs.append(FieldDiff(name, label, *word_diff(old, new)))
    return diffs
