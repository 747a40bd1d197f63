"""What the benchmarks share: a scratch database, a gunicorn server, a logged-in client."""

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.engine import make_url

from pm_portfolio.config import normalise_database_url
from pm_portfolio.core import media
from pm_portfolio.core.accounts import create_user
from pm_portfolio.demo import pictures
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from pm_portfolio.models import learning_skills
from pm_portfolio.models import product_skills
from pm_portfolio.web.media_settings import media_storage

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PASSWORD = "benchmark password"  # noqa: S105 - a throw-away account on a scratch database
BATCH = 5_000


@contextmanager
def scratch_database(folder: Path, server: str | None = None):
    """SQLite in `folder`, or a new database on the PostgreSQL `server` (by default
    DATABASE_URL's), dropped after."""
    server = server if server is not None else os.environ.get("DATABASE_URL")
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


def backend_name() -> str:
    return "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench"},
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int, app: str = "app:app", **environment: str):
    """Serve `app` with gunicorn on loopback; yields (base URL, pid of the first worker)."""
    port = free_port()
    env = {
        **os.environ,
        **environment,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        # The hello-world app beside the real one.
        "PYTHONPATH": str(BENCH / "wsgi"),
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", app, "--workers", str(workers), "--bind",
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


def logged_in_opener(base: str, username: str) -> tuple[urllib.request.OpenerDirector, str]:
    """An HTTP client signed in as `username`, and its session cookie as a header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "login": username, "password": PASSWORD})
    opener.open(f"{base}/login", data=form.encode()).read()
    cookie = "; ".join(f"{item.name}={item.value}" for item in jar)
    return opener, cookie


def in_batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed_portfolio(app, username: str, products: int, learnings_each: int) -> None:
    """A published maker with products (3 metrics, 2 skills) and learnings, by bulk INSERTs.

    Core INSERTs on the session's connection, as the app refuses ORM bulk statements that
    would skip the portfolio version; the new maker's version is bumped at commit anyway.
    """
    with app.app_context():
        user = create_user(f"{username}@example.com", username, PASSWORD)
        user.is_published = True
        connection = db.session.connection()
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
            connection.execute(insert(Product.__table__), batch)
        for batch in in_batches(
            {"product_id": product_id, "label": label, "value": value, "note": "", "position": n}
            for product_id in ids
            for n, (label, value) in enumerate(
                (("users", "140"), ("rating", "4.6/5"), ("mrr", "$90"))
            )
        ):
            connection.execute(insert(Metric.__table__), batch)
        for batch in in_batches(
            {"product_id": product_id, "skill_id": skill_ids[(product_id + k) % len(skill_ids)]}
            for product_id in ids
            for k in range(2)
        ):
            connection.execute(insert(product_skills), batch)
        first_learning = (db.session.scalar(select(db.func.max(Learning.id))) or 0) + 1
        learning_ids = range(first_learning, first_learning + products * learnings_each)
        for batch in in_batches(
            {
                "id": learning_id,
                "user_id": user.id,
                "product_id": first + (learning_id - first_learning) // learnings_each,
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
            connection.execute(insert(Learning.__table__), batch)
        for batch in in_batches(
            {"learning_id": learning_id, "skill_id": skill_ids[learning_id % len(skill_ids)]}
            for learning_id in learning_ids
        ):
            connection.execute(insert(learning_skills), batch)
        if connection.dialect.name == "postgresql":
            # The ids above were chosen here: move the sequences past them for later inserts.
            for table in ("products", "learnings"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
        db.session.commit()


def add_covers(app, username: str) -> str:
    """A cover picture on each of the maker's products; returns the key of one at 960 px."""
    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.username == username))
        limits = media.Limits(max_file_bytes=2**30, quota_bytes=2**40, items_per_product=100)
        for product in db.session.scalars(db.select(Product).where(Product.user_id == owner.id)):
            rows = ["A row of the product"] * 4
            picture = pictures.screenshot((67, 56, 202), product.title[:30], "Overview", rows)
            item = media.add_upload(
                product, picture, "cover.png", "The product", "", media_storage(), limits
            )
            media.set_cover(item)
        return next(file.key for file in item.files if file.width == 960)
