"""Two gunicorn servers over one PostgreSQL and one Redis behave as one site: sessions,
sign-outs, rate limits, view counts and fresh public pages are shared."""

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from tests.clients import CSRF_INPUT
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import empty_redis_database
from tests.infrastructure import gunicorn_server

pytestmark = pytest.mark.slow

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"
NEW_PASSWORD = "a brand new passphrase"


class Browser:
    """One person's browser: its cookies go to whichever server it asks."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, url: str, **headers: str) -> tuple[int, str, dict]:
        headers = {"User-Agent": BROWSER, **headers}
        return self._open(urllib.request.Request(url, headers=headers))  # noqa: S310 - loopback

    def submit(self, url: str, form: dict) -> tuple[int, str, dict]:
        _status, page, _headers = self.get(url)
        data = {"csrf_token": CSRF_INPUT.search(page).group(1), **form}
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"User-Agent": BROWSER})  # noqa: S310
        return self._open(request)

    def _open(self, request) -> tuple[int, str, dict]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def shared_redis(redis_url):
    """A Redis database of its own, emptied before and after."""
    with empty_redis_database(redis_url, 14) as url:
        yield url


def test_two_servers_behave_as_one_site(app, migrated_database_url, shared_redis, tmp_path):
    if make_url(migrated_database_url).get_backend_name() != "postgresql":
        pytest.skip("two servers share PostgreSQL and Redis: runs in the PostgreSQL pass")
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada", is_published=True)
        make_product(ada.id, title="Bot", slug="bot", visibility="public", status="shipped",
                     shipped_on=date(2026, 3, 1))  # fmt: skip
    secret_key = secrets.token_urlsafe(32)
    servers = [
        gunicorn_server(
            migrated_database_url,
            2,
            tmp_path / f"server-{n}.log",
            REDIS_URL=shared_redis,
            SECRET_KEY=secret_key,
            # Views wait in Redis for the test to read: no flush takes a batch meanwhile.
            VIEW_FLUSH_SECONDS="0",
        )
        for n in range(2)
    ]
    with servers[0] as one, servers[1] as two:
        maker, reader = Browser(), Browser()

        # A session begun on one server is open on the other.
        status, _page, headers = maker.submit(
            f"{one}/login", {"login": "ada", "password": ada.password}
        )
        assert status == 302, headers
        assert maker.get(f"{two}/dashboard")[0] == 200

        # An edit through one server shows on the other at once: no stale page, no stale 304.
        status, _page, headers = reader.get(f"{two}/u/ada")
        assert status == 200
        assert reader.get(f"{two}/u/ada", **{"If-None-Match": headers["ETag"]})[0] == 304
        status, _page, _headers = maker.submit(f"{one}/settings", {"display_name": "Ada Byron"})
        assert status == 302
        status, page, _headers = reader.get(f"{two}/u/ada", **{"If-None-Match": headers["ETag"]})
        assert status == 200
        assert "Ada Byron" in page

        # Views counted by both servers add up on either's dashboard: the two pages the
        # reader was sent above, and these.
        for base in (one, two, two):
            assert reader.get(f"{base}/u/ada")[0] == 200
        assert reader.get(f"{one}/u/ada/bot")[0] == 200
        for base in (one, two):
            _status, dashboard, _headers = maker.get(f"{base}/dashboard")
            assert re.search(r"<dt>Portfolio page</dt><dd>5</dd>", dashboard), base
            assert re.search(r"<dt>Case studies</dt><dd>1</dd>", dashboard), base

        # A password changed through one server signs the other sessions out on both.
        other_device = Browser()
        assert other_device.submit(
            f"{two}/login", {"login": "ada", "password": ada.password}
        )[0] == 302  # fmt: skip
        status, _page, _headers = maker.submit(
            f"{one}/settings/password",
            {"current_password": ada.password, "new_password": NEW_PASSWORD,
             "confirm": NEW_PASSWORD},
        )  # fmt: skip
        assert status == 302
        for base in (one, two):
            assert other_device.get(f"{base}/dashboard")[0] == 302, base
        assert maker.get(f"{two}/dashboard")[0] == 200

        # Rate limits count attempts on both servers together.
        statuses = [
            Browser().submit(f"{(one, two)[n % 2]}/login", {"login": "ada", "password": "no"})[0]
            for n in range(12)
        ]
        assert 429 in statuses
        assert statuses.count(200) <= 10
