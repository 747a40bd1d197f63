"""The maker's dashboard: progress at a glance."""

from datetime import date

from flask import Blueprint
from flask import render_template
from flask_login import current_user
from flask_login import login_required

from pm_portfolio.dashboard import charts
from pm_portfolio.dashboard import services

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@login_required
def index():
    dashboard = services.build_dashboard(current_user, today=date.today())
    return render_template(
        "dashboard/index.html",
        dashboard=dashboard,
        cadence=charts.cadence_chart(dashboard.months),
        coverage=charts.coverage_rows(dashboard.coverage),
    )
