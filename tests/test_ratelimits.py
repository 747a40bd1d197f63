"""Rate limits on the actions attackers repeat, shared through Redis, surviving its loss."""

import logging
import secrets
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import redis
import time_machine

from pm_portfolio.web.ratelimits import ROUTE_LIMITS
from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.factories import make_endorsement
from tests.factories import make_product
from tests.factories import make_review_link
from tests.factories import make_user
from tests.infrastructure import make_app
from tests.test_security import PUBLIC_ENDPOINTS


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


def login_from(app, address: str, login: str, password: str):
    """A log-in attempt from `address`, as the one trusted proxy reports it."""
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return AuthActions(client).login(login, password)


@pytest.fixture
def behind_a_proxy(app):
    """The app as deployed behind one proxy, so each attempt can come from its own address."""
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True, PROXY_COUNT=1)


def test_one_address_trying_many_accounts_gets_429(behind_a_proxy):
    with behind_a_proxy.app_context():
        accounts = [make_user().username for _ in range(11)]
    # One failure per account: the per-account limit never comes into play.
    statuses = [
        login_from(behind_a_proxy, "203.0.113.7", username, "wrong password!!").status_code
        for username in accounts
    ]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    other_address = login_from(behind_a_proxy, "198.51.100.1", accounts[0], PASSWORD)
    assert other_address.status_code == 302


def test_a_stranger_cannot_lock_the_owner_out(behind_a_proxy):
    with behind_a_proxy.app_context():
        owner = make_user()
    # Seven addresses, each failing as often as it may: the account is under attack.
    for number in range(7):
        for _ in range(5):
            response = login_from(behind_a_proxy, f"203.0.113.{number}", owner.username, "nope!")
            assert response.status_code == 200

    assert login_from(behind_a_proxy, "198.51.100.9", owner.email, PASSWORD).status_code == 302


def test_one_address_gets_five_guesses_at_one_account(behind_a_proxy):
    with behind_a_proxy.app_context():
        target, bystander = make_user(), make_user()
    for _ in range(5):
        response = login_from(behind_a_proxy, "203.0.113.7", target.email, "wrong password!!")
        assert response.status_code == 200

    # Even the right password: the address has used its guesses at this account.
    assert login_from(behind_a_proxy, "203.0.113.7", target.username, PASSWORD).status_code == 429
    assert (
        login_from(behind_a_proxy, "203.0.113.7", bystander.username, PASSWORD).status_code == 302
    )


def test_one_address_failing_across_many_accounts_is_stopped(migrated_database_url, monkeypatch):
    # Only the per-address failure limit, so the per-minute limit does not answer first.
    (failures_per_address,) = [
        limit for limit in ROUTE_LIMITS["accounts.login"] if limit["limit_value"] == "30 per hour"
    ]
    monkeypatch.setitem(ROUTE_LIMITS, "accounts.login", [failures_per_address])
    app = make_app(migrated_database_url, RATELIMIT_ENABLED=True)
    with app.app_context():
        accounts = [make_user().username for _ in range(31)]
    statuses = [
        AuthActions(app.test_client()).login(name, "wrong!!!").status_code for name in accounts
    ]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_deleting_the_account_is_limited_like_a_password_change(logged_in_client):
    for _ in range(10):
        response = logged_in_client.submit("/settings/account", {"password": "not it"})
        assert response.status_code == 200
    response = logged_in_client.submit("/settings/account", {"password": "not it"})
    assert response.status_code == 429


def test_reset_emails_are_limited_per_mailbox_and_per_address(client, user, outbox):
    for _ in range(3):
        assert client.submit("/password/forgot", {"email": "maker@example.com"}).status_code == 302
    assert client.submit("/password/forgot", {"email": "MAKER@example.com "}).status_code == 429
    assert len(outbox) == 3, "three messages an hour at most to one mailbox"

    # The refused one sent nothing and counts for nothing: seven more make ten.
    for number in range(7):
        response = client.submit("/password/forgot", {"email": f"other{number}@example.com"})
        assert response.status_code == 302
    assert client.submit("/password/forgot", {"email": "last@example.com"}).status_code == 429


def test_the_limit_page_says_when_to_try_again(client, user):
    auth = AuthActions(client)
    for _ in range(10):
        auth.login(password="wrong password!!")
    response = auth.login()

    assert response.status_code == 429
    assert "You have reached the limit of" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_successful_log_ins_do_not_count_as_failures(app, user):
    for _ in range(6):
        client = app.test_client()
        assert AuthActions(client).login().status_code == 302


SIGNED_UP = 302  # to the dashboard, signed in
EMAIL_TAKEN = 200  # the form again, saying so


def sign_up(client, number: int, email: str | None = None):
    """Sign up, then log out, so that the same client can sign up again."""
    response = AuthActions(client).register(
        email=email or f"r{number}@example.com", username=f"r-{number}"
    )
    if response.status_code == SIGNED_UP:
        AuthActions(client).logout()
    return response


def test_sign_up_and_reset_emails_share_ten_an_hour_per_address(client, user):
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=UTC)) as clock:
        for number in range(6):
            assert sign_up(client, number).status_code == SIGNED_UP
        for number in range(4):
            response = client.submit("/password/forgot", {"email": f"f{number}@example.com"})
            assert response.status_code == 302
        assert sign_up(client, 6).status_code == 429
        clock.shift(timedelta(minutes=59))
        assert sign_up(client, 6).status_code == 429, "ten an hour, not ten a minute"
        clock.shift(timedelta(minutes=2))
        assert sign_up(client, 6).status_code == SIGNED_UP


