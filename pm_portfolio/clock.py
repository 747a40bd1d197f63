"""The one clock the app reads the time from, so that tests can pin it (time-machine).

Days are UTC days, as every stored time is UTC: a view, a ship date and a link's expiry
are judged by the same calendar on every server, whatever its local time zone.
"""

from datetime import UTC
from datetime import date
from datetime import datetime


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC."""
    return now().date()
