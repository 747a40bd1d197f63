"""Counted views wait here, off the request path, until a flush writes them in batches.

With Redis (REDIS_URL) a view is one pipelined round trip: HINCRBY in a hash per maker,
and the maker's id added to the set of makers with views waiting. Every server counts
into the same hashes, and any of them, or `flask views flush`, may flush: a flush takes
a maker's hash by renaming it (atomic: views counted meanwhile start a new one), writes
it, and deletes it. An app server that dies loses nothing; a flush that dies between
taking and writing loses that one batch, the few seconds of views it held. A view
counted while Redis does not answer waits in the process that counted it, and that
process's next flush writes it; where flushing is left to `flask views flush`
(VIEW_FLUSH_SECONDS=0) nothing would write it there, so it is dropped (and logged).
Counting never fails a page.

Without Redis each process keeps its own counts in memory and flushes them every
VIEW_FLUSH_SECONDS and when it exits; a process that is killed loses at most that
many seconds of its views.

A flush that fails to write puts its views back, to be written by the next.
"""

import atexit
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import redis

from pm_portfolio.redis_clients import Breaker
from pm_portfolio.redis_clients import connection_options
from pm_portfolio.redis_clients import log_failure

logger = logging.getLogger(__name__)

# The kinds of page whose views are counted.
PROFILE = "profile"
PRODUCT = "product"
SHARE_LINK = "share_link"
# How many makers' views one flush takes from Redis at a time.
FLUSH_BATCH = 500


@dataclass(frozen=True, order=True)
class PendingView:
    """One page's views on one day from one source: `kind` is PROFILE, PRODUCT or
    SHARE_LINK, and `object_id` the maker's, product's or link's id."""

    kind: str
    object_id: int
    day: date
    source: str

    def field(self) -> str:
        # Sources are host names or single words, so they never hold a "|".
        return f"{self.kind}|{self.object_id}|{self.day.isoformat()}|{self.source}"

    @classmethod
    def from_field(cls, field: bytes | str) -> "PendingView":
        text = field.decode() if isinstance(field, bytes) else field
        kind, object_id, day, source = text.split("|", 3)
        return cls(kind, int(object_id), date.fromisoformat(day), source)


# Views waiting to be written, per maker.
Batch = dict[int, Counter[PendingView]]


class LocalViewBuffer:
    """Views counted by this process, kept in memory."""

    def __init__(self):
        self._pending: Batch = {}
        self._lock = threading.Lock()

    def add(self, owner_id: int, view: PendingView) -> None:
        with self._lock:
            self._pending.setdefault(owner_id, Counter())[view] += 1

    def pending_for(self, owner_id: int) -> Counter[PendingView]:
        with self._lock:
            return Counter(self._pending.get(owner_id, ()))

    @contextmanager
    def take(self) -> Iterator[Batch]:
        """Every view waiting; put back if the block raises."""
        with self._lock:
            taken, self._pending = self._pending, {}
        try:
            yield taken
        except BaseException:
            with self._lock:
                for owner_id, views in taken.items():
                    self._pending.setdefault(owner_id, Counter()).update(views)
            raise


