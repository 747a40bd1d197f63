"""Revision history of a case study: each save that changes a product's texts or
metrics keeps a revision; at most MAX_REVISIONS a product, the oldest dropped.

Two revisions are compared word by word, field by field (the templates escape the
words). The matching is diff-match-patch's (Myers' algorithm with a deadline), run
on words rather than characters: a word diff of long or repetitive texts could take
minutes, so a whole compare gets COMPARE_SECONDS, and past it the part of a field
not yet matched shows as replaced whole: coarser, never wrong.
"""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from diff_match_patch import diff_match_patch
from sqlalchemy import func

from pm_portfolio.extensions import db
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision

MAX_REVISIONS = 50
CASE_STUDY_FIELDS = {**CASE_STUDY_TEXTS, "metrics": "Results"}
KEPT_METRIC_FIELDS = [
    column.key
    for column in Metric.__table__.columns
    if column.key not in ("id", "product_id", "position")
]
_WORDS = re.compile(r"\s+|[^\s]+")
COMPARE_SECONDS = 0.25
# diff-match-patch compares strings: each distinct word or space becomes one character
# from here on, skipping the surrogates (a field holds far fewer distinct words).
_FIRST_CODE = 0x100
_SURROGATES = range(0xD800, 0xE000)


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


def _comparable(content: dict, name: str):
    """A field as saves compare it. A metric field added since a revision was kept (its
    target, say) is missing there, which reads the same as empty."""
    if name != "metrics":
        return content.get(name)
    return [
        {key: metric.get(key) or None for key in KEPT_METRIC_FIELDS}
        for metric in content.get("metrics") or []
    ]


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The case-study fields that differ; none for a first revision."""
    if before is None:
        return []
    return [
        name for name in CASE_STUDY_FIELDS if _comparable(before, name) != _comparable(after, name)
    ]


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
        if before is not None and not changed_fields(before, content):
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


def _code(number: int) -> str:
    code = _FIRST_CODE + number
    return chr(code + len(_SURROGATES) if code >= _SURROGATES.start else code)


def word_diff(
    before: str, after: str, deadline: float | None = None
) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into runs of words that are the same, removed or added; matching
    stops at `deadline` (a time.time()), leaving what is left as replaced whole."""
    words: dict[str, str] = {}
    for word in _WORDS.findall(before) + _WORDS.findall(after):
        words.setdefault(word, _code(len(words)))
    spelled = {code: word for word, code in words.items()}

    def encoded(text: str) -> str:
        return "".join(words[word] for word in _WORDS.findall(text))

    differ = diff_match_patch()
    deadline = time.time() + COMPARE_SECONDS if deadline is None else deadline
    old_side: list[Segment] = []
    new_side: list[Segment] = []
    for operation, codes in differ.diff_main(
        encoded(before), encoded(after), checklines=False, deadline=deadline
    ):
        text = "".join(spelled[code] for code in codes)
        if operation == differ.DIFF_EQUAL:
            old_side.append(Segment(text, "same"))
            new_side.append(Segment(text, "same"))
        elif operation == differ.DIFF_DELETE:
            old_side.append(Segment(text, "removed"))
        else:
            new_side.append(Segment(text, "added"))
    return old_side, new_side


def compare(before: dict, after: dict, seconds: float = COMPARE_SECONDS) -> list[FieldDiff]:
    """Field by field, an older case study against a newer one, within `seconds`."""
    deadline = time.time() + seconds
    diffs = []
    for name, label in CASE_STUDY_FIELDS.items():
        if name == "metrics":
            old, new = metric_lines(before.get(name) or []), metric_lines(after.get(name) or [])
        else:
            old, new = str(before.get(name) or ""), str(after.get(name) or "")
        diffs.append(FieldDiff(name, label, *word_diff(old, new, deadline=deadline)))
    return diffs
