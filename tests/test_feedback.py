"""Review links: a draft read and commented on without an account, and the maker's side
of the comments (resolve, reply, the hourly email)."""

import re
from datetime import timedelta

import pytest
import time_machine

from pm_portfolio import clock
from pm_portfolio.core import coach
from pm_portfolio.core import reviews
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import product_data
from pm_portfolio.core.products import update_product
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ReviewLink
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.factories import make_user


@pytest.fixture
def draft(app, user):
    """A private draft of the signed-in maker's, with a result, texts and a picture."""
    with app.app_context():
        product_id = make_product(
            user.id,
            title="Queue Buddy",
            slug="queue-buddy",
            visibility="private",
            metrics=[("weekly active users", "140")],
            problem="Lines at the **clinic** are long.",
            solution="A text message when it is your turn.",
        )
        make_learning(user.id, product_id, title="Talked to five nurses", is_public=True)
        make_learning(user.id, product_id, title="zzhidden note to self", is_public=False)
        make_image(product_id, alt_text="The queue screen")
        return product_id


@pytest.fixture
def review_token(app, user, draft) -> str:
    with app.app_context():
        return make_review_link(user.id, [draft], note="Could you look at the problem?").token


def comment_page(client, token: str, slug: str = "queue-buddy", section: str = "whole") -> str:
    return client.csrf_token(f"/r/{token}/comment/{slug}?section={section}")


def post_comment(client, token: str, slug: str = "queue-buddy", **fields):
    data = {
        "csrf_token": comment_page(client, token, slug),
        "name": "Rae Reviewer",
        "email": "",
        "section": "problem",
        "comment": "Who told you the lines are long?",
        **fields,
    }
    return client.post(f"/r/{token}/comment/{slug}", data=data)


def stored_comments(app) -> list[ReviewComment]:
    with app.app_context():
        return list(db.session.scalars(db.select(ReviewComment).order_by(ReviewComment.id)))


def test_a_maker_makes_a_review_link_for_a_private_draft(logged_in_client, app, user, draft):
    page = logged_in_client.get(f"/feedback/links/new?product={draft}").get_data(as_text=True)
    assert "Queue Buddy" in page
    assert re.search(r'<input checked[^>]*name="items-0-include"', page)

    response = logged_in_client.submit(
        "/feedback/links/new",
        {"items-0-product_id": draft, "items-0-include": "y", "items-0-position": "1",
         "note": "Could you look at the problem section?", "days": "14"},
    )  # fmt: skip

    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(db.select(ReviewLink))
        assert link.expires_on == clock.today() + timedelta(days=14)
        assert [item.product_id for item in link.items] == [draft]
    listing = logged_in_client.get("/feedback").get_data(as_text=True)
    assert f"/r/{link.token}" in listing
    assert f"/r/{link.token}" in logged_in_client.get(f"/products/{draft}").get_data(as_text=True)


def test_a_review_link_needs_a_product_of_ones_own(logged_in_client, app):
    with app.app_context():
        theirs = make_product(make_user().id)
    response = logged_in_client.submit(
        "/feedback/links/new", {"items-0-product_id": theirs, "days": "30"}
    )
    assert "Choose at least one product to review." in response.get_data(as_text=True)
    with app.app_context(), pytest.raises(reviews.NotReviewable):
        reviews.create_review_link(make_user().id, reviews.ReviewLinkData([theirs], clock.today()))


