"""Who is asking, and what they may open: signed-in pages, and a maker's own objects."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from flask import Blueprint
from flask import abort
from flask import request
from flask_login import current_user
from flask_login import login_required

from pm_portfolio import clock
from pm_portfolio.core.dates import local_date

Owned = TypeVar("Owned")


def require_login(blueprint: Blueprint) -> None:
    """Every page of `blueprint` belongs to a signed-in maker; others are sent to log in."""
    blueprint.before_request(login_required(lambda: None))


def signed_in_user_id() -> int | None:
    # Without a cookie there is no session and no "remember me": a reader, known as such
    # without asking Flask-Login, on the public pages' hottest path.
    if not request.cookies:
        return None
    return current_user.id if current_user.is_authenticated else None


def makers_today() -> date:
    """The signed-in maker's day, in their time zone: a stage moved at 08:00 in Tokyo is
    dated that day, though it is still the day before in UTC."""
    return local_date(clock.now(), current_user.time_zone)


def owned_or_404(find: Callable[[int, int], Owned | None], object_id: int) -> Owned:
    """`find(owner_id, object_id)` for the signed-in maker; anyone else's is a 404.

    The same 404 as for an object that never existed, so ids reveal nothing.
    """
    found = find(current_user.id, object_id)
    if found is None:
        abort(404)
    return found
