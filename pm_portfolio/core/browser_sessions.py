"""Signed-in browsers: one row each, so that signing out really ends a session.

The login cookie (Flask-Login's session or remember cookie) holds
"<row id>:<token>"; the row keeps only the token's hash. A cookie copied
elsewhere stops working as soon as its row is deleted (at log-out, from the
maker's list of sessions, at a password change or reset) or once the session
has been idle for as long as "remember me" lasts; idle rows are deleted at the
maker's next sign-in.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from ua_parser import parse as parse_user_agent

from pm_portfolio.extensions import db
from pm_portfolio.models import BrowserSession
from pm_portfolio.models import User

logger = logging.getLogger(__name__)

# "Last seen" is a rough guide, written at most this often: not a write per page.
SEEN_EVERY = timedelta(minutes=5)
TOKEN_BYTES = 32
DEVICE_MAX = 120


def _idle_limit() -> timedelta:
    """A session unused for as long as "remember me" lasts is over, cookie or not."""
    return timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_label(user_agent: str | None) -> str:
    """A coarse, human name for a browser: "Chrome on Linux", "Mobile Safari on iOS"."""
    parsed = parse_user_agent(user_agent or "")
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    if browser and system and browser != "Other" and system != "Other":
        label = f"{browser} on {system}"
    else:
        label = browser if browser and browser != "Other" else "Unknown browser"
    return label[:DEVICE_MAX]


def start(user: User, user_agent: str | None, now: datetime) -> str:
    """Record a new signed-in browser for `user`; returns the id the cookie will hold.

    Sessions of this user idle past the remember period are ended on the way.
    """
    for stale in db.session.scalars(
        db.select(BrowserSession).where(
            BrowserSession.user_id == user.id, BrowserSession.last_seen_at < now - _idle_limit()
        )
    ):
        db.session.delete(stale)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = BrowserSession(
        user_id=user.id,
        token_hash=_hash(token),
        device=device_label(user_agent),
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(row)
    db.session.commit()
    user.login_id = f"{row.id}:{token}"
    return user.login_id


def _parse(login_id: str) -> tuple[int, str] | None:
    session_id, _, token = login_id.partition(":")
    if not session_id.isdigit() or not token or len(session_id) > 18:
        return None
    return int(session_id), token


# Built once: every signed-in request runs it.
_USER_OF_SESSION = (
    select(User, BrowserSession)
    .join(BrowserSession, BrowserSession.user_id == User.id)
    .where(BrowserSession.id == bindparam("session_id"))
)


def resolve(login_id: str, now: datetime, record_seen: bool) -> User | None:
    """The user a cookie's login id belongs to, if its session is open and not idle too long.

    "Last seen" is recorded only when `record_seen`: the caller passes False in a request
    that holds SQLite's write lock already, where a second connection would wait for it.
    """
    parsed = _parse(login_id)
    if parsed is None:
        return None
    session_id, token = parsed
    found = db.session.execute(_USER_OF_SESSION, {"session_id": session_id}).first()
    if found is None:
        return None
    user, row = found
    if not hmac.compare_digest(row.token_hash, _hash(token)):
        return None
    idle = now - _aware(row.last_seen_at)
    if idle > _idle_limit():
        return None
    if record_seen and idle > SEEN_EVERY:
        _mark_seen(session_id, now)
    user.login_id = login_id
    return user


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are UTC here.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _mark_seen(session_id: int, now: datetime) -> None:
    """On a short connection of its own, so a page read never waits on a write lock."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(BrowserSession.__table__)
                .where(BrowserSession.__table__.c.id == session_id)
                .values(last_seen_at=now)
            )
    except SQLAlchemyError:
        logger.warning("could not record when session %s was last seen", session_id)


def current_session_id(login_id: str | None) -> int | None:
    parsed = _parse(login_id or "")
    return parsed[0] if parsed else None


def open_sessions(owner_id: int) -> list[BrowserSession]:
    """The maker's signed-in browsers, most recently used first."""
    return list(
        db.session.scalars(
            db.select(BrowserSession)
            .where(BrowserSession.user_id == owner_id)
            .order_by(BrowserSession.last_seen_at.desc(), BrowserSession.id.desc())
        )
    )


def owned_session(owner_id: int, session_id: int) -> BrowserSession | None:
    return db.session.scalar(
        db.select(BrowserSession).where(
            BrowserSession.id == session_id, BrowserSession.user_id == owner_id
        )
    )


def end_by_login_id(login_id: str | None) -> None:
    """Sign out the browser holding `login_id` (this browser, at log-out)."""
    parsed = _parse(login_id or "")
    if parsed is not None:
        row = db.session.get(BrowserSession, parsed[0])
        if row is not None:
            db.session.delete(row)
            db.session.commit()


def end_session(row: BrowserSession) -> None:
    """Sign out the browser of `row` (one chosen in the maker's list)."""
    db.session.delete(row)
    db.session.commit()


def stage_end_all(user: User, keep_login_id: str | None = None) -> None:
    """Put the end of every session of `user` in the session (the caller commits), except
    the browser holding `keep_login_id`, if given."""
    keep = current_session_id(keep_login_id)
    for row in open_sessions(user.id):
        if row.id != keep:
            db.session.delete(row)


def end_all(user: User, keep_login_id: str | None = None) -> None:
    """Sign `user` out everywhere, except the browser holding `keep_login_id`, if given."""
    stage_end_all(user, keep_login_id)
    db.session.commit()