def test_the_reviewer_reads_the_draft_as_readers_would(client, review_token, app, draft):
    response = client.get(f"/r/{review_token}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Draft shared for feedback" in page
    assert "Could you look at the problem?" in page
    assert "<strong>clinic</strong>" in page
    assert "weekly active users" in page
    assert "Talked to five nurses" in page
    assert "zzhidden" not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    for section in ("whole", "result:1", "problem", "solution", "build_log"):
        assert f"/r/{review_token}/comment/queue-buddy?section={section}" in page
    assert "section=hypothesis" not in page
    # Its private picture, through the review link only.
    keys = re.findall(rf"/r/{review_token}/media/([0-9a-f]{{64}})", page)
    assert keys
    assert client.get(f"/r/{review_token}/media/{keys[0]}").status_code == 200
    assert client.get(f"/media/{keys[0]}").status_code == 404
    # No PDF and no card for a review link.
    assert client.get(f"/r/{review_token}.pdf").status_code == 404
    assert client.get(f"/r/{review_token}/card.png").status_code == 404


def test_a_review_link_shows_its_products_and_nothing_else(client, app, user, draft):
    with app.app_context():
        other = make_product(user.id, title="zzother", slug="other", visibility="public")
        other_key = db.session.get(MediaItem, make_image(other, colour="orange")).files[0].key
        stranger_product = make_product(make_user().id, slug="queue-buddy")
        single = make_review_link(user.id, [draft]).token
        pair = make_review_link(user.id, [draft, other]).token
        assert stranger_product

    assert client.get(f"/r/{single}/other").status_code == 404
    assert client.get(f"/r/{single}/comment/other").status_code == 404
    assert client.get(f"/r/{single}/media/{other_key}").status_code == 404
    assert "zzother" not in client.get(f"/r/{single}").get_data(as_text=True)
    listing = client.get(f"/r/{pair}").get_data(as_text=True)
    assert f"/r/{pair}/queue-buddy" in listing
    assert f"/r/{pair}/other" in listing
    assert client.get(f"/r/{pair}/other").status_code == 200
    assert client.get(f"/r/{pair}/media/{other_key}").status_code == 200


def test_a_reviewer_comments_without_an_account(client, app, review_token, draft):
    response = post_comment(client, review_token, email="rae@example.com")

    assert response.status_code == 303
    confirmation = response.headers["Location"]
    assert confirmation.startswith(f"/r/{review_token}/comments/")
    assert "Set-Cookie" not in response.headers
    [comment] = stored_comments(app)
    assert (comment.product_id, comment.section, comment.section_label) == (
        draft, "problem", "The problem"
    )  # fmt: skip
    assert (comment.author_name, comment.author_email) == ("Rae Reviewer", "rae@example.com")
    assert comment.body == "Who told you the lines are long?"
    # Only a hash of the edit token is kept.
    assert confirmation.rsplit("/", 1)[1] not in comment.edit_token_hash

    page = client.get(confirmation).get_data(as_text=True)
    assert "Thank you, Rae Reviewer" in page
    assert "Who told you the lines are long?" in page
    # The next comment keeps the reviewer's name and address.
    assert 'value="Rae Reviewer"' in page
    assert 'value="rae@example.com"' in page


def test_a_reviewer_edits_and_deletes_their_comment_for_an_hour(today, client, app, review_token):
    confirmation = post_comment(client, review_token).headers["Location"]
    token = client.csrf_token(confirmation)

    edited = client.post(confirmation, data={"csrf_token": token, "edit-comment": "Sharper."})
    assert edited.status_code == 303
    [comment] = stored_comments(app)
    assert comment.body == "Sharper."
    assert comment.edited_at is not None

    with time_machine.travel(clock.now() + timedelta(minutes=59)):
        assert client.get(confirmation).status_code == 200
    with time_machine.travel(clock.now() + timedelta(minutes=60)):
        assert client.get(confirmation).status_code == 404
        late = client.post(f"{confirmation}/delete", data={"csrf_token": token})
        assert late.status_code == 404
    assert len(stored_comments(app)) == 1

    deleted = client.post(f"{confirmation}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert stored_comments(app) == []
    assert client.get(confirmation).status_code == 404


def test_an_edit_token_opens_only_its_own_link(client, app, user, draft, review_token):
    confirmation = post_comment(client, review_token).headers["Location"]
    edit_token = confirmation.rsplit("/", 1)[1]
    with app.app_context():
        other = make_review_link(user.id, [draft]).token
    assert client.get(f"/r/{other}/comments/{edit_token}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Say who you are, so the maker knows."),
        ({"comment": "  "}, "Write your comment."),
        ({"comment": "x" * 4001}, "4,000"),
        ({"email": "not an address"}, "Enter an address like eve@example.com."),
        ({"section": "hypothesis"}, "Not a valid choice."),
        ({"section": "result:2"}, "Not a valid choice."),
    ],
)
def test_a_comment_with_a_mistake_is_refused_with_what_was_typed(
    client, app, review_token, fields, message
):
    response = post_comment(client, review_token, **{"comment": "Keep me", **fields})
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert message in page
    if "comment" not in fields:
        assert "Keep me" in page
    assert stored_comments(app) == []


