"""Redis connections for what a page can do without: quick to give up when Redis fails.

Pages read stamps from Redis, count views in it and read the dashboard's kept parts,
and each has an answer without it: the database, dropping the view (logged), drawing
the part. Every caller takes a RedisError as "not now". What a hung or unreachable Redis
would still cost is time: each call its socket timeout, several calls per page. So the
connections of the app's Redis clients (Flask-Caching's and the view buffer's) answer
to one circuit breaker per app process: after FAILURES_TO_OPEN failures in
a row, calls fail at once, without touching the network, for RETRY_SECONDS; then one
trial call decides whether Redis is back.

The rate limiter keeps its own client: Flask-Limiter already falls back to limits kept
in memory while its storage is down.
"""

import logging
import sys
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.retry import Retry

logger = logging.getLogger(__name__)

# A Redis beside the app answers in well under a millisecond.
TIMEOUT_SECONDS = 0.25
FAILURES_TO_OPEN = 3
RETRY_SECONDS = 10


class RedisSkipped(redis.ConnectionError):
    """Not sent: Redis failed just before, and is left alone for a while."""


class Breaker:
    """Counts failures in a row; past FAILURES_TO_OPEN it is open: it refuses calls for
    RETRY_SECONDS, then lets one through as a trial, whose reply closes it again.

    Written here rather than taken from pybreaker, which holds its lock for the whole
    guarded call: every Redis call of a process's threads would wait on one another.
    This lock guards two numbers, never a call.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0

    def allows(self) -> bool:
        with self._lock:
            if self._failures < FAILURES_TO_OPEN:
                return True
            now = time.monotonic()
            if now < self._open_until:
                return False
            # The trial: callers meanwhile are refused until its outcome.
            self._open_until = now + RETRY_SECONDS
            return True

    def succeeded(self) -> None:
        with self._lock:
            was_open = self._failures >= FAILURES_TO_OPEN
            self._failures = 0
        if was_open:
            logger.warning("Redis answers again")

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            opened = self._failures == FAILURES_TO_OPEN
            if self._failures >= FAILURES_TO_OPEN:
                self._open_until = time.monotonic() + RETRY_SECONDS
        if opened:
            logger.error(
                "Redis failed %s times in a row: left alone, tried again every %s s",
                FAILURES_TO_OPEN,
                RETRY_SECONDS,
            )


def connection_options(url: str, breaker: Breaker) -> dict:
    """Keyword arguments for `redis.Redis.from_url(url, ...)`: short timeouts, no
    retries, and connections that answer to `breaker`."""
    # The class the URL's scheme calls for (TCP, TLS or a Unix socket), guarded.
    base = parse_url(url).get("connection_class", redis.Connection)

    class GuardedConnection(base):
        # The pool calls connect() each time it hands a connection out, connected or
        # not: refusing there refuses every call. Only a reply counts as a success, so
        # a connection that is merely open tells the breaker nothing.
        connecting = False

        def connect(self, *args, **kwargs):
            if not breaker.allows():
                raise RedisSkipped(f"Redis failed just before; retried within {RETRY_SECONDS} s")
            # The handshake's replies count with the connecting, as one call.
            self.connecting = True
            try:
                return super().connect(*args, **kwargs)
            except redis.ResponseError:
                raise
            except (redis.RedisError, OSError):
                breaker.failed()
                raise
            finally:
                self.connecting = False

        def read_response(self, *args, **kwargs):
            if self.connecting:
                return super().read_response(*args, **kwargs)
            try:
                response = super().read_response(*args, **kwargs)
            except redis.ResponseError:
                # An error reply (a RENAME of a key a concurrent flush took) is an answer.
                breaker.succeeded()
                raise
            except (redis.RedisError, OSError):
                breaker.failed()
                raise
            breaker.succeeded()
            return response

    return {
        "socket_connect_timeout": TIMEOUT_SECONDS,
        "socket_timeout": TIMEOUT_SECONDS,
        # A retry would wait again, and hide its failures from the breaker.
        "retry": Retry(NoBackoff(), 0),
        "connection_class": GuardedConnection,
    }


# A page putting a job on the queue gives up this soon when Redis is away or hangs,
# and does the work itself. A worker raises the read timeout of its own connection to
# what its blocking wait for the next job needs (RQ does).
QUEUE_CONNECT_TIMEOUT_SECONDS = 1
QUEUE_TIMEOUT_SECONDS = 5


class QueueRedis(redis.Redis):
    """The job queue's connection, with the timeouts above."""

    @classmethod
    def from_url(cls, url: str, **kwargs):
        kwargs.setdefault("socket_connect_timeout", QUEUE_CONNECT_TIMEOUT_SECONDS)
        kwargs.setdefault("socket_timeout", QUEUE_TIMEOUT_SECONDS)
        return super().from_url(url, **kwargs)


def log_failure(log: logging.Logger, message: str, *args: object) -> None:
    """Log, from an `except` block, that a Redis call failed and the caller fell back:
    with the traceback, unless the breaker refused it (that is logged once, on opening)."""
    if isinstance(sys.exc_info()[1], RedisSkipped):
        log.debug(message, *args)
    else:
        log.warning(message, *args, exc_info=True)
