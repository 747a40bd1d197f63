"""Another maker's objects answer 404 to every verb, found by walking `app.url_map`."""

from datetime import date

from pm_portfolio.exports.csv_import import save_draft
from tests.clients import AuthActions
from tests.clients import without_csrf_tokens
from tests.factories import make_application
from tests.factories import make_endorsement
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.factories import make_revision
from tests.factories import make_user
from tests.factories import start_session
from tests.infrastructure import database_snapshot

# Route arguments that name an object some maker owns.
OBJECT_ARGUMENTS = {
    "product_id", "learning_id", "link_id", "draft_id", "session_id", "item_id", "revision_id",
    "application_id", "review_link_id", "comment_id", "endorsement_id",
}  # fmt: skip


def test_every_route_with_an_object_answers_404_to_another_maker(app, client):
    with app.app_context():
        owner = make_user()
        product_id = make_product(owner.id, skills=["design"], metrics=[("users", "10")])
        learning_id = make_learning(owner.id, product_id, skills=["design"])
        link_id = make_portfolio_link(owner.id, [product_id])
        draft_id = save_draft(owner.id, "products", "p.csv", "slug,title\n").id
        session_id = start_session(owner)
        item_id = make_image(product_id)
        revision_id = make_revision(product_id)
        sent_id = make_product(owner.id, visibility="public")
        application_id = make_application(owner.id, [sent_id], next_step="Call",
                                          next_step_on=date(2026, 7, 1))  # fmt: skip
        review_link = make_review_link(owner.id, [product_id])
        comment_id, _edit_token = make_review_comment(review_link, product_id)
        review_link_id = review_link.id
        endorsement_id = make_endorsement(product_id, confirmed=True).id
        intruder = make_user()
    AuthActions(client).login(intruder.username, intruder.password)
    token = client.csrf_token("/dashboard")
    values = {
        "product_id": product_id,
        "learning_id": learning_id,
        "link_id": link_id,
        "draft_id": draft_id,
        "session_id": session_id,
        "item_id": item_id,
        "revision_id": revision_id,
        "application_id": application_id,
        "review_link_id": review_link_id,
        "comment_id": comment_id,
        "endorsement_id": endorsement_id,
    }
    rules = [rule for rule in app.url_map.iter_rules() if rule.arguments & OBJECT_ARGUMENTS]
    assert {rule.endpoint for rule in rules} >= {
        "products.show",
        "products.edit",
        "products.delete",
        "learnings.new_for_product",
        "learnings.edit",
        "learnings.delete",
        "sharing.regenerate_product_link",
        "sharing.revoke_product_link",
        "sharing.edit",
        "sharing.revoke",
        "exports.preview_import",
        "accounts.end_session",
        "media.manage",
        "media.upload",
        "media.embed",
        "media.edit",
        "media.delete",
        "media.cover",
        "media.earlier",
        "media.later",
        "products.revisions_list",
        "products.revision",
        "products.restore_revision",
        "applications.show",
        "applications.edit",
        "applications.move",
        "applications.delete",
        "applications.renew_link",
        "applications.revoke_link",
        "feedback.revoke_link",
        "feedback.resolve",
        "feedback.reopen",
        "feedback.reply",
        "proof.ask",
        "proof.approve",
        "proof.hide",
        "proof.ask_again",
        "proof.remind",
        "proof.delete",
    }
    before = database_snapshot(app)

    for rule in rules:
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        for method in {"GET", "POST"} & rule.methods:
            response = client.open(
                url, method=method, data={"csrf_token": token, "title": "Taken over"}
            )
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            assert "Page not found" in response.get_data(as_text=True)

    assert database_snapshot(app) == before


def test_an_unknown_object_looks_the_same_as_someone_elses(logged_in_client, app):
    with app.app_context():
        other = make_user()
        product_id = make_product(other.id)
        missing_id = product_id + 1000
    logged_in_client.get("/dashboard")
    theirs = logged_in_client.get(f"/products/{product_id}")
    missing = logged_in_client.get(f"/products/{missing_id}")

    assert theirs.status_code == missing.status_code == 404
    assert without_csrf_tokens(theirs.get_data(as_text=True)) == without_csrf_tokens(
        missing.get_data(as_text=True)
    )
