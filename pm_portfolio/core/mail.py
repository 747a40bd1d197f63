"""Sending email: plain-text messages from templates/email/, through Flask-Mailman.

A message is composed (rendered) where it is asked for, as a `Letter` of plain values,
and then sent one of two ways:

- With a queue (REDIS_URL set), it becomes a job on the "mail" queue, which a worker
  (`flask --app app rq worker mail --with-scheduler`) delivers, retrying with backoff
  for about six hours
  while the mail server is away. Each letter has a message id, and a delivery is
  recorded under it, so a retry never sends a delivered letter again. The one window
  left: a worker that dies after the mail server accepted a letter and before the
  record was written sends it again when the job is retried.
- Without one (`make run`), or if Redis does not answer, it is delivered in the
  process, once, best effort: a failure is logged.

Delivery never fails the page that asked for it, and pages say what they would have
said anyway ("if an account uses that address, we sent a link"), so nothing about
accounts leaks either.
"""

import logging
import smtplib
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from email.utils import make_msgid

from flask import current_app
from flask import render_template
from flask_mailman import EmailMultiAlternatives
from rq import Retry

from pm_portfolio import clock
from pm_portfolio.extensions import db
from pm_portfolio.models import DeliveredEmail

logger = logging.getLogger(__name__)

QUEUE = "mail"


@dataclass(frozen=True)
class Letter:
    """A composed message, all plain values: it crosses to a worker as it is."""

    to: str
    subject: str
    body: str
    message_id: str
    # The same in simple HTML, for a digest; and headers of its own (List-Unsubscribe).
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class NotDelivered(Exception):
    """The mail server refused the letter or could not be reached: try again later."""


def compose(
    to: str,
    subject: str,
    template: str,
    with_html: bool = False,
    headers: dict[str, str] | None = None,
    **context,
) -> Letter:
    """`templates/email/<template>.txt` as a letter to `to`; `with_html`: with
    `<template>.html` as its HTML part."""
    body = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context) if with_html else ""
    domain = current_app.config["MAIL_MESSAGE_ID_DOMAIN"]
    return Letter(
        to=to,
        subject=subject,
        body=body,
        message_id=make_msgid(domain=domain),
        html=html,
        headers=dict(headers or {}),
    )


def _send(letter: Letter) -> None:
    message = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.body,
        to=[letter.to],
        headers={**letter.headers, "Message-ID": letter.message_id},
    )
    if letter.html:
        message.attach_alternative(letter.html, "text/html")
    message.send()


def deliver(letter: Letter) -> bool:
    """Hand `letter` to the mail server now; False if it refused or could not be reached."""
    try:
        _send(letter)
    except (OSError, smtplib.SMTPException):
        logger.exception("could not send the email %r", letter.subject)
        return False
    return True


def deliver_queued(fields: dict) -> None:
    """The mail queue's job: deliver the letter unless a try before did. Raises
    NotDelivered (the worker then retries) if the mail server fails."""
    letter = Letter(**fields)
    if db.session.get(DeliveredEmail, letter.message_id) is not None:
        return
    try:
        _send(letter)
    except (OSError, smtplib.SMTPException) as error:
        raise NotDelivered(f"{letter.subject!r} to the mail server: {error}") from error
    db.session.add(DeliveredEmail(message_id=letter.message_id, delivered_at=clock.now()))
    db.session.commit()


def forget_deliveries(before: datetime) -> int:
    """Forget deliveries recorded before `before` (no job of theirs is left to retry);
    returns how many."""
    result = db.session.execute(
        db.delete(DeliveredEmail).where(DeliveredEmail.delivered_at < before)
    )
    db.session.commit()
    return result.rowcount


def retries() -> Retry:
    intervals = list(current_app.config["MAIL_RETRY_SECONDS"])
    return Retry(max=len(intervals), interval=intervals)


def enqueue(letter: Letter) -> bool:
    """Put the letter on the mail queue; False if there is no queue or Redis did not
    answer (the caller then delivers it itself)."""
    queues = current_app.extensions.get("rq")
    if queues is None:
        return False
    try:
        queues.get_queue(QUEUE).enqueue(
            deliver_queued,
            asdict(letter),
            retry=retries(),
            description=f"email {letter.subject!r}",
            failure_ttl=current_app.config["MAIL_FAILED_KEPT_SECONDS"],
        )
    except Exception:
        # Whatever went wrong (Redis away, a bad reply), the letter is not lost: the
        # caller sends it itself.
        logger.exception("could not queue the email %r", letter.subject)
        return False
    return True


def deliver_or_queue(letter: Letter) -> bool:
    """In a job that sends many letters (the digests): deliver each now, and leave
    only a failure to the mail queue and its retries."""
    return deliver(letter) or enqueue(letter)


def send(letter: Letter) -> bool:
    """Queue the letter, or deliver it here; True once it is queued or delivered."""
    return enqueue(letter) or deliver(letter)
