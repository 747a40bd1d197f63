"""Sending email: plain-text messages from templates/email/, through Flask-Mailman.

Sending never fails the page that asked for it: a mail server that is down is
logged, and the page says what it would have said anyway ("if an account uses
that address, we sent a link"), so nothing about accounts leaks either.
"""

import logging
import smtplib

from flask import render_template
from flask_mailman import EmailMessage

logger = logging.getLogger(__name__)


def send_email(to: str, subject: str, template: str, **context) -> bool:
    """Send `templates/email/<template>.txt` to `to`; False if the server refused it."""
    body = render_template(f"email/{template}.txt", **context)
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except (OSError, smtplib.SMTPException):
        logger.exception("could not send the %r email", template)
        return False
    return True
