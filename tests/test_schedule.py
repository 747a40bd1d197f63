"""The periodic work as jobs: `flask rq cron` puts each on the queue on its schedule,
and a worker runs it (views flushed where no server flushes them, old delivery records
forgotten)."""

import os
import subprocess
import sys
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

from pm_portfolio import schedule
from pm_portfolio.extensions import db
from pm_portfolio.models import DeliveredEmail
from pm_portfolio.models import ProfileView
from tests.factories import make_user
from tests.infrastructure import PROJECT_ROOT
from tests.infrastructure import empty_redis_database
from tests.infrastructure import make_app

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}


@pytest.fixture
def app_config(tmp_path) -> dict:
    # Media garbage collection runs here: on a folder of this test's own.
    return {"MEDIA_STORAGE_URL": (tmp_path / "media").as_uri()}


@pytest.fixture
def queue_url(redis_url):
    with empty_redis_database(redis_url, 12) as url:
        yield url


def test_the_scheduler_has_the_periodic_work(app, migrated_database_url, queue_url):
    queued = make_app(migrated_database_url, REDIS_URL=queue_url)
    with queued.app_context():
        jobs = queued.extensions["rq"].make_cron_scheduler().get_jobs()
    assert len(jobs) == 6
    assert {job.func_name: (job.interval or job.cron, job.queue_name) for job in jobs} == {
        "pm_portfolio.schedule.flush_views": (60, "default"),
        "pm_portfolio.schedule.send_digests": ("*/15 * * * *", "default"),
        "pm_portfolio.schedule.send_reminders": ("*/15 * * * *", "default"),
        "pm_portfolio.schedule.send_feedback": ("*/10 * * * *", "default"),
        "pm_portfolio.schedule.collect_media_garbage": ("17 * * * *", "default"),
        "pm_portfolio.schedule.forget_old_deliveries": ("43 3 * * *", "default"),
    }


def test_every_scheduled_job_runs_in_an_app(app):
    with app.app_context():
        for job, _when in schedule.SCHEDULE:
            job()


def test_delivery_records_are_forgotten_a_week_after_their_letter_could_be_retried(app):
    now = datetime(2026, 6, 15, 3, 43, tzinfo=UTC)
    with app.app_context():
        for message_id, days in [("<kept@x>", 36), ("<gone@x>", 38)]:
            db.session.add(
                DeliveredEmail(message_id=message_id, delivered_at=now - timedelta(days=days))
            )
        db.session.commit()
        with time_machine.travel(now):
            schedule.forget_old_deliveries()
        assert db.session.scalars(db.select(DeliveredEmail.message_id)).all() == ["<kept@x>"]


@pytest.mark.slow
def test_rq_cron_and_a_worker_flush_the_views_no_server_flushed(
    app, migrated_database_url, queue_url, tmp_path
):
    """A real `flask rq cron` process puts the flush on the queue at once (then every
    minute), and a real worker writes the view a server counted into Redis."""
    web = make_app(migrated_database_url, REDIS_URL=queue_url, VIEW_FLUSH_SECONDS=0)
    with web.app_context():
        make_user(username="ada", is_published=True)
    web.test_client().get("/u/ada", headers=BROWSER)
    assert written_views(web) == {}

    environment = {
        **os.environ,
        "DATABASE_URL": migrated_database_url,
        "REDIS_URL": queue_url,
        "SECRET_KEY": "schedule-test",
        "VIEW_FLUSH_SECONDS": "0",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app", "rq"]
    log = tmp_path / "cron.log"
    with log.open("wb") as output:
        cron = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*flask, "cron"], cwd=PROJECT_ROOT, env=environment,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        with web.app_context():
            queue = web.extensions["rq"].get_queue("default")
            deadline = time.monotonic() + 30
            while queue.count == 0:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
    finally:
        cron.terminate()
        cron.wait(10)
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*flask, "worker", "default", "--burst"], cwd=PROJECT_ROOT, env=environment,
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    assert written_views(web) == {"direct": 1}


def written_views(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(db.select(ProfileView.source, ProfileView.count)).all())