def test_a_robot_filling_the_hidden_field_saves_nothing(client, app, review_token):
    response = post_comment(client, review_token, website="https://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{review_token}"
    assert stored_comments(app) == []


def test_a_revoked_or_expired_link_is_dead_and_its_comments_stay(
    today, logged_in_client, app, user, draft
):
    with app.app_context():
        link = make_review_link(user.id, [draft], days=3)
        token, link_id = link.token, link.id
        make_review_comment(link, draft, "problem", body="Kept after revoking")
        key = db.session.get(MediaItem, make_image(draft)).files[0].key
    reader = app.test_client()

    with time_machine.travel(clock.now() + timedelta(days=3)):
        assert reader.get(f"/r/{token}").status_code == 200
    with time_machine.travel(clock.now() + timedelta(days=4)):
        assert reader.get(f"/r/{token}").status_code == 404

    response = logged_in_client.submit(f"/feedback/links/{link_id}/revoke", page="/feedback")
    assert response.status_code == 302
    for path in (f"/r/{token}", f"/r/{token}/queue-buddy", f"/r/{token}/comment/queue-buddy",
                 f"/r/{token}/media/{key}"):  # fmt: skip
        assert reader.get(path).status_code == 404, path
    assert "Kept after revoking" in logged_in_client.get(f"/products/{draft}").get_data(
        as_text=True
    )


def test_the_maker_sees_comments_beside_their_sections(logged_in_client, app, review_token, draft):
    with app.app_context():
        link = db.session.scalar(db.select(ReviewLink))
        make_review_comment(link, draft, "problem", body="Problem comment")
        make_review_comment(link, draft, "result:1", body="Result comment")
        make_review_comment(link, draft, "whole", body="Whole comment")
    page = logged_in_client.get(f"/products/{draft}").get_data(as_text=True)

    problem = page.index('id="section-problem"')
    solution = page.index('id="section-solution"')
    assert problem < page.index("Problem comment") < solution
    assert page.index('id="results"') < page.index("Result comment") < problem
    assert page.index('id="feedback-heading"') < page.index("Whole comment")


def test_resolve_reopen_and_reply_once(logged_in_client, app, outbox, review_token, draft):
    with app.app_context():
        link = db.session.scalar(db.select(ReviewLink))
        with_email, _ = make_review_comment(link, draft, "problem", email="rae@example.com")
        without_email, _ = make_review_comment(link, draft, "solution", name="Sam")

    logged_in_client.submit(f"/feedback/comments/{with_email}/resolve", {"back": "product"},
                            page=f"/products/{draft}")  # fmt: skip
    assert stored_comments(app)[0].resolved_at is not None
    resolved = logged_in_client.get("/feedback?show=resolved").get_data(as_text=True)
    assert f'id="comment-{with_email}"' in resolved
    assert f'id="comment-{with_email}"' not in logged_in_client.get("/feedback").get_data(
        as_text=True
    )
    logged_in_client.submit(f"/feedback/comments/{with_email}/reopen", page="/feedback")
    assert stored_comments(app)[0].resolved_at is None

    response = logged_in_client.submit(
        f"/feedback/comments/{with_email}/reply", {"reply": "Five nurses told me."},
        page="/feedback",
    )  # fmt: skip
    assert response.status_code == 302
    [message] = outbox
    assert message.to == ["rae@example.com"]
    assert "Five nurses told me." in message.body
    assert "Queue Buddy" in message.body

    again = logged_in_client.submit(
        f"/feedback/comments/{with_email}/reply", {"reply": "And more."}, page="/feedback"
    )
    assert again.status_code == 302
    assert stored_comments(app)[0].reply == "Five nurses told me."
    assert len(outbox) == 1

    logged_in_client.submit(f"/feedback/comments/{without_email}/reply", {"reply": "Thanks."},
                            page="/feedback")  # fmt: skip
    assert stored_comments(app)[1].reply == "Thanks."
    assert len(outbox) == 1


def test_reviewer_text_is_escaped_and_their_links_are_marked_ugc(
    logged_in_client, client, app, review_token, draft
):
    post_comment(
        client, review_token, name="<b>Rae</b>",
        comment="<script>alert(1)</script> see https://example.com/notes",
    )  # fmt: skip
    page = logged_in_client.get(f"/products/{draft}").get_data(as_text=True)

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert "<b>Rae</b>" not in page
    link = re.search(r'<a href="https://example.com/notes"[^>]*>', page).group(0)
    assert all(word in link for word in ("nofollow", "ugc", "noopener"))


def test_the_maker_hears_of_new_comments_at_most_hourly(today, runner, app, outbox, user, draft):
    with app.app_context():
        link = make_review_link(user.id, [draft])
        link_id = link.id
        make_review_comment(link, draft, "problem", body="First thought")
        make_review_comment(link, draft, "solution", body="Second thought")

    assert "Sent 1 feedback emails." in runner.invoke(args=["feedback", "send"]).output
    [message] = outbox
    assert message.to == [user.email]
    assert "First thought" in message.body
    assert "Second thought" in message.body
    assert "/feedback" in message.body
    assert "Sent 0" in runner.invoke(args=["feedback", "send"]).output

    with time_machine.travel(clock.now() + timedelta(minutes=30)):
        with app.app_context():
            make_review_comment(db.session.get(ReviewLink, link_id), draft, body="Third thought")
        assert "Sent 0" in runner.invoke(args=["feedback", "send"]).output
    with time_machine.travel(clock.now() + timedelta(minutes=61)):
        assert "Sent 1" in runner.invoke(args=["feedback", "send"]).output
    assert len(outbox) == 2
    assert "Third thought" in outbox[1].body
    assert "First thought" not in outbox[1].body


def test_two_runs_at_once_tell_a_comment_once(today, app, user, draft):
    with app.app_context():
        link = make_review_link(user.id, [draft])
        make_review_comment(link, draft, body="Only once")
        now = clock.now()
        [first] = reviews.due_notices(now)
        [second] = reviews.due_notices(now)
        assert [comment.body for comment in reviews.claim_notice(first.comments, now)] == [
            "Only once"
        ]
        assert reviews.claim_notice(second.comments, now) == []
        # An email that could not go leaves its comments to the next run.
        reviews.release_notice(first.comments)
        [again] = reviews.due_notices(now)
        assert [comment.body for comment in again.comments] == ["Only once"]


def test_resolving_a_review_passes_the_coachs_advice_without_changing_readiness(app, user, draft):
    with app.app_context():
        before = coach.readiness_of(user.id, [draft])[draft]
        link = make_review_link(user.id, [draft])
        comment_id, _ = make_review_comment(link, draft)
        reviews.resolve(db.session.get(ReviewComment, comment_id), clock.now())
        after = coach.readiness_of(user.id, [draft])[draft]

    assert [check.passed for check in before.advice] == [False]
    assert before.advice[0].title == "Feedback: at least one review resolved"
    assert [check.passed for check in after.advice] == [True]
    assert (after.passed, after.total) == (before.passed, before.total)


def test_deleting_the_product_deletes_its_comments(logged_in_client, app, review_token, draft):
    post_comment(logged_in_client, review_token)
    logged_in_client.submit(f"/products/{draft}/delete")
    assert stored_comments(app) == []


def test_a_comment_on_a_result_follows_it_when_results_are_saved_again(
    logged_in_client, app, user, review_token, draft
):
    post_comment(logged_in_client, review_token, section="result:1", comment="Which week?")
    with app.app_context():
        product = db.session.get(Product, draft)
        data = product_data(product)
        data.metrics.insert(0, MetricData("sign-ups", "900"))
        update_product(product, data)
    page = logged_in_client.get(f"/products/{draft}").get_data(as_text=True)
    assert page.index("weekly active users", page.index('id="results"')) < page.index("Which week?")
    assert page.index("sign-ups", page.index('id="results"')) < page.index("weekly active users")

    with app.app_context():
        product = db.session.get(Product, draft)
        data = product_data(product)
        data.metrics = data.metrics[:1]
        update_product(product, data)
    page = logged_in_client.get(f"/products/{draft}").get_data(as_text=True)
    elsewhere = page.index("On parts the case study no longer has")
    assert elsewhere < page.index("Which week?")
    assert "Result: weekly active users" in page[elsewhere:]


def test_an_edited_comment_is_told_to_the_maker_again(today, runner, app, client, review_token):
    confirmation = post_comment(client, review_token).headers["Location"]
    runner.invoke(args=["feedback", "send"])
    assert stored_comments(app)[0].notified_at is not None
    client.post(confirmation, data={"csrf_token": client.csrf_token(confirmation),
                                    "edit-comment": "Sharper."})  # fmt: skip
    assert stored_comments(app)[0].notified_at is None


def test_a_reviewer_name_on_two_lines_is_refused(client, app, review_token):
    response = post_comment(client, review_token, name="Rae\nBcc: x@example.com")
    assert "Use one line, without line breaks or tabs." in response.get_data(as_text=True)
    assert stored_comments(app) == []