def test_sign_up_and_reset_emails_share_three_an_hour_per_mailbox(behind_a_proxy, outbox):
    addresses = iter(f"203.0.113.{number}" for number in range(10))

    def from_another_address():
        client = behind_a_proxy.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = next(addresses)
        return client

    assert sign_up(from_another_address(), 1, "new@example.com").status_code == SIGNED_UP
    assert sign_up(from_another_address(), 2, "NEW@example.com").status_code == EMAIL_TAKEN
    forgot = from_another_address().submit("/password/forgot", {"email": "new@example.com"})
    assert forgot.status_code == 302
    assert sign_up(from_another_address(), 3, "new@example.com").status_code == 429
    assert len(behind_a_proxy.extensions["mailman"].outbox) == 3


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "MAIL_SIGNUPS_PER_HOUR": 3}])
def test_sign_up_and_reset_emails_have_a_site_wide_cap(app):
    proxied = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                       PROXY_COUNT=1, MAIL_SIGNUPS_PER_HOUR=3)  # fmt: skip
    responses = []
    for number in range(4):
        client = proxied.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        responses.append(sign_up(client, number))

    assert [response.status_code for response in responses] == [SIGNED_UP] * 3 + [429]
    assert "sign-up and password emails the site sends in an hour" in responses[3].get_data(
        as_text=True
    )


def test_a_sign_up_form_with_mistakes_counts_for_no_email(client):
    mistaken = {"email": "r@example.com", "username": "r-1", "password": PASSWORD,
                "confirm": "another password"}  # fmt: skip
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=UTC)) as clock:
        for _ in range(9):
            response = client.submit("/register", mistaken)
            assert "The two passwords do not match." in response.get_data(as_text=True)
        clock.shift(timedelta(seconds=61))
        for number in range(10):
            assert sign_up(client, number).status_code == SIGNED_UP


def test_uploads_are_limited_per_maker(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id)
    path = f"/products/{product_id}/media/upload"
    for _ in range(60):
        response = logged_in_client.upload(path, "upload", b"not a picture", "x.png", alt_text="x")
        assert response.status_code == 200
    response = logged_in_client.upload(path, "upload", b"not a picture", "x.png", alt_text="x")
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


def test_pages_without_a_limit_stay_unlimited_while_redis_is_down(migrated_database_url):
    app = make_app(
        migrated_database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0"
    )
    client = app.test_client()
    # A limited action finds the storage down: limits fall back to memory.
    client.post("/login", data={"csrf_token": client.csrf_token(), "login": "x"})

    statuses = {client.get("/").status_code for _ in range(130)}

    assert statuses == {200}, "the fallback's 120 a minute reached a page without a limit"


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


def comment_from(app, address: str, token: str):
    """A reviewer's comment on the draft `token` shows, from `address`."""
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    csrf = client.csrf_token(f"/r/{token}/comment/draft")
    return client.post(
        f"/r/{token}/comment/draft",
        data={"csrf_token": csrf, "name": "Rae", "section": "whole", "comment": "Hm."},
    )


def test_review_comments_are_limited_per_address_and_per_link(behind_a_proxy):
    with behind_a_proxy.app_context():
        maker = make_user()
        product_id = make_product(maker.id, slug="draft")
        token = make_review_link(maker.id, [product_id]).token
        other_token = make_review_link(maker.id, [product_id]).token

    from_one = [comment_from(behind_a_proxy, "203.0.113.7", token).status_code for _ in range(21)]
    assert from_one == [303] * 20 + [429]
    assert comment_from(behind_a_proxy, "203.0.113.8", token).status_code == 303

    # Many addresses posting to one link stop at its own limit; other links go on.
    from_many = [
        comment_from(behind_a_proxy, f"198.51.100.{number}", token).status_code
        for number in range(1, 41)
    ]
    assert 20 + 1 + from_many.count(303) == 60
    assert from_many[-1] == 429
    assert comment_from(behind_a_proxy, "198.51.100.99", other_token).status_code == 303


# Public POSTs with no limit of their own, and why.
UNLIMITED_PUBLIC_POSTS = {
    # One click on a signed, expiring link from an email: nothing to guess, nothing sent.
    "accounts.confirm_email": "a signed link",
    "accounts.confirm_email_change": "a signed link",
    # One click from a digest: a signed link that only turns the digest off.
    "digests.unsubscribe": "a signed link",
}


def test_every_post_a_stranger_can_send_is_limited(app):
    """Found by walking `app.url_map`: a new public form is limited, or says why not."""
    public_posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint in PUBLIC_ENDPOINTS
    }
    assert {"review.comment", "endorse.claim"} <= public_posts
    unlimited = public_posts - ROUTE_LIMITS.keys()
    assert unlimited == UNLIMITED_PUBLIC_POSTS.keys()


def test_endorsement_answers_are_limited_per_address(behind_a_proxy):
    with behind_a_proxy.app_context():
        maker = make_user()
        product_id = make_product(maker.id, metrics=[("users", "140")])
        tokens = [make_endorsement(product_id).token for _ in range(21)]
    statuses = []
    for token in tokens:
        client = behind_a_proxy.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        csrf = client.csrf_token(f"/e/{token}")
        statuses.append(client.post(f"/e/{token}/decline", data={"csrf_token": csrf}).status_code)
    assert statuses == [303] * 20 + [429]
