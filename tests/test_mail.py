"""Account recovery by email, through a real SMTP server on loopback (aiosmtpd)."""

import time
from datetime import timedelta

import itsdangerous.timed
import pytest

from pm_portfolio.extensions import db
from pm_portfolio.models import BrowserSession
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.clients import without_csrf_tokens
from tests.factories import PASSWORD
from tests.infrastructure import free_port

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


@pytest.fixture
def inbox(smtp_server):
    return smtp_server


def test_forgot_password_sends_a_link_that_sets_a_new_password_once(app, client, user, inbox):
    signed_in_elsewhere = app.test_client()
    AuthActions(signed_in_elsewhere).login()

    response = client.submit("/password/forgot", {"email": " MAKER@example.com "})

    assert response.headers["Location"] == "/login"
    (message,) = inbox.to("maker@example.com")
    assert message["Subject"] == "Choose a new password"
    assert message["From"] == "PM Portfolio <no-reply@localhost>"
    link = inbox.link_in(message)
    form = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.submit(link, form).headers["Location"] == "/login"

    assert AuthActions(app.test_client()).login(password=PASSWORD).status_code == 200
    assert AuthActions(app.test_client()).login(password=NEW_PASSWORD).status_code == 302
    assert signed_in_elsewhere.get("/dashboard").status_code == 302, "every session ends"
    assert client.get(link).status_code == 404, "a reset link works once"
    assert "This link no longer works" in client.get(link).get_data(as_text=True)


def test_forgot_password_says_the_same_for_an_unknown_address(client, user, inbox):
    known = client.submit("/password/forgot", {"email": "maker@example.com"}, follow_redirects=True)
    unknown = client.submit("/password/forgot", {"email": "nobody@example.com"},
                            follow_redirects=True)  # fmt: skip

    assert without_csrf_tokens(known.get_data(as_text=True)) == without_csrf_tokens(
        unknown.get_data(as_text=True)
    )
    assert [message["To"] for message in inbox.messages] == ["maker@example.com"]


def test_a_password_reset_works_unconfirmed_and_confirms_the_address(app, client, auth, inbox):
    AuthActions(app.test_client()).register(email="ada@example.com", username="ada")

    client.submit("/password/forgot", {"email": "ada@example.com"})
    link = inbox.link_in(inbox.to("ada@example.com")[-1])
    client.submit(link, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "ada"))
        assert user.email_verified_at is not None, "the link reached the address"
    auth.login("ada", NEW_PASSWORD)
    assert "Please confirm your email" not in client.get("/dashboard").get_data(as_text=True)


class Clock:
    """The time as the signed links see it, moved forward by the test."""

    def __init__(self):
        self.ahead = timedelta()

    def time(self) -> float:
        return time.time() + self.ahead.total_seconds()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(itsdangerous.timed, "time", fake)
    return fake


def test_a_reset_link_works_for_an_hour(client, user, inbox, clock):
    client.submit("/password/forgot", {"email": "maker@example.com"})
    (message,) = inbox.to("maker@example.com")
    assert "The link works once, for an hour." in message.get_payload(decode=True).decode()
    link = inbox.link_in(message)
    clock.ahead = timedelta(minutes=59)
    assert client.get(link).status_code == 200
    clock.ahead = timedelta(minutes=61)
    assert client.get(link).status_code == 404


def test_a_confirmation_link_works_for_a_week(client, auth, inbox, clock):
    auth.register(email="ada@example.com", username="ada")
    link = inbox.link_in(inbox.to("ada@example.com")[0])
    clock.ahead = timedelta(days=7, minutes=-1)
    assert client.get(link).status_code == 200
    clock.ahead = timedelta(days=7, minutes=1)
    assert client.get(link).status_code == 404


