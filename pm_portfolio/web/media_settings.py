"""This app's media storage and limits, from its settings (MEDIA_*), and the larger
requests a signed-in maker's uploads may send."""

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask import request
from flask_login import current_user

from pm_portfolio.core.media import Limits
from pm_portfolio.core.storage import Storage


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
