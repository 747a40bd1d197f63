"""Streaming CSV exports of a maker's products, learnings (honouring the list filters)
and applications.

Rows are read as plain tuples in one pass, batch by batch, and written in chunks,
so memory stays flat whatever the size of the export.
"""

import codecs
import csv
import io
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import date
from json.encoder import encode_basestring as _json_string

from sqlalchemy import func

from pm_portfolio.core.dates import local_moment
from pm_portfolio.core.learnings import LearningFilters
from pm_portfolio.core.learnings import filtered_learnings
from pm_portfolio.core.products import ProductFilters
from pm_portfolio.core.products import filtered_products
from pm_portfolio.exports.formats import METRIC_KEYS
from pm_portfolio.exports.formats import SKILL_SEPARATOR
from pm_portfolio.exports.formats import flag
from pm_portfolio.exports.formats import iso_date
from pm_portfolio.exports.formats import iso_datetime
from pm_portfolio.exports.formats import stage_history_cell
from pm_portfolio.exports.formats import to_cell
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import ApplicationStageChange
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import Skill
from pm_portfolio.models import learning_skills
from pm_portfolio.models import product_skills

BATCH_SIZE = 1000
# Label, value and note: in every metric's JSON, filled or not.
ALWAYS_WRITTEN = 3
METRIC_ROW = [getattr(Metric, key) for key in METRIC_KEYS]
FLUSH_BYTES = 64 * 1024


def _metrics_cell(metrics: list[tuple] | None) -> str:
    """The JSON that json.dumps(..., ensure_ascii=False, separators=(",", ":")) writes,
    built directly: exports write one per product, so it is worth the speed. Label,
    value and note are always there; the evidence keys only when filled, so a file
    of metrics without evidence reads as it always did."""
    if not metrics:
        return ""
    return "[" + ",".join(_metric_json(metric) for metric in metrics) + "]"


def _metric_json(metric: tuple) -> str:
    texts = [iso_date(part) if isinstance(part, date) else part or "" for part in metric]
    members = [
        f'"{key}":{_json_string(text)}'
        for index, (key, text) in enumerate(zip(METRIC_KEYS, texts, strict=True))
        if index < ALWAYS_WRITTEN or text
    ]
    return "{" + ",".join(members) + "}"


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


PRODUCT_ORDER = (Product.created_at, Product.id)
LEARNING_ORDER = (Learning.created_at, Learning.id)


def product_rows(owner_id: int, filters: ProductFilters) -> Iterator[list[str]]:
    """The owner's products as CSV rows, streamed from the database in one pass.

    Plain rows, not ORM objects: an export reads every product once, and building
    objects would cost more than writing the file.
    """
    chosen = filtered_products(owner_id, filters).with_only_columns(Product.id).scalar_subquery()
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
            db.select(Metric.product_id, *METRIC_ROW)
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


def metric_rows(owner_id: int, filters: ProductFilters) -> Iterator[list[str]]:
    """One row per metric of the chosen products, keyed by the product's slug: a
    spreadsheet's view of what the products CSV keeps as JSON in one cell."""
    chosen = filtered_products(owner_id, filters).with_only_columns(Product.id).scalar_subquery()
    rows = _stream(
        db.select(Product.slug, *METRIC_ROW)
        .join(Product, Product.id == Metric.product_id)
        .where(Product.id.in_(chosen))
        .order_by(*PRODUCT_ORDER, Metric.position)
    )
    for row in rows:
        yield [iso_date(part) if isinstance(part, date) else part or "" for part in row]


def learning_rows(owner_id: int, filters: LearningFilters) -> Iterator[list[str]]:
    """The owner's learnings as CSV rows, streamed from the database in one pass."""
    chosen = filtered_learnings(owner_id, filters).with_only_columns(Learning.id).scalar_subquery()
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


APPLICATION_ORDER = (Application.created_at, Application.id)


def application_rows(
    owner_id: int, link_url: Callable[[str], str], time_zone: str
) -> Iterator[list[str]]:
    """The owner's applications as CSV rows, streamed in one pass with their stage
    histories; what readers did comes from each link's open log (days in the maker's
    zone, like the history)."""
    opens = (
        db.select(
            ShareLinkOpen.share_link_id.label("link_id"),
            func.min(ShareLinkOpen.opened_at).label("first"),
            func.max(ShareLinkOpen.opened_at).label("last"),
            func.count().label("opens"),
        )
        .join(Application, Application.share_link_id == ShareLinkOpen.share_link_id)
        .where(Application.user_id == owner_id)
        .group_by(ShareLinkOpen.share_link_id)
        .subquery()
    )
    applications = _stream(
        db.select(
            Application.id, Application.company, Application.role, Application.posting_url,
            Application.source, Application.stage, Application.applied_on,
            Application.next_step, Application.next_step_on, ShareLink.token,
            ShareLink.revoked_at, opens.c.first, opens.c.last, opens.c.opens,
            Application.private_notes,
        )
        .outerjoin(ShareLink, ShareLink.id == Application.share_link_id)
        .outerjoin(opens, opens.c.link_id == Application.share_link_id)
        .where(Application.user_id == owner_id)
        .order_by(*APPLICATION_ORDER)
    )  # fmt: skip
    history = _Children(
        _stream(
            db.select(
                ApplicationStageChange.application_id,
                ApplicationStageChange.changed_on,
                ApplicationStageChange.stage,
            )
            .join(Application, Application.id == ApplicationStageChange.application_id)
            .where(Application.user_id == owner_id)
            .order_by(
                *APPLICATION_ORDER, ApplicationStageChange.changed_on, ApplicationStageChange.id
            )
        )
    )
    for (
        id_, company, role, posting_url, source, stage, applied_on, next_step, next_step_on,
        token, revoked_at, first, last, count, private_notes,
    ) in applications:  # fmt: skip
        yield [
            company,
            role,
            posting_url,
            source,
            stage,
            iso_date(applied_on),
            next_step,
            iso_date(next_step_on),
            link_url(token) if token and revoked_at is None else "",
            iso_date(local_moment(first, time_zone).date()) if first else "",
            iso_date(local_moment(last, time_zone).date()) if last else "",
            str(count or 0),
            stage_history_cell(history.of(id_)),
            private_notes,
        ]


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
