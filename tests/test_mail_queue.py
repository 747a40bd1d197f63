"""Email through the job queue (RQ): delayed while the mail server is away, never lost,
never sent twice; and sent by the web process itself when there is no queue."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest
from rq import SimpleWorker
from rq.job import Job
from rq.scheduler import RQScheduler

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.core import mail
from pm_portfolio.extensions import db
from pm_portfolio.models import DeliveredEmail
from tests.clients import AuthActions
from tests.factories import make_user
from tests.infrastructure import SmtpServer
from tests.infrastructure import empty_redis_database
from tests.infrastructure import free_port
from tests.infrastructure import make_app

SHORT_RETRIES = (1, 1, 2, 2, 2, 2, 2, 2)
# Tests here make apps of their own on the test database; each also asks for the `app`
# fixture, whose teardown empties the tables for the next test.


@pytest.fixture
def queue_url(redis_url):
    """A Redis database of the queue's own, empty before and after."""
    with empty_redis_database(redis_url, 13) as url:
        yield url


def letter_to(app, address: str) -> mail.Letter:
    with app.app_context(), app.test_request_context():
        maker = make_user(email=address)
        return mail.compose(address, "Hello", "sign_up_attempt", user=maker)


def test_a_letter_is_delivered_once_however_often_its_job_runs(app, outbox):
    letter = letter_to(app, "eve@example.com")
    with app.app_context():
        mail.deliver_queued(asdict(letter))
        mail.deliver_queued(asdict(letter))
        assert db.session.get(DeliveredEmail, letter.message_id) is not None

    [message] = outbox
    assert message.extra_headers["Message-ID"] == letter.message_id
    assert letter.message_id.endswith("@localhost>")


def test_a_mail_server_that_is_away_fails_the_job_and_records_nothing(app, migrated_database_url):
    mailing = make_app(migrated_database_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
                       MAIL_PORT=free_port(), MAIL_TIMEOUT=2)  # fmt: skip
    letter = letter_to(mailing, "eve@example.com")
    with mailing.app_context():
        with pytest.raises(mail.NotDelivered):
            mail.deliver_queued(asdict(letter))
        assert db.session.get(DeliveredEmail, letter.message_id) is None


def test_without_redis_the_web_process_sends_the_letter(app, client, outbox):
    assert "rq" not in app.extensions
    AuthActions(client).register(email="grace@example.com", username="grace")
    assert [message.to for message in outbox] == [["grace@example.com"]]


def test_with_redis_down_a_sign_up_email_is_sent_by_the_web_process(
    app, migrated_database_url, caplog
):
    """Not queued later: nothing durable would hold it until Redis is back, so the web
    process sends it at once, as without a queue (and logs that the queue failed)."""
    without_redis = make_app(migrated_database_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    without_redis.extensions["mailman"].outbox = outbox = []
    with caplog.at_level(logging.ERROR, logger="pm_portfolio.core.mail"):
        AuthActions(without_redis.test_client()).register(
            email="grace@example.com", username="grace"
        )
    assert [message.to for message in outbox] == [["grace@example.com"]]
    assert "could not queue the email" in caplog.text


def test_a_queued_letter_is_retried_until_the_mail_server_takes_it(
    app, migrated_database_url, queue_url
):
    port = free_port()
    queued = make_app(migrated_database_url, REDIS_URL=queue_url, MAIL_BACKEND="smtp",
                      MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2,
                      MAIL_RETRY_SECONDS=SHORT_RETRIES)  # fmt: skip
    AuthActions(queued.test_client()).register(email="grace@example.com", username="grace")
    with queued.app_context():
        queue = queued.extensions["rq"].get_queue("mail")
        [job_id] = queue.get_job_ids()
        assert queue.fetch_job(job_id).retries_left == 8
        worker = SimpleWorker([queue], connection=queue.connection)
        worker.work(burst=True)
        job = Job.fetch(job_id, connection=queue.connection)
        assert job.retries_left == 7
        assert job.get_status() == "scheduled"

        with SmtpServer(port=port) as server:
            # The retry waits its interval in the scheduled registry; the worker's
            # scheduler (`--with-scheduler`) then puts it back on the queue.
            time.sleep(SHORT_RETRIES[0] + 0.2)
            scheduler = RQScheduler([queue], connection=queue.connection)
            scheduler.acquire_locks()
            scheduler.enqueue_scheduled_jobs()
            scheduler.release_locks()
            worker.work(burst=True)
            assert len(server.to("grace@example.com")) == 1
        assert Job.fetch(job_id, connection=queue.connection).get_status() == "finished"


def app_and_worker(database_url: str, queue_url: str, mail_port: int, folder: Path):
    """A web app and a real worker process (`flask rq worker mail --with-scheduler`),
    both sending mail to `mail_port`; the worker's output goes to a log in `folder`."""
    web = make_app(database_url, REDIS_URL=queue_url, MAIL_BACKEND="smtp",
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_port, MAIL_TIMEOUT=2,
                   MAIL_RETRY_SECONDS=SHORT_RETRIES)  # fmt: skip
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": queue_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "MAIL_RETRY_SECONDS": ",".join(map(str, SHORT_RETRIES)),
        "SECRET_KEY": "worker-test",
    }
    log = folder / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "rq", "worker", "mail",
             "--with-scheduler"],
            cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return web, worker, log


