"""What others said, in the backup: review links with their comments, and endorsement
requests with their answers. The maker's own backup is the one place they leave the
app. No token is kept: a restore gives each link a new address, and a restored
comment can no longer be edited by its reviewer."""

import secrets
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from pm_portfolio.core import reviews
from pm_portfolio.core import share_links
from pm_portfolio.exports.csv_import import BadImportFile
from pm_portfolio.exports.csv_import import Problem
from pm_portfolio.exports.csv_import import problem_summary
from pm_portfolio.exports.formats import iso_date
from pm_portfolio.exports.formats import iso_datetime
from pm_portfolio.exports.formats import parse_timestamp
from pm_portfolio.extensions import db
from pm_portfolio.models import ClaimKind
from pm_portfolio.models import Endorsement
from pm_portfolio.models import EndorsementState
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ReviewLink
from pm_portfolio.models import ReviewLinkProduct

COMMENT_TEXTS = {"section": 20, "section_label": 120, "author_name": 80, "author_email": 254,
                 "body": reviews.COMMENT_MAX, "reply": reviews.REPLY_MAX}  # fmt: skip
COMMENT_TIMES = ["created_at", "edited_at", "resolved_at", "replied_at", "notified_at"]
ENDORSEMENT_TEXTS = {"claim_label": 60, "claim_text": 20_000, "asked_name": 80,
                     "asked_email": 254, "name": 80, "relationship": 120, "quote": 200,
                     "confirmed_text": 20_000}  # fmt: skip
ENDORSEMENT_TIMES = ["created_at", "opened_at", "responded_at", "reminded_at"]
# The backup's names for columns named otherwise in the schema.
ENDORSEMENT_COLUMNS = {"relationship": "relation_to_maker"}


class Refused(ValueError):
    """A value a restore cannot take."""


def _time(value: datetime | None) -> str | None:
    return iso_datetime(value) if value else None


def backup_review_links(owner_id: int) -> list[dict[str, Any]]:
    links = db.session.scalars(
        db.select(ReviewLink)
        .where(ReviewLink.user_id == owner_id)
        .options(selectinload(ReviewLink.items).joinedload(ReviewLinkProduct.product))
        .order_by(ReviewLink.created_at, ReviewLink.id)
    )
    comments: dict[int, list[dict[str, Any]]] = {}
    rows = db.session.scalars(
        db.select(ReviewComment)
        .where(ReviewComment.user_id == owner_id)
        .options(joinedload(ReviewComment.product))
        .order_by(ReviewComment.created_at, ReviewComment.id)
    )
    for comment in rows:
        comments.setdefault(comment.review_link_id, []).append(
            {
                "case_study": comment.product.slug,
                **{name: getattr(comment, name) for name in COMMENT_TEXTS},
                **{name: _time(getattr(comment, name)) for name in COMMENT_TIMES},
            }
        )
    return [
        {
            "case_studies": [item.product.slug for item in link.items],
            "note": link.note,
            "expires_on": iso_date(link.expires_on),
            "revoked_at": _time(link.revoked_at),
            "created_at": _time(link.created_at),
            "comments": comments.get(link.id, []),
        }
        for link in links
    ]


def backup_endorsements(owner_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        db.select(Endorsement)
        .where(Endorsement.user_id == owner_id)
        .options(joinedload(Endorsement.product))
        .order_by(Endorsement.created_at, Endorsement.id)
    )
    return [
        {
            "case_study": endorsement.product.slug,
            "claim_kind": endorsement.claim_kind,
            **{
                name: getattr(endorsement, ENDORSEMENT_COLUMNS.get(name, name))
                for name in ENDORSEMENT_TEXTS
            },
            "state": endorsement.state,
            "approved": endorsement.approved,
            "expires_on": iso_date(endorsement.expires_on),
            **{name: _time(getattr(endorsement, name)) for name in ENDORSEMENT_TIMES},
        }
        for endorsement in rows
    ]


def _text(item: dict, name: str, limit: int, required: bool = False) -> str:
    value = item.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or "\x00" in value:
        raise Refused(f"“{name}” is not text")
    if len(value) > limit:
        raise Refused(f"“{name}” is longer than {limit:,} characters")
    if required and not value.strip():
        raise Refused(f"“{name}” is empty")
    return value


def _moment(item: dict, name: str, required: bool = False) -> datetime | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Refused(f"“{name}” is not a time")
    moment = parse_timestamp(value)
    if moment is None and required:
        raise Refused(f"“{name}” is empty")
    return moment


