"""Applications in the backup: everything but the links' addresses, which a restore
makes anew."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from pm_portfolio.core import applications
from pm_portfolio.core import share_links
from pm_portfolio.core.applications import ContactData
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import LinkOpenKind
from tests.clients import signed_in_maker
from tests.factories import make_application
from tests.factories import make_product
from tests.test_exports import restore


def only_application_of(owner_id: int) -> Application:
    (application,) = db.session.scalars(
        db.select(Application).where(Application.user_id == owner_id)
    ).all()
    return application


BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone) Mobile Safari/604.1"}


def test_a_backup_carries_applications_but_no_link_address(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id, "Queue Buddy", slug="queue", visibility="public")
        application_id = make_application(
            user.id, [product_id], note="Hello Acme",
            contacts=[ContactData("Eve", "Recruiter", "eve@acme.example")],
            next_step="Call", next_step_on=date(2026, 12, 9),
        )  # fmt: skip
        link = db.session.get(Application, application_id).share_link
        share_links.record_open(
            link, datetime(2026, 12, 2, 9, 0, tzinfo=UTC), product_id, LinkOpenKind.PAGE
        )
        token = link.token

    content = logged_in_client.get("/export/backup.json").get_data()
    (item,) = logged_in_client.get("/export/backup.json").get_json()["applications"]

    assert token.encode() not in content
    assert item["link"] == {
        "case_studies": ["queue"],
        "note": "Hello Acme",
        "revoked_at": None,
        "opens": [{"at": "2026-12-02T09:00:00.000000+00:00", "case_study": "queue",
                   "kind": "page"}],
    }  # fmt: skip
    assert item["contacts"] == [
        {"name": "Eve", "role": "Recruiter", "email": "eve@acme.example", "linkedin_url": ""}
    ]

    person, copy = signed_in_maker(app)
    assert restore(copy, content).status_code == 302
    with app.app_context():
        restored = only_application_of(person.id)
        new_token = restored.share_link.token
        assert new_token != token
    reader = app.test_client()
    assert reader.get(f"/s/{new_token}", headers=BROWSER).status_code == 200
    assert "Hello Acme" in reader.get(f"/s/{new_token}", headers=BROWSER).get_data(as_text=True)
    assert reader.get(f"/s/{token}", headers=BROWSER).status_code == 200, "the original stays"


def test_a_revoked_link_is_restored_revoked(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id, visibility="public")
        application = db.session.get(Application, make_application(user.id, [product_id]))
        share_links.revoke_link(application.share_link, datetime(2026, 12, 1, tzinfo=UTC))
    content = logged_in_client.get("/export/backup.json").get_data()

    person, copy = signed_in_maker(app)
    assert restore(copy, content).status_code == 302
    with app.app_context():
        restored = only_application_of(person.id)
        token = restored.share_link.token
        assert restored.share_link.revoked_at.replace(tzinfo=UTC) == datetime(
            2026, 12, 1, tzinfo=UTC
        )
    assert app.test_client().get(f"/s/{token}", headers=BROWSER).status_code == 404


def test_a_link_showing_no_case_study_is_restored_with_its_note(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id, visibility="public")
        application = db.session.get(Application, make_application(user.id, [product_id]))
        applications.update_application(
            application,
            applications.ApplicationData(
                company="Acme", role="PM", stage="applied", note_to_reader="Still here"
            ),
            date(2026, 12, 2),
        )
    content = logged_in_client.get("/export/backup.json").get_data()

    person, copy = signed_in_maker(app)
    assert restore(copy, content).status_code == 302
    with app.app_context():
        restored = only_application_of(person.id)
        assert (restored.share_link.note, restored.share_link.items) == ("Still here", [])


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([{"stage": "applied"}], "application 1, row: A value is missing or wrong"),
        ([{"stage": "hired", "changed_on": "2026-12-01"}], "not a stage: hired"),
    ],
)
def test_a_bad_history_in_a_backup_is_named(app, logged_in_client, user, history, message):
    with app.app_context():
        make_application(user.id)
    document = logged_in_client.get("/export/backup.json").get_json()
    document["applications"][0]["history"] = history

    _person, copy = signed_in_maker(app)
    response = restore(copy, json.dumps(document).encode())

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_a_backup_from_before_applications_restores(app, logged_in_client):
    older = {"format": "pm-portfolio-backup", "format_version": 1, "profile": {},
             "products": [], "learnings": []}  # fmt: skip
    response = restore(logged_in_client, json.dumps(older).encode())
    assert response.status_code == 302


def test_a_restore_needs_an_account_without_applications(app, logged_in_client, user):
    with app.app_context():
        make_application(user.id)
    content = logged_in_client.get("/export/backup.json").get_data()

    response = restore(logged_in_client, content)

    assert response.status_code == 200
    assert "already has products, learnings, media or applications" in response.get_data(
        as_text=True
    )
