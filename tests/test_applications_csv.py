"""The applications CSV: exported as a job centre's proof of applying, and imported
back, all or nothing, with a preview."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import time_machine

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.core import share_links
from pm_portfolio.core.applications import move_stage
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import User
from tests.factories import PASSWORD
from tests.factories import make_application
from tests.factories import make_product
from tests.factories import make_user
from tests.test_exports import csv_bytes
from tests.test_exports import read_csv
from tests.test_exports import upload

# The header as the README documents it: a public contract, pinned here by hand.
APPLICATIONS_HEADER = (
    "company,role,posting_url,source,stage,applied_on,next_step,next_step_on,share_link,"
    "first_opened_on,last_opened_on,opens,stage_history,private_notes"
)
APPLICATION_COLUMNS = APPLICATIONS_HEADER.split(",")


@pytest.fixture
def job_search(app, user):
    """Two applications of the maker (one sent, opened twice), and another maker's."""
    with app.app_context():
        db.session.get(User, user.id).time_zone = "Asia/Tokyo"
        db.session.commit()
        product_id = make_product(user.id, "Queue Buddy", visibility="public")
        with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)):
            sent = make_application(
                user.id,
                [product_id],
                company='=HYPERLINK("https://evil.example")',
                role="APM",
                posting_url="https://jobs.lever.co/acme/1",
                private_notes="Salary: 60k\nSecond line",
                next_step="Call",
                next_step_on=date(2026, 12, 9),
            )
        with time_machine.travel(datetime(2026, 12, 5, 9, 0, tzinfo=UTC)):
            move_stage(db.session.get(Application, sent), "interview", date(2026, 12, 5))
        link = db.session.get(Application, sent).share_link
        # 16:00 UTC on 2 December is 3 December in Tokyo.
        share_links.record_open(
            link, datetime(2026, 12, 2, 16, 0, tzinfo=UTC), product_id, LinkOpenKind.PAGE
        )
        share_links.record_open(link, datetime(2026, 12, 6, 1, 0, tzinfo=UTC), None, "pdf")
        with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)):
            make_application(user.id, company="Quiet Co", role="PM", stage="saved")
        make_application(make_user().id, company="Not mine")
        return {"token": link.token}


def test_the_readme_documents_the_header_row():
    assert f"`{APPLICATIONS_HEADER}`" in (PROJECT_ROOT / "README.md").read_text()


def test_applications_csv(logged_in_client, job_search):
    response = logged_in_client.get("/export/applications.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert (
        response.get_data().split(b"\r\n", 1)[0] == b"\xef\xbb\xbf" + APPLICATIONS_HEADER.encode()
    )
    sent, quiet = read_csv(response)
    assert sent == {
        "company": '\'=HYPERLINK("https://evil.example")',
        "role": "APM",
        "posting_url": "https://jobs.lever.co/acme/1",
        "source": "lever",
        "stage": "interview",
        "applied_on": "2026-12-01",
        "next_step": "Call",
        "next_step_on": "2026-12-09",
        "share_link": f"http://localhost/s/{job_search['token']}",
        "first_opened_on": "2026-12-03",
        "last_opened_on": "2026-12-06",
        "opens": "2",
        "stage_history": "2026-12-01 applied; 2026-12-05 interview",
        "private_notes": "Salary: 60k\nSecond line",
    }
    assert quiet["company"] == "Quiet Co"
    assert quiet["stage_history"] == "2026-12-03 saved"
    assert quiet["share_link"] == quiet["first_opened_on"] == ""
    assert quiet["opens"] == "0"


def test_the_same_file_imported_again_changes_nothing(logged_in_client, app, job_search):
    exported = logged_in_client.get("/export/applications.csv").get_data()

    response = upload(logged_in_client, exported, kind="applications")

    assert response.status_code == 302
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Unchanged</dt><dd>2</dd>", preview)
    assert "Nothing would change" in preview


