"""What every server must agree on without the database: makers' stamps, views waiting
to be written, and the dashboard's kept parts. Two apps over one database stand in
for two servers (tests/test_two_servers.py runs two real gunicorns)."""

import secrets
import time
from datetime import date

import pytest
import redis

from pm_portfolio.core import analytics
from pm_portfolio.core import stamps
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ProfileView
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries
from tests.infrastructure import make_app

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}
PASSWORD = "correct horse battery"


def published_maker(app) -> int:
    with app.app_context():
        maker = make_user(username="ada", password=PASSWORD, is_published=True)
        make_product(maker.id, title="Bot", slug="bot", visibility="public", status="shipped",
                     shipped_on=date(2026, 3, 1))  # fmt: skip
        return maker.id


def etag_of(client, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    return response.headers["ETag"]


def revalidated(client, path: str, etag: str):
    """The answer to a reader who holds `etag` for `path`."""
    return client.get(path, headers={**BROWSER, "If-None-Match": etag})


def edit(app, owner_id: int, **changes) -> None:
    with app.app_context():
        user = db.session.get(User, owner_id)
        for name, value in changes.items():
            setattr(user, name, value)
        db.session.commit()


def test_a_renamed_maker_is_gone_from_the_old_address_at_once(app, client):
    owner_id = published_maker(app)
    etag = etag_of(client, "/u/ada")

    edit(app, owner_id, username="grace")

    assert revalidated(client, "/u/ada", etag).status_code == 404
    assert client.get("/u/ada/bot", headers=BROWSER).status_code == 404
    assert client.get("/u/grace", headers=BROWSER).status_code == 200


def test_unpublishing_refuses_an_old_etag_at_once(app, client):
    owner_id = published_maker(app)
    etag = etag_of(client, "/u/ada")

    edit(app, owner_id, is_published=False)

    assert revalidated(client, "/u/ada", etag).status_code == 404


def test_a_stamp_left_from_before_an_unpublish_counts_no_view(app, client):
    """The race the stamp's lifetime bounds: a reader kept the stamp just before the
    maker unpublished. The page answers 404, and no view of it is counted."""
    owner_id = published_maker(app)
    with app.app_context():
        before = db.session.get(User, owner_id)
        stale = stamps.OwnerStamp(before.id, before.portfolio_version, is_published=True)
    edit(app, owner_id, is_published=False)
    with app.app_context():
        stamps.keep_owner_stamp("ada", stale)

    assert client.get("/u/ada", headers=BROWSER).status_code == 404
    with app.app_context():
        assert analytics.pending_views(owner_id) == {}


def test_a_rolled_back_change_keeps_the_page(app, client):
    owner_id = published_maker(app)
    etag = etag_of(client, "/u/ada")
    with app.app_context():
        db.session.get(User, owner_id).display_name = "Never saved"
        db.session.flush()
        db.session.rollback()

    with counted_queries(app) as statements:
        again = revalidated(client, "/u/ada", etag)
    assert again.status_code == 304
    assert statements == []


def test_a_product_edit_changes_the_case_study_etag(app, client):
    published_maker(app)
    etag = etag_of(client, "/u/ada/bot")
    with app.app_context():
        db.session.scalar(db.select(Product)).tagline = "Now with a tagline"
        db.session.commit()

    response = revalidated(client, "/u/ada/bot", etag)
    assert response.status_code == 200
    assert "Now with a tagline" in response.get_data(as_text=True)


@pytest.fixture(params=["files", "redis"])
def two_servers(request, migrated_database_url, tmp_path):
    """Two apps over one database, sharing their stamps through a folder of files (the
    default without Redis) or through Redis."""
    if request.param == "files":
        shared = {"CACHE_DIR": str(tmp_path / "cache")}
    else:
        url = request.getfixturevalue("redis_url")
        prefix = f"pm-portfolio-test-{secrets.token_hex(4)}:"
        shared = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "REDIS_URL": url,
                  "CACHE_KEY_PREFIX": prefix}  # fmt: skip
    servers = [make_app(migrated_database_url, **shared) for _ in range(2)]
    yield servers
    if request.param == "redis":
        store = redis.Redis.from_url(shared["REDIS_URL"])
        if keys := store.keys(f"{shared['CACHE_KEY_PREFIX']}*"):
            store.delete(*keys)


