"""The portfolio version: one number per maker that changes whenever a public page may.

Public pages build their ETags, and the rendered-page cache its keys, from it; a
change that did not bump it would serve stale pages. So nothing bumps it by hand:
a session listener sees every row about to be written and bumps the version of
each maker whose data changed, once per transaction. Only the models named in
`UNSHOWN_MODELS` are exempt, so a new model is followed unless it says otherwise.
Bulk INSERT, UPDATE and DELETE statements bypass the session's bookkeeping, so
on a followed model they are refused.

Once a transaction that bumped versions commits, the makers' stamps (core/stamps.py)
are forgotten, so every server sees the new version at once, and `portfolio_changed`
is sent with the makers' ids (their PDFs are drawn again ahead of readers).
"""

from blinker import Namespace
from flask import current_app
from flask import has_app_context
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.orm import scoped_session

from pm_portfolio.core.stamps import forget_owner_stamps
from pm_portfolio.models import Application
from pm_portfolio.models import ApplicationContact
from pm_portfolio.models import ApplicationStageChange
from pm_portfolio.models import BrowserSession
from pm_portfolio.models import CalendarFeed
from pm_portfolio.models import DeliveredEmail
from pm_portfolio.models import FollowUpCheck
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import MediaFile
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import ProductView
from pm_portfolio.models import ProfileView
from pm_portfolio.models import RemindedFollowUp
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ReviewLink
from pm_portfolio.models import ReviewLinkProduct
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import ShareLinkView
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from pm_portfolio.models import WeeklyDigest

# No public page shows these: counting a view or keeping an import draft must not
# expire every cached page of the maker, nor must signing in. Skills are reference data;
# a media file never changes (its key is its content) and comes and goes with its item;
# revisions are the maker's private history, and so are applications (their link is a
# ShareLink, which is followed), their calendar feed and the open log of links.
UNSHOWN_MODELS = (
    ProfileView, ProductView, ShareLinkView, ImportDraft, Skill, BrowserSession, MediaFile,
    ProductRevision, Application, ApplicationStageChange, ApplicationContact, ShareLinkOpen,
    CalendarFeed, ReviewLink, ReviewLinkProduct, ReviewComment, DeliveredEmail,
    WeeklyDigest, FollowUpCheck, RemindedFollowUp,
)  # fmt: skip
_BUMPED = "portfolio_versions_bumped"
# Usernames whose stamps go once the transaction commits, and the makers it changed.
_STAMPS = "owner_stamps_to_forget"
_CHANGED = "owners_changed"
portfolio_changed = Namespace().signal("portfolio-changed")
_USERS = User.__table__


class UntrackedBulkChange(RuntimeError):
    """A bulk UPDATE or DELETE would change what public pages show without a version bump."""


def _changed_rows(session: Session):
    yield from session.new
    yield from session.deleted
    # `dirty` includes rows whose attributes were set to the values they already had.
    yield from (row for row in session.dirty if session.is_modified(row))


def _changed_owners(session: Session) -> set[int]:
    """The makers whose public pages may show a row this flush writes.

    A row names its maker (`user_id`), or its product does; products known only by
    id (a metric removed from its product, say) are looked up together, in one query.
    """
    owners: set[int] = set()
    product_ids: set[int] = set()
    for row in _changed_rows(session):
        if isinstance(row, UNSHOWN_MODELS):
            continue
        if isinstance(row, User):
            owners.add(row.id)
        elif (user_id := getattr(row, "user_id", None)) is not None:
            owners.add(user_id)
        elif (product_id := getattr(row, "product_id", None)) is not None:
            product_ids.add(product_id)
        elif (product := getattr(row, "product", None)) is not None:
            owners.add(product.user_id)
        # Otherwise a row added through its parent's collection: the parent is in the flush.
    if product_ids:
        owners.update(
            session.connection().scalars(
                select(Product.user_id).where(Product.id.in_(sorted(product_ids))).distinct()
            )
        )
    owners.discard(None)
    return owners


def _usernames_in_flush(session: Session):
    """The names, old and new, of makers whose rows this flush writes: a renamed maker's
    stamp must go under both."""
    for row in _changed_rows(session):
        if isinstance(row, User):
            old_names = inspect(row).attrs.username.history.deleted
            yield from (name for name in (row.username, *old_names) if name)


def _bump_changed_portfolios(session: Session, _flush_context, _instances) -> None:
    bumped = session.info.setdefault(_BUMPED, set())
    stamps = session.info.setdefault(_STAMPS, set())
    stamps.update(name.lower() for name in _usernames_in_flush(session))
    owners = _changed_owners(session) - bumped
    if owners:
        # A Core statement on the flush's own connection: it joins the transaction
        # and does not re-enter the session's bookkeeping.
        usernames = session.connection().scalars(
            update(_USERS)
            .where(_USERS.c.id.in_(sorted(owners)))
            .values(portfolio_version=_USERS.c.portfolio_version + 1)
            .returning(_USERS.c.username)
        )
        stamps.update(name.lower() for name in usernames)
        bumped |= owners
        session.info.setdefault(_CHANGED, set()).update(owners)


def _after_commit(session: Session) -> None:
    forget_owner_stamps(session.info.pop(_STAMPS, set()))
    changed = session.info.pop(_CHANGED, set())
    if changed and has_app_context():
        portfolio_changed.send(current_app._get_current_object(), owner_ids=changed)


def _drop_stamps_to_forget(session: Session, previous_transaction: SessionTransaction) -> None:
    # Only when the whole transaction is rolled back: a savepoint's rollback leaves the
    # outer changes to commit (forgetting a stamp too many costs one query).
    if previous_transaction.parent is None:
        session.info.pop(_STAMPS, None)
        session.info.pop(_CHANGED, None)


def _forget_bumps(session: Session, transaction: SessionTransaction) -> None:
    # Each flush runs in an inner transaction of its own; only the end of the real one
    # (or of a savepoint, whose bump may have been rolled back) starts afresh.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_BUMPED, None)


def _refuse_untracked_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and not issubclass(mapper.class_, UNSHOWN_MODELS):
        raise UntrackedBulkChange(
            f"A bulk {state.statement.__visit_name__.upper()} of {mapper.class_.__name__} "
            "would skip the portfolio version; change the rows through the session instead."
        )


LISTENERS = (
    ("before_flush", _bump_changed_portfolios),
    ("after_transaction_end", _forget_bumps),
    ("after_commit", _after_commit),
    ("after_soft_rollback", _drop_stamps_to_forget),
    ("do_orm_execute", _refuse_untracked_bulk_changes),
)


def follow_portfolio_changes(session: scoped_session) -> None:
    """Install the listeners on the app's session (once, however many apps are built)."""
    for name, listener in LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
