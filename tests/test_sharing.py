import re
from datetime import timedelta

import pytest

from pm_portfolio.core import analytics
from pm_portfolio.core import share_links
from pm_portfolio.extensions import db
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkView
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import product_form

BROWSER = {"User-Agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15"}


def share_url(token: str) -> str:
    return f"/s/{token}"


def product_link_token(app, product_id: int) -> str | None:
    with app.app_context():
        link = share_links.product_link(product_id)
        return link.token if link else None


@pytest.fixture
def unlisted(logged_in_client, app):
    """An unlisted product made through the form, as a maker would; returns its id."""
    response = logged_in_client.submit(
        "/products/new", product_form(title="Hidden Beta", visibility="unlisted")
    )
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_an_unlisted_product_gets_an_unguessable_share_link(app, logged_in_client, unlisted):
    token = product_link_token(app, unlisted)
    assert token is not None
    assert len(token) >= 43, "at least 256 bits of randomness, base64-encoded"

    page = logged_in_client.get(f"/products/{unlisted}").get_data(as_text=True)
    assert f"http://localhost/s/{token}" in page

    anonymous = app.test_client()
    response = anonymous.get(share_url(token), headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    body = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in body
    assert "Hidden Beta" in body
    assert 'rel="canonical"' not in body


def test_the_share_link_works_while_the_portfolio_is_unpublished(app, unlisted, user):
    token = product_link_token(app, unlisted)
    assert app.test_client().get(f"/u/{user.username}").status_code == 404
    assert app.test_client().get(share_url(token)).status_code == 200


def test_regenerating_replaces_the_link(app, logged_in_client, unlisted):
    old = product_link_token(app, unlisted)

    logged_in_client.submit(f"/products/{unlisted}/share-link", page=f"/products/{unlisted}")

    new = product_link_token(app, unlisted)
    assert new != old
    assert app.test_client().get(share_url(old)).status_code == 404
    assert app.test_client().get(share_url(new)).status_code == 200


def test_revoking_makes_the_link_404(app, logged_in_client, unlisted):
    token = product_link_token(app, unlisted)

    logged_in_client.submit(f"/products/{unlisted}/share-link/revoke", page=f"/products/{unlisted}")

    assert product_link_token(app, unlisted) is None
    assert app.test_client().get(share_url(token)).status_code == 404


def test_a_product_made_private_is_gone_from_its_link(app, logged_in_client, unlisted):
    token = product_link_token(app, unlisted)
    logged_in_client.submit(
        f"/products/{unlisted}/edit", product_form(title="Hidden Beta", visibility="private")
    )
    assert app.test_client().get(share_url(token)).status_code == 404


def test_a_withdrawn_link_stays_dead_when_the_product_is_unlisted_again(
    app, logged_in_client, unlisted
):
    old = product_link_token(app, unlisted)
    for visibility in ("private", "unlisted"):
        logged_in_client.submit(
            f"/products/{unlisted}/edit", product_form(title="Hidden Beta", visibility=visibility)
        )

    new = product_link_token(app, unlisted)
    assert new not in {None, old}
    assert app.test_client().get(share_url(old)).status_code == 404
    assert app.test_client().get(share_url(new)).status_code == 200


def test_only_public_learnings_show_on_a_share_page(app, unlisted, user):
    with app.app_context():
        make_learning(user.id, unlisted, title="Shown lesson", is_public=True)
        make_learning(user.id, unlisted, title="Kept lesson", is_public=False)
    page = app.test_client().get(share_url(product_link_token(app, unlisted)))
    text = page.get_data(as_text=True)
    assert "Shown lesson" in text
    assert "Kept lesson" not in text


@pytest.fixture
def products(app, user):
    with app.app_context():
        return {
            "public": make_product(user.id, title="Public One", slug="public-one",
                                   visibility="public", status="building"),
            "unlisted": make_product(user.id, title="Unlisted Two", slug="unlisted-two",
                                     visibility="unlisted", status="building"),
            "private": make_product(user.id, title="Private Three", slug="private-three",
                                    visibility="private", status="building"),
        }  # fmt: skip


def link_form(products, **overrides) -> dict:
    form = {
        "name": "Acme — Senior PM",
        "expires_on": "",
        "items-0-product_id": str(products["public"]),
        "items-0-include": "y",
        "items-0-position": "2",
        "items-1-product_id": str(products["unlisted"]),
        "items-1-include": "y",
        "items-1-position": "1",
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def only_link(app) -> ShareLink:
    links = db.session.scalars(db.select(ShareLink)).all()
    assert len(links) == 1
    return links[0]


def test_the_new_link_form_offers_public_and_unlisted_products(logged_in_client, products):
    page = logged_in_client.get("/share-links/new").get_data(as_text=True)
    assert "Public One" in page
    assert "Unlisted Two" in page
    assert "Private Three" not in page


def test_create_a_portfolio_link_for_an_employer(app, logged_in_client, products, user):
    response = logged_in_client.submit("/share-links/new", link_form(products))

    assert response.headers["Location"] == "/share-links"
    with app.app_context():
        link = only_link(app)
        assert link.name == "Acme — Senior PM"
        assert [item.product_id for item in link.items] == [
            products["unlisted"],
            products["public"],
        ]
        token = link.token

    visitor = app.test_client()
    page = visitor.get(share_url(token), headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    text = page.get_data(as_text=True)
    assert text.index("Unlisted Two") < text.index("Public One")
    assert "Private Three" not in text
    assert visitor.get(f"/s/{token}/unlisted-two").status_code == 200
    assert visitor.get(f"/s/{token}/private-three").status_code == 404
    assert "Acme" in logged_in_client.get("/share-links").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Name the link"),
        ({"items-0-include": None, "items-1-include": None}, "Choose at least one product"),
        ({"expires_on": "2001-01-01"}, "Choose today or a later date."),
        ({"items-0-position": "0"}, "Use a number from 1 to 999."),
        ({"items-0-product_id": "abc"}, "Please correct"),
    ],
)
def test_link_form_validation(app, logged_in_client, products, overrides, message):
    response = logged_in_client.submit("/share-links/new", link_form(products, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(ShareLink)).all() == []


def test_a_link_cannot_show_private_or_someone_elses_products(app, logged_in_client, products):
    with app.app_context():
        theirs = make_product(make_user().id, visibility="public", status="building")
    for product_id in (products["private"], theirs):
        response = logged_in_client.submit(
            "/share-links/new", link_form(products, **{"items-0-product_id": str(product_id)})
        )
        assert response.status_code == 200
        assert "Choose among your public and unlisted products." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(ShareLink)).all() == []


def test_edit_a_portfolio_link(app, logged_in_client, products, user):
    with app.app_context():
        link_id = make_portfolio_link(user.id, [products["public"]])
    page = logged_in_client.get(f"/share-links/{link_id}/edit").get_data(as_text=True)
    assert 'value="Acme"' in page

    response = logged_in_client.submit(
        f"/share-links/{link_id}/edit",
        link_form(products, name="Globex", **{"items-0-include": None}),
    )

    assert response.status_code == 302
    with app.app_context():
        link = db.session.get(ShareLink, link_id)
        assert link.name == "Globex"
        assert [item.product_id for item in link.items] == [products["unlisted"]]


def test_expired_and_revoked_links_are_404(hard_day, app, logged_in_client, products, user):
    with app.app_context():
        yesterday = hard_day - timedelta(days=1)
        expired = make_portfolio_link(user.id, [products["public"]], expires_on=yesterday)
        today = make_portfolio_link(user.id, [products["public"]], expires_on=hard_day)
        revoked = make_portfolio_link(user.id, [products["public"]])
        tokens = {
            link_id: db.session.get(ShareLink, link_id).token
            for link_id in (expired, today, revoked)
        }
    logged_in_client.submit(f"/share-links/{revoked}/revoke")

    visitor = app.test_client()
    assert visitor.get(share_url(tokens[expired])).status_code == 404
    assert visitor.get(share_url(tokens[today])).status_code == 200
    assert visitor.get(share_url(tokens[revoked])).status_code == 404
    assert visitor.get(share_url("x" * 43)).status_code == 404


def test_each_link_counts_its_own_views(app, logged_in_client, products, user):
    with app.app_context():
        acme = make_portfolio_link(user.id, [products["public"]], name="Acme")
        globex = make_portfolio_link(user.id, [products["public"]], name="Globex")
        acme_token = db.session.get(ShareLink, acme).token
    visitor = app.test_client()
    visitor.get(share_url(acme_token), headers=BROWSER)
    visitor.get(f"{share_url(acme_token)}/public-one", headers=BROWSER)
    logged_in_client.get(share_url(acme_token), headers=BROWSER)

    with app.app_context():
        analytics.flush_views()
        counts = dict(
            db.session.execute(db.select(ShareLinkView.share_link_id, ShareLinkView.count)).all()
        )
    assert counts == {acme: 2}
    assert globex not in counts

    page = logged_in_client.get("/dashboard").get_data(as_text=True)
    views, first = '<td data-label="Views">', '<td data-label="First opened">'
    last = '<td data-label="Last opened">'
    day = r"\d+ \w+ \d{4}"
    assert re.search(
        rf'row">Acme</th>\s*{views}2</td>\s*{first}{day}</td>\s*{last}{day}</td>', page
    )
    assert re.search(
        rf'row">Globex</th>\s*{views}0</td>\s*{first}Not yet</td>\s*{last}Not yet', page
    )


def test_share_pages_answer_conditional_gets(app, unlisted):
    token = product_link_token(app, unlisted)
    visitor = app.test_client()
    etag = visitor.get(share_url(token)).headers["ETag"]

    again = visitor.get(share_url(token), headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["X-Robots-Tag"] == "noindex, nofollow"
