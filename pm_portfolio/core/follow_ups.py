"""Follow-ups: what is worth doing about an application now, with a message ready to
send. The dashboard lists them, the weekly digest tells them, and a maker who opted in
is emailed each once, the morning it is due (core/reminders.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from enum import StrEnum

from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from pm_portfolio.core.applications import ACTIVE_STAGES
from pm_portfolio.core.applications import last_moved
from pm_portfolio.core.applications import last_opened
from pm_portfolio.core.dates import date_label
from pm_portfolio.core.dates import local_date
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import ShareLink

# How long a maker waits before a follow-up is worth sending.
FOLLOW_UP_AFTER = timedelta(days=7)
# How far ahead the dashboard looks for next steps, and how long one stays overdue.
NEXT_STEPS_AHEAD = timedelta(days=7)
OVERDUE_FOR = timedelta(days=7)


class FollowUpKind(StrEnum):
    NOT_OPENED = "not-opened"
    OPENED = "opened"
    NEXT_STEP = "next-step"


@dataclass(frozen=True)
class FollowUp:
    """Something worth doing about an application now, with a message ready to send."""

    application: Application
    kind: FollowUpKind
    text: str
    subject: str
    body: str
    to: str
    # The date it follows from (the next step's day, the day applied, the day opened):
    # with the kind and the application, what a reminder told.
    since: date

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.application.id}"


def _greeting(application: Application) -> str:
    named = next((contact for contact in application.contacts if contact.name), None)
    return f"Hello {named.name.split()[0]}," if named else "Hello,"


def _recipient(application: Application) -> str:
    return next((contact.email for contact in application.contacts if contact.email), "")


def _follow_up(
    application: Application,
    kind: FollowUpKind,
    since: date,
    text: str,
    lines: list[str],
    maker_name: str,
) -> FollowUp:
    body = "\n\n".join([_greeting(application), *lines, f"Best regards,\n{maker_name}"])
    return FollowUp(
        application=application,
        kind=kind,
        text=text,
        subject=f"{application.role} application: following up",
        body=body,
        to=_recipient(application),
        since=since,
    )


def follow_ups(
    owner_id: int,
    maker_name: str,
    today: date,
    time_zone: str,
    link_url: Callable[[ShareLink], str],
) -> list[FollowUp]:
    """What to follow up on among the active applications, in three statements (with
    the links' products and the contacts):
    applied a week ago or more and never opened; opened, with no change of stage for a
    week; and next steps due within the coming week (or overdue by a week at most)."""
    week_ago = today - FOLLOW_UP_AFTER
    horizon = today + NEXT_STEPS_AHEAD
    overdue_since = today - OVERDUE_FOR
    rows = db.session.execute(
        db.select(Application, last_opened(), last_moved())
        .where(
            Application.user_id == owner_id,
            Application.stage.in_(ACTIVE_STAGES),
            (Application.applied_on <= week_ago)
            | (
                Application.next_step_on.between(overdue_since, horizon)
                & (Application.next_step != "")
            ),
        )
        .options(
            joinedload(Application.share_link).selectinload(ShareLink.items),
            selectinload(Application.contacts),
        )
        # The same order on every database (SQLite sorts NULL first, PostgreSQL last).
        .order_by(
            Application.next_step_on.nulls_last(),
            Application.applied_on.nulls_last(),
            Application.id,
        )
    ).all()
    found = []
    for application, last_opened_at, last_moved_on in rows:
        due_on = application.next_step_on
        if application.next_step and due_on is not None and overdue_since <= due_on <= horizon:
            found.append(_next_step_follow_up(application, today, maker_name))
        link = application.share_link
        if link is None or link.revoked_at is not None or not link.items:
            continue
        if last_opened_at is None:
            if application.applied_on and application.applied_on <= week_ago:
                found.append(_not_opened_follow_up(application, link_url(link), maker_name))
        elif last_moved_on is not None and last_moved_on <= week_ago:
            opened_on = local_date(last_opened_at, time_zone)
            found.append(_opened_follow_up(application, opened_on, link_url(link), maker_name))
    return found


def _next_step_follow_up(application: Application, today: date, maker_name: str) -> FollowUp:
    when = date_label(application.next_step_on)
    if application.next_step_time:
        when += f", {application.next_step_time:%H:%M}"
    due = "was due" if application.next_step_on < today else "is due"
    return _follow_up(
        application,
        FollowUpKind.NEXT_STEP,
        application.next_step_on,
        f"{application.company}: “{application.next_step}” {due} on {when}.",
        [
            f"A note about the next step for the {application.role} role "
            f"({application.next_step}, {when}): I am looking forward to it, and glad to "
            "send anything that would help beforehand."
        ],
        maker_name,
    )


def _not_opened_follow_up(application: Application, url: str, maker_name: str) -> FollowUp:
    applied = date_label(application.applied_on)
    return _follow_up(
        application,
        FollowUpKind.NOT_OPENED,
        application.applied_on,
        f"{application.company} has not opened your case studies yet (sent for the "
        f"{application.role} role on {applied}): send them again, or to someone else?",
        [
            f"I applied for the {application.role} role on {applied}, and wanted to make "
            f"sure my case studies reached you: {url}",
            "I would be glad to talk them through.",
        ],
        maker_name,
    )


def _opened_follow_up(
    application: Application, opened_on: date, url: str, maker_name: str
) -> FollowUp:
    return _follow_up(
        application,
        FollowUpKind.OPENED,
        opened_on,
        f"{application.company} opened it on {date_label(opened_on)}: a good moment to follow up.",
        [
            f"Thank you for reading my case studies for the {application.role} role ({url}).",
            "I would be glad to answer any questions, or to talk about next steps.",
        ],
        maker_name,
    )
