"""A maker's time zone: chosen at sign-up from the browser, changed in Settings, and used
for every time their own pages show."""

import json
from datetime import UTC
from datetime import datetime

import pytest

from pm_portfolio.core.dates import known_time_zone
from pm_portfolio.core.dates import moment_label
from pm_portfolio.core.dates import time_zone_names
from pm_portfolio.extensions import db
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import User
from tests.clients import signed_in_maker
from tests.factories import PASSWORD
from tests.factories import make_product


@pytest.mark.parametrize(
    ("moment", "zone", "label"),
    [
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Asia/Tokyo", "1 Jan 2027, 08:30 JST"),
        (datetime(2028, 2, 29, 23, 59), "UTC", "29 Feb 2028, 23:59 UTC"),
        (datetime(2026, 3, 1, 0, 15, tzinfo=UTC), "America/New_York", "28 Feb 2026, 19:15 EST"),
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "Europe/Berlin", "1 Jul 2026, 14:00 CEST"),
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "Not/A_Zone", "1 Jul 2026, 12:00 UTC"),
    ],
)  # fmt: skip
def test_a_moment_reads_in_the_makers_zone_date_included(moment, zone, label):
    assert moment_label(moment, zone) == label


def test_the_zones_offered_are_real_places_and_utc():
    names = time_zone_names()
    assert {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires"} <= set(names)
    assert "posixrules" not in names
    assert "EST5EDT" not in names
    assert known_time_zone("../../etc/passwd") == "UTC"


@pytest.mark.parametrize(("sent", "stored"), [("Europe/Lisbon", "Europe/Lisbon"),
                                              ("", "UTC"), ("Mars/Olympus", "UTC")])  # fmt: skip
def test_sign_up_keeps_the_zone_the_browser_sent(app, client, sent, stored):
    form = {"email": "ada@example.com", "username": "ada", "password": PASSWORD,
            "confirm": PASSWORD, "time_zone": sent}  # fmt: skip
    client.submit("/register", form)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "ada"))
        assert user.time_zone == stored


def test_history_and_sessions_read_in_the_zone_chosen_in_settings(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id)
        moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
        db.session.add(
            ProductRevision(product_id=product_id, content={"title": "Bot"}, created_at=moment)
        )
        db.session.commit()

    assert logged_in_client.save_profile(time_zone="Asia/Tokyo").status_code == 302

    history = logged_in_client.get(f"/products/{product_id}/revisions").get_data(as_text=True)
    assert "1 Jan 2027, 08:30 JST" in history
    assert "JST" in logged_in_client.get("/settings/sessions").get_data(as_text=True)
    settings = logged_in_client.get("/settings").get_data(as_text=True)
    assert '<option selected value="Asia/Tokyo">Asia/Tokyo</option>' in settings


@pytest.mark.parametrize("backed_up", [None, "Mars/Olympus"])
def test_a_restore_keeps_the_accounts_zone_unless_the_backup_names_a_known_one(app, backed_up):
    maker, client = signed_in_maker(app)
    with app.app_context():
        db.session.get(User, maker.id).time_zone = "Europe/Lisbon"
        db.session.commit()
    profile = {"display_name": "Restored"} | ({"time_zone": backed_up} if backed_up else {})
    document = {"format": "pm-portfolio-backup", "format_version": 1, "profile": profile,
                "products": [], "learnings": []}  # fmt: skip

    response = client.upload("/settings/data/restore", "restore", json.dumps(document).encode(),
                             "backup.json")  # fmt: skip

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, maker.id).time_zone == "Europe/Lisbon"


def test_a_zone_not_on_the_list_is_refused(app, logged_in_client, user):
    response = logged_in_client.save_profile(time_zone="Mars/Olympus")
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).time_zone == "UTC"
