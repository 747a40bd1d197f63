"""The periodic work, as jobs: with a queue, `flask --app app rq cron` (Flask-RQ's
scheduler) puts each on the `default` queue on its schedule, and the workers run it.

Each job is safe to run however often and on however many servers (rows claim the
work: a digest's week, a reminder's day, a comment's notice), so a second scheduler
started by mistake sends nothing twice. Without a queue, cron runs the `flask` commands
of the same names instead (README).
"""

from datetime import timedelta

from flask import current_app

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import mail
from pm_portfolio.core import media
from pm_portfolio.digests import reminding
from pm_portfolio.digests import sending
from pm_portfolio.extensions import queues
from pm_portfolio.feedback import notifying
from pm_portfolio.web.media_settings import media_storage

# Files an upload wrote this recently may not have their rows yet.
MEDIA_GARBAGE_MIN_AGE = timedelta(hours=1)


def flush_views() -> None:
    """Views counted in Redis, into the database: for servers that do not flush them
    themselves (VIEW_FLUSH_SECONDS=0); harmless beside those that do."""
    analytics.flush_views()


def send_digests() -> None:
    sending.send_due(clock.now())


def send_reminders() -> None:
    reminding.send_due(clock.now())


def send_feedback() -> None:
    notifying.send_due_notices(clock.now())


def collect_media_garbage() -> None:
    """Stored files no row refers to (an upload a crash cut short, a deletion whose
    storage call failed)."""
    media.collect_garbage(media_storage(), MEDIA_GARBAGE_MIN_AGE)


def forget_old_deliveries() -> None:
    """Delivery records outlive every retry of their letter, and a failed letter's 30
    days in the failed registry (`flask mail failed --retry`), by a week."""
    kept = timedelta(seconds=current_app.config["MAIL_FAILED_KEPT_SECONDS"]) + timedelta(days=7)
    mail.forget_deliveries(clock.now() - kept)


# (job, seconds between runs or a cron line in UTC)
SCHEDULE = (
    (flush_views, 60),
    (send_digests, "*/15 * * * *"),
    (send_reminders, "*/15 * * * *"),
    (send_feedback, "*/10 * * * *"),
    (collect_media_garbage, "17 * * * *"),
    (forget_old_deliveries, "43 3 * * *"),
)

_registered = False


def register_schedule() -> None:
    """Give the schedule to Flask-RQ's scheduler, once per process: the extension keeps
    one list for every app made."""
    global _registered
    if _registered:
        return
    for job, when in SCHEDULE:
        queues.cron_register(job, when, queue="default")
    _registered = True