def test_import_creates_and_updates_all_at_once(hard_day, app, auth, client, job_search, user):
    auth.login(user.username, PASSWORD)
    rows = [
        {
            "company": '\'=HYPERLINK("https://evil.example")',
            "role": "apm",
            "posting_url": "https://jobs.lever.co/acme/1",
            "stage": "offer",
            "applied_on": "2026-12-01",
            "stage_history": "2026-12-01 applied; 2026-12-05 interview; 2026-12-20 offer",
            "private_notes": "Offer!",
            "share_link": "ignored",
            "opens": "999",
            "source": "linkedin",
        },
        {
            "company": "New Co",
            "role": "Growth PM",
            "posting_url": "wellfound.com/jobs/9",
            "stage": "applied",
            "applied_on": "2026-11-02",
            "stage_history": "2026-11-01 saved; 2026-11-02 applied",
        },
    ]

    response = upload(client, csv_bytes(APPLICATION_COLUMNS, rows), kind="applications")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"To create</dt><dd>1</dd>", preview)
    assert re.search(r"To update</dt><dd>1</dd>", preview)
    confirmed = client.submit(response.headers["Location"])

    assert confirmed.headers["Location"] == "/applications"
    with app.app_context():
        mine = {
            application.company: application
            for application in db.session.scalars(
                db.select(Application).where(Application.user_id == user.id)
            )
        }
        assert len(mine) == 3
        updated = mine['=HYPERLINK("https://evil.example")']
        assert (updated.stage, updated.private_notes, updated.role) == ("offer", "Offer!", "apm")
        assert [(c.changed_on.isoformat(), c.stage) for c in updated.history][-1] == (
            "2026-12-20",
            "offer",
        )
        assert updated.share_link.token == job_search["token"], "the link is not in the CSV"
        created = mine["New Co"]
        assert created.source == "wellfound"
        assert created.posting_url == "https://wellfound.com/jobs/9"
        assert [(c.changed_on, c.stage) for c in created.history] == [
            (date(2026, 11, 1), "saved"),
            (date(2026, 11, 2), "applied"),
        ]
        assert created.share_link is None
        assert db.session.scalars(db.select(ImportDraft)).all() == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"company": ""}, "line 2, company: Name the company."),
        ({"stage": "hired"}, "line 2, stage: Not a valid choice."),
        ({"stage_history": "yesterday applied"}, "line 2, stage_history: Write it as"),
        ({"stage_history": "2026-12-01 hired"}, "line 2, stage_history: Not a stage: hired."),
        ({"stage_history": "2026-12-01 saved"}, "Its last entry must be the application's stage"),
        (
            {"stage_history": "2026-12-05 saved; 2026-12-01 applied"},
            "List the changes oldest first.",
        ),
        ({"applied_on": "1 Dec"}, "line 2, applied_on: Enter a date as YYYY-MM-DD"),
    ],
)
def test_bad_rows_are_listed_and_nothing_is_written(logged_in_client, app, values, message):
    row = {"company": "Acme", "role": "PM", "stage": "applied", **values}

    response = upload(logged_in_client, csv_bytes(APPLICATION_COLUMNS, [row]), "applications")
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)

    assert message in preview.replace("&#39;", "'")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_the_same_application_twice_in_a_file_is_refused(logged_in_client):
    rows = [{"company": "Acme", "role": "PM", "stage": "saved"}] * 2

    response = upload(logged_in_client, csv_bytes(APPLICATION_COLUMNS, rows), "applications")
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)

    assert "line 3, company: The same application is on line 2." in preview


def test_a_row_without_a_history_that_changes_nothing_is_unchanged(app, logged_in_client, user):
    with app.app_context():
        make_application(user.id, company="Acme", role="PM", stage="applied",
                         applied_on=date(2026, 11, 2))  # fmt: skip
    row = {"company": "acme", "role": "pm", "stage": "applied", "applied_on": "2026-11-02"}

    response = upload(logged_in_client, csv_bytes(APPLICATION_COLUMNS, [row]), "applications")
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)

    # Company and role match in any case, but the case is part of what a row sets.
    assert re.search(r"To update</dt><dd>1</dd>", preview)
    row.update(company="Acme", role="PM")
    response = upload(logged_in_client, csv_bytes(APPLICATION_COLUMNS, [row]), "applications")
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Unchanged</dt><dd>1</dd>", preview)
