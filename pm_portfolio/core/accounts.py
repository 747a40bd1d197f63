"""Account rules: who may register, how people sign in, and what an account owns."""

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from pm_portfolio.core import browser_sessions
from pm_portfolio.core import media
from pm_portfolio.core.dates import DEFAULT_TIME_ZONE
from pm_portfolio.core.dates import known_time_zone
from pm_portfolio.core.storage import Storage
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import User

EMAIL_MAX = 254
USERNAME_MIN = 3
USERNAME_MAX = 30
PASSWORD_MIN = 10
PASSWORD_MAX = 128
USERNAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")

# Words that are, or may become, paths of the app or look official on a profile URL.
RESERVED_USERNAMES = frozenset(
    """
    about account accounts admin administrator api app applications apply assets auth
    blog calendar dashboard delete docs edit email endorsements export exports favicon
    feed feedback healthz help home import imports index journal learnings login logout
    me media new null password portfolio portfolios pricing privacy products profile r
    register reset review reviews robots root s security settings share share-links
    signin signout signup sitemap sitemaps static status support system terms u
    unsubscribe user users www
    """.split()  # noqa: SIM905 - a word list reads better than 60 quoted strings
)


# The demo maker's address (`flask seed-demo`); nobody may sign up with it, so that
# `seed-demo --reset`, which deletes the account holding it, never deletes a person's.
DEMO_EMAIL = "demo@example.com"


def hash_password(password: str) -> str:
    # PASSWORD_HASH_METHOD is werkzeug's default (scrypt); tests lower its cost.
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _timing_decoy_hash(method: str) -> str:
    """A hash checked when the user does not exist, so a login takes as long either way."""
    return generate_password_hash("not a real password, only a timing decoy", method=method)


class AccountTaken(Exception):
    """Another account already has this email or username."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_problem(username: str) -> str | None:
    """Say what is wrong with a (normalised) username, or None if it may be used."""
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        return f"Use {USERNAME_MIN} to {USERNAME_MAX} characters."
    if not USERNAME_PATTERN.fullmatch(username):
        return "Use only letters, digits and hyphens, starting and ending with a letter or digit."
    if username in RESERVED_USERNAMES:
        return "That username is reserved. Please choose another."
    return None


def suggest_username(*seeds: str) -> str:
    """A free username made from the first usable seed (what was typed, the email)."""
    for seed in seeds:
        base = re.sub(r"[^a-z0-9]+", "-", seed.split("@")[0].lower()).strip("-")[:USERNAME_MAX]
        if len(base) >= USERNAME_MIN:
            break
    else:
        base = "maker"
    taken = (
        set(db.session.scalars(db.select(User.username).where(User.username.startswith(base))))
        | RESERVED_USERNAMES
    )
    number = 1
    candidate = base
    while candidate in taken or username_problem(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = base[: USERNAME_MAX - len(suffix)].rstrip("-") + suffix
    return candidate


def email_taken(email: str) -> bool:
    email = normalise_email(email)
    return db.session.scalar(db.select(User.id).where(User.email == email)) is not None


def username_taken(username: str) -> bool:
    username = normalise_username(username)
    return db.session.scalar(db.select(User.id).where(User.username == username)) is not None


def create_user(
    email: str, username: str, password: str, time_zone: str = DEFAULT_TIME_ZONE
) -> User:
    """Create an account; raise AccountTaken if the email or username was taken meanwhile."""
    user = User(
        email=normalise_email(email),
        username=normalise_username(username),
        password_hash=hash_password(password),
        time_zone=known_time_zone(time_zone),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise AccountTaken from error
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def find_user_for_login(login: str) -> User | None:
    """The user an email address or username names, however it is capitalised."""
    login = normalise_email(login)
    column = User.email if "@" in login else User.username
    return db.session.scalar(db.select(User).where(column == login))


def authenticate(login: str, password: str) -> User | None:
    """Return the user these credentials identify, or None; unknown users cost the same."""
    user = find_user_for_login(login)
    if user is None:
        check_password_hash(
            _timing_decoy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
        )
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


@dataclass
class ProfileData:
    """What the maker tells employers about themselves (publishing is a step of its own)."""

    display_name: str = ""
    headline: str = ""
    bio: str = ""
    website_url: str = ""
    linkedin_url: str = ""
    github_url: str = ""
    location: str = ""
    open_to: str = ""
    contact_email: str = ""
    contact_url: str = ""
    # Only the maker sees it: times on their own pages read in it.
    time_zone: str = DEFAULT_TIME_ZONE


PROFILE_TEXT_FIELDS = (
    "display_name",
    "headline",
    "bio",
    "website_url",
    "linkedin_url",
    "github_url",
    "location",
    "open_to",
    "contact_email",
    "contact_url",
    "time_zone",
)


def stage_profile(user: User, data: ProfileData) -> None:
    """Put profile changes in the session without committing (a restore commits them later)."""
    for name in PROFILE_TEXT_FIELDS:
        setattr(user, name, getattr(data, name).strip())


def fill_empty_profile(user: User, values: dict[str, str]) -> None:
    """Set the profile fields that are still empty to these values (an import's), in the
    session; a field the maker has filled meanwhile keeps what they wrote."""
    for name, value in values.items():
        if name in PROFILE_TEXT_FIELDS and not getattr(user, name):
            setattr(user, name, value.strip())


def update_profile(user: User, data: ProfileData) -> None:
    stage_profile(user, data)
    db.session.commit()


def publish(user: User, show_ideas: bool) -> None:
    """Put the portfolio online; `show_ideas` lists public products still at the idea stage."""
    user.is_published = True
    user.show_ideas = show_ideas
    db.session.commit()


def unpublish(user: User) -> None:
    """Take the portfolio offline: only its maker sees it. Share links keep working."""
    user.is_published = False
    db.session.commit()


def set_emails_and_goal(
    user: User, digest: bool, digest_day: int, reminders: bool, goal: str
) -> None:
    """`goal`: a core.goals.Goal's value, or "" for none."""
    user.weekly_digest = digest
    user.digest_day = digest_day
    user.follow_up_reminders = reminders
    user.weekly_goal = goal or None
    db.session.commit()


def stop_weekly_digest(user: User) -> None:
    """Unsubscribing: the setting goes off; the chosen day is kept for a return."""
    user.weekly_digest = False
    db.session.commit()


def stop_follow_up_reminders(user: User) -> None:
    user.follow_up_reminders = False
    db.session.commit()


def change_password(user: User, new_password: str, keep_login_id: str | None = None) -> None:
    """Set a new password and, in the same commit, end every session signed in with the
    old one, except the browser holding `keep_login_id` (the one that changed it)."""
    user.password_hash = hash_password(new_password)
    browser_sessions.stage_end_all(user, keep_login_id)
    db.session.commit()


def delete_account(user: User, storage: Storage) -> None:
    """Remove the user and, through ON DELETE CASCADE, every row they own; then every
    media file of theirs that no other maker's item uses."""
    keys = media.keys_of(db.select(MediaItem.id).where(MediaItem.user_id == user.id))
    db.session.delete(user)
    db.session.commit()
    media.delete_files(keys, storage)


def safe_redirect_target(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    # Browsers treat backslashes as slashes, so "/\\evil.com" would leave the site.
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
