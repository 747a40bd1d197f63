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
import threading
import time

import redis
from redis.connection import parse_url

logger = logging.getLogger(__name__)

# A Redis beside the app answers in well under a millisecond.
TIMEOUT_SECONDS = 0.25
FAILURES_TO_OPEN = 3
RETRY_SECONDS = 10


class RedisSkipped(redis.ConnectionError):
    """Not sent: Redis failed just before, and is left alone for a while."""


class Breaker:
    """Counts failures in a row; past FAILURES_TO_OPEN, refuses new connections for
    RETRY_SECONDS, then lets one through as a trial.

    Written here rather than taken from pybreaker, which holds its lock for the whole
    guarded call: every Redis call of a process's threads would wait on one another.
    This lock guards two numbers, never a call.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._failures = 0
        self._closed_until = 0.0

    def allows(self) -> bool:
        with self._lock:
            if self._failures < FAILURES_TO_OPEN:
                return True
            now = time.monotonic()
            if now < self._closed_until:
                return False
            # The trial: callers meanwhile wait for its outcome, refused.
            self._closed_until = now + RETRY_SECONDS
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= FAILURES_TO_OPEN:
                self._closed_until = time.monotonic() + RETRY_SECONDS
                if self._failures == FAILURES_TO_OPEN:
                    logger.error(
                        "Redis failed %s times in a row: left alone, tried again every %s s",
                        self._failures,
                        RETRY_SECONDS,
                    )

    def through(self, call, *args, **kwargs):
        try:
            result = call(*args, **kwargs)
        except redis.ResponseError:
            # An error reply (a RENAME of a key a concurrent flush took) is Redis answering.
            self.succeeded()
            raise
        except (redis.RedisError, OSError):
            self.failed()
            raise
        self.succeeded()
        return result


def connection_options(url: str, breaker: Breaker) -> dict:
    """Keyword arguments for `redis.Redis.from_url(url, ...)`: short timeouts, and
    connections that answer to `breaker`."""
    # The class the URL's scheme calls for (TCP, TLS or a Unix socket), guarded.
    base = parse_url(url).get("connection_class", redis.Connection)

    class GuardedConnection(base):
        # A failed call drops its connection (redis-py does), so the next call
        # connects again: refusing new connections is refusing calls.
        connecting = False

        def connect(self, *args, **kwargs):
            if not breaker.allows():
                raise RedisSkipped(f"Redis failed just before; retried within {RETRY_SECONDS} s")
            # Its handshake's replies count with it, as one call.
            self.connecting = True
            try:
                return breaker.through(super().connect, *args, **kwargs)
            finally:
                self.connecting = False

        def read_response(self, *args, **kwargs):
            if self.connecting:
                return super().read_response(*args, **kwargs)
            return breaker.through(super().read_response, *args, **kwargs)

    return {
        "socket_connect_timeout": TIMEOUT_SECONDS,
        "socket_timeout": TIMEOUT_SECONDS,
        "connection_class": GuardedConnection,
    }
