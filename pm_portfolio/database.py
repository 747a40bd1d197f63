"""Connection settings that make SQLite safe for several server processes."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context
from flask import request
from sqlalchemy import Engine
from sqlalchemy import event

# Longer than the longest write a request makes (confirming a 5,000-row import): a save
# that arrives meanwhile waits its turn rather than failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)
_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def read_only_transactions() -> Iterator[None]:
    """Transactions begun inside only read, even in a request that writes later.

    On SQLite they start deferred, taking no write lock; the caller ends them
    before it writes.
    """
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


@contextmanager
def writing_transactions() -> Iterator[None]:
    """Transactions begun inside will write after reading, outside a request too (a
    flush of counted views): on SQLite they take the write lock up front."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def _configure_sqlite_connection(dbapi_connection, _connection_record) -> None:
    # Let SQLAlchemy's "begin" hook below decide how transactions start,
    # instead of the sqlite3 module's implicit, deferred BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection) -> None:
    # A deferred transaction that reads, then writes, fails at once with
    # "database is locked" if another worker committed in between; busy_timeout
    # cannot help it. Requests that may write take the write lock up front and
    # wait their turn instead; reads, and work outside requests, stay deferred.
    may_write = _writing.get() or (
        has_request_context()
        and request.method not in READ_ONLY_METHODS
        and not _reading_only.get()
    )
    connection.exec_driver_sql("BEGIN IMMEDIATE" if may_write else "BEGIN")


def configure_engine(engine: Engine) -> None:
    """Install the SQLite connection hooks; other databases need none."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
