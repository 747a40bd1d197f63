"""Leaving the weekly digest in one click, from the email (RFC 8058) or its footer.

The address carries a signed token naming the maker and the list. Its POST works
without a session, a log-in or a CSRF token, as mail clients send it: it is the one
endpoint in web.security.CSRF_EXEMPT. Unsubscribing only turns the setting off, so a
forged request could do no more than that, and the token cannot be forged.
"""

from flask import Blueprint
from flask import abort
from flask import make_response
from flask import render_template
from flask import request

from pm_portfolio.core import accounts
from pm_portfolio.digests import tokens
from pm_portfolio.extensions import db
from pm_portfolio.models import User

bp = Blueprint("digests", __name__)


def _maker_or_404(token: str) -> User:
    found = tokens.read(token)
    maker = db.session.get(User, found[0]) if found and found[1] == tokens.DIGEST else None
    if maker is None:
        abort(404)
    return maker


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    maker = _maker_or_404(token)
    done = request.method == "POST"
    if done:
        accounts.stop_weekly_digest(maker)
    response = make_response(render_template("digests/unsubscribe.html", done=done, token=token))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response
