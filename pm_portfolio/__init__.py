"""PM Portfolio: log the products you make, what they taught you, and show employers."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from pm_portfolio import redis_clients
from pm_portfolio.accounts import bp as accounts_bp
from pm_portfolio.accounts.sign_in import load_signed_in_user
from pm_portfolio.applications.feed import bp as calendar_bp
from pm_portfolio.applications.views import bp as applications_bp
from pm_portfolio.commands import init_commands
from pm_portfolio.config import build_config
from pm_portfolio.core.analytics import init_view_counting
from pm_portfolio.core.portfolio_version import follow_portfolio_changes
from pm_portfolio.core.storage import open_storage
from pm_portfolio.dashboard.views import bp as dashboard_bp
from pm_portfolio.database import configure_engine
from pm_portfolio.digests.views import bp as digests_bp
from pm_portfolio.exports.views import bp as exports_bp
from pm_portfolio.extensions import cache
from pm_portfolio.extensions import csrf
from pm_portfolio.extensions import db
from pm_portfolio.extensions import login_manager
from pm_portfolio.extensions import mail
from pm_portfolio.extensions import migrate
from pm_portfolio.extensions import queues
from pm_portfolio.feedback.reviewing import bp as review_bp
from pm_portfolio.feedback.views import bp as feedback_bp
from pm_portfolio.learnings.views import bp as learnings_bp
from pm_portfolio.main.errors import bp as errors_bp
from pm_portfolio.main.views import bp as main_bp
from pm_portfolio.media.views import bp as media_bp
from pm_portfolio.portfolio import bp as portfolio_bp
from pm_portfolio.portfolio.page_cache import PageCache
from pm_portfolio.portfolio.prerendering import init_prerendering
from pm_portfolio.portfolio.reader_revalidation import ReaderRevalidation
from pm_portfolio.products.views import bp as products_bp
from pm_portfolio.proof.endorsing import bp as endorse_bp
from pm_portfolio.proof.views import bp as proof_bp
from pm_portfolio.schedule import register_schedule
from pm_portfolio.sharing.views import bp as sharing_bp
from pm_portfolio.web.cookie_sessions import CookieSessions
from pm_portfolio.web.deferred import init_deferred_work
from pm_portfolio.web.media_settings import apply_upload_limit
from pm_portfolio.web.ratelimits import init_rate_limits
from pm_portfolio.web.routing import IdConverter
from pm_portfolio.web.security import CSRF_EXEMPT
from pm_portfolio.web.security import add_security_headers
from pm_portfolio.web.templating import init_templating
from pm_portfolio.web.templating import render_version

# Templates, static files, migrations and instance data sit beside the package,
# found from this file so the app works from any working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; `config` overrides it (tests use this)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(exist_ok=True)
    app.config.from_mapping(build_config(os.environ, app.instance_path, config))
    app.config.setdefault(
        "RENDER_VERSION",
        render_version(
            PROJECT_ROOT / "pm_portfolio", PROJECT_ROOT / "templates", PROJECT_ROOT / "static"
        ),
    )

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    follow_portfolio_changes(db.session)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    # Registered first: a view's own upload limit must be set before the CSRF check
    # reads the form.
    app.before_request(apply_upload_limit)
    csrf.init_app(app)
    _init_cache(app)
    mail.init_app(app)
    if app.config["REDIS_URL"]:
        queues.init_app(app)
        register_schedule()
    _init_login(app)
    init_templating(app)
    init_deferred_work(app)
    init_prerendering(app)
    app.url_map.converters["id"] = IdConverter

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(products_bp)
    app.register_blueprint(learnings_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(proof_bp)
    app.register_blueprint(endorse_bp)
    app.register_blueprint(digests_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(errors_bp)
    app.session_interface = CookieSessions()
    app.after_request(add_security_headers)
    for endpoint in CSRF_EXEMPT:
        csrf.exempt(app.view_functions[endpoint])
    init_commands(app)
    init_rate_limits(app)
    app.extensions["media_storage"] = open_storage(app.config["MEDIA_STORAGE_URL"])
    init_view_counting(app)
    app.extensions["page_cache"] = PageCache(
        app.config["PUBLIC_PAGE_CACHE_BYTES"], app.config["PUBLIC_PAGE_CACHE_BYTES_PER_MAKER"]
    )
    # Readers' revalidations of public pages are answered before Flask (see the module).
    app.wsgi_app = ReaderRevalidation(app, app.wsgi_app)
    if app.config["PROXY_COUNT"]:
        # Trust exactly that many proxies for the client's address, scheme and host.
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    return app


def _init_cache(app: Flask) -> None:
    """Flask-Caching, with Redis connections that give up quickly (see redis_clients)."""
    app.extensions["redis_breaker"] = breaker = redis_clients.Breaker()
    if app.config["CACHE_TYPE"] == "RedisCache":
        url = app.config["CACHE_REDIS_URL"]
        guarded = redis_clients.connection_options(url, breaker)
        app.config["CACHE_OPTIONS"] = {**app.config.get("CACHE_OPTIONS", {}), **guarded}
    cache.init_app(app)


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_signed_in_user)