@pytest.mark.slow
def test_an_smtp_outage_at_sign_up_delays_the_email_and_loses_none(
    app, migrated_database_url, queue_url, tmp_path
):
    """A real worker process, real Redis, a real SMTP server that comes up late: the
    confirmation arrives exactly once."""
    port = free_port()
    web, worker, log = app_and_worker(migrated_database_url, queue_url, port, tmp_path)
    try:
        AuthActions(web.test_client()).register(email="grace@example.com", username="grace")
        with web.app_context():
            queue = web.extensions["rq"].get_queue("mail")
            # Wherever the worker has it by now: waiting, being tried, or waiting to retry.
            [job_id] = {
                *queue.get_job_ids(),
                *queue.started_job_registry.get_job_ids(),
                *queue.scheduled_job_registry.get_job_ids(),
                *queue.failed_job_registry.get_job_ids(),
            }
            deadline = time.monotonic() + 30
            while Job.fetch(job_id, connection=queue.connection).retries_left == 8:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        with SmtpServer(port=port) as server:
            server.latest_to("grace@example.com", seconds=30)
            time.sleep(3)
            assert len(server.to("grace@example.com")) == 1, log.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_letters_that_failed_every_try_are_listed_and_retried(
    app, migrated_database_url, queue_url
):
    failing = make_app(migrated_database_url, REDIS_URL=queue_url, MAIL_BACKEND="smtp",
                       MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2,
                       MAIL_RETRY_SECONDS=(1,))  # fmt: skip
    AuthActions(failing.test_client()).register(email="grace@example.com", username="grace")
    with failing.app_context():
        queue = failing.extensions["rq"].get_queue("mail")
        worker = SimpleWorker([queue], connection=queue.connection)
        worker.work(burst=True)
        time.sleep(1.2)
        scheduler = RQScheduler([queue], connection=queue.connection)
        scheduler.acquire_locks()
        scheduler.enqueue_scheduled_jobs()
        scheduler.release_locks()
        worker.work(burst=True)
        assert queue.failed_job_registry.count == 1

    runner = failing.test_cli_runner()
    listed = runner.invoke(args=["mail", "failed"])
    assert "to grace@example.com: 'Confirm your email address'" in listed.output
    assert "NotDelivered" in listed.output
    assert "1 letter failed." in listed.output
    retried = runner.invoke(args=["mail", "failed", "--retry"])
    assert "1 letter put back on the queue." in retried.output
    with failing.app_context():
        assert queue.failed_job_registry.count == 0
        assert queue.count == 1


def test_without_a_queue_there_is_nothing_to_list(runner):
    result = runner.invoke(args=["mail", "failed"])
    assert result.exit_code != 0
    assert "There is no mail queue without REDIS_URL" in result.output


def children_of(pid: int) -> list[int]:
    """The processes `pid` started (Linux: from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


@pytest.mark.slow
def test_a_job_killed_before_the_send_is_retried_and_sends_once(
    app, migrated_database_url, queue_url, tmp_path
):
    """The mail server hangs, so the job waits in its connection, and the process running
    it is killed there (as by the OOM killer or a deploy). The worker sees its job die,
    and the job is tried again: the letter arrives once."""
    port = free_port()
    hanging = socket.create_server(("127.0.0.1", port))
    web, worker, log = app_and_worker(migrated_database_url, queue_url, port, tmp_path)
    try:
        AuthActions(web.test_client()).register(email="grace@example.com", username="grace")
        connection, _address = hanging.accept()  # the job waits there for a greeting
        with web.app_context():
            queue = web.extensions["rq"].get_queue("mail")
            [job_id] = queue.started_job_registry.get_job_ids(cleanup=False)
        # The worker's children: its scheduler and the process running the job.
        deadline = time.monotonic() + 10
        horses = []
        while not horses:
            assert time.monotonic() < deadline, log.read_text()
            horses = [pid for pid in children_of(worker.pid)
                      if b"work-horse" in Path(f"/proc/{pid}/cmdline").read_bytes()]  # fmt: skip
        os.kill(horses[0], signal.SIGKILL)
        connection.close()
        hanging.close()
        with SmtpServer(port=port) as server:
            try:
                server.latest_to("grace@example.com", seconds=30)
            except AssertionError as error:
                raise AssertionError(log.read_text()) from error
            time.sleep(3)
            assert len(server.to("grace@example.com")) == 1, log.read_text()
        with web.app_context():
            assert Job.fetch(job_id, connection=queue.connection).get_status() == "finished"
    finally:
        hanging.close()
        worker.terminate()
        worker.wait(timeout=20)
