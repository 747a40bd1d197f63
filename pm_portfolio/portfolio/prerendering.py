"""Drawing a maker's PDFs ahead of readers: once their portfolio changes, a job draws
the portfolio PDF and each case study's into the cache every server shares, so the
first reader's download is instant. Readers still get one drawn on demand, within its
limits, if they come first.

Only with a queue: the job waits PRERENDER_DELAY_SECONDS after the last change (each
change moves it later), so a maker saving ten times draws once. Without a queue there
is no one to wait, and drawing after every save would take the web process's time.
"""

import logging
from datetime import timedelta

from flask import Flask
from flask import current_app
from flask import has_request_context

from pm_portfolio.core import publishing
from pm_portfolio.core.portfolio_version import portfolio_changed
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from pm_portfolio.portfolio import documents
from pm_portfolio.portfolio.downloads import case_study_document
from pm_portfolio.portfolio.downloads import profile_document
from pm_portfolio.web.deferred import after_response
from pm_portfolio.web.public_urls import base_url_outside_requests

logger = logging.getLogger(__name__)

PRERENDER_DELAY_SECONDS = 60
JOB_TIMEOUT_SECONDS = 30 * 60


def init_prerendering(app: Flask) -> None:
    """With a queue, draw a maker's PDFs again after each change of their portfolio."""
    if app.extensions.get("rq") is not None:
        portfolio_changed.connect(_schedule_after_change, app)


def _schedule_after_change(app: Flask, owner_ids: set[int], **_extra) -> None:
    if has_request_context():
        after_response(_schedule_published, sorted(owner_ids))
    else:
        # Within the commit: no query here. The job itself skips an unpublished maker.
        schedule_prerender(sorted(owner_ids))


def _schedule_published(owner_ids: list[int]) -> None:
    published = db.session.scalars(
        db.select(User.id).where(User.id.in_(owner_ids), User.is_published.is_(True))
    ).all()
    db.session.commit()
    schedule_prerender(list(published))


def schedule_prerender(owner_ids: list[int]) -> None:
    """Put each maker's pre-render on the queue, PRERENDER_DELAY_SECONDS from now. Its
    job id is the maker's, so a later change moves the same job later."""
    queue = current_app.extensions["rq"].get_queue("default")
    for owner_id in owner_ids:
        try:
            queue.enqueue_in(
                timedelta(seconds=PRERENDER_DELAY_SECONDS),
                prerender_pdfs,
                owner_id,
                job_id=f"prerender-pdfs-{owner_id}",
                description=f"draw the PDFs of maker {owner_id}",
                # Each document may take its whole time limit, and the queue's default
                # (3 minutes) would stop a maker of many case studies partway.
                job_timeout=JOB_TIMEOUT_SECONDS,
            )
        except Exception:
            # Readers draw it on demand instead.
            logger.exception("could not schedule the PDFs of maker %s", owner_id)


def prerender_pdfs(owner_id: int) -> int:
    """The job: the published maker's portfolio PDF and each case study's, as they read
    now, into the shared cache (those already there are left); returns how many the
    cache holds now."""
    published = db.session.scalar(db.select(User.is_published).where(User.id == owner_id))
    if not published:
        return 0
    kept = 0
    # The documents' ETags and links are built as pages build them, from PUBLIC_URL.
    with current_app.test_request_context(base_url=base_url_outside_requests()):
        owner = publishing.owner_by_id(owner_id)
        pdfs = [profile_document(owner, for_reader=False)] + [
            case_study_document(owner, product.slug, for_reader=False)
            for product in publishing.public_products(owner)
        ]
        for pdf in pdfs:
            try:
                kept += pdf.kept() is not None
            except documents.DocumentFailed as failed:
                # Too big or too slow: a reader is told so on demand.
                logger.warning("a PDF of maker %s was not drawn: %s", owner_id, failed)
    return kept
