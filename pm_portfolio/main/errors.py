"""Error pages in the site's layout, for browsers and for anything else that asks."""

from flask import Blueprint
from flask import current_app
from flask import g
from flask import render_template
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import SecurityError

from pm_portfolio.extensions import db
from pm_portfolio.extensions import login_manager

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Forbidden", "You do not have permission to see this page."),
    404: ("Page not found", "There is nothing here. Check the address, or start from home."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than we accept."),
    429: ("Too many requests", "You are going a little fast. Wait a minute and try again."),
    500: ("Something went wrong", "We hit an error on our side and have logged it. Try again."),
    503: ("Temporarily unavailable", "We cannot serve this right now. Try again shortly."),
}
CSRF_MESSAGE = (
    "This form has expired or did not come from this site. "
    "Go back, reload the page and send it again."
)


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code, ("Error", "Something went wrong."))
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    ), code


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if isinstance(error, SecurityError):
        # A host not in TRUSTED_HOSTS: no URL of this site can be built for it, so no layout.
        return (
            "Bad request: this site does not answer to that host name.\n",
            400,
            {"Content-Type": "text/plain; charset=utf-8"},
        )
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    elif isinstance(error, RateLimitExceeded):
        message = (
            f"You have reached the limit of {error.description}. Wait a little, then try again."
        )
    elif error.code == 413:
        config = current_app.config
        file_megabytes = config["MEDIA_MAX_FILE_BYTES"] // (1024 * 1024)
        zip_megabytes = config["MEDIA_QUOTA_BYTES"] // (1024 * 1024) + 5
        message = (
            f"What you sent is larger than we accept: pictures and PDFs can be up to "
            f"{file_megabytes} MB, CSV files and JSON backups 5 MB, ZIP backups "
            f"{zip_megabytes} MB. Make it smaller and try again."
        )
    elif error.code == 503 and error.description != type(error).description:
        # A view that says why it cannot serve (abort(503, "…")) is shown as it wrote it.
        message = error.description
    else:
        message = None
    body, code = render_error(error.code, message)
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return body, code, headers


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
def database_unavailable(error: Exception):
    """The database is down or busy: say so with a 503, and recover once it is back."""
    current_app.logger.warning("database unavailable: %s", error)
    try:
        db.session.rollback()
    except SQLAlchemyError:
        current_app.logger.debug("rollback failed too", exc_info=True)
    # Show the page as to a visitor: loading the signed-in user would ask the database again.
    g._login_user = login_manager.anonymous_user()
    body, code = render_error(503)
    return body, code, {"Retry-After": "30"}


@bp.app_errorhandler(DataError)
def unstorable_input(error: DataError):
    """Input the database cannot take (a NUL byte in a URL, say) is a bad request, not a crash."""
    current_app.logger.info("refused input the database cannot store: %s", error.orig)
    db.session.rollback()
    return render_error(400)


@bp.app_errorhandler(InternalServerError)
def internal_error(_error: InternalServerError):
    # The failed request may have left the session mid-transaction.
    db.session.rollback()
    return render_error(500)
