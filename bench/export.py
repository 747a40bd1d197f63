"""Benchmark the CSV exports through a real HTTP server: throughput and memory.

Seeds one maker with N products (3 metrics, 2 skills each) and 5 learnings per
product, serves the app with gunicorn (one worker, so one process to watch),
downloads /export/products.csv and /export/learnings.csv, and prints rows per
second and the server's peak memory growth. Runs at 2,000 and 20,000 products
to show memory stays flat, and prints Python's csv.writer writing the same rows
from memory as the ceiling.

    .venv/bin/python bench/export.py                 # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python bench/export.py

With DATABASE_URL, a scratch database is created on that server and dropped after.
"""

import csv
import http.cookiejar
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from pm_portfolio import create_app  # noqa: E402
from pm_portfolio.config import normalise_database_url  # noqa: E402
from pm_portfolio.extensions import db  # noqa: E402
from pm_portfolio.models import Learning  # noqa: E402
from pm_portfolio.models import Metric  # noqa: E402
from pm_portfolio.models import Product  # noqa: E402
from pm_portfolio.models import Skill  # noqa: E402
from pm_portfolio.models import learning_skills  # noqa: E402
from pm_portfolio.models import product_skills  # noqa: E402

SIZES = (2_000, 20_000)
LEARNINGS_PER_PRODUCT = 5
PASSWORD = "benchmark password"  # noqa: S105 - a throw-away account on a scratch database
BATCH = 5_000
TARGET_ROWS_PER_SECOND = 50_000
TARGET_MEMORY_MB = 50


@contextmanager
def scratch_database(folder: Path):
    server = os.environ.get("DATABASE_URL")
    if not server:
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    url = make_url(normalise_database_url(server))
    name = f"pm_portfolio_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def in_batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(app, username: str, products: int) -> None:
    """Insert a maker's portfolio with bulk INSERTs (the app's forms would take hours)."""
    from pm_portfolio.accounts.services import create_user

    with app.app_context():
        user = create_user(f"{username}@example.com", username, PASSWORD)
        skill_ids = list(db.session.scalars(select(Skill.id).order_by(Skill.position)))
        now = datetime.now(UTC)
        first = (db.session.scalar(select(db.func.max(Product.id))) or 0) + 1
        ids = range(first, first + products)
        for batch in in_batches(
            {
                "id": product_id,
                "user_id": user.id,
                "title": f'Product {product_id}, with "quotes" and a comma',
                "slug": f"product-{product_id}",
                "tagline": "A tagline that is long enough to look like real text",
                "target_users": "Remote teams",
                "problem": "The problem, in a few sentences of Markdown.\n\n- with a list",
                "hypothesis": "If we build it, 30% will keep using it.",
                "solution": "A small web app.",
                "tradeoffs": "No mobile app.",
                "outcome": "It worked, mostly.",
                "role": "Solo maker",
                "status": "shipped",
                "shipped_on": date(2026, 1, 1),
                "visibility": "public",
                "is_featured": False,
                "position": 0,
                "created_at": now,
                "updated_at": now,
            }
            for product_id in ids
        ):
            db.session.execute(insert(Product), batch)
        for batch in in_batches(
            {"product_id": product_id, "label": label, "value": value, "note": "", "position": n}
            for product_id in ids
            for n, (label, value) in enumerate(
                (("users", "140"), ("rating", "4.6/5"), ("mrr", "$90"))
            )
        ):
            db.session.execute(insert(Metric), batch)
        for batch in in_batches(
            {"product_id": product_id, "skill_id": skill_ids[(product_id + k) % len(skill_ids)]}
            for product_id in ids
            for k in range(2)
        ):
            db.session.execute(insert(product_skills), batch)
        first_learning = (db.session.scalar(select(db.func.max(Learning.id))) or 0) + 1
        learning_ids = range(first_learning, first_learning + products * LEARNINGS_PER_PRODUCT)
        for batch in in_batches(
            {
                "id": learning_id,
                "user_id": user.id,
                "product_id": first + (learning_id - first_learning) // LEARNINGS_PER_PRODUCT,
                "title": f"Learning {learning_id}",
                "kind": "insight",
                "body": "What happened, what we decided, and what we would do next time.",
                "learned_on": date(2026, 2, 1),
                "is_public": True,
                "created_at": now,
                "updated_at": now,
            }
            for learning_id in learning_ids
        ):
            db.session.execute(insert(Learning), batch)
        for batch in in_batches(
            {"learning_id": learning_id, "skill_id": skill_ids[learning_id % len(skill_ids)]}
            for learning_id in learning_ids
        ):
            db.session.execute(insert(learning_skills), batch)
        db.session.commit()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32)}
    server = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [sys.executable, "-m", "gunicorn", "app:app", "--workers", "1", "--bind",
         f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        yield f"http://127.0.0.1:{port}", int(children[0])
    finally:
        server.terminate()
        server.wait(timeout=30)


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def logged_in_opener(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "login": username, "password": PASSWORD})
    opener.open(f"{base}/login", data=form.encode()).read()
    return opener


