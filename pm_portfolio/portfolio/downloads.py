"""What readers take away: a PDF of the portfolio, a case study or a share link (drawn
once per version and shared by every reader), and the JSON Resume."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import render_template

from pm_portfolio.core import publishing
from pm_portfolio.core import share_links
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio import documents
from pm_portfolio.portfolio.blueprint import bp
from pm_portfolio.portfolio.conditional import NOINDEX
from pm_portfolio.portfolio.conditional import cacheable
from pm_portfolio.portfolio.conditional import kept_page
from pm_portfolio.portfolio.conditional import not_modified
from pm_portfolio.portfolio.conditional import page_etag
from pm_portfolio.portfolio.conditional import shared_etag
from pm_portfolio.portfolio.json_resume import build_resume
from pm_portfolio.portfolio.link_opens import log_case_study_open
from pm_portfolio.portfolio.link_opens import log_open
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.readable import open_link_or_404
from pm_portfolio.portfolio.readable import visible_owner_or_404
from pm_portfolio.portfolio.render_locks import render_lock
from pm_portfolio.web.public_urls import public_base_url
from pm_portfolio.web.public_urls import public_url
from pm_portfolio.web.shared_cache import version_from_shared_cache

# A PDF kept in the shared cache, in its newest version only (checked by its ETag), which
# is drawn again ahead of readers after each change (portfolio/prerendering.py).
PDF_KEPT_SECONDS = 7 * 24 * 3600


def _media_keys(owner: publishing.PublicOwner, products) -> set[str]:
    keys = {file.key for product in products for item in product.media for file in item.files}
    return keys | {key for key in (owner.avatar_key, owner.avatar_key_2x) if key}


def _render_pdf(
    owner: publishing.PublicOwner,
    products: list,
    share_link: ShareLink | None,
    title: str,
    for_reader: bool = True,
) -> bytes:
    """The PDF; for a reader, one of the maker's at a time (render_locks.py), which the
    pre-render job, drawing them one by one in a worker, does not take: readers meanwhile
    are not told to try again."""
    html = render_template(
        "portfolio/document.html",
        owner=owner,
        products=products,
        learnings=publishing.build_logs(products),
        share_link=share_link,
        title=title,
        skills=publishing.skills_demonstrated(products),
        home_url=public_url("portfolio.share", token=share_link.token)
        if share_link
        else public_url("portfolio.profile", username=owner.username),
    )
    document = documents.Document(
        html=html,
        base_url=public_base_url() + "/",
        static_folder=current_app.static_folder,
        media_storage_url=current_app.config["MEDIA_STORAGE_URL"],
        media_keys=frozenset(_media_keys(owner, products)),
    )
    seconds = current_app.config["PDF_TIMEOUT_SECONDS"]
    max_pages = current_app.config["PDF_MAX_PAGES"]
    if not for_reader:
        return documents.render_pdf(document, seconds, max_pages)
    with render_lock(owner.id, seconds) as may_render:
        if not may_render:
            abort(503, "Another PDF of this portfolio is being made right now. "
                       "Please try again in a few seconds.")  # fmt: skip
        # Only a render counts against the reader's limit; a kept copy is free.
        g.drew_a_new_document = True
        try:
            return documents.render_pdf(document, seconds, max_pages)
        except documents.DocumentFailed as error:
            abort(503, str(error))


@dataclass(frozen=True)
class PdfDocument:
    """One PDF a reader may download: where it is kept (`slot`, one per document), the
    ETag of its version now, and how to draw it (None: nothing to show)."""

    slot: str
    etag: str
    render: Callable[[], bytes | None]

    def kept(self) -> bytes | None:
        """This version from the cache every server shares, or drawn and kept there: one
        server's drawing (or the pre-render job's) serves every server."""
        return version_from_shared_cache(
            f"pdf:{self.slot}", self.etag, self.render, timeout=PDF_KEPT_SECONDS
        )


def _pdf(document: PdfDocument, owner_id: int, filename) -> Response:
    """A PDF, drawn once per version and kept, saved as `filename()` (asked only when
    the PDF is sent, not for a 304)."""
    etag = document.etag
    if (answer := not_modified(etag, noindex=True)) is not None:
        return answer

    def make() -> CachedPage | None:
        body = document.kept()
        return CachedPage(body, owner_id=owner_id) if body is not None else None

    page = kept_page(etag, make, for_everyone=True)
    if page is None:
        abort(404)
    response = current_app.response_class(page.body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename()}"'
    # A PDF carries the public contact email: no search engine should index it.
    response.headers["X-Robots-Tag"] = NOINDEX
    return cacheable(response, etag)


def profile_document(owner: publishing.PublicOwner, for_reader: bool = True) -> PdfDocument:
    """The maker's portfolio PDF."""

    def render() -> bytes:
        products = publishing.public_products(owner, publishing.CASE_STUDY_LOADING)
        return _render_pdf(owner, products, None, "Product portfolio", for_reader)

    etag = shared_etag("profile-pdf", owner.id, owner.portfolio_version)
    return PdfDocument(f"profile:{owner.id}", etag, render)