def test_an_edit_through_one_server_shows_on_the_other_at_once(app, two_servers):
    first, second = two_servers
    owner_id = published_maker(first)
    reader = second.test_client()
    etag = etag_of(reader, "/u/ada")
    assert revalidated(reader, "/u/ada", etag).status_code == 304

    edit(first, owner_id, display_name="Ada Byron")

    response = revalidated(reader, "/u/ada", etag)
    assert response.status_code == 200
    assert "Ada Byron" in response.get_data(as_text=True)


# Without Redis each process counts its own views until it flushes them.
@pytest.mark.parametrize("two_servers", ["redis"], indirect=True)
def test_views_counted_by_both_servers_add_up(app, two_servers):
    first, second = two_servers
    published_maker(first)
    first.test_client().get("/u/ada", headers=BROWSER)
    second.test_client().get("/u/ada", headers=BROWSER)
    second.test_client().get("/u/ada/bot", headers=BROWSER)
    owner = first.test_client()
    AuthActions(owner).login("ada", PASSWORD)

    waiting = owner.get("/dashboard").get_data(as_text=True)
    result = first.test_cli_runner().invoke(args=["views", "flush"])
    written = owner.get("/dashboard").get_data(as_text=True)

    assert result.output == "Wrote 3 views.\n"
    for page in (waiting, written):
        assert "<dt>Portfolio page</dt><dd>2</dd>" in page
        assert "<dt>Case studies</dt><dd>1</dd>" in page
    with second.app_context():
        assert db.session.scalar(db.select(ProfileView.count)) == 2


def test_an_expired_stamp_is_kept_again_by_the_next_reader(app, client, monkeypatch):
    monkeypatch.setattr(stamps, "STAMP_SECONDS", 1)
    published_maker(app)
    etag = etag_of(client, "/u/ada")
    time.sleep(1.5)
    revalidated(client, "/u/ada", etag)

    with counted_queries(app) as statements:
        again = revalidated(client, "/u/ada", etag)

    assert again.status_code == 304
    assert statements == [], "the stamp read after expiry is kept again"


def test_a_rolled_back_savepoint_keeps_the_outer_change_visible(app, client):
    owner_id = published_maker(app)
    etag = etag_of(client, "/u/ada")
    with app.app_context():
        db.session.get(User, owner_id).display_name = "Ada Byron"
        db.session.flush()
        savepoint = db.session.begin_nested()
        db.session.get(User, owner_id).headline = "Never saved"
        savepoint.rollback()
        db.session.commit()

    response = revalidated(client, "/u/ada", etag)
    assert response.status_code == 200
    assert "Ada Byron" in response.get_data(as_text=True)


@pytest.mark.parametrize("two_servers", ["redis"], indirect=True)
def test_a_failed_flush_puts_the_views_back_in_redis(today, app, two_servers, monkeypatch):
    first, second = two_servers
    owner_id = published_maker(first)
    first.test_client().get("/u/ada", headers=BROWSER)
    second.test_client().get("/u/ada/bot", headers=BROWSER)

    def broken(*_args):
        raise RuntimeError("the database went away")

    with first.app_context():
        monkeypatch.setattr(analytics, "_write", broken)
        with pytest.raises(RuntimeError):
            analytics.flush_views()
        monkeypatch.undo()
        db.session.rollback()
        assert analytics.recent_views(owner_id, today).total == 2
        assert analytics.flush_views() == 2
        assert analytics.flush_views() == 0
