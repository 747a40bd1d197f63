"""The weekly digest: opted into, due from 08:00 on the maker's day in their zone, one a
week however often `flask digest send` runs, none when nothing happened, and left in
one click (RFC 8058)."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import redis
import time_machine
from rq import SimpleWorker

from pm_portfolio import clock
from pm_portfolio.core import digests
from pm_portfolio.core import share_links
from pm_portfolio.extensions import db
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import ProfileView
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from pm_portfolio.models import WeeklyDigest
from tests.factories import make_application
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import free_port
from tests.infrastructure import make_app

# A Monday, 09:00 UTC: a Monday digest is due.
MONDAY_MORNING = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "day", "expected"),
    [
        # Due from 08:00 on the day, in the maker's zone, and for the rest of the week.
        (datetime(2026, 6, 15, 7, 59, tzinfo=UTC), "UTC", 0, None),
        (datetime(2026, 6, 15, 8, 0, tzinfo=UTC), "UTC", 0, date(2026, 6, 15)),
        (datetime(2026, 6, 21, 23, 59, tzinfo=UTC), "UTC", 0, date(2026, 6, 15)),
        (datetime(2026, 6, 14, 23, 30, tzinfo=UTC), "Asia/Tokyo", 0, date(2026, 6, 15)),
        (datetime(2026, 6, 15, 9, 0, tzinfo=UTC), "America/Los_Angeles", 0, None),
        (datetime(2026, 6, 15, 9, 0, tzinfo=UTC), "UTC", 4, None),
        # New Year's Day 2027 is a Friday of ISO week 53 of 2026.
        (datetime(2027, 1, 1, 8, 5, tzinfo=UTC), "UTC", 4, date(2027, 1, 1)),
        (datetime(2028, 2, 29, 23, 40, tzinfo=UTC), "UTC", 1, date(2028, 2, 29)),
    ],
)
def test_a_digest_is_due_from_eight_on_the_makers_day(now, zone, day, expected):
    assert digests.send_day(now, zone, day) == expected


def test_new_years_day_belongs_to_the_iso_week_it_falls_in():
    assert digests.week_of(date(2027, 1, 1)) == date(2026, 12, 28)
    assert digests.week_of(date(2028, 2, 29)) == date(2028, 2, 28)


@pytest.fixture
def makers(app):
    """An opted-in maker whose week had readers, and an opted-in maker with a quiet week."""
    with time_machine.travel(MONDAY_MORNING - timedelta(days=3)), app.app_context():
        confirmed = {"weekly_digest": True, "email_verified_at": clock.now()}
        active = make_user(username="ada", email="ada@example.com", **confirmed)
        quiet = make_user(username="quinn", email="quinn@example.com", **confirmed)
        make_user(username="off", email="off@example.com")
        # Opted in, but the address was never confirmed: no digest.
        make_user(username="typo", email="typo@example.con", weekly_digest=True)
        for day, source, count in [
            (date(2026, 6, 10), "linkedin.com", 6),
            (date(2026, 6, 12), "mail.google.com", 2),
            # The four weeks before: linkedin.com 8 views, 2 a week.
            (date(2026, 5, 20), "linkedin.com", 8),
        ]:
            db.session.add(ProfileView(user_id=active.id, day=day, source=source, count=count))
        product_id = make_product(active.id, title="Queue Buddy", visibility="public")
        application_id = make_application(active.id, [product_id], company="Acme")
        link = db.session.scalar(db.select(ShareLink).where(ShareLink.user_id == active.id))
        db.session.commit()
        share_links.record_open(link, clock.now(), product_id, LinkOpenKind.PAGE)
        assert application_id
    return active, quiet


def test_digest_send_twice_sends_one_digest_to_the_active_maker_and_none_to_the_quiet(
    app, runner, outbox, makers
):
    active, quiet = makers
    with time_machine.travel(MONDAY_MORNING):
        first = runner.invoke(args=["digest", "send"])
        second = runner.invoke(args=["digest", "send"])

    assert "Started 2 digests." in first.output
    assert "Started 0 digests." in second.output
    [message] = outbox
    assert message.to == ["ada@example.com"]
    with app.app_context():
        rows = db.session.scalars(db.select(WeeklyDigest).order_by(WeeklyDigest.user_id)).all()
        assert [(row.user_id, row.week_of, row.sent_at is not None) for row in rows] == [
            (active.id, date(2026, 6, 15), True),
            (quiet.id, date(2026, 6, 15), False),
        ]
        assert [row.nothing_to_tell for row in rows] == [False, True]


def test_the_digest_names_the_weeks_sites_and_the_links_opened(app, runner, outbox, makers):
    with time_machine.travel(MONDAY_MORNING):
        runner.invoke(args=["digest", "send"])
    [message] = outbox
    text = message.body
    assert "Your week, 8 Jun 2026 to 14 Jun 2026" in text
    assert "linkedin.com: 6 (+200 % on the 4-week average)" in text
    assert "mail.google.com: 2 (new)" in text
    assert "Acme (Product Manager): opened 1 time; read Queue Buddy" in text
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "linkedin.com" in html


def test_one_click_unsubscribe_works_without_a_session(app, runner, outbox, makers):
    active, _quiet = makers
    with time_machine.travel(MONDAY_MORNING):
        runner.invoke(args=["digest", "send"])
    [message] = outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://[^>]+)>", header).group(1)
    assert url in message.body
    path = url.split("://", 1)[1].split("/", 1)[1]

    stranger = app.test_client()
    response = stranger.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "Unsubscribed" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.get(User, active.id).weekly_digest is False
    assert stranger.get(f"/{path}").status_code == 200
    assert stranger.post("/unsubscribe/forged-token").status_code == 404


def test_a_maker_turns_the_digest_on_in_settings(app, logged_in_client, user):
    page = logged_in_client.get("/settings/emails").get_data(as_text=True)
    assert "The weekly digest" in page
    logged_in_client.submit(
        "/settings/emails", {"weekly_digest": "y", "digest_day": "4", "weekly_goal": ""}
    )
    with app.app_context():
        maker = db.session.get(User, user.id)
        assert (maker.weekly_digest, maker.digest_day) == (True, 4)
    refused = logged_in_client.submit("/settings/emails", {"digest_day": "9"})
    assert "Not a valid choice." in refused.get_data(as_text=True)


def test_a_week_is_claimed_once(app, makers):
    active, _quiet = makers
    with app.app_context():
        assert digests.claim(active.id, date(2026, 6, 17), MONDAY_MORNING) is not None
        assert digests.claim(active.id, date(2026, 6, 15), MONDAY_MORNING) is None


def test_with_a_queue_digests_go_out_in_jobs_of_many(app, makers, migrated_database_url, redis_url):
    url = redis_url.rsplit("/", 1)[0] + "/13"
    store = redis.Redis.from_url(url)
    store.flushdb()
    queued = make_app(migrated_database_url, REDIS_URL=url)
    queued.extensions["mailman"].outbox = outbox = []
    try:
        with time_machine.travel(MONDAY_MORNING):
            result = queued.test_cli_runner().invoke(args=["digest", "send"])
            assert "Started 2 digests." in result.output
            with queued.app_context():
                queue = queued.extensions["rq"].get_queue("default")
                assert queue.count == 1
                SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert [message.to for message in outbox] == [["ada@example.com"]]
    finally:
        store.flushdb()
        store.close()


def test_with_the_queue_down_claimed_digests_are_sent_by_the_command(
    app, makers, migrated_database_url
):
    down = make_app(migrated_database_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    down.extensions["mailman"].outbox = outbox = []
    with time_machine.travel(MONDAY_MORNING):
        result = down.test_cli_runner().invoke(args=["digest", "send"])
    assert "Started 2 digests." in result.output
    assert [message.to for message in outbox] == [["ada@example.com"]]


def test_a_week_whose_job_failed_is_taken_again_an_hour_later(app, runner, outbox, makers):
    active, _quiet = makers
    with app.app_context():
        digests.claim(active.id, date(2026, 6, 15), MONDAY_MORNING)
    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=30)):
        runner.invoke(args=["digest", "send"])
    assert outbox == []
    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=61)):
        runner.invoke(args=["digest", "send"])
    assert [message.to for message in outbox] == [["ada@example.com"]]
