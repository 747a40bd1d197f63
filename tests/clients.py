"""Test clients that behave like a browser: forms carry their CSRF token."""

import io
import re

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pm_portfolio.web.deferred import wait_for_deferred_work
from tests.factories import PASSWORD
from tests.factories import make_user

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]+)"')


def without_csrf_tokens(html: str) -> str:
    """A page without its form tokens, which are signed with the second they were made."""
    return CSRF_INPUT.sub("", html)


class Client(FlaskClient):
    """A test client that sends forms the way a browser does, CSRF token included.

    Responses are read to the end and closed, as a server does after sending them, and
    the work the app started after the request (sending email) is waited for, so it has
    happened when a test looks.
    """

    def open(self, *args, buffered: bool = True, **kwargs):
        response = super().open(*args, buffered=buffered, **kwargs)
        wait_for_deferred_work(timeout=30)
        return response

    def csrf_token(self, page: str = "/login") -> str:
        html = self.get(page).get_data(as_text=True)
        match = CSRF_INPUT.search(html)
        if match is None:
            raise AssertionError(f"no CSRF token in the page at {page}")
        return match.group(1)

    def submit(self, path: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """POST `data` to `path` with the token from the form page (`page`, else `path`)."""
        token = self.csrf_token(page or path)
        return self.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)

    def save_profile(self, photo: bytes | None = None, **fields: str):
        """Save Settings → Profile as its one form does, with a photo file if given."""
        values = {"csrf_token": self.csrf_token("/settings"), **fields}
        if photo is not None:
            values["photo"] = FileStorage(io.BytesIO(photo), filename="me.jpg")
        boundary, body = encode_multipart(values)
        return self.post(
            "/settings", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )

    def publish(self, show_ideas: bool = False, **kwargs):
        """Press "Publish my portfolio" on Settings → Publish."""
        return self.submit("/settings/publish", {"show_ideas": "y"} if show_ideas else {}, **kwargs)

    def upload(self, path: str, prefix: str, content: bytes, filename: str, **fields: str):
        """POST a file as a browser does, from a form whose fields are named `prefix-...`."""
        # Encoded in memory: the test client's own encoder leaves a temporary file
        # open for large bodies.
        boundary, body = encode_multipart(
            {
                f"{prefix}-csrf_token": self.csrf_token("/settings/data"),
                **{f"{prefix}-{name}": value for name, value in fields.items()},
                f"{prefix}-file": FileStorage(io.BytesIO(content), filename=filename),
            }
        )
        return self.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def signed_in_maker(app):
    """A new maker and a client logged in as them."""
    with app.app_context():
        maker = make_user()
    client = app.test_client()
    AuthActions(client).login(maker.username, maker.password)
    return maker, client


class AuthActions:
    def __init__(self, client: Client):
        self._client = client

    def register(self, email="maker@example.com", username="maker", password=PASSWORD):
        return self._client.submit(
            "/register",
            {"email": email, "username": username, "password": password, "confirm": password},
        )

    def login(self, login="maker", password=PASSWORD, remember=False):
        data = {"login": login, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.submit("/login", data)

    def logout(self):
        return self._client.submit("/logout", page="/dashboard")
