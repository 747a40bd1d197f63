"""The landing page and the health check."""

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pm_portfolio.core import accounts
from pm_portfolio.core.demo_data import PROFILE
from pm_portfolio.core.demo_data import example_case_study
from pm_portfolio.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    demo = accounts.find_user_by_email(accounts.DEMO_EMAIL)
    return render_template(
        "main/index.html",
        example=example_case_study(),
        example_author=PROFILE["display_name"],
        demo_username=demo.username if demo and demo.is_published else None,
    )


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
