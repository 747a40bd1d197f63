"""Review links: draft case studies shared for feedback, and the comments reviewers
leave on them, section by section, without an account.

A review link shows its products whatever their visibility (drafts are what need
review) and nothing else of the maker. Comments are the maker's alone: no public page,
PDF, card or export shows them.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from pm_portfolio.core import share_links
from pm_portfolio.core.dates import local_moment
from pm_portfolio.core.publishing import CARD_LOADING
from pm_portfolio.core.publishing import CASE_STUDY_LOADING
from pm_portfolio.core.publishing import portfolio_order
from pm_portfolio.database import writing_transactions
from pm_portfolio.extensions import db
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ReviewLink
from pm_portfolio.models import ReviewLinkProduct
from pm_portfolio.models import User

DEFAULT_DAYS = 30
MAX_DAYS = 365
# How long a reviewer may change their mind about a comment, from its confirmation page.
EDIT_WINDOW = timedelta(hours=1)
# The maker hears of new comments in one email an hour at most.
NOTICE_INTERVAL = timedelta(hours=1)
COMMENT_MAX = 4000
REPLY_MAX = 4000

# The parts of a case study a reviewer can comment on, in reading order, with their
# headings; "result:<n>" names the n-th result, and "whole" the case study as a whole.
STORY_SECTIONS = {
    key: CASE_STUDY_TEXTS[key]
    for key in ("problem", "hypothesis", "solution", "tradeoffs", "outcome")
}
BUILD_LOG = "build_log"
WHOLE = "whole"
RESULT_LABEL = "Result: "
# Every form a comment's section takes.
SECTION_PATTERN = re.compile(
    rf"({'|'.join([WHOLE, BUILD_LOG, *STORY_SECTIONS])}|result:[1-9]\d{{0,2}})"
)


class NotReviewable(Exception):
    """Only the maker's own products can go in a review link, and at least one."""


class AlreadyReplied(Exception):
    """A comment gets one reply."""


@dataclass(frozen=True)
class Section:
    key: str
    label: str


@dataclass
class ReviewLinkData:
    product_ids: list[int]
    expires_on: date
    note: str = ""


@dataclass
class CommentData:
    name: str
    email: str
    section: str
    body: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_open(link: ReviewLink, today: date) -> bool:
    return link.revoked_at is None and link.expires_on >= today


def reviewable_products(owner_id: int) -> list[Product]:
    """Every product of the maker, whatever its visibility, in portfolio order."""
    return list(
        db.session.scalars(
            db.select(Product).where(Product.user_id == owner_id).order_by(*portfolio_order())
        )
    )


def create_review_link(owner_id: int, data: ReviewLinkData) -> ReviewLink:
    owned = set(db.session.scalars(db.select(Product.id).where(Product.user_id == owner_id)))
    chosen = list(dict.fromkeys(data.product_ids))
    if not chosen or any(product_id not in owned for product_id in chosen):
        raise NotReviewable
    link = ReviewLink(
        user_id=owner_id,
        token=share_links.new_token(),
        note=data.note.strip(),
        expires_on=data.expires_on,
        items=[
            ReviewLinkProduct(product_id=product_id, position=position)
            for position, product_id in enumerate(chosen)
        ],
    )
    db.session.add(link)
    db.session.commit()
    return link


def revoke_review_link(link: ReviewLink, now: datetime) -> None:
    """Its address answers 404 from now on; its comments stay with the maker."""
    link.revoked_at = now
    db.session.commit()


def find_open_link(token: str, today: date) -> ReviewLink | None:
    link = db.session.scalar(db.select(ReviewLink).where(ReviewLink.token == token))
    if link is None or not is_open(link, today):
        return None
    return link


def owned_link(owner_id: int, link_id: int) -> ReviewLink | None:
    return db.session.scalar(
        db.select(ReviewLink).where(ReviewLink.id == link_id, ReviewLink.user_id == owner_id)
    )


def products_of(link: ReviewLink, loading=CARD_LOADING) -> list[Product]:
    """The link's products in its order, whatever their visibility."""
    query = (
        db.select(Product)
        .join(ReviewLinkProduct, ReviewLinkProduct.product_id == Product.id)
        .where(ReviewLinkProduct.review_link_id == link.id, Product.user_id == link.user_id)
        .order_by(ReviewLinkProduct.position)
        .options(*loading)
    )
    return list(db.session.scalars(query).unique())


def shows_one(link: ReviewLink) -> bool:
    """Whether the link shows a single product (its page is then that case study)."""
    count = db.session.scalar(
        db.select(func.count())
        .select_from(ReviewLinkProduct)
        .join(Product, Product.id == ReviewLinkProduct.product_id)
        .where(ReviewLinkProduct.review_link_id == link.id, Product.user_id == link.user_id)
    )
    return count == 1


