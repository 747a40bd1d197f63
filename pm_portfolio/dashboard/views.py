"""The maker's dashboard: progress at a glance."""

from datetime import date

from flask import Blueprint
from flask import render_template
from flask_login import current_user

from pm_portfolio.dashboard import charts
from pm_portfolio.dashboard import services
from pm_portfolio.web.helpers import require_login

bp = Blueprint("dashboard", __name__)
require_login(bp)


@bp.get("/dashboard")
def index():
    dashboard = services.build_dashboard(current_user, today=date.today())
    return render_template(
        "dashboard/index.html",
        dashboard=dashboard,
        cadence=charts.cadence_chart(dashboard.months),
        coverage=charts.coverage_rows(dashboard.coverage),
    )
