"""Signed-in sessions are server-side: log-out, and the maker's list, really end them."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from pm_portfolio.core import browser_sessions
from pm_portfolio.extensions import db
from pm_portfolio.models import BrowserSession
from pm_portfolio.models import User
from tests.clients import AuthActions

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def browser(app, user_agent: str = CHROME):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def signed_in(app, user, user_agent: str = CHROME, remember: bool = False):
    client = browser(app, user_agent)
    assert AuthActions(client).login(user.username, user.password, remember).status_code == 302
    return client


def copy_cookies(source, app):
    """Another browser holding the same cookies, as an attacker who copied them would."""
    thief = app.test_client()
    for cookie in source._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


@pytest.mark.parametrize("remember", [False, True])
def test_logging_out_ends_the_session_for_a_copied_cookie_too(app, user, remember):
    client = signed_in(app, user, remember=remember)
    thief = copy_cookies(client, app)
    assert thief.get("/dashboard").status_code == 200

    AuthActions(client).logout()

    assert thief.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_settings_list_each_browser_with_a_coarse_label(app, user):
    laptop = signed_in(app, user, CHROME)
    signed_in(app, user, IPHONE)

    page = laptop.get("/settings/sessions").get_data(as_text=True)

    assert "Chrome on Linux" in page
    assert "Mobile Safari on iOS" in page
    assert page.count("This browser") == 1
    with app.app_context():
        stored = db.session.scalars(db.select(BrowserSession)).all()
        assert {row.device for row in stored} == {"Chrome on Linux", "Mobile Safari on iOS"}
        assert all(len(row.token_hash) == 64 for row in stored), "only a hash of the token"


def test_signing_out_one_session_from_settings(app, user):
    laptop = signed_in(app, user, CHROME)
    phone = signed_in(app, user, IPHONE)
    with app.app_context():
        phone_session = db.session.scalar(
            db.select(BrowserSession.id).where(BrowserSession.device == "Mobile Safari on iOS")
        )

    response = laptop.submit(f"/settings/sessions/{phone_session}/end", page="/settings/sessions")

    assert response.status_code == 302
    assert phone.get("/dashboard").status_code == 302
    assert laptop.get("/dashboard").status_code == 200


def test_signing_out_everywhere_else_keeps_this_browser(app, user):
    here = signed_in(app, user)
    others = [signed_in(app, user, IPHONE) for _ in range(2)]

    here.submit("/settings/sessions/end-others", page="/settings/sessions")

    assert [other.get("/dashboard").status_code for other in others] == [302, 302]
    assert here.get("/dashboard").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(BrowserSession.id))) == 1


def test_signing_out_this_session_from_settings_logs_out(app, user):
    client = signed_in(app, user)
    with app.app_context():
        session_id = db.session.scalar(db.select(BrowserSession.id))
    response = client.submit(f"/settings/sessions/{session_id}/end", page="/settings/sessions")
    assert response.headers["Location"] == "/"
    assert client.get("/dashboard").status_code == 302


def idle(app, days: float) -> None:
    """Pretend every session was last used `days` ago."""
    with app.app_context():
        for row in db.session.scalars(db.select(BrowserSession)):
            row.last_seen_at = datetime.now(UTC) - timedelta(days=days)
        db.session.commit()


def test_a_session_idle_past_the_remember_period_no_longer_works(app, user):
    client = signed_in(app, user, remember=True)
    idle(app, days=29)
    assert client.get("/dashboard").status_code == 200
    idle(app, days=31)
    assert client.get("/dashboard").status_code == 302


def test_idle_sessions_are_deleted_at_the_next_sign_in(app, user):
    signed_in(app, user)
    idle(app, days=31)
    signed_in(app, user)
    with app.app_context():
        (seen,) = db.session.scalars(db.select(BrowserSession.last_seen_at)).all()
    assert datetime.now(UTC) - seen.replace(tzinfo=seen.tzinfo or UTC) < timedelta(minutes=1)


def test_saving_after_a_pause_does_not_wait_on_its_own_write_lock(app, user, caplog):
    """A POST holds SQLite's write lock from its first query: recording "last seen" on a
    second connection then would wait for it (15 s) and fail."""
    client = signed_in(app, user)
    token = client.csrf_token("/settings")
    idle(app, days=1 / 24)
    response = client.post("/settings", data={"csrf_token": token, "display_name": "Back"})
    assert response.status_code == 302
    assert "could not record when session" not in caplog.text


def test_a_forged_or_unknown_login_id_loads_nobody(app, user):
    with app.app_context():
        maker = db.session.get(User, user.id)
        login_id = browser_sessions.start(maker, CHROME, datetime.now(UTC))
        session_id = login_id.split(":")[0]
        now = datetime.now(UTC)
        assert browser_sessions.resolve(login_id, now, record_seen=False).id == user.id
        for forged in (f"{session_id}:wrong-token", f"{session_id}:", "not-a-session",
                       f"{2**70}:token", f"{user.id}"):  # fmt: skip
            assert browser_sessions.resolve(forged, now, record_seen=False) is None, forged


def test_last_seen_is_written_at_most_every_few_minutes(app, user):
    client = signed_in(app, user)
    with app.app_context():
        row = db.session.scalar(db.select(BrowserSession))
        row.last_seen_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
    client.get("/dashboard")
    with app.app_context():
        first = db.session.scalar(db.select(BrowserSession.last_seen_at))
    client.get("/dashboard")
    with app.app_context():
        second = db.session.scalar(db.select(BrowserSession.last_seen_at))
    assert first == second
    assert (datetime.now(UTC) - first.replace(tzinfo=first.tzinfo or UTC)).total_seconds() < 60


def test_a_new_secret_key_ends_every_session_and_a_fallback_keeps_them(app, user):
    client = signed_in(app, user)
    old_key = app.secret_key
    app.config["SECRET_KEY"] = "a new secret key, long enough to sign with"
    assert client.get("/dashboard").status_code == 302, "signed with a key no longer used"

    client = signed_in(app, user)
    app.config["SECRET_KEY_FALLBACKS"] = ["a new secret key, long enough to sign with"]
    app.config["SECRET_KEY"] = old_key
    assert client.get("/dashboard").status_code == 200, "signed with a fallback key"
