"""Absolute URLs come from PUBLIC_URL, never from the request's Host header.

A forged Host (or X-Forwarded-Host behind a proxy) must not reach any page, and
above all not a rendered page that the cache then serves to everyone else.
"""

import re

import pytest

from pm_portfolio import create_app
from pm_portfolio.extensions import db
from pm_portfolio.models import ShareLink
from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.infrastructure import make_app
from tests.pages import MAKER
from tests.pages import build_catalogue

PUBLIC = "https://portfolio.example.com"
FORGED = "evil.example"
ABSOLUTE_URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": PUBLIC}


def every_page(app) -> list:
    """Every kind of page, with the machine-readable public ones, as (who, path)."""
    pages = [(page.who, page.path) for page in build_catalogue(app) if not page.form]
    return [
        *pages,
        (None, "/sitemap.xml"),
        (None, "/sitemaps/1.xml"),
        (None, "/robots.txt"),
        (None, f"/u/{MAKER}/resume.json"),
    ]


def clients_by_viewer(app, pages, **environ) -> dict:
    clients = {}
    for who, _path in pages:
        if who not in clients:
            client = app.test_client()
            client.environ_base.update(environ)
            if who:
                assert AuthActions(client).login(who, PASSWORD).status_code == 302
            clients[who] = client
    return clients


def assert_only_public_urls(body: str, where: str) -> None:
    assert FORGED not in body, where
    for url in ABSOLUTE_URL.findall(body):
        assert "localhost" not in url, f"{where}: {url}"


@pytest.mark.parametrize(
    ("forged_environ", "config"),
    [
        ({"HTTP_HOST": FORGED}, {}),
        ({"HTTP_X_FORWARDED_HOST": FORGED}, {"PROXY_COUNT": 1}),
    ],
)
def test_a_forged_host_never_reaches_a_page_or_the_cache(app, forged_environ, config):
    target = make_app(app.config["SQLALCHEMY_DATABASE_URI"], PUBLIC_URL=PUBLIC, **config)
    pages = every_page(target)
    forged = clients_by_viewer(target, pages, **forged_environ)
    honest = clients_by_viewer(target, pages)

    for who, path in pages:
        for _ in range(3):
            with forged[who].get(path) as response:
                assert response.status_code < 500, path
                assert_only_public_urls(response.get_data(as_text=True), f"forged {path}")
        with honest[who].get(path) as response:
            assert_only_public_urls(response.get_data(as_text=True), path)


def test_pages_link_to_the_public_address(app, client):
    with app.app_context():
        build_catalogue(app)
        token = db.session.scalar(db.select(ShareLink.token).where(ShareLink.name != ""))
    profile = client.get(f"/u/{MAKER}").get_data(as_text=True)
    assert f'<link rel="canonical" href="{PUBLIC}/u/{MAKER}">' in profile
    assert f'content="{PUBLIC}/u/{MAKER}"' in profile
    assert f"<loc>{PUBLIC}/sitemaps/1.xml</loc>" in client.get("/sitemap.xml").get_data(
        as_text=True
    )
    assert f"<loc>{PUBLIC}/u/{MAKER}</loc>" in client.get("/sitemaps/1.xml").get_data(as_text=True)
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    resume = client.get(f"/u/{MAKER}/resume.json").get_json()
    assert resume["meta"]["canonical"] == f"{PUBLIC}/u/{MAKER}"

    maker = app.test_client()
    AuthActions(maker).login(MAKER, PASSWORD)
    assert f"{PUBLIC}/s/{token}" in maker.get("/share-links").get_data(as_text=True)


def test_without_public_url_development_uses_each_requests_own_host(app):
    development = make_app(app.config["SQLALCHEMY_DATABASE_URI"], PUBLIC_URL="")
    build_catalogue(development)
    client = development.test_client()
    first = client.get(f"/u/{MAKER}", base_url="http://one.test").get_data(as_text=True)
    second = client.get(f"/u/{MAKER}", base_url="http://two.test").get_data(as_text=True)
    assert "http://one.test/u/" in first
    assert "http://two.test/u/" in second
    assert "one.test" not in second, "a page rendered for one host was served to another"


def test_production_refuses_other_hosts(migrated_database_url, monkeypatch):
    monkeypatch.setenv("PM_PORTFOLIO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret key for this test only")
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MAIL_BACKEND", "dummy")
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    app = create_app({"RATELIMIT_ENABLED": False})
    client = app.test_client()
    try:
        assert client.get("/", base_url=PUBLIC).status_code == 200
        assert client.get("/", base_url=f"https://{FORGED}").status_code == 400
        forged_header = client.get("/", base_url=PUBLIC, headers={"Host": FORGED})
        assert forged_header.status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()
