"""Sending the weekly digests: `flask digest send` claims each due week and puts its
digest on the queue (or, without one, sends it at once); the job builds the digest and
sends it only if the week had news."""

import logging
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from rq import Retry

from pm_portfolio import clock
from pm_portfolio.core import digests
from pm_portfolio.core import mail
from pm_portfolio.digests.tokens import unsubscribe_token
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from pm_portfolio.models import WeeklyDigest
from pm_portfolio.web.public_urls import base_url_outside_requests
from pm_portfolio.web.public_urls import public_url

logger = logging.getLogger(__name__)

# Digests a job builds and sends: a worker starts a process for each job (a second or
# so, see README), which many digests share.
DIGESTS_PER_JOB = 200
# How many weeks are claimed in one statement.
CLAIMS_PER_STATEMENT = 1000
# A job's time: each email may wait for the mail server (MAIL_TIMEOUT) and more.
SECONDS_PER_EMAIL = 20
BATCH_RETRIES = Retry(max=3, interval=[60, 300, 900])


class DigestsFailed(Exception):
    """Some digests of a job could not be sent: the job is tried again for them."""


def send_due(now: datetime) -> int:
    """Claim every digest due by `now` (and take again those whose job failed), and
    send them, in jobs of DIGESTS_PER_JOB on the queue, or here without one; returns
    how many weeks were claimed."""
    due = digests.due(now)
    claimed: list[int] = []
    for start in range(0, len(due), CLAIMS_PER_STATEMENT):
        claimed += digests.claim_many(due[start : start + CLAIMS_PER_STATEMENT], now)
    pending = claimed + digests.unfinished(now)
    send_in_batches(send_digests, pending, DIGESTS_PER_JOB, what="digests")
    return len(claimed)


def send_in_batches(job: Callable[[list], None], items: list, per_job: int, what: str) -> None:
    """`job` over `items`, per_job at a time: each batch on the queue, or run here if
    there is none or Redis did not answer (the items are claimed already)."""
    for start in range(0, len(items), per_job):
        batch = items[start : start + per_job]
        if enqueue_batch(job, batch, what):
            continue
        try:
            job(batch)
        except Exception:
            logger.exception("some %s of a batch were not sent", what)


def enqueue_batch(job: Callable[[list], None], batch: list, what: str) -> bool:
    """Put `job(batch)` on the default queue; False if there is no queue or Redis did
    not answer: the caller then runs it itself, as the batch is claimed already."""
    queues = current_app.extensions.get("rq")
    if queues is None:
        return False
    try:
        queues.get_queue("default").enqueue(
            job,
            batch,
            retry=BATCH_RETRIES,
            job_timeout=len(batch) * SECONDS_PER_EMAIL,
            description=f"{len(batch)} {what}",
        )
    except Exception:
        logger.exception("could not queue %s %s: sending them here", len(batch), what)
        return False
    return True


def send_digests(digest_ids: list[int]) -> None:
    """The job: each claimed week's digest, sent if anything happened. One that fails
    does not stop the others; the job then fails, and its retry skips those done."""
    failed = 0
    for digest_id in digest_ids:
        try:
            send_digest(digest_id)
        except Exception:
            logger.exception("the digest %s failed", digest_id)
            db.session.rollback()
            failed += 1
    if failed:
        raise DigestsFailed(f"{failed} of {len(digest_ids)} digests")


def send_digest(digest_id: int) -> None:
    """Build a claimed week's digest, and send it if anything happened."""
    claimed = db.session.get(WeeklyDigest, digest_id)
    maker = db.session.get(User, claimed.user_id) if claimed else None
    if maker is None or not maker.weekly_digest or claimed.sent_at or claimed.nothing_to_tell:
        return
    with current_app.test_request_context(base_url=base_url_outside_requests()):
        digest = digests.build(
            maker, claimed.send_on, lambda link: public_url("portfolio.share", token=link.token)
        )
        if not digest.anything_happened:
            digests.mark_nothing_to_tell(claimed)
            return
        unsubscribe_url = public_url("digests.unsubscribe", token=unsubscribe_token(maker.id))
        letter = mail.compose(
            maker.email,
            f"Your week: {_headline(digest)}",
            "weekly_digest",
            with_html=True,
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            digest=digest,
            unsubscribe_url=unsubscribe_url,
            dashboard_url=public_url("dashboard.index"),
            settings_url=public_url("accounts.settings_emails"),
        )
    # In a job of many: the letter goes now, or to the mail queue if the server is away.
    if not mail.deliver_or_queue(letter):
        raise mail.NotDelivered(f"the digest of {maker.email} could not be sent or queued")
    digests.mark_sent(claimed, clock.now())


def _headline(digest: digests.Digest) -> str:
    parts = []
    if digest.views:
        parts.append(f"{digest.views} view{'s' if digest.views != 1 else ''}")
    if digest.links:
        parts.append(f"{len(digest.links)} link{'s' if len(digest.links) != 1 else ''} opened")
    if digest.follow_ups:
        parts.append(f"{len(digest.follow_ups)} to follow up")
    if digest.new_comments:
        parts.append(f"{digest.new_comments} new comment{'s' if digest.new_comments != 1 else ''}")
    return ", ".join(parts) or "your progress"
