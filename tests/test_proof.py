"""Endorsements: one claim confirmed by a named person without an account, shown to
readers only once the maker approves it, and only while the claim reads as confirmed."""

import io
import json
import re
from datetime import timedelta

import pytest
import time_machine
from pypdf import PdfReader

from pm_portfolio import clock
from pm_portfolio.core import coach
from pm_portfolio.core import endorsements
from pm_portfolio.core.products import product_data
from pm_portfolio.core.products import update_product
from pm_portfolio.extensions import db
from pm_portfolio.models import Endorsement
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.factories import make_endorsement
from tests.factories import make_product

CONFIRMED_BY = "Confirmed by Eve Endorser, Engineering manager at Queue Co"


@pytest.fixture
def case_study(app, user) -> int:
    """A public, shipped case study of the published maker's, with a result and a role."""
    with app.app_context():
        maker = db.session.get(User, user.id)
        maker.is_published = True
        db.session.commit()
        return make_product(
            user.id, title="Queue Buddy", slug="queue-buddy", visibility="public",
            status="shipped", shipped_on=clock.today(), role="Solo: discovery and build",
            outcome="Two clinics use it.", metrics=[("weekly active users", "140")],
        )  # fmt: skip


def stored(app) -> Endorsement:
    with app.app_context():
        return db.session.scalar(db.select(Endorsement))


def endorse(client, token: str, **fields):
    data = {
        "csrf_token": client.csrf_token(f"/e/{token}"),
        "name": "Eve Endorser",
        "relationship": "Engineering manager at Queue Co",
        "quote": "I watched the numbers every week.",
        "saw_this": "y",
        **fields,
    }
    return client.post(f"/e/{token}", data=data)


