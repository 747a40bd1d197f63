import pytest
from flask import abort

# What each error page says, as people read it.
MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Forbidden", "You do not have permission to see this page."),
    404: ("Page not found", "There is nothing here. Check the address, or start from home."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: (
        "Too large",
        "What you sent is larger than we accept: pictures and PDFs can be up to "
        "8 MB, CSV files and JSON backups 5 MB, ZIP backups 105 MB. Make it smaller and "
        "try again.",
    ),
    429: ("Too many requests", "You are going a little fast. Wait a minute and try again."),
    500: ("Something went wrong", "We hit an error on our side and have logged it. Try again."),
}


@pytest.fixture
def failing_app(app):
    """The app with routes that fail on purpose, and without test-mode exception propagation."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/fail/<int:code>")
    def fail_with(code):
        abort(code)

    @app.get("/crash")
    def crash():
        raise RuntimeError("secret internal detail")

    return app


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_error_pages_use_the_site_layout(failing_app, code):
    response = failing_app.test_client().get(f"/fail/{code}")

    assert response.status_code == code
    page = response.get_data(as_text=True)
    title, message = MESSAGES[code]
    assert f"<title>{title} · PM Portfolio</title>" in page
    assert message in page
    assert 'class="site-header"' in page


def test_an_unknown_page_is_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_wrong_method_is_405_with_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)


def test_too_large_request_is_413(client):
    response = client.post("/login", data={"login": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_missing_csrf_token_is_400_with_an_explanation(client):
    response = client.post("/login", data={"login": "maker", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired or did not come from this site" in response.get_data(as_text=True)


def test_500_never_shows_a_traceback(failing_app):
    response = failing_app.test_client().get("/crash")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page


@pytest.mark.parametrize("path", ["/u/nul%00name", "/u/nul%00name/slug", "/s/token%00"])
def test_a_nul_byte_in_an_address_is_a_bad_request_or_not_found(client, path):
    assert client.get(path).status_code in {400, 404}


def test_a_nul_byte_in_a_form_is_refused_before_any_lookup(client):
    response = client.submit(
        "/register",
        {"email": "a\x00@example.com", "username": "nul\x00", "password": "x" * 12, "confirm": ""},
    )
    assert response.status_code == 200
    assert "Remove the invisible NUL characters." in response.get_data(as_text=True)
