"""The landing page and the health check."""

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pm_portfolio.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return render_template("main/index.html")


@bp.get("/healthz")
def healthz():
    """For load balancers and monitors: 200 while the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        body, status = {"status": "unavailable", "database": "unreachable"}, 503
    else:
        body, status = {"status": "ok", "database": "ok"}, 200
    return body, status, {"Cache-Control": "no-store"}
