"""Many makers writing at once through gunicorn, while others read: nothing lost, no errors."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from tests.clients import CSRF_INPUT
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import gunicorn_server

pytestmark = pytest.mark.slow

WRITERS = 16
PRODUCTS_EACH = 25
READERS = 4
WORKERS = 4


class Browser:
    """A cookie-keeping HTTP client that records every status it sees."""

    def __init__(self, base: str, statuses: Counter):
        self.base = base
        self.statuses = statuses
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def request(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                status, body, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
            location = error.headers.get("Location", "")
        self.statuses[status] += 1
        return status, body, location

    def submit(self, path: str, form: dict) -> tuple[int, str, str]:
        _status, page, _location = self.request(path)
        return self.request(path, {"csrf_token": CSRF_INPUT.search(page).group(1), **form})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Load:
    """Threads sending requests to one gunicorn server, and what they met: every status,
    every exception in a thread, and the server's log."""

    def __init__(self, base: str, log: Path):
        self.base = base
        self.log = log
        self.statuses: Counter = Counter()
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    def start(self, target, *args) -> None:
        """Run `target(base, *args, statuses)` on a thread of its own."""

        def run() -> None:
            try:
                target(self.base, *args, self.statuses)
            except BaseException as error:
                self.errors.append(error)

        thread = threading.Thread(target=run)
        self._threads.append(thread)
        thread.start()

    def wait(self) -> None:
        while self._threads:
            self._threads.pop().join()

    def assert_nothing_failed(self) -> None:
        server_log = self.log.read_text()
        assert not self.errors, self.errors[:3]
        assert not [status for status in self.statuses if status >= 500], (
            self.statuses,
            server_log,
        )
        assert "database is locked" not in server_log
        assert "Traceback" not in server_log


@contextmanager
def load_on_gunicorn(database_url: str, folder: Path) -> Iterator[Load]:
    """A Load against the app served by gunicorn (WORKERS workers, no rate limits)."""
    log = folder / "gunicorn.log"
    with gunicorn_server(database_url, WORKERS, log, RATELIMIT_ENABLED="false") as base:
        yield Load(base, log)


def write_portfolio(base: str, username: str, password: str, statuses: Counter) -> None:
    browser = Browser(base, statuses)
    status, _body, _location = browser.submit("/login", {"login": username, "password": password})
    assert status == 302
    for number in range(PRODUCTS_EACH):
        status, _body, location = browser.submit(
            "/products/new",
            {
                "title": f"Product {number} of {username}",
                "status": "shipped",
                "shipped_on": "2026-01-01",
                "visibility": "public",
                "skill_keys": ["discovery", "design"],
                "metrics-0-label": "users",
                "metrics-0-value": str(number),
                "metrics-1-label": "rating",
                "metrics-1-value": "4.5/5",
            },
        )
        assert status == 302, status
        product_id = location.rsplit("/", 1)[1]
        status, _body, _location = browser.submit(
            f"/products/{product_id}/learnings/new",
            {
                "title": f"Learning {number}",
                "kind": "experiment",
                "learned_on": "2026-01-02",
                "product_id": product_id,
                "is_public": "y",
            },
        )
        assert status == 302, status


def read_public_pages(base: str, username: str, stop: threading.Event, statuses: Counter):
    browser = Browser(base, statuses)
    while not stop.is_set():
        browser.request(f"/u/{username}")
        browser.request(f"/u/{username}/showcase")


def test_sixteen_makers_write_while_others_read(app, migrated_database_url, tmp_path):
    with app.app_context():
        makers = [make_user() for _ in range(WRITERS)]
        published = make_user(is_published=True)
        make_product(published.id, slug="showcase", visibility="public", status="building")

    with load_on_gunicorn(migrated_database_url, tmp_path) as load:
        stop = threading.Event()
        for maker in makers:
            load.start(write_portfolio, maker.username, maker.password)
        readers = Load(load.base, load.log)
        for _ in range(READERS):
            readers.start(read_public_pages, published.username, stop)
        load.wait()
        stop.set()
        readers.wait()

    load.assert_nothing_failed()
    readers.assert_nothing_failed()
    with app.app_context():
        ids = [maker.id for maker in makers]
        per_maker = Counter(
            db.session.scalars(db.select(Product.user_id).where(Product.user_id.in_(ids)))
        )
        assert per_maker == dict.fromkeys(ids, PRODUCTS_EACH)
        written = db.select(Product.id).where(Product.user_id.in_(ids))
        assert (
            db.session.scalar(
                db.select(db.func.count(Metric.id)).where(Metric.product_id.in_(written))
            )
            == WRITERS * PRODUCTS_EACH * 2
        )
        assert (
            db.session.scalar(
                db.select(db.func.count(Learning.id)).where(Learning.user_id.in_(ids))
            )
            == WRITERS * PRODUCTS_EACH
        )
        assert load.statuses[200] > WRITERS * PRODUCTS_EACH


def add_learnings(base: str, maker, product_id: int, statuses: Counter) -> None:
    browser = Browser(base, statuses)
    browser.submit("/login", {"login": maker.username, "password": maker.password})
    _status, page, _location = browser.request("/dashboard")
    token = CSRF_INPUT.search(page).group(1)
    for number in range(4):
        browser.request(
            f"/products/{product_id}/learnings/new",
            {"csrf_token": token, "title": f"Race {number}", "kind": "insight",
             "learned_on": "2026-01-02", "product_id": str(product_id)},
        )  # fmt: skip
        browser.request(
            f"/products/{product_id}/edit",
            {"csrf_token": token, "title": f"Renamed {number}", "status": "building",
             "visibility": "public"},
        )  # fmt: skip
        for learning_id in re.findall(r"/learnings/(\d+)/edit", browser.request("/learnings")[1]):
            browser.request(
                f"/learnings/{learning_id}/edit",
                {"csrf_token": token, "title": f"Edited {number}", "kind": "decision",
                 "learned_on": "2026-01-03", "product_id": str(product_id)},
            )  # fmt: skip


def delete_product(base: str, maker, product_id: int, statuses: Counter) -> None:
    browser = Browser(base, statuses)
    browser.submit("/login", {"login": maker.username, "password": maker.password})
    browser.submit(f"/products/{product_id}/delete", {})


def test_adding_to_a_product_while_it_is_deleted_never_fails(app, migrated_database_url, tmp_path):
    with app.app_context():
        maker = make_user()
        product_ids = [make_product(maker.id) for _ in range(8)]

    with load_on_gunicorn(migrated_database_url, tmp_path) as load:
        for product_id in product_ids:
            for job in [add_learnings] * 3 + [delete_product]:
                load.start(job, maker, product_id)
            load.wait()

    load.assert_nothing_failed()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Learning.id))) == 0
