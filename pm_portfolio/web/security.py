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


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _for_a_signed_in_user():
        # A maker's own pages must not linger in a shared or back-button cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
