"""Telling makers their reviewers' new comments: one email each, at most hourly, for
`flask feedback send` and its scheduled job. The comments are marked told before the
email goes, so two runs at once tell each comment once."""

from datetime import datetime

from flask import current_app

from pm_portfolio.core import mail
from pm_portfolio.core import reviews
from pm_portfolio.web.public_urls import base_url_outside_requests
from pm_portfolio.web.public_urls import public_url


def send_due_notices(now: datetime) -> int:
    """Email each maker whose notice is due their new comments; returns how many went."""
    sent = 0
    # Links in the emails are built as pages build them, from PUBLIC_URL.
    with current_app.test_request_context(base_url=base_url_outside_requests()):
        for notice in reviews.due_notices(now):
            comments = reviews.claim_notice(notice.comments, now)
            if not comments:
                continue
            count = len(comments)
            message = mail.compose(
                notice.maker.email,
                f"{count} new comment{'s' if count != 1 else ''} on your drafts",
                "new_feedback",
                maker=notice.maker,
                comments=comments,
                feedback_url=public_url("feedback.index"),
            )
            if mail.send(message):
                sent += 1
            else:
                reviews.release_notice(comments)
    return sent
