"""Follow-up reminders: opted into, looked at once a maker's day from 08:00 in their zone,
each follow-up told once, none when nothing is due, and left in one click (RFC 8058)."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

from pm_portfolio import clock
from pm_portfolio.core import applications
from pm_portfolio.core import reminders
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import FollowUpCheck
from pm_portfolio.models import User
from tests.factories import make_application
from tests.factories import make_product
from tests.factories import make_user

# A Wednesday, 08:30 in Berlin (CEST).
MORNING = datetime(2026, 6, 17, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2026, 6, 17, 7, 59, tzinfo=UTC), "UTC", None),
        (datetime(2026, 6, 17, 8, 0, tzinfo=UTC), "UTC", date(2026, 6, 17)),
        (datetime(2026, 6, 17, 6, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 6, 17)),
        (datetime(2026, 6, 16, 23, 30, tzinfo=UTC), "Asia/Tokyo", date(2026, 6, 17)),
        (datetime(2026, 6, 17, 14, 0, tzinfo=UTC), "America/Los_Angeles", None),
        (datetime(2027, 1, 1, 8, 5, tzinfo=UTC), "UTC", date(2027, 1, 1)),
        (datetime(2028, 2, 29, 23, 40, tzinfo=UTC), "UTC", date(2028, 2, 29)),
    ],
)
def test_a_makers_day_is_looked_at_from_eight_where_they_are(now, zone, expected):
    assert reminders.check_day(now, zone) == expected


@pytest.fixture
def makers(app):
    """Ada opted in: Acme never opened the link sent ten days ago, and Globex's interview
    is on Friday. Quinn opted in with nothing due; Otto did not opt in."""
    with time_machine.travel(MORNING - timedelta(days=10)), app.app_context():
        confirmed = {"email_verified_at": clock.now(), "time_zone": "Europe/Berlin"}
        ada = make_user(username="ada", email="ada@example.com", **confirmed,
                        follow_up_reminders=True)  # fmt: skip
        quinn = make_user(username="quinn", email="quinn@example.com", **confirmed,
                          follow_up_reminders=True)  # fmt: skip
        otto = make_user(username="otto", email="otto@example.com", **confirmed)
        product_id = make_product(ada.id, title="Queue Buddy", visibility="public")
        make_application(ada.id, [product_id], company="Acme", applied_on=clock.today())
        make_application(
            ada.id,
            company="Globex",
            stage="interview",
            applied_on=clock.today(),
            next_step="Interview with the team",
            next_step_on=date(2026, 6, 19),
        )
        make_application(quinn.id, company="Initech", applied_on=date(2026, 6, 16))
        otto_product_id = make_product(otto.id, title="Shelf", visibility="public")
        make_application(otto.id, [otto_product_id], company="Umbrella", applied_on=clock.today())
    return ada, quinn, otto


def test_reminders_send_twice_tells_the_due_follow_up_once(app, runner, outbox, makers):
    _ada, _quinn, _otto = makers
    with time_machine.travel(MORNING):
        first = runner.invoke(args=["reminders", "send"])
        second = runner.invoke(args=["reminders", "send"])

    assert "Looked at the follow-ups of 2 makers." in first.output
    assert "Looked at the follow-ups of 0 makers." in second.output
    [message] = outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Follow up today: Acme"
    assert "Acme has not opened your case studies yet" in message.body
    # Friday's interview is two days off: told on Thursday morning, not yet.
    assert "Globex" not in message.body
    with app.app_context():
        acme = db.session.scalar(db.select(Application).where(Application.company == "Acme"))
    assert f"/applications/{acme.id}" in message.body
    assert f"/applications/{acme.id}" in message.alternatives[0][0]


def test_a_later_day_tells_only_what_is_new(app, runner, outbox, makers):
    with time_machine.travel(MORNING):
        runner.invoke(args=["reminders", "send"])
    with time_machine.travel(MORNING + timedelta(days=1)):
        runner.invoke(args=["reminders", "send"])
    with time_machine.travel(MORNING + timedelta(days=2)):
        runner.invoke(args=["reminders", "send"])

    assert [message.subject for message in outbox] == [
        "Follow up today: Acme",
        "Follow up today: Globex",
    ]
    assert "“Interview with the team” is due on" in outbox[1].body
    assert "Acme" not in outbox[1].body


def test_a_next_step_moved_to_another_day_is_told_again(app, runner, outbox, makers):
    _ada, _quinn, _otto = makers
    with time_machine.travel(MORNING + timedelta(days=1)):
        runner.invoke(args=["reminders", "send"])
    with app.app_context():
        globex = db.session.scalar(db.select(Application).where(Application.company == "Globex"))
        globex.next_step_on = date(2026, 6, 20)
        db.session.commit()
    with time_machine.travel(MORNING + timedelta(days=2)):
        runner.invoke(args=["reminders", "send"])

    assert [message.subject for message in outbox] == [
        "Follow up today: Globex, Acme",
        "Follow up today: Globex",
    ]


def test_nothing_is_sent_before_eight_or_to_an_unconfirmed_address(app, runner, outbox, makers):
    ada, _quinn, _otto = makers
    with time_machine.travel(MORNING - timedelta(hours=1)):
        result = runner.invoke(args=["reminders", "send"])
    assert "Looked at the follow-ups of 0 makers." in result.output
    with app.app_context():
        db.session.get(User, ada.id).email_verified_at = None
        db.session.commit()
    with time_machine.travel(MORNING):
        runner.invoke(args=["reminders", "send"])
    assert outbox == []


def test_a_day_is_claimed_once_and_old_claims_are_pruned(app, makers):
    ada, _quinn, _otto = makers
    with app.app_context():
        assert reminders.claim(ada.id, date(2026, 6, 17)) is True
        assert reminders.claim(ada.id, date(2026, 6, 17)) is False
        assert reminders.claim(ada.id, date(2026, 6, 18)) is True
        # Many at once; one taken meanwhile is left out, and the others still claimed.
        wanted = [
            (ada.id, date(2026, 6, 19)),
            (ada.id, date(2026, 6, 18)),
            (ada.id, date(2026, 6, 20)),
        ]
        assert reminders.claim_many(wanted) == [wanted[0], wanted[2]]
        reminders.prune_checks(datetime(2026, 6, 21, 9, 0, tzinfo=UTC))
        days = db.session.scalars(db.select(FollowUpCheck.day).order_by(FollowUpCheck.day)).all()
        assert days == [date(2026, 6, 18), date(2026, 6, 19), date(2026, 6, 20)]


def test_a_deleted_application_takes_what_was_told_with_it(app, runner, outbox, makers):
    _ada, _quinn, _otto = makers
    with time_machine.travel(MORNING):
        runner.invoke(args=["reminders", "send"])
    with app.app_context():
        acme = db.session.scalar(db.select(Application).where(Application.company == "Acme"))
        applications.delete_application(acme)
        assert db.session.execute(db.text("SELECT count(*) FROM reminded_follow_ups")).scalar() == 0


def test_one_click_unsubscribe_stops_the_reminders_only(app, runner, outbox, makers):
    ada, _quinn, _otto = makers
    with app.app_context():
        db.session.get(User, ada.id).weekly_digest = True
        db.session.commit()
    with time_machine.travel(MORNING):
        runner.invoke(args=["reminders", "send"])
    [message] = outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]

    stranger = app.test_client()
    assert "Stop follow-up reminders?" in stranger.get(f"/{path}").get_data(as_text=True)
    response = stranger.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})

    assert "No more follow-up reminders." in response.get_data(as_text=True)
    with app.app_context():
        maker = db.session.get(User, ada.id)
        assert (maker.follow_up_reminders, maker.weekly_digest) == (False, True)


def test_a_maker_turns_reminders_on_in_settings(app, logged_in_client, user):
    page = logged_in_client.get("/settings/emails").get_data(as_text=True)
    assert "Email me the morning a follow-up is due" in page
    response = logged_in_client.submit(
        "/settings/emails",
        {"follow_up_reminders": "y", "digest_day": "0", "weekly_goal": ""},
        follow_redirects=True,
    )
    assert "Weekly digest off. Follow-up reminders on." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).follow_up_reminders is True
