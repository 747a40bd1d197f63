"""Follow-up reminders: one email, the morning a follow-up of an application is due, to
a maker who opted in, telling each follow-up once.

A maker's follow-ups are looked at once a day, from 08:00 in their time zone: the day is
claimed by a row before anything is sent, so running `flask reminders send` often, or
on several servers, looks once. A follow-up told is kept (its application, kind and
date), so a later day tells it again only if it changed: a next step moved to another
day, an application opened again. A next step is told the morning before its day (or on
it, if it was set later), the others as soon as they are due.
"""

from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import tuple_
from sqlalchemy.exc import IntegrityError

from pm_portfolio.core.dates import local_moment
from pm_portfolio.core.follow_ups import FollowUp
from pm_portfolio.core.follow_ups import FollowUpKind
from pm_portfolio.core.follow_ups import follow_ups
from pm_portfolio.database import writing_transactions
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import FollowUpCheck
from pm_portfolio.models import RemindedFollowUp
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User

DUE_FROM_HOUR = 8
NEXT_STEP_NOTICE = timedelta(days=1)
# Claimed days kept: enough for every time zone's today and yesterday.
CHECKS_KEPT = timedelta(days=3)


def check_day(now: datetime, time_zone: str) -> date | None:
    """The maker's day, if it is 08:00 or later there."""
    local = local_moment(now, time_zone)
    return local.date() if local.hour >= DUE_FROM_HOUR else None


def due(now: datetime) -> list[tuple[int, date]]:
    """(maker id, day) of every opted-in maker, with a confirmed address and at least
    one application, whose day has come and is not claimed yet."""
    makers = db.session.execute(
        db.select(User.id, User.time_zone)
        .where(
            User.follow_up_reminders.is_(True),
            User.email_verified_at.is_not(None),
            db.select(Application.id).where(Application.user_id == User.id).exists(),
        )
        .order_by(User.id)
    ).all()
    candidates = [
        (maker_id, day)
        for maker_id, time_zone in makers
        if (day := check_day(now, time_zone)) is not None
    ]
    if not candidates:
        return []
    days = {day for _, day in candidates}
    claimed = set(
        db.session.execute(
            db.select(FollowUpCheck.user_id, FollowUpCheck.day).where(
                FollowUpCheck.day.in_(sorted(days))
            )
        ).all()
    )
    return [candidate for candidate in candidates if candidate not in claimed]


def claim_many(due_days: list[tuple[int, date]]) -> list[tuple[int, date]]:
    """Claim these makers' days, many in one statement; the days claimed. If another
    run claimed one of them meanwhile, they are claimed one by one, and those taken are
    left out."""
    if not due_days:
        return []
    db.session.commit()
    try:
        with writing_transactions():
            db.session.execute(
                db.insert(FollowUpCheck),
                [{"user_id": maker_id, "day": day} for maker_id, day in due_days],
            )
            db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return [(maker_id, day) for maker_id, day in due_days if claim(maker_id, day)]
    return due_days


def claim(maker_id: int, day: date) -> bool:
    """Claim the maker's day; False if another run did first."""
    db.session.commit()
    with writing_transactions():
        db.session.add(FollowUpCheck(user_id=maker_id, day=day))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return False
    return True


def prune_checks(now: datetime) -> None:
    """Forget claimed days no time zone is still in."""
    oldest = (now - CHECKS_KEPT).date()
    db.session.execute(db.delete(FollowUpCheck).where(FollowUpCheck.day < oldest))
    db.session.commit()


def _is_due(follow_up: FollowUp, today: date) -> bool:
    if follow_up.kind == FollowUpKind.NEXT_STEP:
        return follow_up.since <= today + NEXT_STEP_NOTICE
    return True


def untold(maker: User, today: date, link_url: Callable[[ShareLink], str]) -> list[FollowUp]:
    """The maker's follow-ups due today that no reminder told yet."""
    found = [
        follow_up
        for follow_up in follow_ups(maker.id, maker.name, today, maker.time_zone, link_url)
        if _is_due(follow_up, today)
    ]
    if not found:
        return []
    told = set(
        db.session.execute(
            db.select(
                RemindedFollowUp.application_id, RemindedFollowUp.kind, RemindedFollowUp.since
            ).where(
                tuple_(RemindedFollowUp.application_id, RemindedFollowUp.kind).in_(
                    [(follow_up.application.id, str(follow_up.kind)) for follow_up in found]
                )
            )
        ).all()
    )
    return [
        follow_up
        for follow_up in found
        if (follow_up.application.id, str(follow_up.kind), follow_up.since) not in told
    ]


def mark_told(told: list[FollowUp], now: datetime) -> None:
    db.session.add_all(
        RemindedFollowUp(
            application_id=follow_up.application.id,
            kind=str(follow_up.kind),
            since=follow_up.since,
            reminded_at=now,
        )
        for follow_up in told
    )
    db.session.commit()
