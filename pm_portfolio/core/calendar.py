"""Next steps as calendar events (RFC 5545, written by the icalendar library): one
application's as a file to import, and all upcoming ones as a private feed that
calendar apps subscribe to."""

from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event

from pm_portfolio.core import share_links
from pm_portfolio.core.applications import ACTIVE_STAGES
from pm_portfolio.core.dates import known_time_zone
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import CalendarFeed

PRODUCT_ID = "-//PM Portfolio//Applications//EN"
# A timed next step lasts this long in the calendar; the maker moves it there if not.
TIMED_STEP = timedelta(minutes=30)
# The feed keeps a day of the past, so a step of this morning stays in view today.
FEED_KEEPS = timedelta(days=1)


def _event(application: Application, time_zone: str, now: datetime, uid_host: str, url: str):
    event = Event()
    event.add("uid", f"next-step-{application.id}@{uid_host}")
    event.add("dtstamp", now)
    event.add("summary", f"{application.next_step} — {application.company}")
    event.add("description", f"{application.role} at {application.company}\n{url}")
    event.add("url", url)
    day = application.next_step_on
    if application.next_step_time is None:
        event.add("dtstart", day)
        event.add("dtend", _after(day, timedelta(days=1)))
    else:
        start = datetime.combine(day, application.next_step_time, ZoneInfo(time_zone))
        event.add("dtstart", start)
        event.add("dtend", _after(start, TIMED_STEP))
    return event


def _after(start, length: timedelta):
    """`start` + `length`, or `start` on the calendar's last day (31 December 9999)."""
    try:
        return start + length
    except OverflowError:
        return start


def next_steps_calendar(
    applications: list[Application],
    time_zone: str,
    now: datetime,
    uid_host: str,
    application_url: Callable[[Application], str],
    name: str = "Next steps",
) -> bytes:
    """A calendar of these applications' dated next steps, timed ones in `time_zone`.
    Each event's UID names its application, so a changed step replaces the old one."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    zone = known_time_zone(time_zone)
    for application in applications:
        if application.next_step_on is not None:
            calendar.add_component(
                _event(application, zone, now, uid_host, application_url(application))
            )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def upcoming_next_steps(owner_id: int, today: date) -> list[Application]:
    """The active applications with a next step from yesterday on, soonest first."""
    return list(
        db.session.scalars(
            db.select(Application)
            .where(
                Application.user_id == owner_id,
                Application.stage.in_(ACTIVE_STAGES),
                Application.next_step_on >= today - FEED_KEEPS,
                Application.next_step != "",
            )
            .order_by(Application.next_step_on, Application.id)
        )
    )


def feed_of(owner_id: int) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, owner_id)


def find_feed(token: str) -> CalendarFeed | None:
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.token == token))


def renew_feed(owner_id: int) -> CalendarFeed:
    """The maker's feed at a new address; the old one, if any, stops working."""
    feed = feed_of(owner_id) or CalendarFeed(user_id=owner_id)
    feed.token = share_links.new_token()
    db.session.add(feed)
    db.session.commit()
    return feed


def revoke_feed(owner_id: int) -> None:
    feed = feed_of(owner_id)
    if feed is not None:
        db.session.delete(feed)
        db.session.commit()
