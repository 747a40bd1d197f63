"""Readers' revalidations answered before Flask: the same answer as the page's view gives,
and only when the view's answer would be 304 too."""

from datetime import date

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries


@pytest.fixture
def published(app):
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        make_product(maker.id, slug="bot", visibility="public", status="shipped",
                     shipped_on=date(2026, 3, 1))  # fmt: skip
        return maker.id


def views_only(app) -> Client:
    """A client of the app without the revalidation in front: what the views answer."""
    return Client(app.wsgi_app.wsgi_app, Response)


def etag_of(app, path: str) -> str:
    return app.test_client().get(path).headers["ETag"]


def answer(client, path: str, **headers):
    response = client.get(path, headers=headers)
    return response.status_code, sorted(response.headers.items())


@pytest.mark.parametrize("path", ["/u/ada", "/u/ada/bot", "/u/ada/no-such-product"])
@pytest.mark.parametrize("base_url", ["http://localhost", "https://localhost"])
def test_a_current_etag_gets_the_views_own_304(app, published, path, base_url):
    etag = app.test_client().get(path, base_url=base_url).headers.get("ETag", '"none"')

    fast = app.test_client().get(path, base_url=base_url, headers={"If-None-Match": etag})
    viewed = views_only(app).get(path, base_url=base_url, headers={"If-None-Match": etag})

    assert fast.status_code == viewed.status_code
    assert sorted(fast.headers.items()) == sorted(viewed.headers.items())


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_current_etag_is_answered_before_flask_without_sql(app, published, method):
    etag = etag_of(app, "/u/ada/bot")

    def flask(_environ, _start_response):
        pytest.fail("the revalidation reached Flask")

    app.wsgi_app.wsgi_app = flask
    with counted_queries(app) as statements:
        response = app.test_client().open("/u/ada/bot", method=method,
                                          headers={"If-None-Match": etag})  # fmt: skip
    assert response.status_code == 304
    assert statements == []


@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": '"an-old-version"'},
        {"Cookie": "session=whatever"},
        {"Host": "elsewhere.example"},
    ],
)
def test_anything_else_goes_to_the_view(app, published, headers):
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    headers = {"If-None-Match": etag_of(app, "/u/ada"), **headers}

    assert answer(app.test_client(), "/u/ada", **headers) == answer(
        views_only(app), "/u/ada", **headers
    )


def test_an_unpublished_portfolio_is_never_answered_from_an_old_etag(app, published):
    etag = etag_of(app, "/u/ada")
    with app.app_context():
        db.session.get(User, published).is_published = False
        db.session.commit()

    assert app.test_client().get("/u/ada", headers={"If-None-Match": etag}).status_code == 404


def test_a_changed_portfolio_is_sent_again(app, published):
    etag = etag_of(app, "/u/ada")
    with app.app_context():
        db.session.get(User, published).headline = "Now a PM"
        db.session.commit()

    response = app.test_client().get("/u/ada", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Now a PM" in response.get_data(as_text=True)
