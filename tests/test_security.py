"""Security properties checked on every route, found by walking `app.url_map`.

A new route is covered as soon as it exists: if it takes an argument these
tests do not know, they fail and ask for a sample value.
"""

from datetime import date

import pytest
from flask import url_for

from pm_portfolio.accounts import links as account_links
from pm_portfolio.core import calendar
from pm_portfolio.digests.tokens import unsubscribe_token
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from pm_portfolio.web.security import CSRF_EXEMPT
from tests.factories import make_endorsement
from tests.factories import make_image
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.factories import make_user
from tests.infrastructure import database_snapshot

# Routes anyone may use without logging in. Adding one here is a decision.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "main.index",
        "main.healthz",
        "accounts.login",
        "accounts.register",
        "accounts.forgot_password",
        "accounts.reset_password",
        "accounts.confirm_email",
        "accounts.confirm_email_change",
        "portfolio.profile",
        "portfolio.case_study",
        "portfolio.share",
        "portfolio.share_case_study",
        "portfolio.json_resume",
        "portfolio.contact",
        "portfolio.share_contact",
        "portfolio.profile_pdf",
        "portfolio.case_study_pdf",
        "portfolio.share_pdf",
        "portfolio.share_case_study_pdf",
        "portfolio.profile_card",
        "portfolio.case_study_card",
        "portfolio.share_card",
        "portfolio.sitemap",
        "portfolio.sitemap_page",
        "portfolio.robots",
        "media.file",
        "media.shared_file",
        "media.review_file",
        "calendar.feed",
        "review.review",
        "review.case_study",
        "review.comment",
        "review.own_comment",
        "review.delete_own_comment",
        "endorse.claim",
        "endorse.decline",
        "endorse.withdraw",
        "digests.unsubscribe",
    }
)
# The headers every response carries, written out: weakening one must fail this test.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'; frame-src https://player.vimeo.com "
        "https://www.figma.com https://www.loom.com https://www.youtube-nocookie.com"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Routes whose token is a review link's.
REVIEW_TOKEN_ENDPOINTS = (
    "review.review", "review.case_study", "review.comment", "review.own_comment",
    "media.review_file",
)  # fmt: skip
SAMPLE_VALUES = {
    "filename": "css/app.css",
    "product_id": 1,
    "learning_id": 1,
    "link_id": 1,
    "draft_id": 1,
    "session_id": 1,
    "item_id": 1,
    "revision_id": 1,
    "application_id": 1,
    "review_link_id": 1,
    "comment_id": 1,
    "endorsement_id": 1,
    "page": 1,
    "key": "0" * 64,
    "username": "maker",
    "slug": "a-product",
    "token": "not-a-real-token",
    "edit_token": "not-a-real-token",
}


def rules_with(app, method: str):
    return [rule for rule in app.url_map.iter_rules() if method in rule.methods]


def url_of(app, rule) -> str:
    unknown = set(rule.arguments) - SAMPLE_VALUES.keys()
    if unknown:
        pytest.fail(f"add sample values for {sorted(unknown)} of {rule.rule} to SAMPLE_VALUES")
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: SAMPLE_VALUES[name] for name in rule.arguments})


def test_the_walk_finds_the_post_routes(app):
    endpoints = {rule.endpoint for rule in rules_with(app, "POST")}
    assert {"accounts.login", "accounts.logout", "accounts.settings_account"} <= endpoints


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_every_post_refuses_a_missing_or_wrong_csrf_token(app, logged_in_client, token):
    anonymous = app.test_client()
    before = database_snapshot(app)

    for rule in rules_with(app, "POST"):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        data = {} if token is None else {"csrf_token": token}
        for http_client in (logged_in_client, anonymous):
            response = http_client.post(url_of(app, rule), data=data)
            assert response.status_code == 400, f"POST {rule.rule} accepted a bad CSRF token"
            assert "This form has expired" in response.get_data(as_text=True)

    assert database_snapshot(app) == before
    assert logged_in_client.get("/dashboard").status_code == 200


def test_only_the_one_click_unsubscribe_takes_no_csrf_token():
    """RFC 8058: a mail client posts it with no session; it only turns a setting off."""
    assert {"digests.unsubscribe"} == CSRF_EXEMPT


def test_every_private_route_requires_login(app, client):
    token = client.csrf_token()
    private_rules = [
        rule for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS
    ]
    assert private_rules

    for rule in private_rules:
        url = url_of(app, rule)
        for method in {"GET", "POST"} & rule.methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, f"{method} {rule.rule} answered without login"
            assert response.headers["Location"].startswith("/login?next=")