def product_of(link: ReviewLink, slug: str | None = None) -> Product | None:
    """The case study a link shows as `slug`, or its only one when `slug` is None."""
    query = (
        db.select(Product)
        .join(ReviewLinkProduct, ReviewLinkProduct.product_id == Product.id)
        .where(ReviewLinkProduct.review_link_id == link.id, Product.user_id == link.user_id)
        .options(*CASE_STUDY_LOADING)
    )
    if slug is not None:
        return db.session.scalars(query.where(Product.slug == slug)).unique().first()
    products = list(db.session.scalars(query.limit(2)).unique())
    return products[0] if len(products) == 1 else None


def sections_of(product: Product, has_build_log: bool) -> list[Section]:
    """What a reviewer can comment on: the sections the case study has, in its order."""
    sections = [Section(WHOLE, "The case study as a whole")]
    sections += [
        Section(f"result:{position}", f"{RESULT_LABEL}{metric.label}")
        for position, metric in enumerate(product.metrics, start=1)
    ]
    sections += [
        Section(key, label) for key, label in STORY_SECTIONS.items() if getattr(product, key)
    ]
    if has_build_log:
        sections.append(Section(BUILD_LOG, "Build log"))
    return sections


def add_comment(
    link: ReviewLink, product: Product, sections: list[Section], data: CommentData, now: datetime
) -> tuple[ReviewComment, str]:
    """Save a reviewer's comment; returns it with the token that lets its author edit
    or delete it for EDIT_WINDOW (only its hash is kept)."""
    label = next((section.label for section in sections if section.key == data.section), None)
    if label is None:
        raise ValueError(f"{data.section!r} is not a section of this case study")
    edit_token = share_links.new_token()
    comment = ReviewComment(
        user_id=link.user_id,
        product_id=product.id,
        review_link_id=link.id,
        section=data.section,
        section_label=label[:120],
        author_name=data.name.strip(),
        author_email=data.email.strip(),
        body=data.body.strip(),
        edit_token_hash=_hash(edit_token),
        created_at=now,
    )
    db.session.add(comment)
    db.session.commit()
    return comment, edit_token


def editable_comment(link: ReviewLink, edit_token: str, now: datetime) -> ReviewComment | None:
    """The comment `edit_token` was given for on this link, while its author may still
    change it."""
    comment = db.session.scalar(
        db.select(ReviewComment).where(
            ReviewComment.edit_token_hash == _hash(edit_token),
            ReviewComment.review_link_id == link.id,
        )
    )
    if comment is None or now - local_moment(comment.created_at) >= EDIT_WINDOW:
        return None
    return comment


def edit_deadline(comment: ReviewComment) -> datetime:
    return local_moment(comment.created_at) + EDIT_WINDOW


def edit_comment(comment: ReviewComment, body: str, now: datetime) -> None:
    """Change the text; the maker hears of it again in the next email."""
    comment.body = body.strip()
    comment.edited_at = now
    comment.notified_at = None
    db.session.commit()


def delete_comment(comment: ReviewComment) -> None:
    db.session.delete(comment)
    db.session.commit()


def owned_comment(owner_id: int, comment_id: int) -> ReviewComment | None:
    return db.session.scalar(
        db.select(ReviewComment).where(
            ReviewComment.id == comment_id, ReviewComment.user_id == owner_id
        )
    )


def resolve(comment: ReviewComment, now: datetime) -> None:
    comment.resolved_at = now
    db.session.commit()


def reopen(comment: ReviewComment) -> None:
    comment.resolved_at = None
    db.session.commit()


def reply(comment: ReviewComment, text: str, now: datetime) -> None:
    if comment.replied_at is not None:
        raise AlreadyReplied
    comment.reply = text.strip()
    comment.replied_at = now
    db.session.commit()


@dataclass(frozen=True)
class PlacedComments:
    """A product's comments as its page shows them: by the place each sits beside now
    ("problem", "result:2", "whole", "build_log"), and those whose section the case
    study no longer has (a result removed, a text emptied), which show apart."""

    by_place: dict[str, list[ReviewComment]]
    elsewhere: list[ReviewComment]


