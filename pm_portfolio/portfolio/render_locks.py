"""One PDF render at a time per maker, across every server process.

A maker whose documents are heavy then holds one render at a time, never every
render slot of a server: their other downloads meanwhile are told to try again,
and other makers' PDFs are made as usual. With Redis the lock is shared by every
server (redis-py's lock, which expires if its holder dies); without it, by the
processes of this machine (a lock file, released by the system if its holder dies).
"""

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import redis
from flask import current_app

from pm_portfolio.redis_clients import connection_options
from pm_portfolio.redis_clients import log_failure

try:
    import fcntl
except ImportError:  # not on Windows: there, each process keeps its own locks
    fcntl = None

logger = logging.getLogger(__name__)


def _redis() -> redis.Redis:
    client = current_app.extensions.get("render_lock_redis")
    if client is None:
        url = current_app.config["REDIS_URL"]
        client = redis.Redis.from_url(
            url, **connection_options(url, current_app.extensions["redis_breaker"])
        )
        current_app.extensions["render_lock_redis"] = client
    return client


@contextlib.contextmanager
def _file_lock(owner_id: int) -> Iterator[bool]:
    folder = Path(current_app.instance_path) / "locks"
    folder.mkdir(exist_ok=True)
    # Named by the database too: two apps of one instance folder on different databases
    # (staging beside production, a test run beside another) have makers of the same id.
    database = hashlib.sha256(current_app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()
    name = f"pdf-{database[:16]}-{owner_id}.lock"
    descriptor = os.open(folder / name, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
        yield True
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def render_lock(owner_id: int, seconds: float) -> Iterator[bool]:
    """Yields True when this request may render one of the maker's documents now (for
    at most `seconds`), False when another is rendering one."""
    if not current_app.config["REDIS_URL"]:
        with _file_lock(owner_id) as held:
            yield held
        return
    prefix = current_app.config["CACHE_KEY_PREFIX"]
    lock = _redis().lock(f"{prefix}pdf-render:{owner_id}", timeout=seconds + 5, blocking=False)
    try:
        held = lock.acquire()
    except redis.RedisError:
        log_failure(logger, "could not take the PDF lock of maker %s in Redis", owner_id)
        with _file_lock(owner_id) as held:
            yield held
        return
    try:
        yield held
    finally:
        if held:
            with contextlib.suppress(redis.RedisError):
                lock.release()