@pytest.fixture
def published_values(app, pdf_renderer) -> dict:
    """Argument values that name a published maker's real pages, links and files."""
    with app.app_context():
        maker = make_user(username="ada", email="ada@example.com", display_name="Ada",
                          contact_email="ada@example.com", is_published=True)  # fmt: skip
        product_id = make_product(maker.id, slug="bot", visibility="public", status="shipped",
                                  shipped_on=date(2026, 3, 1),
                                  metrics=[("users", "140")])  # fmt: skip
        item = db.session.get(MediaItem, make_image(product_id))
        token = db.session.get(ShareLink, make_portfolio_link(maker.id, [product_id])).token
        user = db.session.get(User, maker.id)
        unconfirmed = db.session.get(User, make_user(username="new").id)
        private_id = make_product(maker.id, slug="draft", visibility="private")
        private_item = db.session.get(MediaItem, make_image(private_id))
        review_link = make_review_link(maker.id, [product_id, private_id])
        _comment_id, edit_token = make_review_comment(review_link, private_id)
        review_token = review_link.token
        endorsement_token = make_endorsement(product_id).token
        return {
            "username": "ada",
            "slug": "bot",
            "token": token,
            "key": item.files[0].key,
            "filename": "css/app.css",
            "page": 1,
            ("accounts.reset_password", "token"): account_links.reset_token(user),
            ("accounts.confirm_email", "token"): account_links.confirmation_token(unconfirmed),
            ("accounts.confirm_email_change", "token"): account_links.email_change_token(
                user, "ada.new@example.com"
            ),
            ("calendar.feed", "token"): calendar.renew_feed(maker.id).token,
            **{(endpoint, "token"): review_token for endpoint in REVIEW_TOKEN_ENDPOINTS},
            ("endorse.claim", "token"): endorsement_token,
            ("digests.unsubscribe", "token"): unsubscribe_token(maker.id),
            ("review.case_study", "slug"): "draft",
            ("review.comment", "slug"): "draft",
            ("media.review_file", "key"): private_item.files[0].key,
            "edit_token": edit_token,
        }


def test_public_routes_answer_without_login(app, client, published_values):
    for rule in rules_with(app, "GET"):
        if rule.endpoint not in PUBLIC_ENDPOINTS:
            continue
        values = {
            name: published_values.get((rule.endpoint, name), published_values[name])
            for name in rule.arguments
        }
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        with client.get(url) as response:
            assert response.status_code == 200, f"GET {url} answered {response.status_code}"


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_sends_security_headers(app, client, logged_in_client, signed_in):
    http_client = logged_in_client if signed_in else app.test_client()
    urls = [url_of(app, rule) for rule in rules_with(app, "GET")] + ["/no-such-page"]

    for url in urls:
        with http_client.get(url) as response:
            for name, value in SECURITY_HEADERS.items():
                assert response.headers.get(name) == value, f"{name} missing on {url}"
            assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_route_echoes_a_forged_host(app, logged_in_client, signed_in):
    """Absolute URLs come from PUBLIC_URL; tests/test_public_urls.py checks full pages."""
    app.config["PUBLIC_URL"] = "https://portfolio.example.com"
    http_client = logged_in_client if signed_in else app.test_client()
    for rule in rules_with(app, "GET"):
        url = url_of(app, rule)
        with http_client.get(url, headers={"Host": "evil.example"}) as response:
            assert b"evil.example" not in response.get_data(), f"GET {url} echoed the host"


def test_signed_in_pages_are_never_stored_by_caches(app, logged_in_client):
    for rule in rules_with(app, "GET"):
        url = url_of(app, rule)
        with logged_in_client.get(url) as response:
            if response.mimetype == "text/html":
                assert response.headers.get("Cache-Control") in {
                    "no-store",
                    "private, no-cache",
                }, f"GET {url} may be cached"


def test_logging_in_starts_a_new_session(client, user):
    planted = client.csrf_token("/login")
    client.post("/login", data={"csrf_token": planted, "login": user.username,
                                "password": user.password})  # fmt: skip

    response = client.post("/settings", data={"csrf_token": planted, "display_name": "Planted"})

    assert response.status_code == 400, "a form token from before log-in still works"
    assert client.csrf_token("/settings") != planted


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