def download(opener, url: str, worker_pid: int) -> tuple[int, float, float]:
    """(bytes, seconds, peak memory growth in MB) of one streamed download."""
    baseline = rss_kb(worker_pid)
    peak = baseline
    done = threading.Event()

    def watch():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(worker_pid))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    size = 0
    with opener.open(url) as response:
        while chunk := response.read(256 * 1024):
            size += len(chunk)
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    return size, elapsed, (peak - baseline) / 1024


def ceiling(rows: int) -> float:
    """Rows per second of csv.writer writing prepared rows from memory: the upper bound."""
    row = ["product-1", "Product 1", "A tagline", "Remote teams", "shipped", "Solo maker",
           "", "2026-01-01", "", "", "public", "false", "0", "discovery;design",
           '[{"label":"users","value":"140","note":""}]', "The problem", "If", "A web app",
           "No app", "It worked", "2026-01-01T00:00:00.000000+00:00",
           "2026-01-01T00:00:00.000000+00:00"]  # fmt: skip
    data = [list(row) for _ in range(rows)]
    buffer = io.StringIO()
    started = time.perf_counter()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for item in data:
        writer.writerow(item)
    return rows / (time.perf_counter() - started)


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder)) as url:
        env_app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"},
            check=True,
            capture_output=True,
        )
        for size in SIZES:
            print(f"seeding {size:,} products and {size * LEARNINGS_PER_PRODUCT:,} learnings…")
            seed(env_app, f"bench-{size}", size)
        with env_app.app_context():
            db.engine.dispose()
        with gunicorn(url) as (base, worker_pid):
            for size in SIZES:
                opener = logged_in_opener(base, f"bench-{size}")
                opener.open(f"{base}/dashboard").read()
                for kind, rows in (("products", size), ("learnings", size * LEARNINGS_PER_PRODUCT)):
                    nbytes, seconds, growth = download(
                        opener, f"{base}/export/{kind}.csv", worker_pid
                    )
                    results.append((size, kind, rows, nbytes, seconds, growth))

    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"\nCSV export through gunicorn (1 worker), {backend}")
    print(f"{'products':>9} {'file':>10} {'rows':>8} {'MB':>7} {'seconds':>8} {'rows/s':>9} "
          f"{'peak MB':>8}")  # fmt: skip
    for size, kind, rows, nbytes, seconds, growth in results:
        print(f"{size:>9,} {kind:>10} {rows:>8,} {nbytes / 1e6:>7.1f} {seconds:>8.2f} "
              f"{rows / seconds:>9,.0f} {growth:>8.1f}")  # fmt: skip
    limit = ceiling(100_000)
    print(f"\nceiling: csv.writer from memory writes {limit:,.0f} rows/s")
    slowest = min(rows / seconds for _size, _kind, rows, _nbytes, seconds, _growth in results)
    worst = max(growth for *_rest, growth in results)
    print(f"slowest export: {slowest:,.0f} rows/s (target ≥ {TARGET_ROWS_PER_SECOND:,}); "
          f"largest memory growth: {worst:.1f} MB (target < {TARGET_MEMORY_MB} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