class RedisViewBuffer:
    """Views counted by every server, kept in Redis until a flush writes them.

    With a `fallback` (a server that flushes by itself), a view Redis does not take
    waits there instead, this process's own, and its next flush writes it.
    """

    def __init__(self, client: redis.Redis, prefix: str, fallback: LocalViewBuffer | None):
        self.client = client
        self.prefix = prefix
        self.owners_key = f"{prefix}views:owners"
        self.fallback = fallback

    def _pending_key(self, owner_id: int) -> str:
        return f"{self.prefix}views:{owner_id}"

    def add(self, owner_id: int, view: PendingView) -> None:
        pipeline = self.client.pipeline(transaction=False)
        pipeline.hincrby(self._pending_key(owner_id), view.field(), 1)
        pipeline.sadd(self.owners_key, owner_id)
        try:
            pipeline.execute()
        except redis.RedisError:
            if self.fallback is None:
                raise
            log_failure(logger, "could not count a view in Redis; this process keeps it")
            self.fallback.add(owner_id, view)

    def pending_for(self, owner_id: int) -> Counter[PendingView]:
        kept_here = self.fallback.pending_for(owner_id) if self.fallback else Counter()
        try:
            found = self.client.hgetall(self._pending_key(owner_id))
        except redis.RedisError:
            if self.fallback is None:
                raise
            log_failure(logger, "could not read views waiting in Redis")
            return kept_here
        in_redis = Counter({PendingView.from_field(field): int(n) for field, n in found.items()})
        return in_redis + kept_here

    @contextmanager
    def take(self) -> Iterator[Batch]:
        """The views of up to FLUSH_BATCH makers (this process's own first); put back
        if the block raises."""
        if self.fallback is not None:
            with self.fallback.take() as kept_here:
                if kept_here:
                    yield kept_here
                    return
        try:
            popped = self.client.spop(self.owners_key, FLUSH_BATCH) or []
        except redis.RedisError:
            if self.fallback is None:
                raise
            # Nothing taken: the next flush looks again.
            log_failure(logger, "could not take views from Redis")
            yield {}
            return
        owner_ids = [int(owner) for owner in popped]
        taking = f"{self.prefix}views-flushing:{os.getpid()}:{time.monotonic_ns()}:"
        try:
            pipeline = self.client.pipeline(transaction=False)
            for owner_id in owner_ids:
                pipeline.rename(self._pending_key(owner_id), f"{taking}{owner_id}")
            # A maker whose hash a concurrent flush took already has nothing to rename.
            renamed = pipeline.execute(raise_on_error=False)
            taken_ids = [owner for owner, ok in zip(owner_ids, renamed, strict=True) if ok is True]
            pipeline = self.client.pipeline(transaction=False)
            for owner_id in taken_ids:
                pipeline.hgetall(f"{taking}{owner_id}")
            found = pipeline.execute()
        except redis.RedisError:
            # Hashes not renamed yet are still pending: the next flush looks again.
            if owner_ids:
                self.client.sadd(self.owners_key, *owner_ids)
            raise
        batch: Batch = {
            owner_id: Counter({PendingView.from_field(f): int(n) for f, n in views.items()})
            for owner_id, views in zip(taken_ids, found, strict=True)
        }
        try:
            yield batch
        except BaseException:
            # If this fails too, the taken hashes stay under `taking` rather than go.
            self._put_back(batch)
            self._forget(taking, taken_ids)
            raise
        self._forget(taking, taken_ids)

    def _put_back(self, batch: Batch) -> None:
        pipeline = self.client.pipeline(transaction=False)
        for owner_id, views in batch.items():
            for view, count in views.items():
                pipeline.hincrby(self._pending_key(owner_id), view.field(), count)
            pipeline.sadd(self.owners_key, owner_id)
        pipeline.execute()

    def _forget(self, taking: str, owner_ids: list[int]) -> None:
        if owner_ids:
            self.client.delete(*(f"{taking}{owner_id}" for owner_id in owner_ids))


ViewBuffer = LocalViewBuffer | RedisViewBuffer


def open_view_buffer(
    redis_url: str, prefix: str, breaker: Breaker, flushes_itself: bool
) -> ViewBuffer:
    if not redis_url:
        return LocalViewBuffer()
    client = redis.Redis.from_url(redis_url, **connection_options(redis_url, breaker))
    return RedisViewBuffer(client, prefix, LocalViewBuffer() if flushes_itself else None)


class Flusher:
    """Flushes views every `seconds` on a thread of this process, and once more at exit.

    Started by the first view a process counts, so that a server forked after the app
    was built runs its own.
    """

    def __init__(self, flush, seconds: int):
        self.flush = flush
        self.seconds = seconds
        self._started_in: int | None = None
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        if self.seconds <= 0 or self._started_in == os.getpid():
            return
        with self._lock:
            if self._started_in == os.getpid():
                return
            self._started_in = os.getpid()
            threading.Thread(target=self._run, name="view-flusher", daemon=True).start()
            atexit.register(self._flush_quietly)

    def _run(self) -> None:
        while True:
            time.sleep(self.seconds)
            self._flush_quietly()

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except Exception:
            # The views are back in the buffer; the next flush tries again.
            logger.exception("could not flush views")
