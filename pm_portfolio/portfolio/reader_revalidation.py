"""A reader's revalidation of a profile or case study, answered before Flask's request
handling: the commonest request a published portfolio gets, at a fraction of the cost.

A reader without cookies who asks "has /u/ada changed since this ETag?" gets 304
Not Modified from here when the maker's stamp is kept (core/stamps.py) and the ETag
is current: the same ETag the page's view computes (conditional.profile_etag and
case_study_etag), with the same headers. Anything else (a cookie, a stamp not kept,
an unpublished maker, a changed page, another address) goes on to Flask unchanged,
where the view answers as ever. A 304 counts no view, here or in the view.
"""

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_etags
from werkzeug.http import quote_etag
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wsgi import get_host

from pm_portfolio.core import stamps
from pm_portfolio.portfolio.conditional import READERS_CACHE_CONTROL
from pm_portfolio.portfolio.conditional import case_study_etag
from pm_portfolio.portfolio.conditional import profile_etag
from pm_portfolio.web.security import missing_headers

PAGES = frozenset({"portfolio.profile", "portfolio.case_study"})


class ReaderRevalidation:
    """WSGI middleware in front of the app's own `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and "HTTP_IF_NONE_MATCH" in environ
            and "HTTP_COOKIE" not in environ
        ):
            etag = self._current_etag(environ)
            if etag is not None and parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains(etag):
                return self._not_modified(environ, etag, start_response)
        return self.wsgi_app(environ, start_response)

    def _base_url(self, environ) -> str | None:
        """The address the view builds its ETag from; None for a host the app refuses."""
        trusted = self.app.config["TRUSTED_HOSTS"]
        host = get_host(environ)
        if trusted and not host_is_trusted(host, trusted):
            return None
        return self.app.config["PUBLIC_URL"] or f"{environ['wsgi.url_scheme']}://{host}"

    def _current_etag(self, environ) -> str | None:
        base_url = self._base_url(environ)
        if base_url is None:
            return None
        try:
            endpoint, values = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return None
        if endpoint not in PAGES:
            return None
        with self.app.app_context():
            stamp = stamps.owner_stamp(values["username"])
            if stamp is None or not stamp.is_published:
                return None
            if endpoint == "portfolio.profile":
                return profile_etag(stamp, base_url, None)
            return case_study_etag(stamp, values["slug"], base_url, None)

    def _not_modified(self, environ, etag: str, start_response):
        headers = [
            ("ETag", quote_etag(etag)),
            ("Cache-Control", READERS_CACHE_CONTROL),
            ("Vary", "Cookie"),
        ]
        present = {name.lower() for name, _value in headers}
        is_secure = environ["wsgi.url_scheme"] == "https"
        headers += missing_headers(present, is_secure, signed_in=False)
        start_response("304 NOT MODIFIED", headers)
        return []
