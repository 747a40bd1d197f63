"""Helpers the views of several blueprints share."""

import logging
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from flask import Blueprint
from flask import Response
from flask import abort
from flask import after_this_request
from flask import current_app
from flask import request
from flask_login import current_user
from flask_login import login_required
from redis import RedisError
from werkzeug.routing import IntegerConverter

from pm_portfolio.core.media import Limits
from pm_portfolio.core.storage import Storage
from pm_portfolio.extensions import cache
from pm_portfolio.redis_clients import log_failure

logger = logging.getLogger(__name__)

Owned = TypeVar("Owned")
Kept = TypeVar("Kept")
# Far beyond any list a maker has, and far inside what an SQL OFFSET can hold.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id, from 1 to the largest a database column holds.

    A larger number cannot name a row; it is a 404 here rather than an overflow
    in the database driver.
    """

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**63 - 1)


def kept(key: str, compute: Callable[[], Kept], timeout: int | None = None) -> Kept:
    """What is kept in the shared cache under `key`, or `compute()`, kept for `timeout`
    seconds (the cache's default if None). A cache that fails only costs the computing."""
    try:
        found = cache.get(key)
    except (RedisError, OSError):
        log_failure(logger, "could not read %s from the cache", key)
        return compute()
    if found is not None:
        return found
    found = compute()
    try:
        cache.set(key, found, timeout=timeout)
    except (RedisError, OSError):
        log_failure(logger, "could not keep %s in the cache", key)
    return found


def media_storage() -> Storage:
    """Where this app keeps media files (MEDIA_STORAGE_URL), opened once per app."""
    return current_app.extensions["media_storage"]


def media_limits() -> Limits:
    """The media limits this app is configured with (MEDIA_* settings)."""
    config = current_app.config
    return Limits(
        max_file_bytes=config["MEDIA_MAX_FILE_BYTES"],
        quota_bytes=config["MEDIA_QUOTA_BYTES"],
        items_per_product=config["MEDIA_ITEMS_PER_PRODUCT"],
    )


def allows_uploads_up_to(limit: Callable[[Mapping[str, Any]], int]):
    """Let a view receive more than MAX_CONTENT_LENGTH from a signed-in maker: `limit`
    gives the bytes from the app's config. Applied by `apply_upload_limit`."""

    def decorate(view):
        view.upload_limit = limit
        return view

    return decorate


def apply_upload_limit() -> None:
    """Before anything reads the form (the CSRF check does): raise this request's limit
    if its view allows more, for a signed-in maker only."""
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "upload_limit", None)
    if limit is not None and current_user.is_authenticated:
        request.max_content_length = limit(current_app.config)


def require_login(blueprint: Blueprint) -> None:
    """Every page of `blueprint` belongs to a signed-in maker; others are sent to log in."""
    blueprint.before_request(login_required(lambda: None))


def signed_in_user_id() -> int | None:
    # Without a cookie there is no session and no "remember me": a reader, known as such
    # without asking Flask-Login, on the public pages' hottest path.
    if not request.cookies:
        return None
    return current_user.id if current_user.is_authenticated else None


def owned_or_404(find: Callable[[int, int], Owned | None], object_id: int) -> Owned:
    """`find(owner_id, object_id)` for the signed-in maker; anyone else's is a 404.

    The same 404 as for an object that never existed, so ids reveal nothing.
    """
    found = find(current_user.id, object_id)
    if found is None:
        abort(404)
    return found


def page_number() -> int:
    """The `?page=` of a list: 1 when absent; anything that is not a page number is a 404."""
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        abort(404)
    return int(page)


def after_response(function: Callable, *args, **kwargs) -> None:
    """Call `function(*args, **kwargs)` once this response has gone out, in an app context.

    Slow work (talking to a mail server) then neither delays the page nor shows in its
    timing, which would tell a stranger whether an email address has an account.
    """
    app = current_app._get_current_object()

    @after_this_request
    def schedule(response: Response) -> Response:
        def run() -> None:
            with app.app_context():
                function(*args, **kwargs)

        response.call_on_close(run)
        return response
