"""Next steps in calendars: one application's as an .ics file, and every upcoming one
in a private feed that calendar apps subscribe to without a session."""

import re
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from pm_portfolio.core import calendar
from pm_portfolio.core.applications import ContactData
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import make_application


def events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def berlin_maker(app, user):
    with app.app_context():
        db.session.get(User, user.id).time_zone = "Europe/Berlin"
        db.session.commit()
    return user


def test_a_next_step_downloads_as_an_event_in_the_makers_time_zone(
    today, app, berlin_maker, logged_in_client
):
    with app.app_context():
        application_id = make_application(
            berlin_maker.id,
            company="Acme",
            role="APM",
            next_step="Call with Eve",
            next_step_on=date(2026, 6, 18),
            next_step_time=time(14, 30),
        )

    response = logged_in_client.get(f"/applications/{application_id}/next-step.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="next-step-{application_id}.ics"'
    )
    (event,) = events(response.data)
    assert str(event["summary"]) == "Call with Eve — Acme"
    start = event.decoded("dtstart")
    assert start == datetime(2026, 6, 18, 14, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert start.utcoffset() == timedelta(hours=2)
    assert event.decoded("dtend") - start == timedelta(minutes=30)
    assert str(event["uid"]).startswith(f"next-step-{application_id}@")
    assert b"BEGIN:VTIMEZONE" in response.data
    assert b"TZID:Europe/Berlin" in response.data


def test_a_next_step_without_a_time_is_an_all_day_event(today, app, user, logged_in_client):
    with app.app_context():
        application_id = make_application(
            user.id, next_step="Send the take-home", next_step_on=date(2026, 6, 20)
        )
        no_step = make_application(user.id)

    (event,) = events(logged_in_client.get(f"/applications/{application_id}/next-step.ics").data)

    assert event.decoded("dtstart") == date(2026, 6, 20)
    assert event.decoded("dtend") == date(2026, 6, 21)
    assert logged_in_client.get(f"/applications/{no_step}/next-step.ics").status_code == 404


def test_the_feed_lists_upcoming_next_steps_and_nothing_private(
    hard_day, app, user, logged_in_client
):
    with app.app_context():
        make_application(
            user.id,
            company="Soon Co",
            next_step="Call",
            next_step_on=hard_day + timedelta(days=2),
            private_notes="PRIVATE-NOTES",
            contacts=[ContactData("Eve PRIVATE", email="eve@private.example")],
        )
        make_application(
            user.id,
            company="Today Co",
            next_step="Interview",
            next_step_on=hard_day,
            next_step_time=time(23, 30),
        )
        make_application(
            user.id,
            company="Past Co",
            next_step="Old call",
            next_step_on=hard_day - timedelta(days=3),
        )
        make_application(
            user.id,
            company="Closed Co",
            stage="rejected",
            next_step="Call",
            next_step_on=hard_day + timedelta(days=1),
        )

    response = logged_in_client.submit("/settings/calendar", page="/settings/calendar")
    assert response.status_code == 302
    page = logged_in_client.get("/settings/calendar").get_data(as_text=True)
    feed = app.test_client().get(feed_path(page))

    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    summaries = [str(event["summary"]) for event in events(feed.data)]
    assert summaries == ["Interview — Today Co", "Call — Soon Co"]
    for private in (b"PRIVATE", b"eve@", b"/s/"):
        assert private not in feed.data


def feed_path(page: str) -> str:
    """The path of the one feed address a settings page shows."""
    (address,) = re.findall(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', page)
    return address


def test_a_new_or_revoked_feed_address_kills_the_old_one(app, user, logged_in_client):
    with app.app_context():
        old = calendar.renew_feed(user.id).token
    reader = app.test_client()
    assert reader.get(f"/calendar/{old}.ics").status_code == 200

    logged_in_client.submit("/settings/calendar", page="/settings/calendar")
    with app.app_context():
        new = calendar.feed_of(user.id).token
    assert new != old
    assert reader.get(f"/calendar/{old}.ics").status_code == 404
    assert reader.get(f"/calendar/{new}.ics").status_code == 200

    logged_in_client.submit("/settings/calendar/revoke", page="/settings/calendar")
    assert reader.get(f"/calendar/{new}.ics").status_code == 404
    assert "Make my calendar address" in logged_in_client.get("/settings/calendar").get_data(
        as_text=True
    )
