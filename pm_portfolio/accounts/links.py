"""Links sent by email: resetting a password, confirming an address, changing it.

Each is a signed, time-limited token (itsdangerous, keyed by SECRET_KEY, one
salt per purpose so a token made for one cannot be used for another) that
names the account and the state it was made for, so that it stops working once
used: a reset link names the password it replaces and the address it was sent
to, a confirmation link the address it confirms while unconfirmed, a change link
the address it changes.
Nothing is stored.
"""

import hashlib
from datetime import datetime
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from pm_portfolio.core.accounts import change_password
from pm_portfolio.core.accounts import email_taken
from pm_portfolio.core.accounts import normalise_email
from pm_portfolio.extensions import db
from pm_portfolio.models import User

RESET_VALID_FOR = timedelta(hours=1)
CONFIRMATION_VALID_FOR = timedelta(days=7)
CHANGE_VALID_FOR = timedelta(days=1)


def lifetime(valid_for: timedelta) -> str:
    """How long a link works, as a message says it: "an hour", "7 days"."""
    hours = int(valid_for.total_seconds() // 3600)
    if hours < 24:
        return "an hour" if hours == 1 else f"{hours} hours"
    days = hours // 24
    return "a day" if days == 1 else f"{days} days"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"pm-portfolio {purpose}")


def _read(purpose: str, token: str, valid_for: timedelta) -> dict | None:
    try:
        payload = _serializer(purpose).loads(token, max_age=int(valid_for.total_seconds()))
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None


def _user(payload: dict | None) -> User | None:
    user_id = payload.get("user") if payload else None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _email_fingerprint(user: User) -> str:
    # A token is signed, not encrypted: the address itself would show in every log of
    # the link.
    return hashlib.sha256(user.email.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _serializer("reset").dumps(
        {
            "user": user.id,
            "password": _password_fingerprint(user),
            "email": _email_fingerprint(user),
        }
    )


def user_to_reset(token: str) -> User | None:
    """The account a reset link is for, while it is fresh, its password unchanged, and
    the address it was sent to still the account's (a mailbox given up no longer can)."""
    payload = _read("reset", token, RESET_VALID_FOR)
    user = _user(payload)
    if (
        user is None
        or payload.get("password") != _password_fingerprint(user)
        or payload.get("email") != _email_fingerprint(user)
    ):
        return None
    return user


def reset_password(token: str, new_password: str, now: datetime) -> User | None:
    """Set the password a reset link is for, ending every session; None if the link is
    stale or used. The link reached the account's address, so that address is confirmed."""
    user = user_to_reset(token)
    if user is not None:
        if user.email_verified_at is None:
            user.email_verified_at = now
        change_password(user, new_password)
    return user


def confirmation_token(user: User) -> str:
    return _serializer("confirm").dumps({"user": user.id, "email": user.email})


def user_to_confirm(token: str) -> User | None:
    """The account whose address a confirmation link confirms, while it is unconfirmed."""
    payload = _read("confirm", token, CONFIRMATION_VALID_FOR)
    user = _user(payload)
    if user is None or user.email != payload.get("email") or user.email_verified_at:
        return None
    return user


def confirm_email(token: str, now: datetime) -> User | None:
    """Mark the address a confirmation link names as confirmed, the first time only."""
    user = user_to_confirm(token)
    if user is not None:
        user.email_verified_at = now
        db.session.commit()
    return user


def email_change_token(user: User, new_email: str) -> str:
    return _serializer("change").dumps(
        {"user": user.id, "from": user.email, "to": normalise_email(new_email)}
    )


class EmailChangeRefused(Exception):
    """The link is stale or used, or its new address has an account meanwhile."""


def email_change(token: str) -> tuple[User, str]:
    """(account, new address) a change link is for, while the change can still happen."""
    payload = _read("change", token, CHANGE_VALID_FOR)
    user = _user(payload)
    new_email = payload.get("to") if payload else None
    if user is None or user.email != payload.get("from") or not isinstance(new_email, str):
        raise EmailChangeRefused
    if email_taken(new_email):
        raise EmailChangeRefused
    return user, new_email


def change_email(token: str, now: datetime) -> tuple[User, str]:
    """Move the account to the address the link was sent to; returns (user, old address)."""
    user, new_email = email_change(token)
    old_email = user.email
    user.email = new_email
    user.email_verified_at = now
    try:
        db.session.commit()
    except IntegrityError as error:
        # Someone registered the address a moment ago.
        db.session.rollback()
        raise EmailChangeRefused from error
    return user, old_email