def test_a_maker_asks_by_email_and_the_endorser_sees_exactly_the_claim(
    logged_in_client, app, outbox, case_study
):
    page = logged_in_client.get(f"/products/{case_study}").get_data(as_text=True)
    assert "Result: weekly active users: 140" in page
    assert "Role: Solo: discovery and build" in page

    response = logged_in_client.submit(
        f"/products/{case_study}/endorsements",
        {"claim": "result:1", "asked_name": "Eve Endorser", "asked_email": "eve@queue.example"},
        page=f"/products/{case_study}",
    )

    assert response.status_code == 302
    request = stored(app)
    assert (request.claim_kind, request.claim_label, request.claim_text) == (
        "result", "weekly active users", "weekly active users: 140"
    )  # fmt: skip
    assert request.state == "sent"
    [message] = outbox
    assert message.to == ["eve@queue.example"]
    assert f"/e/{request.token}" in message.body
    assert "weekly active users: 140" in message.body

    reader = app.test_client()
    response = reader.get(f"/e/{request.token}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "weekly active users: 140" in text
    assert "Solo: discovery and build" not in text
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert stored(app).state == "opened"


def test_a_request_without_an_email_gives_a_link_to_copy(logged_in_client, app, outbox, case_study):
    logged_in_client.submit(
        f"/products/{case_study}/endorsements", {"claim": "role", "asked_name": "Sam"},
        page=f"/products/{case_study}",
    )  # fmt: skip
    assert outbox == []
    page = logged_in_client.get(f"/products/{case_study}").get_data(as_text=True)
    assert f"/e/{stored(app).token}" in page


def test_confirmed_claims_show_only_once_approved(
    logged_in_client, app, outbox, case_study, pdf_renderer
):
    with app.app_context():
        token = make_endorsement(case_study).token
    reader = app.test_client()

    refused = endorse(reader, token, saw_this="")
    assert "Tick the box to confirm that you saw it." in refused.get_data(as_text=True)
    assert stored(app).state == "opened"
    assert endorse(reader, token).status_code == 303
    request = stored(app)
    assert request.state == "confirmed"
    assert request.confirmed_text == "weekly active users: 140"
    assert outbox[-1].to == ["maker@example.com"]
    assert CONFIRMED_BY not in reader.get("/u/maker/queue-buddy").get_data(as_text=True)

    logged_in_client.submit(f"/endorsements/{request.id}/approve", page=f"/products/{case_study}")

    page = reader.get("/u/maker/queue-buddy").get_data(as_text=True)
    assert CONFIRMED_BY in page
    assert page.index("weekly active users") < page.index(CONFIRMED_BY)
    assert "I watched the numbers every week." in page
    pdf = reader.get("/u/maker/queue-buddy.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Confirmed by Eve Endorser" in " ".join(text.split())
    resume = json.loads(reader.get("/u/maker/resume.json").data)
    assert resume["references"] == [
        {
            "name": "Eve Endorser, Engineering manager at Queue Co",
            "reference": "Confirmed “weekly active users: 140” (Queue Buddy). "
            "“I watched the numbers every week.”",
        }
    ]

    logged_in_client.submit(f"/endorsements/{request.id}/hide", page=f"/products/{case_study}")
    assert CONFIRMED_BY not in reader.get("/u/maker/queue-buddy").get_data(as_text=True)


def test_a_changed_claim_shows_nothing_until_confirmed_again(
    logged_in_client, app, outbox, case_study
):
    with app.app_context():
        request = make_endorsement(case_study, email="eve@queue.example", confirmed=True,
                                   approved=True)  # fmt: skip
        old_token, request_id = request.token, request.id
        product = db.session.get(Product, case_study)
        data = product_data(product)
        data.metrics[0].value = "180"
        update_product(product, data)
    reader = app.test_client()

    assert CONFIRMED_BY not in reader.get("/u/maker/queue-buddy").get_data(as_text=True)
    page = logged_in_client.get(f"/products/{case_study}").get_data(as_text=True)
    assert "Changed since confirmed" in page

    logged_in_client.submit(f"/endorsements/{request_id}/ask-again", page=f"/products/{case_study}")
    request = stored(app)
    assert request.state == "sent"
    assert request.claim_text == "weekly active users: 180"
    assert not request.approved
    assert reader.get(f"/e/{old_token}").status_code == 404
    assert f"/e/{request.token}" in outbox[-1].body
    endorse(reader, request.token)
    logged_in_client.submit(f"/endorsements/{request_id}/approve", page=f"/products/{case_study}")
    assert CONFIRMED_BY in reader.get("/u/maker/queue-buddy").get_data(as_text=True)


def test_a_result_is_found_again_by_its_label_after_the_results_are_saved_again(app, case_study):
    with app.app_context():
        make_endorsement(case_study, confirmed=True, approved=True)
        product = db.session.get(Product, case_study)
        data = product_data(product)
        data.metrics.insert(0, type(data.metrics[0])("sign-ups", "900"))
        update_product(product, data)
        product = db.session.get(Product, case_study)
        shown = endorsements.shown(product)
    # The result moved to second place, and its confirmation with it.
    assert list(shown) == ["result:2"]


def test_declined_and_withdrawn_never_show_and_a_withdrawn_link_stays_dead(
    logged_in_client, app, case_study
):
    with app.app_context():
        declined = make_endorsement(case_study, "role", name="Dee")
        withdrawn = make_endorsement(case_study, confirmed=True, approved=True)
        declined_token, withdrawn_token, declined_id = declined.token, withdrawn.token, declined.id
    reader = app.test_client()

    reader.post(f"/e/{declined_token}/decline",
                data={"csrf_token": reader.csrf_token(f"/e/{declined_token}")})  # fmt: skip
    logged_in_client.submit(f"/endorsements/{declined_id}/approve", page=f"/products/{case_study}")
    with app.app_context():
        assert db.session.get(Endorsement, declined_id).state == "declined"
        assert not db.session.get(Endorsement, declined_id).approved
    assert "You declined" in reader.get(f"/e/{declined_token}").get_data(as_text=True)

    assert CONFIRMED_BY in reader.get("/u/maker/queue-buddy").get_data(as_text=True)
    withdrawn_page = reader.post(
        f"/e/{withdrawn_token}/withdraw",
        data={"csrf_token": reader.csrf_token(f"/e/{withdrawn_token}")},
    )
    assert "Your confirmation is withdrawn" in withdrawn_page.get_data(as_text=True)
    assert reader.get(f"/e/{withdrawn_token}").status_code == 404
    public = reader.get("/u/maker/queue-buddy").get_data(as_text=True)
    assert CONFIRMED_BY not in public
    assert "Dee" not in public


def test_a_request_is_reminded_once_at_most(logged_in_client, app, outbox, case_study):
    with app.app_context():
        request_id = make_endorsement(case_study, email="eve@queue.example").id
    for _ in range(2):
        logged_in_client.submit(f"/endorsements/{request_id}/remind",
                                page=f"/products/{case_study}")  # fmt: skip
    assert len(outbox) == 1
    assert outbox[0].subject.startswith("Reminder:")
    assert "Remind them" not in logged_in_client.get(f"/products/{case_study}").get_data(
        as_text=True
    )


def test_an_unanswered_link_expires(today, app, case_study):
    with app.app_context():
        token = make_endorsement(case_study).token
    reader = app.test_client()
    with time_machine.travel(clock.now() + timedelta(days=30)):
        assert reader.get(f"/e/{token}").status_code == 200
    with time_machine.travel(clock.now() + timedelta(days=31)):
        assert reader.get(f"/e/{token}").status_code == 404


def test_an_endorsers_words_are_escaped(logged_in_client, app, case_study):
    with app.app_context():
        token = make_endorsement(case_study).token
    reader = app.test_client()
    endorse(reader, token, name="<b>Eve</b>", quote="<script>alert(1)</script>")
    logged_in_client.submit(f"/endorsements/{stored(app).id}/approve",
                            page=f"/products/{case_study}")  # fmt: skip
    page = reader.get("/u/maker/queue-buddy").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert "<b>Eve</b>" not in page


def test_deleting_a_request_deletes_the_endorsers_details(logged_in_client, app, case_study):
    with app.app_context():
        request_id = make_endorsement(case_study, email="eve@queue.example", confirmed=True).id
    logged_in_client.submit(f"/endorsements/{request_id}/delete", page=f"/products/{case_study}")
    assert stored(app) is None


def test_an_approved_confirmation_counts_as_evidence(app, user):
    with app.app_context():
        product_id = make_product(user.id, metrics=[("users", "10")])
        before = coach.readiness_of(user.id, [product_id])[product_id]
        make_endorsement(product_id, confirmed=True, approved=True)
        after = coach.readiness_of(user.id, [product_id])[product_id]
    evidence = {check.key: check.passed for check in before.checks}["evidence"]
    assert evidence is False
    assert {check.key: check.passed for check in after.checks}["evidence"] is True


def test_only_a_claim_the_case_study_makes_can_be_asked_about(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id)
    response = logged_in_client.submit(
        f"/products/{product_id}/endorsements", {"claim": "role", "asked_name": "Eve"},
        page=f"/products/{product_id}",
    )  # fmt: skip
    assert response.status_code == 302
    assert stored(app) is None
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert re.search(r"Add a result, your role or the outcome first", page)


def test_a_confirmation_covers_the_whole_result_as_readers_see_it(app, case_study):
    """Its baseline, window and target are part of what was confirmed."""
    with app.app_context():
        product = db.session.get(Product, case_study)
        data = product_data(product)
        data.metrics[0].baseline = "20"
        update_product(product, data)
        make_endorsement(case_study, confirmed=True, approved=True)
        product = db.session.get(Product, case_study)
        confirmed = endorsements.shown(product)["result:1"][0].confirmed_text
        data = product_data(product)
        data.metrics[0].baseline = "100"
        update_product(product, data)
        product = db.session.get(Product, case_study)
        assert endorsements.shown(product) == {}
    assert confirmed.startswith("weekly active users: 20 → 140")


def test_two_results_with_one_label_show_only_the_confirmed_one(app, user):
    with app.app_context():
        product_id = make_product(
            user.id, visibility="public", metrics=[("users", "140"), ("users", "900")]
        )
        make_endorsement(product_id, "result:2", confirmed=True, approved=True)
        shown = endorsements.shown(db.session.get(Product, product_id))
    assert list(shown) == ["result:2"]


def test_no_reminder_after_expiry_and_no_asking_again_while_waiting(
    logged_in_client, app, outbox, case_study
):
    with app.app_context():
        request = make_endorsement(case_study, email="eve@queue.example")
        request_id, token = request.id, request.token
    page = f"/products/{case_study}"
    logged_in_client.submit(f"/endorsements/{request_id}/ask-again", page=page)
    assert stored(app).token == token

    with app.app_context():
        db.session.get(Endorsement, request_id).expires_on = clock.today() - timedelta(days=1)
        db.session.commit()
    logged_in_client.submit(f"/endorsements/{request_id}/remind", page=page)
    assert outbox == []
    assert "Expired" in logged_in_client.get(page).get_data(as_text=True)
    logged_in_client.submit(f"/endorsements/{request_id}/ask-again", page=page)
    renewed = stored(app)
    assert renewed.token != token
    assert renewed.expires_on == clock.today() + timedelta(days=30)
    assert len(outbox) == 1


def test_only_a_confirmation_can_be_withdrawn(app, case_study):
    with app.app_context():
        token = make_endorsement(case_study).token
    reader = app.test_client()
    response = reader.post(
        f"/e/{token}/withdraw", data={"csrf_token": reader.csrf_token(f"/e/{token}")}
    )
    assert response.status_code == 303
    assert stored(app).state == "opened"
    assert reader.get(f"/e/{token}").status_code == 200


def test_a_name_on_two_lines_is_refused(app, case_study):
    with app.app_context():
        token = make_endorsement(case_study).token
    response = endorse(app.test_client(), token, name="Eve\r\nBcc: spam@example.com")
    assert "Use one line, without line breaks or tabs." in response.get_data(as_text=True)
    assert stored(app).state == "opened"
