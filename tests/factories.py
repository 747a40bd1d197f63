"""Small factories for the objects tests need. Call them inside an app context."""

import itertools
from dataclasses import dataclass

from pm_portfolio.accounts import services as accounts
from pm_portfolio.extensions import db

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


@dataclass(frozen=True)
class Credentials:
    """What a test needs to act as a user, safe to use outside the app context."""

    id: int
    email: str
    username: str
    password: str


def make_user(email: str | None = None, username: str | None = None, password=PASSWORD, **profile):
    number = next(_sequence)
    user = accounts.create_user(
        email or f"maker{number}@example.com", username or f"maker-{number}", password
    )
    if profile:
        for name, value in profile.items():
            setattr(user, name, value)
        db.session.commit()
    return Credentials(id=user.id, email=user.email, username=user.username, password=password)