def case_study_document(
    owner: publishing.PublicOwner, slug: str, for_reader: bool = True
) -> PdfDocument:
    """A case study's PDF (drawn as None if there is no such public case study)."""

    def render() -> bytes | None:
        product = publishing.public_product(owner, slug)
        if product is None:
            return None
        return _render_pdf(owner, [product], None, "Case study", for_reader)

    etag = shared_etag("case-study-pdf", owner.id, owner.portfolio_version, slug)
    return PdfDocument(f"case-study:{owner.id}:{slug}", etag, render)


@bp.get("/u/<username>.pdf")
def profile_pdf(username: str):
    owner = visible_owner_or_404(username)
    return _pdf(profile_document(owner), owner.id, lambda: f"{owner.username}-portfolio.pdf")


@bp.get("/u/<username>/<slug>.pdf")
def case_study_pdf(username: str, slug: str):
    owner = visible_owner_or_404(username)
    document = case_study_document(owner, slug)
    return _pdf(document, owner.id, lambda: f"{owner.username}-{slug}.pdf")


def _share_pdf(link: ShareLink, slug: str | None) -> Response:
    """The PDF of a share link's products, or of the one called `slug`."""
    etag = shared_etag("share-pdf", link.id, link.user.portfolio_version, slug)
    name = link.user.username

    def render() -> bytes | None:
        products = share_links.products_behind(link, publishing.CASE_STUDY_LOADING)
        if slug is not None:
            products = [product for product in products if product.slug == slug]
        if not products:
            return None
        whole = link.is_portfolio_link and slug is None
        owner = publishing.owner_by_id(link.user_id)
        return _render_pdf(owner, products, link, "Product portfolio" if whole else "Case study")

    def filename() -> str:
        if link.is_portfolio_link and slug is None:
            return f"{name}-portfolio.pdf"
        return f"{name}-{slug or link.product.slug}.pdf"

    document = PdfDocument(f"share:{link.id}:{slug or ''}", etag, render)
    return _pdf(document, link.user_id, filename)


@bp.get("/s/<token>.pdf")
def share_pdf(token: str):
    link = open_link_or_404(token)
    response = _share_pdf(link, None)
    log_open(link, LinkOpenKind.PDF, link.product_id)
    return response


@bp.get("/s/<token>/<slug>.pdf")
def share_case_study_pdf(token: str, slug: str):
    link = open_link_or_404(token)
    if not link.is_portfolio_link:
        abort(404)
    response = _share_pdf(link, slug)
    log_case_study_open(link, LinkOpenKind.PDF, slug)
    return response


@bp.get("/u/<username>/resume.json")
def json_resume(username: str):
    owner = visible_owner_or_404(username)
    etag = page_etag("resume", owner.id, owner.portfolio_version)
    if (answer := not_modified(etag)) is not None:
        return answer
    resume = build_resume(
        owner,
        publishing.public_products(owner, publishing.RESUME_LOADING),
        public_url("portfolio.profile", username=owner.username),
    )
    response = current_app.response_class(
        json.dumps(resume, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    return cacheable(response, etag)
