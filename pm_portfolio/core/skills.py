"""The PM skill taxonomy: fixed reference data that products and learnings are tagged with."""

from collections.abc import Iterable

from pm_portfolio.extensions import db
from pm_portfolio.models import Skill


def all_skills() -> list[Skill]:
    return list(db.session.scalars(db.select(Skill).order_by(Skill.position)))


def skills_with_keys(keys: Iterable[str]) -> list[Skill]:
    """The skills named by `keys`, in taxonomy order; unknown keys are ignored."""
    keys = set(keys)
    if not keys:
        return []
    return list(
        db.session.scalars(db.select(Skill).where(Skill.key.in_(keys)).order_by(Skill.position))
    )


def skill_options(skills: Iterable[Skill]) -> list[tuple[str, str]]:
    """(key, name) pairs to choose skills from."""
    return [(skill.key, skill.name) for skill in skills]
