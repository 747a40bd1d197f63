"""How dates and times read wherever the app writes them for people, and the time
zones they may be read in."""

import functools
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo
from zoneinfo import available_timezones

DEFAULT_TIME_ZONE = "UTC"


def date_label(value: date | None) -> str:
    """A date people read at a glance: 3 Mar 2026."""
    return f"{value.day} {value:%b %Y}" if value else ""


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones a maker may choose, sorted: "Area/City" names and UTC (the system's
    aliases such as "posixrules" or "EST5EDT" are left out)."""
    names = {name for name in available_timezones() if "/" in name and not name.startswith(
        ("Etc/", "SystemV/", "posix/", "right/"))}  # fmt: skip
    return tuple(sorted(names | {DEFAULT_TIME_ZONE}))


@functools.cache
def _time_zone_set() -> frozenset[str]:
    return frozenset(time_zone_names())


def known_time_zone(name: str | None) -> str:
    """`name` if it is a zone a maker may choose, else UTC."""
    return name if name in _time_zone_set() else DEFAULT_TIME_ZONE


def local_moment(value: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> datetime:
    """`value` as the clock reads in `time_zone`. Naive times (SQLite's) are UTC."""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(known_time_zone(time_zone)))


def week_of(day: date) -> date:
    """The Monday of the ISO week a day falls in (1 January may be in the year before's)."""
    return day - timedelta(days=day.weekday())


def local_date(now: datetime, time_zone: str) -> date:
    """The day it is at `now` where the maker is: what dates the maker's own records."""
    return local_moment(now, time_zone).date()


def moment_label(value: datetime | None, time_zone: str = DEFAULT_TIME_ZONE) -> str:
    """A moment people read at a glance, in their zone: 3 Mar 2026, 15:05 CET."""
    if value is None:
        return ""
    local = local_moment(value, time_zone)
    return f"{date_label(local)}, {local:%H:%M} {local:%Z}"
