"""The open log of share links: which page or PDF of a link was opened, and when, so a
maker learns whether an employer read what was sent. Readers stay anonymous; robots
and the maker are not logged, as for the daily counts."""

from flask import request

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import share_links
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import ShareLink
from pm_portfolio.web.access import signed_in_user_id


def log_open(link: ShareLink, kind: LinkOpenKind, product_id: int | None = None) -> None:
    """Log an opening of `link` (a 304 too: a reader's second visit is news to the maker)."""
    if analytics.should_count(request.user_agent.string, signed_in_user_id(), link.user_id):
        share_links.record_open(link, clock.now(), product_id, kind)


def log_case_study_open(link: ShareLink, kind: LinkOpenKind, slug: str) -> None:
    if analytics.should_count(request.user_agent.string, signed_in_user_id(), link.user_id):
        product_id = share_links.shown_product_id(link, slug)
        share_links.record_open(link, clock.now(), product_id, kind)
