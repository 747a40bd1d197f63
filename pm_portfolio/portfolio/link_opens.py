"""The open log of share links: which page or PDF of a link was opened, and when, so a
maker learns whether an employer read what was sent. Readers stay anonymous; robots,
the maker and HEAD requests (link checkers) are not logged, and logging never fails
the page: an opening that cannot be written is lost, and logged.

Logging ends the request's transaction, so callers log last, once they have read what
they need (the rows it loaded would be read again).
"""

from flask import current_app
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import share_links
from pm_portfolio.extensions import db
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import ShareLink
from pm_portfolio.web.access import signed_in_user_id


def _is_a_reader(link: ShareLink) -> bool:
    return request.method == "GET" and analytics.should_count(
        request.user_agent.string, signed_in_user_id(), link.user_id
    )


def _write(link: ShareLink, kind: LinkOpenKind, product_id: int | None) -> None:
    link_id = link.id
    try:
        share_links.record_open(link, clock.now(), product_id, kind)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not log an opening of share link %s", link_id)


def log_open(link: ShareLink, kind: LinkOpenKind, product_id: int | None = None) -> None:
    """Log an opening of `link` (a 304 too: a reader's second visit is news to the maker)."""
    if _is_a_reader(link):
        _write(link, kind, product_id)


def log_case_study_open(link: ShareLink, kind: LinkOpenKind, slug: str) -> None:
    """Log an opening of the case study `slug` of a portfolio link."""
    if _is_a_reader(link):
        _write(link, kind, share_links.shown_product_id(link, slug))
