"""Many makers writing at once through gunicorn, while others read: nothing lost, no errors."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

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
    statuses: Counter = Counter()
    log = tmp_path / "gunicorn.log"
    errors: list[BaseException] = []

    def run(target, *args):
        try:
            target(*args)
        except BaseException as error:
            errors.append(error)

    with gunicorn_server(migrated_database_url, WORKERS, log, RATELIMIT_ENABLED="false") as base:
        stop = threading.Event()
        readers = [
            threading.Thread(target=run, args=(read_public_pages, base, published.username, stop,
                                               statuses))
            for _ in range(READERS)
        ]  # fmt: skip
        writers = [
            threading.Thread(
                target=run, args=(write_portfolio, base, maker.username, maker.password, statuses)
            )
            for maker in makers
        ]
        for thread in readers + writers:
            thread.start()
        for thread in writers:
            thread.join()
        stop.set()
        for thread in readers:
            thread.join()

    server_log = log.read_text()
    assert not errors, errors[:3]
    assert not [status for status in statuses if status >= 500], statuses
    assert "database is locked" not in server_log
    assert "Traceback" not in server_log
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
        assert statuses[200] > WRITERS * PRODUCTS_EACH


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
    statuses: Counter = Counter()
    log = tmp_path / "gunicorn.log"
    errors: list[BaseException] = []

    def run(target, *args):
        try:
            target(*args)
        except BaseException as error:
            errors.append(error)

    with gunicorn_server(migrated_database_url, WORKERS, log, RATELIMIT_ENABLED="false") as base:
        for product_id in product_ids:
            jobs = [add_learnings] * 3 + [delete_product]
            threads = [
                threading.Thread(target=run, args=(job, base, maker, product_id, statuses))
                for job in jobs
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    assert not errors, errors[:3]
    server_log = log.read_text()
    assert not [status for status in statuses if status >= 500], (statuses, server_log)
    assert "Traceback" not in server_log
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Learning.id))) == 0
