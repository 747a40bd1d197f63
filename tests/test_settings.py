import re
from datetime import date

import pytest
from markupsafe import escape

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import calendar
from pm_portfolio.core import digests
from pm_portfolio.core import reminders
from pm_portfolio.core import share_links
from pm_portfolio.core.applications import ContactData
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import create_product
from pm_portfolio.core.products import update_product
from pm_portfolio.exports.csv_import import save_draft
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import RemindedFollowUp
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.factories import make_application
from tests.factories import make_endorsement
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.infrastructure import REFERENCE_TABLES

NEW_PASSWORD = "a brand new passphrase"
PROFILE = {
    "display_name": "Ada Lovelace",
    "headline": "Engineer who ships side products",
    "bio": "I build small tools and measure what they do.",
    "website_url": "https://ada.example",
    "linkedin_url": "https://www.linkedin.com/in/ada",
    "github_url": "",
}


def test_settings_pages_render(logged_in_client):
    for path in ("/settings", "/settings/password", "/settings/account"):
        assert logged_in_client.get(path).status_code == 200


def test_edit_profile(logged_in_client, app, user):
    response = logged_in_client.submit("/settings", PROFILE)

    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved.display_name == "Ada Lovelace"
        assert saved.headline == "Engineer who ships side products"
        assert saved.website_url == "https://ada.example"
        assert saved.github_url == ""
    page = logged_in_client.get("/settings").get_data(as_text=True)
    assert 'value="Ada Lovelace"' in page
    assert "Profile saved." in page


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("linkedin_url", "linkedin.com/in/ada", "https://linkedin.com/in/ada"),
        ("website_url", "www.ada.example", "https://www.ada.example"),
        (
            "github_url",
            "github.com/ada?tab=repositories",
            "https://github.com/ada?tab=repositories",
        ),
        ("contact_url", "cal.example.com:8443/ada", "https://cal.example.com:8443/ada"),
        ("website_url", "http://ada.example", "http://ada.example"),
    ],
)
def test_a_link_typed_without_https_is_stored_with_it(
    logged_in_client, app, user, field, typed, stored
):
    response = logged_in_client.submit("/settings", {**PROFILE, field: typed})

    assert response.status_code == 302
    with app.app_context():
        assert getattr(db.session.get(User, user.id), field) == stored
    page = logged_in_client.get("/settings").get_data(as_text=True)
    # A text input: a browser's url input would refuse the address without https://.
    assert re.search(rf'<input[^>]* inputmode="url"[^>]* name="{field}"[^>]* type="text"', page)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website_url", "javascript:alert(1)", "starting with https:// or http://"),
        ("website_url", "data:text/html,hi", "starting with https:// or http://"),
        ("linkedin_url", "ftp://files.example", "starting with https:// or http://"),
        ("github_url", "https://", "starting with https:// or http://"),
        ("github_url", "https://exa mple.com", "starting with https:// or http://"),
        ("github_url", "localhost", "starting with https:// or http://"),
        (
            "website_url",
            "javascript://example.com/%0aalert(1)",
            "starting with https:// or http://",
        ),
        ("display_name", "x" * 81, "Use at most 80 characters."),
        ("headline", "x" * 121, "Use at most 120 characters."),
        ("bio", "x" * 1001, "Use at most 1,000 characters."),
        ("bio", "nul\x00byte", "Remove the invisible NUL characters."),
    ],
)
def test_profile_validation_keeps_what_was_typed(
    logged_in_client, app, user, field, value, message
):
    response = logged_in_client.submit("/settings", {**PROFILE, field: value})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert str(escape(value)) in page
    with app.app_context():
        assert db.session.get(User, user.id).headline == ""


