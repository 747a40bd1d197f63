"""Review links, comments and endorsements in the maker's backup: everything but the
addresses, which a restore makes anew."""

import json

from pm_portfolio import clock
from pm_portfolio.core import reviews
from pm_portfolio.extensions import db
from pm_portfolio.models import Endorsement
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ReviewLink
from tests.clients import signed_in_maker
from tests.factories import make_endorsement
from tests.factories import make_product
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.test_exports import restore


def test_the_backup_carries_what_others_said_but_no_address(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id, slug="queue", metrics=[("users", "140")],
                                  problem="Long lines.")  # fmt: skip
        link = make_review_link(user.id, [product_id], note="Be frank")
        comment_id, edit_token = make_review_comment(
            link, product_id, "problem", "Who said so?", email="rae@example.com"
        )
        reviews.reply(db.session.get(ReviewComment, comment_id), "Nurses.", clock.now())
        endorsement = make_endorsement(product_id, confirmed=True, approved=True)
        tokens = [link.token, endorsement.token, edit_token]

    content = logged_in_client.get("/export/backup.json").get_data()
    document = json.loads(content)
    for token in tokens:
        assert token.encode() not in content
    (saved_link,) = document["review_links"]
    assert saved_link["case_studies"] == ["queue"]
    assert saved_link["note"] == "Be frank"
    (saved_comment,) = saved_link["comments"]
    assert saved_comment["section"] == "problem"
    assert saved_comment["author_email"] == "rae@example.com"
    assert saved_comment["reply"] == "Nurses."
    (saved_endorsement,) = document["endorsements"]
    assert saved_endorsement["claim_text"] == "users: 140"
    assert saved_endorsement["relationship"] == "Engineering manager at Queue Co"
    assert saved_endorsement["approved"] is True

    person, copy = signed_in_maker(app)
    response = restore(copy, content)
    assert response.status_code == 302
    with app.app_context():
        new_link = db.session.scalar(db.select(ReviewLink).where(ReviewLink.user_id == person.id))
        new_endorsement = db.session.scalar(
            db.select(Endorsement).where(Endorsement.user_id == person.id)
        )
        new_tokens = (new_link.token, new_endorsement.token)
        assert (new_endorsement.state, new_endorsement.approved) == ("confirmed", True)
        assert new_endorsement.confirmed_text == "users: 140"
        assert [comment.reply for comment in new_link.comments] == ["Nurses."]
    reader = app.test_client()
    assert reader.get(f"/r/{new_tokens[0]}").status_code == 200
    assert reader.get(f"/e/{new_tokens[1]}").status_code == 200
    assert new_tokens[0] not in tokens
    # The reviewer's edit token opens only the original.
    assert reader.get(f"/r/{new_tokens[0]}/comments/{edit_token}").status_code == 404


def test_a_backup_naming_an_unknown_case_study_is_refused_whole(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id, slug="queue", metrics=[("users", "140")])
        make_review_comment(make_review_link(user.id, [product_id]), product_id)
        make_endorsement(product_id)
    document = json.loads(logged_in_client.get("/export/backup.json").get_data())
    document["endorsements"][0]["case_study"] = "missing"
    document["review_links"][0]["comments"][0]["body"] = ""

    person, copy = signed_in_maker(app)
    response = restore(copy, json.dumps(document).encode())

    page = response.get_data(as_text=True)
    assert "“body” is empty" in page
    with app.app_context():
        assert (
            db.session.scalar(db.select(ReviewLink).where(ReviewLink.user_id == person.id)) is None
        )


def test_a_backup_from_before_feedback_restores(app, logged_in_client, user):
    with app.app_context():
        make_product(user.id, slug="queue")
    document = json.loads(logged_in_client.get("/export/backup.json").get_data())
    del document["review_links"]
    del document["endorsements"]
    _person, copy = signed_in_maker(app)
    assert restore(copy, json.dumps(document).encode()).status_code == 302
