"""Sending follow-up reminders: `flask reminders send` claims each maker's day whose
morning has come and sends their reminder in jobs on the queue (or here, without one);
the job sends an email only if a follow-up is due that no reminder told yet."""

import logging
from datetime import date
from datetime import datetime

from flask import current_app

from pm_portfolio import clock
from pm_portfolio.core import mail
from pm_portfolio.core import reminders
from pm_portfolio.digests.sending import send_in_batches
from pm_portfolio.digests.tokens import REMINDERS
from pm_portfolio.digests.tokens import unsubscribe_token
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from pm_portfolio.web.public_urls import base_url_outside_requests
from pm_portfolio.web.public_urls import public_url

logger = logging.getLogger(__name__)

MAKERS_PER_JOB = 200
CLAIMS_PER_STATEMENT = 1000


class RemindersFailed(Exception):
    """Some reminders of a job could not be sent: the job is tried again for them."""


def send_due(now: datetime) -> int:
    """Claim the day of every maker whose reminder morning has come, and send their
    reminders in jobs (or here); returns how many days were claimed."""
    reminders.prune_checks(now)
    due = reminders.due(now)
    claimed = [
        (maker_id, day.isoformat())
        for start in range(0, len(due), CLAIMS_PER_STATEMENT)
        for maker_id, day in reminders.claim_many(due[start : start + CLAIMS_PER_STATEMENT])
    ]
    send_in_batches(send_reminders, claimed, MAKERS_PER_JOB, what="reminders")
    return len(claimed)


def send_reminders(maker_days: list[tuple[int, str]]) -> None:
    """The job: each maker's reminder for their day, if a follow-up is due untold. One
    that fails does not stop the others; the job then fails, and its retry skips what
    was told."""
    failed = 0
    for maker_id, day in maker_days:
        try:
            send_reminder(maker_id, date.fromisoformat(day))
        except Exception:
            logger.exception("the reminder of maker %s failed", maker_id)
            db.session.rollback()
            failed += 1
    if failed:
        raise RemindersFailed(f"{failed} of {len(maker_days)} reminders")


def send_reminder(maker_id: int, day: date) -> None:
    maker = db.session.get(User, maker_id)
    if maker is None or not maker.follow_up_reminders or maker.email_verified_at is None:
        return
    with current_app.test_request_context(base_url=base_url_outside_requests()):
        told = reminders.untold(
            maker, day, lambda link: public_url("portfolio.share", token=link.token)
        )
        if not told:
            return
        unsubscribe_url = public_url(
            "digests.unsubscribe", token=unsubscribe_token(maker.id, REMINDERS)
        )
        companies = list(dict.fromkeys(follow_up.application.company for follow_up in told))
        letter = mail.compose(
            maker.email,
            f"Follow up today: {', '.join(companies)}",
            "follow_up_reminder",
            with_html=True,
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            maker_name=maker.name,
            follow_ups=[
                (
                    follow_up,
                    public_url("applications.show", application_id=follow_up.application.id),
                )
                for follow_up in told
            ],
            unsubscribe_url=unsubscribe_url,
            settings_url=public_url("accounts.settings_emails"),
        )
    if not mail.deliver_or_queue(letter):
        raise mail.NotDelivered(f"the reminder of {maker.email} could not be sent or queued")
    reminders.mark_told(told, clock.now())
