"""Sending email: plain-text messages from templates/email/, through Flask-Mailman.

A message is composed (rendered) where it is asked for, and delivered then or
later (see web.deferred.after_response). Delivery never fails the page that
asked for it: a mail server that is down is logged, and the page says what it
would have said anyway ("if an account uses that address, we sent a link"), so
nothing about accounts leaks either.
"""

import logging
import smtplib

from flask import render_template
from flask_mailman import EmailMessage

logger = logging.getLogger(__name__)


def compose(to: str, subject: str, template: str, **context) -> EmailMessage:
    """`templates/email/<template>.txt` as a message to `to`."""
    body = render_template(f"email/{template}.txt", **context)
    return EmailMessage(subject=subject, body=body, to=[to])


def deliver(message: EmailMessage) -> bool:
    """Hand `message` to the mail server; False if it refused or could not be reached."""
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("could not send the email %r", message.subject)
        return False
    return True


def send_email(to: str, subject: str, template: str, **context) -> bool:
    return deliver(compose(to, subject, template, **context))