def test_an_email_change_link_works_for_a_day(logged_in_client, inbox, clock):
    logged_in_client.submit("/settings/email", {"new_email": "new@example.com",
                                                "password": PASSWORD})  # fmt: skip
    (message,) = inbox.to("new@example.com")
    assert "The link works for a day." in message.get_payload(decode=True).decode()
    link = inbox.link_in(message)
    clock.ahead = timedelta(hours=23, minutes=59)
    assert logged_in_client.get(link).status_code == 200
    clock.ahead = timedelta(hours=24, minutes=1)
    assert logged_in_client.get(link).status_code == 404


def test_a_mail_server_that_is_down_changes_nothing_the_page_says(app, client, user, caplog):
    app.config["MAIL_PORT"] = free_port()
    app.extensions["mailman"].port = app.config["MAIL_PORT"]
    response = client.submit("/password/forgot", {"email": "maker@example.com"})
    assert response.headers["Location"] == "/login"
    assert "could not send the email 'Choose a new password'" in caplog.text


def test_a_confirmation_link_asks_then_confirms_without_signing_in(app, client, auth, inbox):
    AuthActions(app.test_client()).register(email="ada@example.com", username="ada")
    (message,) = inbox.to("ada@example.com")
    assert "The link works for 7 days." in message.get_payload(decode=True).decode()
    link = inbox.link_in(message)

    opened = client.get(link)
    assert "Confirm ada@example.com" in opened.get_data(as_text=True), "a mail scanner's GET"
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "ada"))
        assert user.email_verified_at is None, "opening the link changes nothing by itself"

    assert client.submit(link, {}).headers["Location"] == "/login"
    assert client.get("/dashboard").status_code == 302, "a link signs nobody in"
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "ada"))
        assert user.email_verified_at is not None
    assert app.test_client().get(link).status_code == 404, "it works once"
    auth.login("ada")
    assert "Please confirm your email" not in client.get("/dashboard").get_data(as_text=True)


def test_changing_the_email_takes_effect_when_the_new_address_confirms(
    app, logged_in_client, user, inbox
):
    response = logged_in_client.submit(
        "/settings/email", {"new_email": "New@Example.com", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/settings/account"
    with app.app_context():
        assert db.session.get(User, user.id).email == "maker@example.com"

    link = inbox.link_in(inbox.to("new@example.com")[0])
    assert "Use new@example.com" in logged_in_client.get(link).get_data(as_text=True)
    logged_in_client.submit(link, {})

    with app.app_context():
        changed = db.session.get(User, user.id)
        assert changed.email == "new@example.com"
        assert changed.email_verified_at is not None
    (notice,) = inbox.to("maker@example.com")
    assert "was changed" in notice["Subject"]
    assert logged_in_client.get(link).status_code == 404, "a change link works once"


def test_changing_the_email_needs_the_password(logged_in_client, inbox):
    response = logged_in_client.submit(
        "/settings/email", {"new_email": "new@example.com", "password": "not it at all"}
    )
    assert "That is not your password." in response.get_data(as_text=True)
    assert inbox.messages == []


def test_the_confirmation_link_can_be_sent_again(app, logged_in_client, user, inbox):
    logged_in_client.submit("/settings/email/confirm", page="/settings/account")
    link = inbox.link_in(inbox.to("maker@example.com")[0])
    assert logged_in_client.submit(link, {}).headers["Location"] == "/dashboard"
    with app.app_context():
        assert db.session.get(User, user.id).email_verified_at is not None
        assert db.session.scalar(db.select(db.func.count(BrowserSession.id))) == 1


def test_a_reset_link_sent_to_an_old_address_dies_with_the_address(app, inbox, user):
    stranger = app.test_client()
    stranger.submit("/password/forgot", {"email": "maker@example.com"})
    reset_link = inbox.link_in(inbox.to("maker@example.com")[0])
    owner = app.test_client()
    AuthActions(owner).login(user.username, PASSWORD)
    owner.submit("/settings/email", {"new_email": "new@example.com", "password": PASSWORD})
    owner.submit(inbox.link_in(inbox.to("new@example.com")[0]))
    with app.app_context():
        assert db.session.get(User, user.id).email == "new@example.com"

    assert stranger.get(reset_link).status_code == 404
