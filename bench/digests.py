"""The weekly digest run for 100,000 opted-in makers on PostgreSQL: how long
`flask digest send` takes to claim the week and queue the jobs, and how fast a worker
builds and sends digests to an SMTP server on loopback.

Seeds by SQL (`generate_series`): 100,000 makers with the digest on (confirmed), each with a
product, a share link opened twice in the week, and a month of views from two sites,
so every digest has news. Then, at a Monday 09:00:

1. `send_due` with the queue in Redis (database 12, emptied): claims every week in
   batches and enqueues the digest jobs. Timed whole.
2. One worker (`flask --app app rq worker default --burst`, each job in a process of
   its own, as in production) works through the first WORKER_JOBS jobs, its letters
   going to aiosmtpd on loopback: digests a second.
3. For comparison, the same digests built and sent in this process, without a queue.

    .venv/bin/python -m bench.digests
    BENCH_DIGEST_MAKERS=10000 .venv/bin/python -m bench.digests   # a tenth of the size
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from sqlalchemy import text

from bench.common import ROOT
from bench.common import free_port
from bench.common import migrate
from bench.common import scratch_database
from pm_portfolio import create_app
from pm_portfolio.digests import sending
from pm_portfolio.extensions import db
from pm_portfolio.models import WeeklyDigest

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres")
MAKERS = int(os.environ.get("BENCH_DIGEST_MAKERS", "100000"))
QUEUE_REDIS = os.environ.get("BENCH_QUEUE_REDIS", "redis://127.0.0.1:6379/12")
WORKER_JOBS = 5
IN_PROCESS_DIGESTS = 1000
# A Monday morning, and the week before it.
MONDAY = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)

SEED = [
    """INSERT INTO users (id, email, username, password_hash, display_name, headline, bio,
        website_url, linkedin_url, github_url, location, open_to, contact_email, contact_url,
        is_published, show_ideas, portfolio_version, time_zone, weekly_digest, digest_day,
        email_verified_at, created_at, updated_at)
    SELECT n, 'maker' || n || '@example.com', 'maker' || n, 'x', 'Maker ' || n, '', '', '',
        '', '', '', '', '', '', true, false, 1, 'UTC', true, 0, now(), now(), now()
    FROM generate_series(1, :makers) AS n""",
    """INSERT INTO products (id, user_id, title, slug, tagline, target_users, problem,
        hypothesis, solution, tradeoffs, outcome, role, status, visibility, is_featured,
        position, live_url, source_url, created_at, updated_at)
    SELECT n, n, 'Product ' || n, 'product-' || n, '', '', 'A problem', '', '', '', '',
        '', 'shipped', 'public', false, 0, '', '', now(), now()
    FROM generate_series(1, :makers) AS n""",
    """INSERT INTO share_links (id, user_id, token, product_id, name, note, created_at)
    SELECT n, n, 'token-' || n, NULL, 'Acme', '', now() FROM generate_series(1, :makers) AS n""",
    """INSERT INTO share_link_products (share_link_id, product_id, position)
    SELECT n, n, 0 FROM generate_series(1, :makers) AS n""",
    """INSERT INTO share_link_opens (share_link_id, opened_at, product_id, kind)
    SELECT n, timestamptz '2026-06-10 12:00+00' + k * interval '1 hour', n, 'page'
    FROM generate_series(1, :makers) AS n, generate_series(1, 2) AS k""",
    """INSERT INTO profile_views (user_id, day, source, count)
    SELECT n, date '2026-06-14' - d, (ARRAY['linkedin.com', 'direct'])[1 + d % 2], 1 + n % 4
    FROM generate_series(1, :makers) AS n, generate_series(0, 34) AS d""",
]


class CountingSmtp:
    """An SMTP server on loopback that counts what it accepts (aiosmtpd)."""

    def __init__(self):
        self.messages = 0
        self._controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, _server, _session, _envelope):  # aiosmtpd calls this
        self.messages += 1
        return "250 Message accepted for delivery"

    @property
    def port(self) -> int:
        return self._controller.port

    def __enter__(self) -> "CountingSmtp":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()


def seed(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        for statement in SEED:
            db.session.execute(text(statement), {"makers": MAKERS})
        for table in ("users", "products", "share_links"):
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                {"n": MAKERS},
            )
        db.session.commit()
    with app.app_context(), db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()


def main() -> None:
    store = redis.Redis.from_url(QUEUE_REDIS)
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder), POSTGRES) as url:
        migrate(url)
        started = time.perf_counter()
        seed(url)
        print(f"Seeded {MAKERS:,} makers in {time.perf_counter() - started:.0f} s")

        with CountingSmtp() as smtp:
            settings = {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "MAIL_BACKEND": "smtp",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": smtp.port,
            }
            store.flushdb()
            app = create_app({**settings, "REDIS_URL": QUEUE_REDIS})
            with app.app_context():
                started = time.perf_counter()
                claimed = sending.send_due(MONDAY)
                enqueue_seconds = time.perf_counter() - started
                jobs = app.extensions["rq"].get_queue("default").count
            print(
                f"flask digest send: {claimed:,} weeks claimed and {jobs:,} jobs queued in "
                f"{enqueue_seconds:.1f} s ({enqueue_seconds / claimed * 1000:.2f} ms a maker)"
            )

            # One worker, WORKER_JOBS jobs of the queue.
            queue_key = "rq:queue:default"
            store.ltrim(queue_key, 0, WORKER_JOBS - 1)
            environment = {
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": QUEUE_REDIS,
                "SECRET_KEY": "bench",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(smtp.port),
            }
            before = smtp.messages
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "app", "rq", "worker", "default",
                 "--burst"],
                cwd=ROOT, env=environment, check=True, capture_output=True,
            )  # fmt: skip
            worker_seconds = time.perf_counter() - started
            sent = smtp.messages - before
            print(
                f"one worker: {sent:,} digests in {WORKER_JOBS} jobs in {worker_seconds:.1f} s: "
                f"{sent / worker_seconds:.1f} digests a second "
                f"({MAKERS / (sent / worker_seconds) / 60:.0f} min for all with one worker)"
            )

            # The same work in this process, without a queue.
            plain = create_app(settings)
            with plain.app_context():
                ids = list(
                    db.session.scalars(
                        db.select(WeeklyDigest.id)
                        .where(WeeklyDigest.sent_at.is_(None))
                        .order_by(WeeklyDigest.id)
                        .limit(IN_PROCESS_DIGESTS)
                    )
                )
                before = smtp.messages
                started = time.perf_counter()
                sending.send_digests(ids)
                seconds = time.perf_counter() - started
            sent = smtp.messages - before
            if sent:
                print(
                    f"in process: {sent:,} digests in {seconds:.1f} s: "
                    f"{seconds / sent * 1000:.1f} ms a digest"
                )
    store.flushdb()


if __name__ == "__main__":
    main()
