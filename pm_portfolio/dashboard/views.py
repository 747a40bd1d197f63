"""The maker's dashboard: progress at a glance, and the applications to follow up.

Rendering it costs a dozen statements and a large template, and a maker opens it
every day, mostly with nothing changed. So its two parts are kept rendered, shared by
every server (Flask-Caching), under keys naming everything they show: the maker, the
version of their data (every change bumps it, see core/portfolio_version.py), the
day, the templates and the public address. The views part is also keyed by the
maker's written views and those waiting. A change makes a new key, so a kept part is
never stale, and no key names another maker.
"""

import hashlib
from dataclasses import dataclass

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import follow_ups
from pm_portfolio.dashboard import charts
from pm_portfolio.dashboard import figures
from pm_portfolio.web.access import makers_today
from pm_portfolio.web.access import require_login
from pm_portfolio.web.public_urls import public_base_url
from pm_portfolio.web.public_urls import public_url
from pm_portfolio.web.shared_cache import from_shared_cache

bp = Blueprint("dashboard", __name__)
require_login(bp)


@dataclass(frozen=True)
class ProgressParts:
    progress: Markup
    recent: Markup
    is_new: bool


def _key(part: str, *values: object) -> str:
    # The maker's creation time tells their row from one with the same id in a database
    # restored or made anew while the cache kept its parts.
    maker = (current_user.id, current_user.created_at, current_user.portfolio_version)
    common = (*maker, clock.today(), current_app.config["RENDER_VERSION"], public_base_url())
    digest = hashlib.sha256(repr((*common, *values)).encode()).hexdigest()[:32]
    return f"dashboard:{part}:{current_user.id}:{digest}"


def _rendered(template: str, **context) -> Markup:
    # The output of our own autoescaping templates: safe to place in the page as it is.
    return Markup(render_template(template, **context))  # noqa: S704 # nosec B704


def _progress() -> ProgressParts:
    def render() -> ProgressParts:
        dashboard = figures.build_dashboard(current_user, today=clock.today())
        progress = _rendered(
            "dashboard/_progress.html",
            dashboard=dashboard,
            cadence=charts.cadence_chart(dashboard.months),
            coverage=charts.coverage_rows(dashboard.coverage),
        )
        recent = _rendered("dashboard/_recent.html", dashboard=dashboard)
        return ProgressParts(progress, recent, dashboard.is_new)

    return from_shared_cache(_key("progress"), render)


def _views_card() -> Markup:
    waiting = sorted(analytics.pending_views(current_user.id).items())
    key = _key("views", analytics.views_version(current_user.id), waiting)

    def render() -> Markup:
        audience = figures.build_audience(current_user.id, today=clock.today())
        return _rendered(
            "dashboard/_views.html", views=audience.views, share_links=audience.share_links
        )

    return from_shared_cache(key, render)


def _follow_ups() -> list[follow_ups.FollowUp]:
    # Not kept with the other parts: a link opened or a day passing changes it, and it
    # costs two statements.
    return follow_ups.follow_ups(
        current_user.id,
        current_user.name,
        makers_today(),
        current_user.time_zone,
        lambda link: public_url("portfolio.share", token=link.token),
    )


@bp.get("/dashboard")
def index():
    parts = _progress()
    return render_template(
        "dashboard/index.html",
        parts=parts,
        views_card=None if parts.is_new else _views_card(),
        follow_ups=_follow_ups(),
    )
