import pytest

from pm_portfolio.core import accounts
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import PASSWORD


def find_user(username: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.username == username))


def test_register_creates_the_account_signs_in_and_asks_to_confirm(client, auth, app, outbox):
    assert client.get("/register").status_code == 200

    response = auth.register(email="  Ada@Example.COM ", username="ada-l")

    assert response.headers["Location"] == "/dashboard", "signed in at once"
    with app.app_context():
        user = find_user("ada-l")
        assert user.email == "ada@example.com"
        assert user.email_verified_at is None
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, ada-l. We sent a link to ada@example.com" in dashboard
    assert "Welcome back" not in dashboard
    assert "Please confirm your email address" in dashboard
    (message,) = outbox
    assert message.to == ["ada@example.com"]
    assert "Please confirm that ada@example.com" in message.body


def test_registering_a_taken_email_says_so_and_tells_its_owner(client, auth, user, outbox, app):
    taken = auth.register(email="MAKER@example.com", username="someone-else")

    assert taken.status_code == 200
    page = taken.get_data(as_text=True)
    assert "That email already has an account: log in, or reset your password." in page
    assert 'href="/login"' in page
    assert 'href="/password/forgot"' in page
    assert client.get("/dashboard").status_code == 302, "nobody is signed in"
    with app.app_context():
        assert find_user("someone-else") is None
    (message,) = outbox
    assert message.to == ["maker@example.com"]
    assert "Someone tried to create a PM Portfolio account" in message.body


def test_logging_in_again_says_welcome_back(client, auth, user):
    auth.login()
    assert "Welcome back, maker." in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "username", "suggestion"),
    [
        ("ada@example.com", "", "How about “ada”?"),
        ("ada@example.com", "maker", "That username is taken. How about “maker-2”?"),
        ("ada@example.com", "Ada Lovelace", "How about “ada-lovelace”?"),
        ("x@example.com", "login", "Please choose another. How about “login-2”?"),
    ],
)  # fmt: skip
def test_a_refused_username_comes_with_a_free_suggestion(client, user, email, username, suggestion):
    response = client.submit("/register", {"email": email, "username": username,
                                           "password": PASSWORD, "confirm": PASSWORD})  # fmt: skip
    assert suggestion in response.get_data(as_text=True)


def test_username_is_stored_in_lower_case(auth, app):
    auth.register(username="Ada-Lovelace")
    with app.app_context():
        assert find_user("ada-lovelace") is not None


