"""The case-study coach: the checks a hiring manager applies to a case study, each
passed or with a one-line suggestion.

The rules are plain functions of a `CaseStudyFacts`, deterministic and private to
the maker: they never block saving and never appear on public pages. Their order is
their priority: the first failed check of the case study closest to ready is the
portfolio's single most valuable next step.
"""

import re
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import or_

from pm_portfolio.extensions import db
from pm_portfolio.models import Endorsement
from pm_portfolio.models import EndorsementState
from pm_portfolio.models import Learning
from pm_portfolio.models import LearningKind
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import Visibility

# Journal entries that show the work behind a result.
STORY_KINDS = (LearningKind.DECISION, LearningKind.EXPERIMENT, LearningKind.USER_INTERVIEW)
MIN_STORY_ENTRIES = 2
SHOW_BUILD_LOG = "show_build_log"
# Joins a product's metric notes in one cell: the unit separator, which no one types.
NOTE_SEPARATOR = "\x1f"

# Numbers written as words ("three of five"); not "one", which is mostly "no one".
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|dozens?|half|third|"
    r"quarter"
)
# How a maker shows they know: a number, a quote, or the research behind it.
_EVIDENCE = re.compile(
    rf"\d|[\"“”«»]|\b({_NUMBER_WORDS}|interview\w*|survey\w*|research\w*|data|analytics|"
    r"observ\w*|said|told|asked|spoke|talked|complain\w*|quote\w*|reviews?|tickets?|"
    r"support)\b",
    re.IGNORECASE,
)
# A time window written in a metric's note: "after six months", "weeks 1 to 4",
# "over the last quarter", "since launch", "in March 2026".
_PERIOD = r"(days?|weeks?|months?|quarters?|years?)"
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
_WINDOW = re.compile(
    rf"\b((first|last|after|within|over|during|in|for)\b[\w\s]{{0,20}}?\b{_PERIOD}\b|"
    rf"{_PERIOD}\s+\d|since\s+\w+|{_MONTHS}\s+\d{{4}}|q[1-4]\s+\d{{4}})",
    re.IGNORECASE,
)
# A hypothesis that can be checked names a number or how it will be measured.
_MEASURABLE = re.compile(
    r"\d|%|\b(measur\w*|metrics?|rate|retention|conversion|churn|at least|more than|fewer|"
    r"less than|increase\w*|reduc\w*|drop\w*|grow\w*|we will know|we'll know|will know)\b",
    re.IGNORECASE,
)
# Trade-offs say what was left out.
_CUT = re.compile(
    r"\b(cut|cuts|not|no|didn't|did not|don't|won't|skip\w*|dropp?\w*|left out|leave out|"
    r"without|instead|postpon\w*|deferr?\w*|later|descoped|out of scope)\b",
    re.IGNORECASE,
)
# An outcome can honestly be an end, with its reason.
_HONEST_END = re.compile(
    r"\b(kill\w*|pivot\w*|stopp?\w*|shut\w*|abandon\w*|sunset\w*|retired?|failed|"
    r"didn't work|did not work)\b",
    re.IGNORECASE,
)
_REASON = re.compile(r"\b(because|so|since|as|after|due to|which|when)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CaseStudyFacts:
    """What the rules read of a product: its texts and a few counts."""

    problem: str = ""
    target_users: str = ""
    hypothesis: str = ""
    tradeoffs: str = ""
    outcome: str = ""
    role: str = ""
    has_link: bool = False
    media_count: int = 0
    has_cover: bool = False
    # Results with a baseline, or a time window (text or dates); with a cited source.
    metrics_in_context: int = 0
    metrics_with_source: int = 0
    # Decisions, experiments and user interviews in its build log that readers see, and
    # those kept from them (a learning is private until the maker shows it).
    story_entries: int = 0
    hidden_story_entries: int = 0
    # Reviewers' comments on it that the maker resolved.
    resolved_reviews: int = 0
    # Confirmations the maker approved. Counted in SQL, so one whose claim changed
    # since (readers then see nothing, and the product's page says so) still counts.
    endorsements: int = 0


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    passed: bool
    # What to do, in one line; empty when passed.
    suggestion: str
    # Where to do it: a product form field's name, "metrics" (its results), "media" (its
    # pictures and files), "learning" (a new build-log entry), SHOW_BUILD_LOG (one
    # click shows the hidden entries), or "feedback" (a review link).
    target: str


@dataclass(frozen=True)
class Readiness:
    checks: list[Check]
    # Worth doing, never counted against readiness: a case study can be ready without.
    advice: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(check.passed for check in self.checks)

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def is_ready(self) -> bool:
        return self.passed == self.total

    @property
    def next_check(self) -> Check | None:
        return next((check for check in self.checks if not check.passed), None)


def _problem(study: CaseStudyFacts) -> Check:
    title = "The problem says who has it and how you know"
    if not study.problem.strip():
        return Check("problem", title, False, "Describe the problem: who has it, and how you "
                     "know it matters.", "problem")  # fmt: skip
    if not study.target_users.strip():
        return Check("problem", title, False, "Say who has the problem, as precisely as you "
                     "can.", "target_users")  # fmt: skip
    if not _EVIDENCE.search(study.problem):
        return Check("problem", title, False, "Add how you know: a number, an interview or a "
                     "quote.", "problem")  # fmt: skip
    return Check("problem", title, True, "", "problem")


def _hypothesis(study: CaseStudyFacts) -> Check:
    title = "The hypothesis can be tested"
    if not study.hypothesis.strip():
        return Check("hypothesis", title, False, "Write the bet: if you build X, what "
                     "measurable outcome will follow?", "hypothesis")  # fmt: skip
    if not _MEASURABLE.search(study.hypothesis):
        return Check("hypothesis", title, False, "Name the measurable outcome, e.g. “30% of "
                     "teams still use it after four weeks”.", "hypothesis")  # fmt: skip
    return Check("hypothesis", title, True, "", "hypothesis")


def _tradeoffs(study: CaseStudyFacts) -> Check:
    title = "The trade-offs say what you cut"
    if not study.tradeoffs.strip() or not _CUT.search(study.tradeoffs):
        return Check("tradeoffs", title, False, "Say what you chose not to build, and why.",
                     "tradeoffs")  # fmt: skip
    return Check("tradeoffs", title, True, "", "tradeoffs")


def _outcome(study: CaseStudyFacts) -> Check:
    title = "The outcome is measured, or honestly ended"
    outcome = study.outcome.strip()
    if not outcome:
        return Check("outcome", title, False, "State what happened: a result, or that you "
                     "killed or pivoted it and why.", "outcome")  # fmt: skip
    honest_end = _HONEST_END.search(outcome) and _REASON.search(outcome)
    if study.metrics_in_context or honest_end:
        return Check("outcome", title, True, "", "outcome")
    return Check("outcome", title, False, "Give a result its baseline or time window, "
                 "e.g. “14 → 6 min in the first 8 weeks”.", "metrics")  # fmt: skip


def _evidence(study: CaseStudyFacts) -> Check:
    title = "There is evidence to look at"
    if study.has_link or study.media_count or study.metrics_with_source or study.endorsements:
        return Check("evidence", title, True, "", "media")
    return Check("evidence", title, False, "Add a live or source link, a screenshot, or the "
                 "PRD.", "media")  # fmt: skip


def _role(study: CaseStudyFacts) -> Check:
    title = "Your role is stated"
    if study.role.strip():
        return Check("role", title, True, "", "role")
    return Check("role", title, False, "Say what you did, e.g. “Solo: interviews, design, "
                 "build”.", "role")  # fmt: skip


def _build_log(study: CaseStudyFacts) -> Check:
    title = "The build log shows the work"
    if study.story_entries >= MIN_STORY_ENTRIES:
        return Check("build_log", title, True, "", "learning")
    if study.hidden_story_entries:
        hidden = study.hidden_story_entries
        entries, them = ("entry is", "it") if hidden == 1 else ("entries are", "them")
        return Check("build_log", title, False, f"{hidden} build-log {entries} hidden from "
                     f"readers: show {them}?", SHOW_BUILD_LOG)  # fmt: skip
    missing = MIN_STORY_ENTRIES - study.story_entries
    entries = "entry" if missing == 1 else "entries"
    return Check("build_log", title, False, f"Log {missing} more {entries}: a decision, an "
                 "experiment or a user interview.", "learning")  # fmt: skip


def _cover(study: CaseStudyFacts) -> Check:
    title = "It has a cover image"
    if study.has_cover:
        return Check("cover", title, True, "", "media")
    return Check("cover", title, False, "Choose a picture as the cover of its card.", "media")


def _feedback(study: CaseStudyFacts) -> Check:
    title = "Feedback: at least one review resolved"
    if study.resolved_reviews:
        return Check("feedback", title, True, "", "feedback")
    return Check("feedback", title, False, "Ask a working PM to review it, and act on what "
                 "they say.", "feedback")  # fmt: skip


RULES: list[Callable[[CaseStudyFacts], Check]] = [
    _problem, _outcome, _evidence, _hypothesis, _tradeoffs, _role, _build_log, _cover,
]  # fmt: skip
ADVICE: list[Callable[[CaseStudyFacts], Check]] = [_feedback]


def readiness(study: CaseStudyFacts) -> Readiness:
    return Readiness([rule(study) for rule in RULES], [rule(study) for rule in ADVICE])


@dataclass(frozen=True)
class NextStep:
    product_id: int
    product_title: str
    check: Check


@dataclass(frozen=True)
class PortfolioReadiness:
    """How many of the case studies employers see first are ready, and what to do next."""

    focus: str
    ready: int
    total: int
    next_step: NextStep | None


def window_in(note: str) -> bool:
    """Whether a metric's note gives its time window ("after six months")."""
    return bool(_WINDOW.search(note))


def _facts_columns():
    """Per product, the counts the rules need, as correlated subqueries: one query
    however many products."""

    def story(*, public: bool):
        return (
            db.select(func.count(Learning.id))
            .where(
                Learning.product_id == Product.id,
                Learning.kind.in_(STORY_KINDS),
                Learning.is_public.is_(public),
            )
            .scalar_subquery()
        )

    media_count = (
        db.select(func.count(MediaItem.id))
        .where(MediaItem.product_id == Product.id)
        .scalar_subquery()
    )
    covers = (
        db.select(func.count(MediaItem.id))
        .where(MediaItem.product_id == Product.id, MediaItem.is_cover.is_(True))
        .scalar_subquery()
    )
    has_context = or_(
        Metric.baseline != "",
        Metric.time_window != "",
        Metric.window_start.is_not(None),
        Metric.window_end.is_not(None),
    )
    in_context = (
        db.select(func.count(Metric.id))
        .where(Metric.product_id == Product.id, has_context)
        .scalar_subquery()
    )
    # The notes of the other results, read for a window written in words.
    other_notes = (
        db.select(func.aggregate_strings(Metric.note, NOTE_SEPARATOR))
        .where(Metric.product_id == Product.id, ~has_context, Metric.note != "")
        .scalar_subquery()
    )
    sourced = (
        db.select(func.count(Metric.id))
        .where(
            Metric.product_id == Product.id,
            or_(Metric.source_url != "", Metric.source_media_id.is_not(None)),
        )
        .scalar_subquery()
    )
    resolved_reviews = (
        db.select(func.count(ReviewComment.id))
        .where(ReviewComment.product_id == Product.id, ReviewComment.resolved_at.is_not(None))
        .scalar_subquery()
    )
    shown_endorsements = (
        db.select(func.count(Endorsement.id))
        .where(
            Endorsement.product_id == Product.id,
            Endorsement.approved.is_(True),
            Endorsement.state == EndorsementState.CONFIRMED,
        )
        .scalar_subquery()
    )
    return (
        story(public=True), story(public=False), media_count, covers, in_context, other_notes,
        sourced, resolved_reviews, shown_endorsements,
    )  # fmt: skip


def _facts(
    product: Product,
    story,
    hidden_story,
    media_count,
    covers,
    in_context,
    other_notes,
    sourced,
    resolved_reviews,
    shown_endorsements,
) -> CaseStudyFacts:
    notes = other_notes.split(NOTE_SEPARATOR) if other_notes else []
    return CaseStudyFacts(
        problem=product.problem,
        target_users=product.target_users,
        hypothesis=product.hypothesis,
        tradeoffs=product.tradeoffs,
        outcome=product.outcome,
        role=product.role,
        has_link=bool(product.live_url or product.source_url),
        media_count=media_count,
        has_cover=bool(covers),
        metrics_in_context=in_context + sum(window_in(note) for note in notes),
        metrics_with_source=sourced,
        story_entries=story,
        hidden_story_entries=hidden_story,
        resolved_reviews=resolved_reviews,
        endorsements=shown_endorsements,
    )


def _studies(owner_id: int, *conditions) -> Iterable[tuple[Product, CaseStudyFacts]]:
    rows = db.session.execute(
        db.select(Product, *_facts_columns())
        .where(Product.user_id == owner_id, *conditions)
        .order_by(Product.position, Product.id)
    )
    for product, *counts in rows:
        yield product, _facts(product, *counts)


def readiness_of(owner_id: int, product_ids: Iterable[int]) -> dict[int, Readiness]:
    """The readiness of the owner's products among `product_ids`, in one query."""
    ids = list(product_ids)
    if not ids:
        return {}
    return {
        product.id: readiness(facts) for product, facts in _studies(owner_id, Product.id.in_(ids))
    }


def portfolio_readiness(owner_id: int) -> PortfolioReadiness | None:
    """Featured case studies if there are any, else the public ones, else every
    product: how many are ready, and the first check to fix on the one closest to it.
    One query over the maker's products."""
    studies = list(_studies(owner_id))
    featured = [pair for pair in studies if pair[0].is_featured]
    public = [pair for pair in studies if pair[0].visibility == Visibility.PUBLIC]
    focus, chosen = next(
        ((name, pairs) for name, pairs in (("featured", featured), ("public", public)) if pairs),
        ("", studies),
    )
    if not chosen:
        return None
    scored = [(product, readiness(facts)) for product, facts in chosen]
    unready = [(product, result) for product, result in scored if not result.is_ready]
    next_step = None
    if unready:
        product, result = max(unready, key=lambda pair: pair[1].passed)
        next_step = NextStep(product.id, product.title, result.next_check)
    return PortfolioReadiness(
        focus=focus,
        ready=len(scored) - len(unready),
        total=len(scored),
        next_step=next_step,
    )
