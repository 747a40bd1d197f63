"""The private calendar feed: calendar apps subscribe to its address without a session,
so the unguessable token in it is the only key, and revoking it ends the feed."""

from urllib.parse import urlsplit

from flask import Blueprint
from flask import Response
from flask import abort

from pm_portfolio import clock
from pm_portfolio.core import calendar
from pm_portfolio.core.dates import local_date
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from pm_portfolio.web.public_urls import public_base_url
from pm_portfolio.web.public_urls import public_url

bp = Blueprint("calendar", __name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def calendar_response(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, content_type=CALENDAR_TYPE)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def uid_host() -> str:
    return urlsplit(public_base_url()).hostname or "localhost"


def application_url(application) -> str:
    return public_url("applications.show", application_id=application.id)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    subscription = calendar.find_feed(token)
    if subscription is None:
        abort(404)
    owner = db.session.get(User, subscription.user_id)
    body = calendar.next_steps_calendar(
        calendar.upcoming_next_steps(owner.id, local_date(clock.now(), owner.time_zone)),
        owner.time_zone,
        clock.now(),
        uid_host(),
        application_url,
        name="Job search: next steps",
    )
    return calendar_response(body)
