"""Learning rules: ownership, the journal, and saving a learning."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from pm_portfolio.core.skills import skills_with_keys
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import LearningKind
from pm_portfolio.models import Product
from pm_portfolio.models import Skill

JOURNAL_PAGE_SIZE = 20


class ProductNotOwned(Exception):
    """The learning was to be tied to a product the maker does not own."""


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


def filtered_learnings(owner_id: int, filters: LearningFilters) -> Select:
    """The owner's learnings that pass `filters`, unordered: the journal and the export."""
    query = db.select(Learning).where(Learning.user_id == owner_id)
    if filters.product_id is not None:
        query = query.where(Learning.product_id == filters.product_id)
    if filters.skill_key:
        query = query.where(Learning.skills.any(Skill.key == filters.skill_key))
    return query


def journal_page(
    owner_id: int, filters: LearningFilters, page: int, per_page: int = JOURNAL_PAGE_SIZE
) -> Pagination:
    """One page of the owner's learnings, newest first."""
    query = (
        filtered_learnings(owner_id, filters)
        .options(selectinload(Learning.skills), selectinload(Learning.product))
        .order_by(Learning.learned_on.desc(), Learning.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _apply(learning: Learning, owner_id: int, data: LearningData) -> None:
    if data.product_id is not None:
        owner_of_product = db.session.scalar(
            db.select(Product.user_id).where(Product.id == data.product_id)
        )
        if owner_of_product != owner_id:
            raise ProductNotOwned
    learning.title = data.title.strip()
    learning.kind = data.kind
    learning.body = data.body.strip()
    learning.learned_on = data.learned_on
    learning.product_id = data.product_id
    learning.is_public = data.is_public
    learning.skills = skills_with_keys(data.skill_keys)
    if data.created_at is not None:
        learning.created_at = data.created_at
    if data.updated_at is not None:
        learning.updated_at = data.updated_at


def stage_learning(owner_id: int, data: LearningData, learning: Learning | None = None) -> Learning:
    """Put a new learning, or changes to `learning`, in the session without committing."""
    if learning is None:
        learning = Learning(user_id=owner_id)
        _apply(learning, owner_id, data)
        db.session.add(learning)
    else:
        _apply(learning, owner_id, data)
    return learning


def create_learning(owner_id: int, data: LearningData) -> Learning:
    learning = stage_learning(owner_id, data)
    db.session.commit()
    return learning


def update_learning(learning: Learning, data: LearningData) -> Learning:
    stage_learning(learning.user_id, data, learning)
    db.session.commit()
    return learning


def delete_learning(learning: Learning) -> None:
    db.session.delete(learning)
    db.session.commit()