def test_change_password(logged_in_client, auth, user):
    response = logged_in_client.submit(
        "/settings/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert logged_in_client.get("/dashboard").status_code == 200
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 200
    assert auth.login(password=NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password!", NEW_PASSWORD, NEW_PASSWORD, "That is not your current password."),
        (PASSWORD, "short", "short", "Use 10 to 128 characters."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords do not match."),
        ("", NEW_PASSWORD, NEW_PASSWORD, "Enter your current password."),
    ],
)
def test_change_password_validation(logged_in_client, auth, current, new, confirm, message):
    response = logged_in_client.submit(
        "/settings/password", {"current_password": current, "new_password": new, "confirm": confirm}
    )

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 302


def test_changing_the_password_signs_out_other_sessions(app, user):
    here, elsewhere, remembered = app.test_client(), app.test_client(), app.test_client()
    AuthActions(here).login()
    AuthActions(elsewhere).login()
    AuthActions(remembered).login(remember=True)
    remembered.delete_cookie("session")
    assert remembered.get("/dashboard").status_code == 200

    here.submit(
        "/settings/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302
    remembered.delete_cookie("session")
    assert remembered.get("/dashboard").status_code == 302


def test_delete_account_requires_the_password(logged_in_client, app, user):
    response = logged_in_client.submit("/settings/account", {"password": "not my password"})

    assert response.status_code == 200
    assert "That is not your password." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id) is not None


# Tables of nobody's data: the Message-IDs of delivered letters (random, no address).
UNOWNED_TABLES = frozenset({"delivered_emails"})


def owned_tables():
    return [
        table
        for table in db.metadata.sorted_tables
        if table.name not in REFERENCE_TABLES | UNOWNED_TABLES
    ]


def count_rows(table) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(table))


def test_delete_account_removes_every_row_the_user_owns(logged_in_client, auth, app, user):
    with app.app_context():
        data = ProductData(
            title="Bot",
            visibility="unlisted",
            skill_keys=["discovery"],
            metrics=[MetricData("Users", "40")],
        )
        product = create_product(user.id, data)
        data.slug = "renamed"
        update_product(product, data)
        make_learning(user.id, product.id, skills=["execution"])
        make_learning(user.id, None, skills=["strategy"])
        link_id = make_portfolio_link(user.id, [product.id])
        application_id = make_application(
            user.id, [product.id], contacts=[ContactData("Eve", email="eve@acme.example")]
        )
        sent = db.session.get(Application, application_id).share_link
        share_links.record_open(sent, clock.now(), product.id, LinkOpenKind.PAGE)
        calendar.renew_feed(user.id)
        review_link = make_review_link(user.id, [product.id])
        make_review_comment(review_link, product.id, email="rae@example.com")
        make_endorsement(product.id, email="eve@queue.example", confirmed=True)
        digests.claim(user.id, date(2026, 11, 30), clock.now())
        reminders.claim(user.id, date(2026, 12, 1))
        db.session.add(
            RemindedFollowUp(application_id=application_id, kind="not-opened",
                             since=date(2026, 11, 1), reminded_at=clock.now())
        )  # fmt: skip
        save_draft(user.id, "products", "products.csv", "slug,title\n")
        make_image(product.id)
        assert stored_keys(app)
        analytics.count_profile_view(user.id, date(2026, 11, 3), "direct")
        analytics.count_product_view(user.id, product.id, date(2026, 11, 3), "direct")
        analytics.count_share_link_view(user.id, link_id, date(2026, 11, 3), "direct")
        db.session.commit()  # end the read snapshot taken before the views were counted
        analytics.flush_views()
        for table in owned_tables():
            assert count_rows(table) > 0, f"give the user a row in {table.name} to prove deletion"

    response = logged_in_client.submit("/settings/account", {"password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in_client.get("/dashboard").status_code == 302
    with app.app_context():
        for table in owned_tables():
            assert count_rows(table) == 0, f"{table.name} has rows after the account was deleted"
    assert stored_keys(app) == []
    assert auth.login().status_code == 200


def stored_keys(app) -> list[str]:
    return list(app.extensions["media_storage"].keys())


def test_deleting_the_account_ends_every_session(app, user):
    here, elsewhere, remembered = app.test_client(), app.test_client(), app.test_client()
    AuthActions(here).login()
    AuthActions(elsewhere).login()
    AuthActions(remembered).login(remember=True)
    remembered.delete_cookie("session")

    here.submit("/settings/account", {"password": PASSWORD})

    assert elsewhere.get("/dashboard").status_code == 302
    assert remembered.get("/dashboard").status_code == 302
