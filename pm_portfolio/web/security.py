"""HTTP headers that keep browsers from being turned against our users."""

from flask import Response
from flask import g
from flask import request

from pm_portfolio.core.media_files import EMBED_ORIGINS

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        # Exactly the players of the embed allow-list (core/media_files.py).
        "frame-src " + " ".join(EMBED_ORIGINS),
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
# The POST endpoints that take no CSRF token, and only these: a mail client's one-click
# unsubscribe (RFC 8058) has no session to hold one. The route-walking CSRF test reads
# this list, and pins it.
CSRF_EXEMPT = frozenset({"digests.unsubscribe"})
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _for_a_signed_in_user() -> bool:
    # The user Flask-Login loaded for this request, if any: asking `current_user` here
    # would load one for every static file.
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


def missing_headers(present: set[str], is_secure: bool, signed_in: bool) -> list[tuple[str, str]]:
    """The headers above that a response whose header names (lower case) are `present`
    lacks, over HTTPS or not, for a signed-in maker or not."""
    missing = [(name, value) for name, value in SECURITY_HEADERS.items()
               if name.lower() not in present]  # fmt: skip
    if is_secure and "strict-transport-security" not in present:
        missing.append(("Strict-Transport-Security", HSTS))
    if signed_in and "cache-control" not in present:
        # A maker's own pages must not linger in a shared or back-button cache.
        missing.append(("Cache-Control", "no-store"))
    return missing


def add_security_headers(response: Response) -> Response:
    """Every header above that the response does not set itself (a PDF sets its own CSP).

    The names present are read in one pass: asking werkzeug's Headers for a missing
    name raises (and builds) an HTTP exception each time, 8 a request here.
    """
    present = {name.lower() for name, _value in response.headers}
    response.headers.extend(missing_headers(present, request.is_secure, _for_a_signed_in_user()))
    return response
