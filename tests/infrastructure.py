"""The databases and browser the tests run against, and what to do when one is missing."""

import atexit
import contextlib
import email
import os
import re
import secrets
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from pm_portfolio import PROJECT_ROOT
from pm_portfolio import create_app
from pm_portfolio.config import normalise_database_url
from pm_portfolio.extensions import db
from tests.clients import Client

TEST_DATABASE_URL_VARIABLE = "TEST_DATABASE_URL"
# Media files the tests store, kept out of the checkout's instance/ and removed at exit.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pm-portfolio-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# Tables whose rows a migration creates; every other table is emptied between tests.
REFERENCE_TABLES = frozenset({"skills"})
# A run beside another (CI runs the hard days beside the PostgreSQL pass) has a Redis
# server of its own, as tests empty whole Redis databases.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# Every app a test makes, so that its connections are closed when the test ends: a pooled
# PostgreSQL connection left to the garbage collector warns in whichever test runs then.
CREATED_APPS: list = []


def close_created_apps() -> None:
    while CREATED_APPS:
        app = CREATED_APPS.pop()
        with app.app_context():
            db.engine.dispose()
        if app.config.get("CACHE_TYPE") == "FileSystemCache":
            shutil.rmtree(app.config["CACHE_DIR"], ignore_errors=True)


def make_app(database_url: str, **overrides):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SQLALCHEMY_DATABASE_URI": database_url,
            # Still scrypt, at a cost that keeps hundreds of log-ins fast.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            # Tests log in far more often than a person would; test_ratelimits turns it on.
            "RATELIMIT_ENABLED": False,
            # Messages are kept in memory (flask_mailman.outbox); test_mail uses real SMTP.
            "MAIL_BACKEND": "locmem",
            "MEDIA_STORAGE_URL": MEDIA_ROOT.as_uri(),
            # Each app its own stamps and cached parts: every test has its own rows.
            "CACHE_DIR": tempfile.mkdtemp(prefix="pm-portfolio-cache-"),
            # Views reach the database when a test flushes them (analytics.flush_views).
            "VIEW_FLUSH_SECONDS": 0,
            **overrides,
        }
    )
    app.test_client_class = Client
    CREATED_APPS.append(app)
    return app


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip with a reason on a developer's machine; in CI a missing service is a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: missing services fail the run)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def temporary_database(scratch_dir: Path) -> Iterator[str]:
    """Yield the URL of an empty database that is removed afterwards.

    SQLite: a file in `scratch_dir`. PostgreSQL (TEST_DATABASE_URL): a new
    database on that server, so that runs never see each other's data.
    """
    server_url = os.environ.get(TEST_DATABASE_URL_VARIABLE)
    if not server_url:
        yield f"sqlite:///{scratch_dir / f'test-{secrets.token_hex(4)}.sqlite3'}"
        return
    with temporary_postgresql_database(server_url) as url:
        yield url


@contextmanager
def temporary_postgresql_database(server_url: str) -> Iterator[str]:
    url = make_url(normalise_database_url(server_url))
    name = f"pm_portfolio_test_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as error:
        admin.dispose()
        pytest.fail(
            f"{TEST_DATABASE_URL_VARIABLE} is set but its PostgreSQL server cannot be used: "
            f"{error.orig}",
            pytrace=False,
        )
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def database_snapshot(app) -> dict[str, list]:
    with app.app_context():
        return {
            table.name: sorted(db.session.execute(table.select()).all(), key=repr)
            for table in db.metadata.sorted_tables
        }


@contextmanager
def counted_queries(app) -> Iterator[list[str]]:
    """Collect the SQL statements the app sends while the block runs (BEGINs aside)."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith("BEGIN"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


class TcpProxy:
    """Forwards a local port to a server; `stop` cuts every connection, as if it went down."""

    def __init__(self, host: str, port: int):
        self._target = (host, port)
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.port = 0

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            for sock in [self._listener, *self._sockets]:
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
            self._listener = None
            self._sockets = []

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self._target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    @staticmethod
    def _pump(client: socket.socket, server: socket.socket) -> None:
        peers = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [])
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            client.close()
            server.close()


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps the messages it receives."""

    LINK = re.compile(r"https?://[^/\s]+(/\S+)")

    def __init__(self, port: int | None = None):
        """On `port` if given (a server that comes up where the app already sends)."""
        self.messages: list[email.message.Message] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=port or free_port())

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd calls this
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    @property
    def app_config(self) -> dict:
        """Settings that make the app send its email here."""
        return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}

    @property
    def port(self) -> int:
        return self._controller.port

    def to(self, address: str) -> list[email.message.Message]:
        return [message for message in self.messages if message["To"] == address]

    def latest_to(self, address: str, seconds: float = 30) -> email.message.Message:
        """The newest message to `address`, waiting for one: a live server sends its
        mail once the response has gone out, so it may land after the page shows."""
        deadline = time.monotonic() + seconds
        while not self.to(address):
            if time.monotonic() > deadline:
                received = [message["To"] for message in self.messages]
                raise AssertionError(
                    f"no message to {address} within {seconds} s; received: {received}"
                )
            time.sleep(0.05)
        return self.to(address)[-1]

    def link_in(self, message: email.message.Message) -> str:
        """The path of the (first) link to this site in a message."""
        return self.LINK.search(message.get_payload(decode=True).decode()).group(1)

    def __enter__(self) -> "SmtpServer":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()


def wait_for_port(port: int, process: subprocess.Popen, what: str, log_path: Path) -> None:
    """Wait until `process` listens on `port` (up to 30 s); fail saying where its log is."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{what} did not start; see {log_path}") from None
            time.sleep(0.1)


@contextmanager
def serving(command: list[str], port: int, what: str, log_path: Path, **options) -> Iterator[str]:
    """Run a server `command` listening on `port`, its output in `log_path`; yields its
    base URL once it answers, and stops it after."""
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, stdout=log, stderr=subprocess.STDOUT, **options
        )
        try:
            wait_for_port(port, server, what, log_path)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextmanager
def s3_server(log_path: Path) -> Iterator[str]:
    """moto's S3-speaking server in a process of its own, so it keeps its own clock (a
    test can set the app's clock apart from it); yields its endpoint URL."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with serving(command, port, "moto's S3 server", log_path) as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn_server(database_url: str, workers: int, log_path: Path, **env: str):
    """Serve the app with gunicorn on a free loopback port; yields its base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        # Stamps and kept parts of this server alone, not those of an earlier run.
        "CACHE_DIR": str(log_path.with_suffix(".cache")),
        **env,
    }
    command = [
        sys.executable, "-m", "gunicorn", "app:app", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--timeout", "120",
    ]  # fmt: skip
    with serving(command, port, "gunicorn", log_path, cwd=PROJECT_ROOT, env=environment) as url:
        yield url


@contextmanager
def empty_redis_database(redis_url: str, number: int) -> Iterator[str]:
    """The URL of Redis database `number` on `redis_url`'s server, emptied before and
    after: a test's own, since tests empty whole databases (each module its number)."""
    url = redis_url.rsplit("/", 1)[0] + f"/{number}"
    store = redis.Redis.from_url(url)
    store.flushdb()
    try:
        yield url
    finally:
        store.flushdb()
        store.close()
