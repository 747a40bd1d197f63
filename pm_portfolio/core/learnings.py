"""Learning rules: ownership, the journal, and saving a learning."""

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from pm_portfolio.core.coach import STORY_KINDS
from pm_portfolio.core.dates import date_label
from pm_portfolio.core.rows import assign_changed
from pm_portfolio.core.skills import all_skills
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import LearningKind
from pm_portfolio.models import Product
from pm_portfolio.models import Skill

JOURNAL_PAGE_SIZE = 20


class ProductNotOwned(Exception):
    """The learning was to be tied to a product the maker does not own."""


class LearningGone(Exception):
    """The learning was deleted (with its product, say) while this change was being made."""


@dataclass
class LearningData:
    title: str
    learned_on: date
    kind: str = LearningKind.INSIGHT
    body: str = ""
    product_id: int | None = None
    is_public: bool = False
    skill_keys: list[str] = field(default_factory=list)
    # Kept from an import or backup; new learnings get the current time.
    created_at: datetime | None = None
    updated_at: datetime | None = None


def owned_learnings(owner_id: int, learning_ids: Iterable[int]) -> dict[int, Learning]:
    """The owner's learnings among `learning_ids`, by id, with their skills."""
    return {
        learning.id: learning
        for learning in db.session.scalars(
            db.select(Learning)
            .where(Learning.user_id == owner_id, Learning.id.in_(list(learning_ids)))
            .options(selectinload(Learning.skills))
        )
    }


def owned_learning(owner_id: int, learning_id: int) -> Learning | None:
    """The learning if `owner_id` owns it; None for anyone else's, as if it did not exist."""
    return db.session.scalar(
        db.select(Learning).where(Learning.id == learning_id, Learning.user_id == owner_id)
    )


@dataclass(frozen=True)
class LearningFilters:
    """What the journal, and its CSV export, are narrowed to; empty means any."""

    product_id: int | None = None
    skill_key: str = ""
    kind: str = ""


def filtered_learnings(owner_id: int, filters: LearningFilters) -> Select:
    """The owner's learnings that pass `filters`, unordered: the journal and the export."""
    query = db.select(Learning).where(Learning.user_id == owner_id)
    if filters.product_id is not None:
        query = query.where(Learning.product_id == filters.product_id)
    if filters.skill_key:
        query = query.where(Learning.skills.any(Skill.key == filters.skill_key))
    if filters.kind:
        query = query.where(Learning.kind == filters.kind)
    return query


def journal_page(
    owner_id: int, filters: LearningFilters, page: int, per_page: int = JOURNAL_PAGE_SIZE
) -> Pagination:
    """One page of the owner's learnings, newest first; a page past the last is a 404."""
    query = (
        filtered_learnings(owner_id, filters)
        .options(selectinload(Learning.skills), selectinload(Learning.product))
        .order_by(Learning.learned_on.desc(), Learning.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page)


def _apply(learning: Learning, data: LearningData, skills: dict[str, Skill]) -> None:
    """Set what changed only: a row re-imported unchanged costs no writes."""
    values = {
        "title": data.title.strip(),
        "kind": data.kind,
        "body": data.body.strip(),
        "learned_on": data.learned_on,
        "product_id": data.product_id,
        "is_public": data.is_public,
    }
    if data.created_at is not None:
        values["created_at"] = data.created_at
    if data.updated_at is not None:
        values["updated_at"] = data.updated_at
    assign_changed(learning, values)
    chosen = [skills[key] for key in dict.fromkeys(data.skill_keys) if key in skills]
    if {skill.id for skill in learning.skills} != {skill.id for skill in chosen}:
        learning.skills = chosen


def stage_learnings(
    owner_id: int, changes: Sequence[tuple[LearningData, Learning | None]]
) -> list[Learning]:
    """Put new learnings, or changes to existing ones, in the session, with one flush.

    A fixed few queries for the whole batch; raises ProductNotOwned, before
    changing anything, if one would be tied to a product the maker does not own.
    """
    owned = set(db.session.scalars(db.select(Product.id).where(Product.user_id == owner_id)))
    if any(data.product_id is not None and data.product_id not in owned for data, _ in changes):
        raise ProductNotOwned
    skills = {skill.key: skill for skill in all_skills()}
    staged = []
    for data, existing in changes:
        learning = existing or Learning(user_id=owner_id)
        _apply(learning, data, skills)
        if existing is None:
            db.session.add(learning)
        staged.append(learning)
    db.session.flush()
    return staged


def _save(owner_id: int, data: LearningData, learning: Learning | None = None) -> Learning:
    try:
        (learning,) = stage_learnings(owner_id, [(data, learning)])
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise LearningGone from error
    except IntegrityError as error:
        # Its product was deleted meanwhile, in another tab or by another request.
        db.session.rollback()
        raise ProductNotOwned from error
    return learning


def create_learning(owner_id: int, data: LearningData) -> Learning:
    return _save(owner_id, data)


def update_learning(learning: Learning, data: LearningData) -> Learning:
    return _save(learning.user_id, data, learning)


def delete_learning(learning: Learning) -> None:
    db.session.delete(learning)
    db.session.commit()


def hidden_build_log(owner_id: int, product_id: int) -> list[Learning]:
    """The product's decisions, experiments and interviews readers do not see (the
    entries the coach counts), oldest first."""
    return list(
        db.session.scalars(
            db.select(Learning)
            .where(
                Learning.user_id == owner_id,
                Learning.product_id == product_id,
                Learning.kind.in_(STORY_KINDS),
                Learning.is_public.is_(False),
            )
            .order_by(Learning.learned_on, Learning.id)
        )
    )


def show_build_log(owner_id: int, product_id: int) -> int:
    """Show readers the entries `hidden_build_log` lists; return how many. Rows are
    changed one by one, so the portfolio's version moves as for any edit."""
    hidden = hidden_build_log(owner_id, product_id)
    for learning in hidden:
        learning.is_public = True
    db.session.commit()
    return len(hidden)


def build_log_of(owner_id: int, product_id: int) -> list[Learning]:
    """A product's journal entries, oldest first: the raw material of its story."""
    return list(
        db.session.scalars(
            db.select(Learning)
            .where(Learning.user_id == owner_id, Learning.product_id == product_id)
            .order_by(Learning.learned_on, Learning.id)
        )
    )


def journal_draft(entries: Iterable[Learning]) -> str:
    """Journal entries as a Markdown draft for a case-study section, one item each, in
    date order: "- **22 Feb 2026 — Decision:** No inventory tracking. Most …"."""
    lines = []
    for entry in sorted(entries, key=lambda learning: (learning.learned_on, learning.id)):
        when = date_label(entry.learned_on)
        kind = LearningKind(entry.kind).label
        title = entry.title.rstrip(".")
        # The first paragraph, on one line, so the list stays a list.
        first_paragraph = " ".join(entry.body.strip().split("\n\n", 1)[0].split())
        lines.append(f"- **{when} \N{EM DASH} {kind}:** {title}." + (
            f" {first_paragraph}" if first_paragraph else ""
        ))  # fmt: skip
    return "\n".join(lines)


def with_draft(text: str, draft: str) -> str:
    """A section's text with a draft added at its end, a blank line between them."""
    text = text.rstrip()
    return f"{text}\n\n{draft}" if text else draft
