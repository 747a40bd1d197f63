"""Fixtures: an app on a freshly emptied, migrated database per test, clients and helpers.

Tests run on SQLite by default. With TEST_DATABASE_URL pointing at a PostgreSQL
server, the run creates its own database there and drops it afterwards.
"""

import os
import select
import time

import flask_migrate
import pytest
import redis
import time_machine

from pm_portfolio.extensions import db
from tests.clients import AuthActions
from tests.clients import Client
from tests.factories import Credentials
from tests.factories import make_user
from tests.hard_days import FIXED_MOMENT
from tests.hard_days import HARD_MOMENTS
from tests.infrastructure import REDIS_URL
from tests.infrastructure import REFERENCE_TABLES
from tests.infrastructure import SmtpServer
from tests.infrastructure import close_created_apps
from tests.infrastructure import make_app
from tests.infrastructure import skip_or_fail
from tests.infrastructure import temporary_database

if "FAKETIME" in os.environ:
    # Under libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC=1 (`make test-dates`),
    # time.sleep's clock_nanosleep fails with EINVAL; a timed select waits the same time
    # on the real monotonic clock, as every other timed wait of a thread does there.
    time.sleep = lambda seconds: select.select([], [], [], seconds) and None


@pytest.fixture(autouse=True)
def close_apps_after_each_test():
    yield
    close_created_apps()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with temporary_database(tmp_path_factory.mktemp("database")) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_database_url(database_url):
    app = make_app(database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def today():
    """The app's clock pinned (still ticking) at a fixed moment; the value is its date.
    A test names it first, so that sign-ins and rows are made on the pinned clock too."""
    with time_machine.travel(FIXED_MOMENT):
        yield FIXED_MOMENT.date()


@pytest.fixture(params=HARD_MOMENTS)
def hard_day(request):
    """The app's clock pinned at each hard moment in turn; the value is its date. Named
    first, as `today` is."""
    with time_machine.travel(request.param):
        yield request.param.date()


@pytest.fixture
def app_config() -> dict:
    """Settings on top of the test defaults; a test module may override this fixture."""
    return {}


@pytest.fixture
def app(migrated_database_url, app_config, tmp_path):
    # Each test stores media in its own folder, as it has its own rows.
    media = {"MEDIA_STORAGE_URL": (tmp_path / "media").as_uri()}
    app = make_app(migrated_database_url, **{**media, **app_config})
    yield app
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def outbox(app) -> list:
    """The messages the app sends, kept in memory (MAIL_BACKEND=locmem in tests)."""
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; a test module points the app at it with
    `app_config` returning `smtp_server.app_config`."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def user(app) -> Credentials:
    with app.app_context():
        return make_user(email="maker@example.com", username="maker")


@pytest.fixture
def logged_in_client(client, auth, user) -> Client:
    response = auth.login(user.username, user.password)
    assert response.status_code == 302
    return client


@pytest.fixture
def redis_url() -> str:
    """A Redis server on loopback: skipped where there is none (a failure in CI)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


@pytest.fixture
def pdf_renderer():
    """A test that makes PDFs: skipped where WeasyPrint lacks Pango (a failure in CI)."""
    from pm_portfolio.portfolio import documents

    if documents.weasyprint is None:
        skip_or_fail(
            "WeasyPrint cannot load Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        )