def _day(item: dict, name: str) -> date:
    value = item.get(name)
    if not isinstance(value, str):
        raise Refused(f"“{name}” is not a date")
    return date.fromisoformat(value)


def _product_id(product_ids: dict[str, int], slug: Any) -> int:
    if not isinstance(slug, str) or slug not in product_ids:
        raise Refused(f"no product has the slug “{slug}”")
    return product_ids[slug]


def _unusable_hash() -> str:
    """An edit token's hash that no token has: a restored comment is the maker's now."""
    return secrets.token_hex(32)


def _review_link(owner_id: int, item: dict, product_ids: dict[str, int]) -> ReviewLink:
    slugs = item.get("case_studies")
    if not isinstance(slugs, list) or not slugs:
        raise Refused("a review link without case studies")
    chosen = list(dict.fromkeys(_product_id(product_ids, slug) for slug in slugs))
    link = ReviewLink(
        user_id=owner_id,
        token=share_links.new_token(),
        note=_text(item, "note", 500),
        expires_on=_day(item, "expires_on"),
        revoked_at=_moment(item, "revoked_at"),
        created_at=_moment(item, "created_at", required=True),
        items=[
            ReviewLinkProduct(product_id=product_id, position=position)
            for position, product_id in enumerate(chosen)
        ],
    )
    comments = item.get("comments") or []
    if not isinstance(comments, list):
        raise Refused("“comments” is not a list")
    for comment in comments:
        if not isinstance(comment, dict):
            raise Refused("a comment is not an object")
        product_id = _product_id(product_ids, comment.get("case_study"))
        if product_id not in chosen:
            raise Refused("a comment on a case study its link does not show")
        required = {"section", "section_label", "author_name", "body"}
        texts = {
            name: _text(comment, name, limit, required=name in required)
            for name, limit in COMMENT_TEXTS.items()
        }
        if not reviews.SECTION_PATTERN.fullmatch(texts["section"]):
            raise Refused(f"not a section: {texts['section']}")
        times = {name: _moment(comment, name, name == "created_at") for name in COMMENT_TIMES}
        link_comment = ReviewComment(
            user_id=owner_id, product_id=product_id, edit_token_hash=_unusable_hash(),
            **texts, **times,
        )  # fmt: skip
        link_comment.review_link = link
    return link


def _endorsement(owner_id: int, item: dict, product_ids: dict[str, int]) -> Endorsement:
    kind = item.get("claim_kind")
    state = item.get("state")
    if kind not in set(ClaimKind):
        raise Refused(f"not a kind of claim: {kind}")
    if state not in set(EndorsementState):
        raise Refused(f"not a state: {state}")
    approved = item.get("approved") is True
    if approved and state != EndorsementState.CONFIRMED:
        raise Refused("only a confirmation can be shown")
    required = {"claim_text", "asked_name"}
    texts = {
        ENDORSEMENT_COLUMNS.get(name, name): _text(item, name, limit, required=name in required)
        for name, limit in ENDORSEMENT_TEXTS.items()
    }
    return Endorsement(
        user_id=owner_id,
        product_id=_product_id(product_ids, item.get("case_study")),
        token=share_links.new_token(),
        claim_kind=kind,
        state=state,
        approved=approved,
        expires_on=_day(item, "expires_on"),
        **texts,
        **{name: _moment(item, name, name == "created_at") for name in ENDORSEMENT_TIMES},
    )


def restore_feedback(owner_id: int, review_links: list, endorsement_items: list) -> int:
    """Stage the backup's review links (with comments) and endorsements (the caller
    commits), after its products; BadImportFile if any is refused. Returns how many
    comments and endorsements were restored."""
    product_ids = dict(
        db.session.execute(
            db.select(Product.slug, Product.id).where(Product.user_id == owner_id)
        ).all()
    )
    problems: list[Problem] = []
    staged: list = []
    for kind, items, build in (
        ("review link", review_links, _review_link),
        ("endorsement", endorsement_items, _endorsement),
    ):
        for number, item in enumerate(items, start=1):
            try:
                if not isinstance(item, dict):
                    raise Refused("not an object")
                staged.append(build(owner_id, item, product_ids))
            except (Refused, ValueError, OverflowError) as error:
                problems.append(Problem(number, "row", f"{kind.capitalize()}: {error}."))
        if problems:
            raise BadImportFile(problem_summary(kind, problems))
    db.session.add_all(staged)
    return sum(len(row.comments) if isinstance(row, ReviewLink) else 1 for row in staged)
