"""What a public page's ETag needs to know of its maker, kept where every server reads it
without SQL: Redis when configured, else files shared by this machine's processes.

A stamp is a copy of three columns of the maker's row, so it must never outlive a
change to them. Every transaction that bumps a portfolio version deletes its makers'
stamps once it has committed (core/portfolio_version.py), and the next reader fills
the stamp from the database. Two things could still leave a stamp behind a commit: a
reader that read the row just before the commit and stores it just after the delete,
and a server that dies between commit and delete. A stamp lives `STAMP_SECONDS`, so
either can serve the previous version for that long at most.
"""

import logging
from dataclasses import dataclass

from redis import RedisError

from pm_portfolio.extensions import cache
from pm_portfolio.redis_clients import log_failure

logger = logging.getLogger(__name__)

STAMP_SECONDS = 10


@dataclass(frozen=True)
class OwnerStamp:
    id: int
    portfolio_version: int
    is_published: bool


def _key(username: str) -> str:
    return f"owner:{username.lower()}"


def owner_stamp(username: str) -> OwnerStamp | None:
    """The stamp of `username`, or None if none is kept (or the store cannot answer)."""
    try:
        found = cache.get(_key(username))
    except (RedisError, OSError):  # the database answers instead
        log_failure(logger, "could not read a stamp")
        return None
    return OwnerStamp(*found) if isinstance(found, tuple) else None


def keep_owner_stamp(username: str, stamp: OwnerStamp) -> None:
    """Keep a stamp just read from the database for STAMP_SECONDS.

    A plain set, not "add if absent": the folder of files keeps an expired entry
    until it is overwritten, so "add" would never keep a stamp again.
    """
    value = (stamp.id, stamp.portfolio_version, stamp.is_published)
    try:
        cache.set(_key(username), value, timeout=STAMP_SECONDS)
    except (RedisError, OSError):  # the next reader asks the database again
        log_failure(logger, "could not keep a stamp")


def forget_owner_stamps(usernames: set[str]) -> None:
    if not usernames:
        return
    try:
        cache.delete_many(*(_key(username) for username in sorted(usernames)))
    except (RedisError, OSError):  # it expires by itself within STAMP_SECONDS
        log_failure(logger, "could not forget stamps of %s", sorted(usernames))
