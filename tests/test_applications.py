"""Applications: the board, the form, stages and their history, the employer's link and
what its readers did, and the dashboard's follow-ups."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

from pm_portfolio.core import applications
from pm_portfolio.core import share_links
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.factories import make_application
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import counted_queries

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone) Mobile Safari/604.1"}
ROBOT = {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}


@pytest.fixture
def case_studies(app, user):
    """Three products of the maker: two that may be sent, one private."""
    with app.app_context():
        return {
            "queue": make_product(user.id, "Queue Buddy", slug="queue-buddy", visibility="public"),
            "standup": make_product(
                user.id, "Standup Bot", slug="standup-bot", visibility="unlisted"
            ),
            "diary": make_product(user.id, "Secret Diary", slug="diary", visibility="private"),
        }


def application_form(products: dict[str, int] | None = None, **overrides) -> dict:
    """The application form as a browser sends it; `products` ticks these case studies
    (name → product id) in this order."""
    data = {
        "company": "Acme",
        "role": "Associate Product Manager",
        "posting_url": "boards.greenhouse.io/acme/jobs/123",
        "stage": "applied",
        "applied_on": "",
        "next_step": "",
        "next_step_on": "",
        "next_step_time": "",
        "private_notes": "",
        "note_to_reader": "",
    }
    for index, product_id in enumerate((products or {}).values()):
        data[f"case_studies-{index}-product_id"] = str(product_id)
        data[f"case_studies-{index}-include"] = "y"
        data[f"case_studies-{index}-position"] = str(index + 1)
    data.update(overrides)
    return data


def saved_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def link_of(app, application_id: int) -> ShareLink:
    with app.app_context():
        application = db.session.get(Application, application_id)
        link = application.share_link
        db.session.expunge_all()
        return link


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://boards.greenhouse.io/acme/jobs/123", "greenhouse"),
        ("https://job-boards.greenhouse.io/acme/jobs/123", "greenhouse"),
        ("https://jobs.lever.co/acme/abc", "lever"),
        ("https://jobs.ashbyhq.com/acme/abc", "ashby"),
        ("https://apply.workable.com/acme/j/ABC/", "workable"),
        ("https://wellfound.com/jobs/123-pm", "wellfound"),
        ("https://www.linkedin.com/jobs/view/123", "linkedin"),
        ("https://acme.com/careers/pm", "company"),
        ("https://notgreenhouse.io/jobs", "company"),
        ("https://greenhouse.io.evil.example/jobs", "company"),
        ("", "company"),
    ],
)
def test_the_site_is_read_from_the_posting_address(url, source):
    assert applications.detect_source(url) == source


def test_add_an_application_with_two_case_studies_and_a_note(
    today, app, logged_in_client, case_studies
):
    chosen = {"standup": case_studies["standup"], "queue": case_studies["queue"]}
    response = logged_in_client.submit(
        "/applications/new",
        application_form(chosen, note_to_reader="Hi Acme: the two closest to your role."),
        page="/applications/new",
    )
    application_id = saved_id(response)

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.source == "greenhouse"
        assert application.posting_url == "https://boards.greenhouse.io/acme/jobs/123"
        assert application.applied_on == today
        assert [(change.stage, change.changed_on) for change in application.history] == [
            ("applied", today)
        ]
        link = application.share_link
        assert [item.product_id for item in link.items] == list(chosen.values())
        assert link.note == "Hi Acme: the two closest to your role."
        assert len(link.token) >= 43

    page = logged_in_client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Associate Product Manager" in page
    assert f"/s/{link.token}" in page
    assert "Greenhouse" in page
    assert "Not opened yet." in page


def test_an_application_without_case_studies_has_no_link(app, logged_in_client, case_studies):
    application_id = saved_id(
        logged_in_client.submit("/applications/new", application_form(stage="saved"))
    )
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.share_link is None
        assert application.applied_on is None
    page = logged_in_client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "No link yet." in page


def test_only_public_or_unlisted_case_studies_can_be_sent(app, logged_in_client, case_studies):
    with app.app_context():
        someone_else = make_product(make_user().id, visibility="public")
    for product_id in (case_studies["diary"], someone_else):
        response = logged_in_client.submit("/applications/new", application_form({"x": product_id}))
        assert response.status_code == 200
        assert "Choose among your public and unlisted products." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"company": ""}, "Name the company."),
        ({"role": ""}, "Name the role."),
        ({"stage": "hired"}, "Not a valid choice."),
        ({"posting_url": "javascript:alert(1)"}, "Enter a web address"),
        ({"next_step_on": "2026-07-01"}, "Say what the next step is, or clear its date."),
        ({"next_step": "Call", "next_step_time": "14:30"}, "Choose the day of the next step too."),
        ({"contacts-0-email": "not an address"}, "Enter an address like eve@acme.com."),
        ({"note_to_reader": "Hi"}, "The note goes with the case studies: choose at least one."),
        (
            {"next_step": "Call", "next_step_on": "2026-07-01", "next_step_time": "25:00"},
            "Enter a time as HH:MM, e.g. 14:30.",
        ),
    ],
)
def test_application_form_validation(app, logged_in_client, overrides, message):
    response = logged_in_client.submit("/applications/new", application_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_the_employer_sees_the_note_and_case_studies_and_nothing_private(
    app, logged_in_client, case_studies, user
):
    with app.app_context():
        make_application(user.id, [case_studies["queue"]], company="Other Co PRIVATE-OTHER")
    application_id = saved_id(
        logged_in_client.submit(
            "/applications/new",
            application_form(
                {"queue": case_studies["queue"]},
                company="Acme PRIVATE-COMPANY",
                role="PM PRIVATE-ROLE",
                private_notes="PRIVATE-NOTES salary talk",
                note_to_reader="Hello from the maker",
                next_step="PRIVATE-NEXT-STEP",
                next_step_on="2030-01-02",
                **{
                    "contacts-0-name": "Eve PRIVATE-CONTACT",
                    "contacts-0-email": "eve.private@acme.example",
                },
            ),
        )
    )
    token = link_of(app, application_id).token
    reader = app.test_client()
    pages = [
        reader.get(f"/s/{token}", headers=BROWSER),
        reader.get(f"/s/{token}/queue-buddy", headers=BROWSER),
        reader.get(f"/s/{token}/card.png", headers=BROWSER),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    html = pages[0].get_data(as_text=True)
    assert "Hello from the maker" in html
    assert "Queue Buddy" in html
    assert "Standup Bot" not in html
    for page in pages:
        body = page.get_data()
        for marker in (b"PRIVATE-", b"eve.private", b"salary", b"applied", b"Applied"):
            assert marker not in body, f"{marker!r} leaked to {page.request.path}"


def test_the_open_log_says_what_the_employer_opened(
    app, logged_in_client, case_studies, user, pdf_renderer
):
    with app.app_context():
        application_id = make_application(user.id, [case_studies["queue"], case_studies["standup"]])
    token = link_of(app, application_id).token
    reader = app.test_client()
    moment = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        assert reader.get(f"/s/{token}", headers=BROWSER).status_code == 200
    with time_machine.travel(moment + timedelta(minutes=5), tick=False):
        assert reader.get(f"/s/{token}/standup-bot", headers=BROWSER).status_code == 200
    with time_machine.travel(moment + timedelta(minutes=20), tick=False):
        pdf = reader.get(f"/s/{token}/standup-bot.pdf", headers=BROWSER)
        assert pdf.status_code == 200
    # A second visit the next day, answered from the reader's cache (304), still counts.
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        again = reader.get(
            f"/s/{token}/standup-bot",
            headers={**BROWSER, "If-None-Match": pages_etag(reader, token)},
        )
        assert again.status_code == 304
    # Neither robots nor the maker are logged.
    reader.get(f"/s/{token}", headers=ROBOT)
    logged_in_client.get(f"/s/{token}", headers=BROWSER)

    with app.app_context():
        activity = applications.link_activity(
            db.session.get(Application, application_id).share_link
        )
    assert activity.opens == 4
    assert activity.first_opened_at.replace(tzinfo=UTC) == moment
    assert activity.last_opened_at.replace(tzinfo=UTC) == moment + timedelta(days=1)
    assert activity.visits == 2
    assert activity.pdf_downloads == 1
    assert [(opened.title, opened.opens) for opened in activity.products] == [("Standup Bot", 2)]

    page = logged_in_client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "2 Dec 2026, 09:00 UTC" in page
    assert "Standup Bot" in page
    assert "Downloaded" in page


def pages_etag(reader, token: str) -> str:
    return reader.get(f"/s/{token}/standup-bot", headers=ROBOT).headers["ETag"]


@pytest.mark.parametrize(("gap_minutes", "visits"), [(29, 1), (30, 2), (300, 2)])
def test_a_visit_ends_after_half_an_hour_without_opens(app, user, gap_minutes, visits):
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with app.app_context():
        product_id = make_product(user.id, visibility="public")
        application_id = make_application(user.id, [product_id])
        link = db.session.get(Application, application_id).share_link
        for minutes in (0, 10, 10 + gap_minutes):
            db.session.add(
                ShareLinkOpen(share_link_id=link.id, opened_at=start + timedelta(minutes=minutes))
            )
        db.session.commit()
        assert applications.link_activity(link).visits == visits


def test_moving_a_card_records_the_history(hard_day, app, logged_in_client, user):
    with app.app_context():
        application_id = make_application(user.id, stage="saved")
    token = logged_in_client.csrf_token("/applications")

    response = logged_in_client.post(
        f"/applications/{application_id}/stage",
        data={"csrf_token": token, "stage": "applied", "back": "board"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications#application-{application_id}")
    closed = logged_in_client.post(
        f"/applications/{application_id}/stage",
        data={"csrf_token": token, "stage": "applied", "back": "closed"},
    )
    assert closed.headers["Location"].endswith(
        f"/applications?show=closed#application-{application_id}"
    )
    logged_in_client.post(
        f"/applications/{application_id}/stage", data={"csrf_token": token, "stage": "interview"}
    )
    # Moving to the stage it is at already adds nothing.
    logged_in_client.post(
        f"/applications/{application_id}/stage", data={"csrf_token": token, "stage": "interview"}
    )
    logged_in_client.post(
        f"/applications/{application_id}/stage", data={"csrf_token": token, "stage": "hired"}
    )

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.stage == "interview"
        assert application.applied_on == hard_day
        assert [(change.stage, change.changed_on) for change in application.history] == [
            ("saved", hard_day),
            ("applied", hard_day),
            ("interview", hard_day),
        ]
    page = logged_in_client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert page.count(f"{hard_day.day} {hard_day:%b %Y}</time>: ") == 3


def test_the_board_groups_by_stage_and_the_table_sorts(app, logged_in_client, user):
    with app.app_context():
        make_application(user.id, company="Zeta", stage="interview")
        make_application(user.id, company="Alpha", stage="applied")
        make_application(user.id, company="Gone Co", stage="rejected")

    board = logged_in_client.get("/applications").get_data(as_text=True)
    assert "Active (2)" in board
    assert "Closed (1)" in board
    columns = re.findall(r'<h2 class="board__heading" id="stage-(\w+)">', board)
    assert columns == ["saved", "applied", "screening", "interview", "offer"]
    assert board.index("Alpha") < board.index("Zeta")
    assert "Gone Co" not in board

    closed = logged_in_client.get("/applications?show=closed").get_data(as_text=True)
    assert "Gone Co" in closed
    assert "Alpha" not in closed

    by_company = logged_in_client.get("/applications?view=table&sort=company").get_data(
        as_text=True
    )
    assert by_company.index("Alpha") < by_company.index("Zeta")
    by_stage = logged_in_client.get("/applications?view=table&sort=stage").get_data(as_text=True)
    assert by_stage.index("Alpha") < by_stage.index("Zeta")
    # An unknown sort falls back to the stage.
    assert logged_in_client.get("/applications?view=table&sort=x").status_code == 200


def test_edit_keeps_the_link_and_changes_what_it_shows(app, logged_in_client, case_studies, user):
    with app.app_context():
        application_id = make_application(user.id, [case_studies["queue"]], note="First note")
    token = link_of(app, application_id).token
    form_page = logged_in_client.get(f"/applications/{application_id}/edit")
    assert "First note" in form_page.get_data(as_text=True)

    response = logged_in_client.submit(
        f"/applications/{application_id}/edit",
        application_form(
            {"standup": case_studies["standup"]}, note_to_reader="Second note", stage="screening"
        ),
    )
    assert saved_id(response) == application_id
    link = link_of(app, application_id)
    assert link.token == token
    shared = app.test_client().get(f"/s/{token}", headers=BROWSER).get_data(as_text=True)
    assert "Second note" in shared
    assert "Standup Bot" in shared
    assert "Queue Buddy" not in shared


def test_revoke_and_renew_the_link(app, logged_in_client, case_studies, user):
    with app.app_context():
        application_id = make_application(user.id, [case_studies["queue"]])
    old = link_of(app, application_id).token
    reader = app.test_client()
    reader.get(f"/s/{old}", headers=BROWSER)
    token = logged_in_client.csrf_token(f"/applications/{application_id}")

    logged_in_client.post(f"/applications/{application_id}/link/revoke", data={"csrf_token": token})
    assert reader.get(f"/s/{old}", headers=BROWSER).status_code == 404
    page = logged_in_client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "This link is revoked" in page
    assert "Not opened yet." not in page, "revoking lost what the reader did"

    logged_in_client.post(f"/applications/{application_id}/link/renew", data={"csrf_token": token})
    new = link_of(app, application_id).token
    assert new != old
    assert reader.get(f"/s/{old}", headers=BROWSER).status_code == 404
    assert reader.get(f"/s/{new}", headers=BROWSER).status_code == 200


def test_deleting_an_application_kills_its_link_for_good(app, logged_in_client, case_studies, user):
    with app.app_context():
        application_id = make_application(user.id, [case_studies["queue"]])
    link = link_of(app, application_id)
    app.test_client().get(f"/s/{link.token}", headers=BROWSER)

    response = logged_in_client.submit(
        f"/applications/{application_id}/delete", page=f"/applications/{application_id}/delete"
    )
    assert response.status_code == 302
    assert app.test_client().get(f"/s/{link.token}", headers=BROWSER).status_code == 404
    assert logged_in_client.get(f"/applications/{application_id}").status_code == 404
    with app.app_context():
        # Nothing of it is kept: the link's name and note said the company and role.
        assert db.session.get(ShareLink, link.id) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(ShareLinkOpen)) == 0


def test_an_applications_link_is_managed_on_the_application(
    app, logged_in_client, case_studies, user
):
    with app.app_context():
        application_id = make_application(user.id, [case_studies["queue"]])
    link = link_of(app, application_id)
    assert link.token not in logged_in_client.get("/share-links").get_data(as_text=True)
    assert logged_in_client.get(f"/share-links/{link.id}/edit").status_code == 404
    assert logged_in_client.get(f"/share-links/{link.id}/revoke").status_code == 404


def test_the_dashboard_lists_follow_ups_with_a_message_ready(today, app, logged_in_client, user):
    week_ago = today - timedelta(days=7)
    with app.app_context():
        queue = make_product(user.id, "Queue Buddy", visibility="public")
        quiet = make_application(user.id, [queue], company="Quiet Co", applied_on=week_ago)
        opened = make_application(
            user.id,
            [queue],
            company="Acme",
            applied_on=week_ago,
            contacts=[applications.ContactData("Eve Recruiter", email="eve@acme.example")],
        )
        make_application(user.id, [queue], company="Fresh Co", applied_on=today)
        make_application(
            user.id,
            company="Call Co",
            next_step="Call with Eve",
            next_step_on=today + timedelta(days=3),
        )
        make_application(
            user.id, [queue], company="Rejected Co", applied_on=week_ago, stage="rejected"
        )
        opened_token = db.session.get(Application, opened).share_link.token
    with time_machine.travel(
        datetime.combine(today - timedelta(days=5), datetime.min.time(), UTC) + timedelta(hours=10)
    ):
        app.test_client().get(f"/s/{opened_token}", headers=BROWSER)

    page = logged_in_client.get("/dashboard").get_data(as_text=True)

    assert "Quiet Co has not opened your case studies yet" in page
    opened_on = today - timedelta(days=5)
    assert (
        f"Acme opened it on {opened_on.day} {opened_on:%b %Y}: a good moment to follow up." in page
    )
    assert "Call Co: “Call with Eve” is due on" in page
    assert "Fresh Co" not in page
    assert "Rejected Co" not in page
    assert "mailto:eve%40acme.example?subject=Product%20Manager%20application" in page
    assert "Hello Eve," in page
    assert f"/applications/{quiet}" in page


def test_the_dashboard_and_board_cost_the_same_however_many_applications(
    app, logged_in_client, user
):
    def statements() -> list[int]:
        counts = []
        for path in ("/dashboard", "/applications", "/applications?view=table"):
            with counted_queries(app) as executed:
                assert logged_in_client.get(path).status_code == 200
            counts.append(len(executed))
        return counts

    long_ago = date(2026, 1, 1)
    with app.app_context():
        product_id = make_product(user.id, visibility="public")
        make_application(user.id, [product_id], applied_on=long_ago)
    few = statements()
    with app.app_context():
        for number in range(15):
            make_application(
                user.id,
                [product_id],
                company=f"Co {number}",
                applied_on=long_ago,
                next_step="Call",
                next_step_on=long_ago,
                contacts=[applications.ContactData("Ann", email="a@b.example")],
            )
    assert statements() == few


def test_a_stage_is_dated_by_the_makers_own_day(app, user, client):
    with app.app_context():
        db.session.get(User, user.id).time_zone = "Asia/Tokyo"
        db.session.commit()
    # 23:30 UTC on 31 December is 08:30 on 1 January in Tokyo.
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
        with app.app_context():
            application_id = make_application(user.id, stage="saved")
        AuthActions(client).login(user.username, user.password)
        client.submit(f"/applications/{application_id}/stage", {"stage": "applied"},
                      page="/applications")  # fmt: skip

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.applied_on == date(2027, 1, 1)
        assert application.history[-1].changed_on == date(2027, 1, 1)


def test_an_application_page_costs_the_same_however_many_case_studies(app, logged_in_client, user):
    def statements(application_id: int) -> int:
        with counted_queries(app) as executed:
            assert logged_in_client.get(f"/applications/{application_id}").status_code == 200
        return len(executed)

    with app.app_context():
        products = [make_product(user.id, visibility="public") for _ in range(6)]
        one = make_application(user.id, products[:1], company="One")
        six = make_application(user.id, products, company="Six")
        for application_id in (one, six):
            link = db.session.get(Application, application_id).share_link
            for product_id in products:
                share_links.record_open(link, datetime(2026, 12, 2, tzinfo=UTC), product_id,
                                        "page")  # fmt: skip

    assert statements(one) == statements(six)