def comments_on(owner_id: int, product: Product) -> PlacedComments:
    """A product's comments, oldest first. A comment on a result follows the result
    by its label: results are saved anew, and moved, on every save."""
    result_places: dict[str, str] = {}
    for position, metric in enumerate(product.metrics, start=1):
        result_places.setdefault(metric.label.casefold(), f"result:{position}")
    places = {WHOLE, BUILD_LOG} | {key for key in STORY_SECTIONS if getattr(product, key)}
    by_place: dict[str, list[ReviewComment]] = defaultdict(list)
    elsewhere = []
    comments = db.session.scalars(
        db.select(ReviewComment)
        .where(ReviewComment.user_id == owner_id, ReviewComment.product_id == product.id)
        .order_by(ReviewComment.created_at, ReviewComment.id)
    )
    for comment in comments:
        if comment.section.startswith("result:"):
            label = comment.section_label.removeprefix(RESULT_LABEL)
            place = result_places.get(label.casefold())
        else:
            place = comment.section if comment.section in places else None
        if place is None:
            elsewhere.append(comment)
        else:
            by_place[place].append(comment)
    return PlacedComments(by_place, elsewhere)


def feedback(owner_id: int, resolved: bool) -> list[ReviewComment]:
    """The maker's open (or resolved) comments across products, newest first."""
    state = (
        ReviewComment.resolved_at.is_not(None) if resolved else ReviewComment.resolved_at.is_(None)
    )
    return list(
        db.session.scalars(
            db.select(ReviewComment)
            .where(ReviewComment.user_id == owner_id, state)
            .order_by(ReviewComment.created_at.desc(), ReviewComment.id.desc())
            .options(joinedload(ReviewComment.product))
        )
    )


def open_count(owner_id: int) -> int:
    return db.session.scalar(
        db.select(func.count(ReviewComment.id)).where(
            ReviewComment.user_id == owner_id, ReviewComment.resolved_at.is_(None)
        )
    )


def review_links(owner_id: int) -> list[ReviewLink]:
    """The maker's review links, newest first, with their products."""
    return list(
        db.session.scalars(
            db.select(ReviewLink)
            .where(ReviewLink.user_id == owner_id)
            .order_by(ReviewLink.created_at.desc(), ReviewLink.id.desc())
            .options(selectinload(ReviewLink.items).joinedload(ReviewLinkProduct.product))
        )
    )


def open_review_links(owner_id: int, product_id: int, today: date) -> list[ReviewLink]:
    """The maker's review links that show `product_id` and still open, newest first."""
    shown = db.select(ReviewLinkProduct.review_link_id).where(
        ReviewLinkProduct.product_id == product_id
    )
    return list(
        db.session.scalars(
            db.select(ReviewLink)
            .where(
                ReviewLink.user_id == owner_id,
                ReviewLink.id.in_(shown),
                ReviewLink.revoked_at.is_(None),
                ReviewLink.expires_on >= today,
            )
            .order_by(ReviewLink.created_at.desc(), ReviewLink.id.desc())
        )
    )


@dataclass(frozen=True)
class Notice:
    """New comments to tell one maker about, in one email."""

    maker: User
    comments: list[ReviewComment]


def due_notices(now: datetime) -> list[Notice]:
    """Makers with comments they have not heard of, unless they were emailed less than
    NOTICE_INTERVAL ago; their comments oldest first."""
    last_notice = (
        db.select(ReviewComment.user_id, func.max(ReviewComment.notified_at).label("at"))
        .group_by(ReviewComment.user_id)
        .subquery()
    )
    recently_told = db.select(last_notice.c.user_id).where(last_notice.c.at > now - NOTICE_INTERVAL)
    comments = db.session.scalars(
        db.select(ReviewComment)
        .where(ReviewComment.notified_at.is_(None), ReviewComment.user_id.not_in(recently_told))
        .order_by(ReviewComment.user_id, ReviewComment.created_at, ReviewComment.id)
        .options(joinedload(ReviewComment.product))
    )
    by_maker: dict[int, list[ReviewComment]] = defaultdict(list)
    for comment in comments:
        by_maker[comment.user_id].append(comment)
    makers = {
        user.id: user
        for user in db.session.scalars(db.select(User).where(User.id.in_(list(by_maker))))
    }
    return [Notice(makers[maker_id], listed) for maker_id, listed in by_maker.items()]


def claim_notice(comments: list[ReviewComment], now: datetime) -> list[ReviewComment]:
    """Mark the comments told before their email goes; those another run (another
    server) marked meanwhile are left out, so no comment is told twice."""
    db.session.commit()
    with writing_transactions():
        claimed = set(
            db.session.scalars(
                db.update(ReviewComment)
                .where(
                    ReviewComment.id.in_([comment.id for comment in comments]),
                    ReviewComment.notified_at.is_(None),
                )
                .values(notified_at=now)
                .returning(ReviewComment.id),
                execution_options={"synchronize_session": False},
            )
        )
        db.session.commit()
    return [comment for comment in comments if comment.id in claimed]


def release_notice(comments: list[ReviewComment]) -> None:
    """The email could not go: the comments wait for the next run."""
    db.session.execute(
        db.update(ReviewComment)
        .where(ReviewComment.id.in_([comment.id for comment in comments]))
        .values(notified_at=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
