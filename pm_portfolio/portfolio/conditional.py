"""Conditional GETs of public pages, and the copies of them kept by ETag.

A page's ETag names everything its bytes depend on (the code, the address, the viewer,
the maker's portfolio version), so a reader holding it is answered 304 without the
page being drawn, and the same ETag finds an already drawn copy for anonymous readers.
"""

from flask import Response
from flask import current_app
from flask import request
from flask import session

from pm_portfolio.core import publishing
from pm_portfolio.core.stamps import OwnerStamp
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.page_cache import PageCache
from pm_portfolio.web.access import signed_in_user_id
from pm_portfolio.web.public_urls import public_base_url

NOINDEX = "noindex, nofollow"
# Anyone's cache may keep an anonymous reader's page, asking each time if it is current.
READERS_CACHE_CONTROL = "public, max-age=0, must-revalidate"


def etag_for(base_url: str, viewer_id: int | None, *parts: object) -> str:
    """Everything a page's bytes depend on: the code, the address, the viewer, the data."""
    return publishing.public_etag(current_app.config["RENDER_VERSION"], base_url, viewer_id, *parts)


def page_etag(*parts: object) -> str:
    """The ETag of a page for this request's address and viewer."""
    return etag_for(public_base_url(), signed_in_user_id(), *parts)


def profile_etag(stamp: OwnerStamp, base_url: str, viewer_id: int | None) -> str:
    return etag_for(base_url, viewer_id, "profile", stamp.id, stamp.portfolio_version)


def case_study_etag(stamp: OwnerStamp, slug: str, base_url: str, viewer_id: int | None) -> str:
    return etag_for(base_url, viewer_id, "case-study", stamp.id, stamp.portfolio_version, slug)


def shared_etag(*parts: object) -> str:
    """The ETag of what every reader gets alike (a PDF, a preview card): no viewer in it."""
    return publishing.public_etag(
        current_app.config["RENDER_VERSION"], public_base_url(), None, *parts
    )


def cacheable(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    # Signed-in viewers see their own header and form tokens: keep those out of shared caches.
    if signed_in_user_id() is None:
        response.headers["Cache-Control"] = READERS_CACHE_CONTROL
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def not_modified(etag: str, noindex: bool = False) -> Response | None:
    """304 Not Modified if the reader holds this version (kept out of search engines with
    `noindex`, as the page itself is), else None: the page is to be sent."""
    if etag not in request.if_none_match:
        return None
    response = cacheable(current_app.response_class(status=304), etag)
    if noindex:
        response.headers["X-Robots-Tag"] = NOINDEX
    return response


def kept_page(etag: str, render, for_everyone: bool = False) -> CachedPage | None:
    """This version of a page: reused for visitors, or rendered by `render()` and kept.
    `for_everyone`: it is the same whoever asks (a PDF, a card), so every reader shares it."""
    cache: PageCache = current_app.extensions["page_cache"]
    # Only anonymous pages are shared; one showing a flash message is for its reader alone.
    shareable = for_everyone or (signed_in_user_id() is None and not session.get("_flashes"))
    page = cache.get(etag) if shareable else None
    if page is None:
        page = render()
        if shareable and page is not None:
            cache.put(etag, page)
    return page
