"""Rate limits on the actions attackers repeat, shared through Redis, surviving its loss."""

import logging
import secrets

import pytest
import redis

from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.factories import make_user
from tests.infrastructure import make_app
from tests.infrastructure import skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


def test_too_many_log_ins_from_one_address_get_429(client, user):
    auth = AuthActions(client)
    for _ in range(10):
        assert auth.login(password="wrong password!!").status_code in {200, 429}
    response = auth.login()

    assert response.status_code == 429
    assert "You have reached the limit of" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_five_failures_lock_the_account_but_not_others(app, user):
    with app.app_context():
        other = make_user()
    attacker = AuthActions(app.test_client())
    for _ in range(5):
        assert attacker.login("MAKER@example.com", "not the password").status_code == 200

    assert attacker.login("maker", PASSWORD).status_code == 429
    assert AuthActions(app.test_client()).login(other.username, other.password).status_code == 302


def test_successful_log_ins_do_not_count_as_failures(app, user):
    for _ in range(6):
        client = app.test_client()
        assert AuthActions(client).login().status_code == 302


def test_registration_is_limited_per_address(client):
    auth = AuthActions(client)
    for number in range(10):
        auth.register(email=f"r{number}@example.com", username=f"r-{number}")
        auth.logout()
    response = auth.register(email="last@example.com", username="last-one")
    assert response.status_code == 429


def test_password_changes_are_limited(logged_in_client):
    for _ in range(10):
        response = logged_in_client.submit(
            "/settings/password", {"current_password": "wrong", "new_password": "", "confirm": ""}
        )
        assert response.status_code == 200
    response = logged_in_client.submit(
        "/settings/password", {"current_password": "wrong", "new_password": "", "confirm": ""}
    )
    assert response.status_code == 429


def test_unreachable_redis_keeps_the_site_serving(migrated_database_url, caplog):
    app = make_app(
        migrated_database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
    )
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        assert client.get("/login").status_code == 200
        response = client.post("/login", data={"csrf_token": client.csrf_token(), "login": "x"})

    assert response.status_code == 200
    assert "Rate limit storage unreachable - falling back to in-memory storage" in caplog.text


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


def test_limits_are_shared_by_every_server_through_redis(migrated_database_url, redis_url, user):
    prefix = f"pm-portfolio-test-{secrets.token_hex(4)}"
    servers = [
        make_app(
            migrated_database_url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=redis_url,
            RATELIMIT_KEY_PREFIX=prefix,
        )
        for _ in range(2)
    ]
    statuses = []
    for attempt in range(12):
        client = servers[attempt % 2].test_client()
        statuses.append(AuthActions(client).login(f"nobody-{attempt}", "wrong!").status_code)

    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    store = redis.Redis.from_url(redis_url)
    store.delete(*store.keys(f"*{prefix}*"))
