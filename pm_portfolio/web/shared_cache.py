"""Values kept in the cache every server shares (Flask-Caching: Redis, or files), for
what is costly to compute and may be a little late."""

import logging
from collections.abc import Callable
from typing import TypeVar

from redis import RedisError

from pm_portfolio.extensions import cache
from pm_portfolio.redis_clients import log_failure

logger = logging.getLogger(__name__)

Kept = TypeVar("Kept")


def from_shared_cache(key: str, compute: Callable[[], Kept], timeout: int | None = None) -> Kept:
    """What is kept in the shared cache under `key`, or `compute()`, kept for `timeout`
    seconds (the cache's default if None). A cache that fails only costs the computing."""
    try:
        found = cache.get(key)
    except (RedisError, OSError):
        log_failure(logger, "could not read %s from the cache", key)
        return compute()
    if found is not None:
        return found
    found = compute()
    try:
        cache.set(key, found, timeout=timeout)
    except (RedisError, OSError):
        log_failure(logger, "could not keep %s in the cache", key)
    return found


def version_from_shared_cache(
    key: str, version: str, compute: Callable[[], Kept], timeout: int | None = None
) -> Kept:
    """Like from_shared_cache, for something large kept in one version only: `key` holds
    the newest version drawn, which a newer one replaces, so old versions take no room."""
    try:
        found = cache.get(key)
    except (RedisError, OSError):
        log_failure(logger, "could not read %s from the cache", key)
        return compute()
    if isinstance(found, tuple) and len(found) == 2 and found[0] == version:
        return found[1]
    computed = compute()
    if computed is not None:
        try:
            cache.set(key, (version, computed), timeout=timeout)
        except (RedisError, OSError):
            log_failure(logger, "could not keep %s in the cache", key)
    return computed