@pytest.mark.parametrize(
    ("email", "username", "password", "confirm", "message"),
    [
        ("", "ada", PASSWORD, PASSWORD, "Enter your email address."),
        ("not-an-email", "ada", PASSWORD, PASSWORD, "Enter a valid email address"),
        ("ada@example.com", "", PASSWORD, PASSWORD, "Choose a username."),
        ("ada@example.com", "Maker", PASSWORD, PASSWORD, "That username is taken."),
        ("ada@example.com", "ad", PASSWORD, PASSWORD, "Use 3 to 30 characters."),
        ("ada@example.com", "a" * 31, PASSWORD, PASSWORD, "Use 3 to 30 characters."),
        ("ada@example.com", "ada_l", PASSWORD, PASSWORD, "Use only letters, digits and hyphens"),
        ("ada@example.com", "ada l", PASSWORD, PASSWORD, "Use only letters, digits and hyphens"),
        ("ada@example.com", "-ada", PASSWORD, PASSWORD, "Use only letters, digits and hyphens"),
        ("ada@example.com", "adä", PASSWORD, PASSWORD, "Use only letters, digits and hyphens"),
        ("ada@example.com", "login", PASSWORD, PASSWORD, "That username is reserved."),
        ("ada@example.com", "Admin", PASSWORD, PASSWORD, "That username is reserved."),
        ("ada@example.com", "settings", PASSWORD, PASSWORD, "That username is reserved."),
        ("ada@example.com", "ada", "", "", "Choose a password."),
        ("ada@example.com", "ada", "short pw", "short pw", "Use 10 to 128 characters."),
        ("ada@example.com", "ada", "x" * 129, "x" * 129, "Use 10 to 128 characters."),
        ("ada@example.com", "ada", PASSWORD, PASSWORD + "!", "The two passwords do not match."),
    ],
)
def test_register_validates_input(client, user, app, email, username, password, confirm, message):
    response = client.submit(
        "/register",
        {"email": email, "username": username, "password": password, "confirm": confirm},
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_register_keeps_what_was_typed_except_passwords(client):
    response = client.submit(
        "/register",
        {
            "email": "ada@example.com",
            "username": "ada_l",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )

    page = response.get_data(as_text=True)
    assert 'value="ada@example.com"' in page
    assert 'value="ada_l"' in page
    assert PASSWORD not in page
    assert page.count("Type it again: a password is never sent back into a page") == 2


def test_register_escapes_what_was_typed(client):
    response = client.submit("/register", {"username": '"><script>alert(1)</script>'})
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


@pytest.mark.parametrize("login", ["maker", "MAKER", "maker@example.com", " Maker@Example.com "])
def test_login_with_email_or_username(client, auth, user, login):
    response = auth.login(login, user.password)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize(
    ("login", "password"),
    [("maker", "wrong password"), ("nobody", PASSWORD), ("nobody@example.com", PASSWORD)],
)
def test_wrong_password_and_unknown_user_get_the_same_message(client, auth, user, login, password):
    response = auth.login(login, password)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Incorrect email, username or password." in page
    assert f'value="{login}"' in page
    assert client.get("/dashboard").status_code == 302


def test_remember_me_sets_a_lasting_cookie(client, auth, user):
    auth.login(remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None


def test_without_remember_me_there_is_no_lasting_cookie(client, auth, user):
    auth.login()
    assert client.get_cookie("remember_token") is None


def test_session_cookie_is_httponly_and_lax(client, auth, user):
    response = auth.login()
    session_cookie = next(
        header for header in response.headers.getlist("Set-Cookie") if header.startswith("session=")
    )
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_login_follows_next_within_the_site(client, user):
    response = client.submit(
        "/login?next=/settings/password", {"login": "maker", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/settings/password"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\n/evil.example",
        "evil.example",
    ],
)
def test_login_never_redirects_off_site(client, user, next_url):
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"csrf_token": client.csrf_token(), "login": "maker", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/dashboard", "/dashboard"),
        ("/settings?tab=1#x", "/settings?tab=1#x"),
        (None, None),
        ("", None),
        ("https://evil.example/", None),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/\tevil", None),
        ("javascript:alert(1)", None),
        ("dashboard", None),
    ],
)
def test_safe_redirect_target(target, expected):
    assert accounts.safe_redirect_target(target) == expected


def test_login_page_redirects_when_already_logged_in(logged_in_client):
    assert logged_in_client.get("/login").headers["Location"] == "/dashboard"
    assert logged_in_client.get("/register").headers["Location"] == "/dashboard"


def test_logout_is_a_post(logged_in_client):
    assert logged_in_client.get("/logout").status_code == 405
    assert logged_in_client.get("/dashboard").status_code == 200


def test_logout_signs_out(logged_in_client, auth):
    response = auth.logout()

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in_client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    ("username", "problem"),
    [
        ("ada", None),
        ("a-1", None),
        ("a" * 30, None),
        ("ab", "Use 3 to 30 characters."),
        ("ada-", "Use only letters, digits and hyphens"),
        ("ad--a", None),
        ("u", "Use 3 to 30 characters."),
        ("static", "That username is reserved."),
    ],
)
def test_username_rules(username, problem):
    found = accounts.username_problem(username)
    if problem is None:
        assert found is None
    else:
        assert found.startswith(problem)


def test_no_username_can_look_like_a_top_level_route(app):
    first_segments = {
        rule.rule.strip("/").split("/")[0]
        for rule in app.url_map.iter_rules()
        if rule.rule != "/" and not rule.rule.startswith("/<")
    }
    for segment in first_segments:
        assert accounts.username_problem(segment) is not None, segment
