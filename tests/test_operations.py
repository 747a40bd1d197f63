"""Running in production: health checks, database outages, proxies."""

import pytest
from flask import request
from sqlalchemy.engine import make_url

from pm_portfolio.extensions import db
from tests.clients import AuthActions
from tests.infrastructure import TcpProxy
from tests.infrastructure import make_app

UNREACHABLE = {
    "postgresql": "postgresql://nobody@127.0.0.1:1/nothing",
    "sqlite": "sqlite:////nonexistent-folder/pm_portfolio.sqlite3",
}


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_an_unreachable_database_gives_503_pages(backend):
    app = make_app(UNREACHABLE[backend])
    client = app.test_client()

    health = client.get("/healthz")
    page = client.get("/u/somebody")

    assert health.status_code == 503
    assert health.get_json()["database"] == "unreachable"
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    text = page.get_data(as_text=True)
    assert "Temporarily unavailable" in text
    assert 'class="site-header"' in text
    assert client.get("/login").status_code == 200, "pages that need no database still work"


def test_the_app_recovers_when_the_database_comes_back(migrated_database_url, user):
    url = make_url(migrated_database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("stops and restarts a database server: runs in the PostgreSQL pass")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    app = make_app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    visitor, maker = app.test_client(), app.test_client()
    try:
        assert AuthActions(maker).login(user.username, user.password).status_code == 302
        assert visitor.get("/healthz").status_code == 200

        proxy.stop()
        assert visitor.get("/healthz").status_code == 503
        assert visitor.get("/u/somebody").status_code == 503
        down = maker.get("/dashboard")
        assert down.status_code == 503
        assert "Temporarily unavailable" in down.get_data(as_text=True)

        proxy.start()
        assert visitor.get("/healthz").status_code == 200
        assert visitor.get("/u/somebody").status_code == 404
        assert maker.get("/dashboard").status_code == 200
    finally:
        proxy.stop()
        with app.app_context():
            db.engine.dispose()


def test_behind_a_proxy_the_client_address_and_scheme_come_from_it(migrated_database_url):
    app = make_app(migrated_database_url, PROXY_COUNT=1)

    @app.get("/whoami")
    def whoami():
        return {"address": request.remote_addr, "secure": request.is_secure}

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/whoami", headers=headers)

    assert response.get_json() == {"address": "203.0.113.9", "secure": True}
    assert "Strict-Transport-Security" in response.headers


def test_without_a_proxy_forwarded_headers_are_ignored(migrated_database_url):
    app = make_app(migrated_database_url)
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/login", headers=headers)
    assert "Strict-Transport-Security" not in response.headers
