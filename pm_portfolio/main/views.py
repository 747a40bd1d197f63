"""The landing page and the maker's dashboard."""

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from pm_portfolio.main import services

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    checklist = services.onboarding_checklist(current_user)
    return render_template("main/dashboard.html", checklist=checklist)
