"""Leaving the weekly digest or follow-up reminders in one click, from the email
(RFC 8058) or its footer.

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


def _maker_and_list_or_404(token: str) -> tuple[User, str]:
    found = tokens.read(token)
    maker = db.session.get(User, found[0]) if found and found[1] in tokens.LISTS else None
    if maker is None:
        abort(404)
    return maker, found[1]


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    maker, mailing = _maker_and_list_or_404(token)
    done = request.method == "POST"
    if done and mailing == tokens.REMINDERS:
        accounts.stop_follow_up_reminders(maker)
    elif done:
        accounts.stop_weekly_digest(maker)
    response = make_response(
        render_template(
            "digests/unsubscribe.html",
            done=done,
            token=token,
            reminders=mailing == tokens.REMINDERS,
        )
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response
