"""The pages employers read: published portfolios, case studies and share links.

Each answers conditional GETs: a page's ETag comes from what decides its content
(the maker's portfolio version, the viewer, the templates). The profile and case
studies read the version from the maker's stamp (core/stamps.py), so a revalidation
costs no SQL and writes nothing. The same ETag finds an already rendered page for
anonymous visitors, so a page is rendered once per version, and a counted view waits
in a buffer: serving a kept page costs no SQL either.

Each page also comes as a PDF and as a link-preview card, drawn once per version
of the portfolio: they do not depend on who asks, so every reader shares them.
"""

import json
import math
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import stream_with_context
from flask import url_for
from markupsafe import escape

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import publishing
from pm_portfolio.core import share_links
from pm_portfolio.core.preview_cards import CardContent
from pm_portfolio.core.preview_cards import draw_card
from pm_portfolio.core.stamps import OwnerStamp
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio import cards
from pm_portfolio.portfolio import documents
from pm_portfolio.portfolio.json_resume import build_resume
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.page_cache import PageCache
from pm_portfolio.portfolio.render_locks import render_lock
from pm_portfolio.web.helpers import kept
from pm_portfolio.web.helpers import media_storage
from pm_portfolio.web.helpers import signed_in_user_id
from pm_portfolio.web.public_urls import public_base_url
from pm_portfolio.web.public_urls import public_url

bp = Blueprint("portfolio", __name__)

NOINDEX = "noindex, nofollow"


def _etag(*parts: object) -> str:
    """Everything a page's bytes depend on: the code, the address, the viewer, the data."""
    return publishing.public_etag(
        current_app.config["RENDER_VERSION"], public_base_url(), signed_in_user_id(), *parts
    )


def _shared_etag(*parts: object) -> str:
    """The ETag of what every reader gets alike (a PDF, a preview card): no viewer in it."""
    return publishing.public_etag(
        current_app.config["RENDER_VERSION"], public_base_url(), None, *parts
    )


def _profile_card_etag(owner: publishing.PublicOwner) -> str:
    return _shared_etag("profile-card", owner.id, owner.portfolio_version)


def _case_study_card_etag(owner: publishing.PublicOwner, slug: str) -> str:
    return _shared_etag("case-study-card", owner.id, owner.portfolio_version, slug)


def _share_card_etag(link: ShareLink) -> str:
    return _shared_etag("share-card", link.id, link.user.portfolio_version)


def _card_url(endpoint: str, etag: str, **values) -> str:
    """A card's address names its version, so caches may keep it for good."""
    return public_url(endpoint, v=etag[:16], **values)


def _cacheable(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    # Signed-in viewers see their own header and form tokens: keep those out of shared caches.
    if signed_in_user_id() is None:
        response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def _not_modified(etag: str) -> Response | None:
    if etag not in request.if_none_match:
        return None
    return _cacheable(current_app.response_class(status=304), etag)


def _counts_as_view(owner_id: int) -> bool:
    return analytics.should_count(request.user_agent.string, signed_in_user_id(), owner_id)


def _view_source() -> str:
    # Behind a proxy the request's host may not be the one readers see.
    own_hosts = [request.host, urlsplit(public_base_url()).netloc]
    return analytics.referrer_source(request.referrer, own_hosts)


def _visible_owner_or_404(username: str) -> publishing.PublicOwner:
    """The maker, if this viewer may see their portfolio; else the same 404 as a stranger."""
    owner = publishing.find_owner(username)
    if owner is None or not publishing.can_see_portfolio(owner, signed_in_user_id()):
        abort(404)
    return owner


def _visible_stamp_or_404(username: str) -> OwnerStamp:
    """The maker's stamp, if this viewer may see their portfolio; else a 404."""
    stamp = publishing.owner_stamp(username)
    if stamp is None or not publishing.can_see_portfolio(stamp, signed_in_user_id()):
        abort(404)
    return stamp


def _page(etag: str, render, for_everyone: bool = False) -> CachedPage | None:
    """This version of a page: reused for visitors, or rendered by `render()` and kept.
    `for_everyone`: it is the same whoever asks (a PDF, a card), so every reader shares it."""
    cache: PageCache = current_app.extensions["page_cache"]
    # Only anonymous pages are shared; one showing a flash message is for its reader alone.
    shareable = for_everyone or (signed_in_user_id() is None and not session.get("_flashes"))
    page = cache.get(etag) if shareable else None
    if page is None:
        page = render()
        if shareable and page is not None:
            cache.put(etag, page)
    return page


@bp.get("/u/<username>")
def profile(username: str):
    stamp = _visible_stamp_or_404(username)
    etag = _etag("profile", stamp.id, stamp.portfolio_version)
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified

    def render() -> CachedPage:
        owner = _visible_owner_or_404(username)
        products = publishing.public_products(owner)
        body = render_template(
            "portfolio/profile.html",
            owner=owner,
            products=products,
            skills=publishing.skills_demonstrated(products),
            timeline=publishing.shipping_timeline(products),
            learnings=publishing.latest_public_learnings(owner),
            card_url=_card_url(".profile_card", _profile_card_etag(owner), username=owner.username)
            if owner.is_published
            else None,
        )
        return CachedPage(body.encode(), owner_id=owner.id)

    # Counted once the page exists: a stamp kept from just before an unpublish would
    # otherwise count a view of a page that answers 404.
    page = _page(etag, render)
    if _counts_as_view(stamp.id):
        analytics.count_profile_view(stamp.id, clock.today(), _view_source())
    return _cacheable(make_response(page.body), etag)


@bp.get("/u/<username>/<slug>")
def case_study(username: str, slug: str):
    stamp = _visible_stamp_or_404(username)
    etag = _etag("case-study", stamp.id, stamp.portfolio_version, slug)
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified

    def render() -> CachedPage | None:
        owner = _visible_owner_or_404(username)
        product = publishing.public_product(owner, slug)
        if product is None:
            return None
        body = render_template(
            "portfolio/case_study.html",
            owner=owner,
            product=product,
            learnings=publishing.build_log(product),
            share_link=None,
            card_url=_card_url(
                ".case_study_card",
                _case_study_card_etag(owner, slug),
                username=owner.username,
                slug=slug,
            )
            if owner.is_published
            else None,
        )
        return CachedPage(body.encode(), owner_id=owner.id, product_id=product.id)

    page = _page(etag, render)
    if page is None:
        owner = _visible_owner_or_404(username)
        new_slug = publishing.renamed_product_slug(owner, slug)
        if new_slug is None:
            abort(404)
        return redirect(url_for(".case_study", username=owner.username, slug=new_slug), 301)
    if _counts_as_view(stamp.id):
        analytics.count_product_view(stamp.id, page.product_id, clock.today(), _view_source())
    return _cacheable(make_response(page.body), etag)


def _open_link_or_404(token: str) -> ShareLink:
    link = share_links.find_open_link(token, clock.today())
    if link is None:
        abort(404)
    return link


def _share_response(link: ShareLink, etag: str, render) -> Response:
    page = _page(etag, render)
    if page is None:
        abort(404)
    if _counts_as_view(link.user_id):
        analytics.count_share_link_view(link.user_id, link.id, clock.today(), _view_source())
    response = make_response(page.body)
    response.headers["X-Robots-Tag"] = NOINDEX
    return _cacheable(response, etag)


def _shows_anything(link: ShareLink) -> bool:
    """A portfolio link's page stays (saying nothing is left); a product link's page
    goes with its product, and so do its card and contact page."""
    return link.is_portfolio_link or bool(share_links.products_behind(link, loading=()))


def _share_card_url(link: ShareLink) -> str:
    return _card_url(".share_card", _share_card_etag(link), token=link.token)


def _share_case_study(link: ShareLink, product) -> CachedPage:
    owner = publishing.owner_by_id(link.user_id)
    body = render_template(
        "portfolio/case_study.html",
        owner=owner,
        share_link=link,
        product=product,
        learnings=publishing.build_log(product),
        card_url=_share_card_url(link),
    )
    return CachedPage(body.encode(), owner_id=link.user_id, product_id=product.id)


@bp.get("/s/<token>")
def share(token: str):
    link = _open_link_or_404(token)
    etag = _etag("share", link.id, link.user.portfolio_version)
    if (not_modified := _not_modified(etag)) is not None:
        not_modified.headers["X-Robots-Tag"] = NOINDEX
        return not_modified

    def render() -> CachedPage | None:
        products = share_links.products_behind(link)
        if not link.is_portfolio_link:
            return _share_case_study(link, products[0]) if products else None
        body = render_template(
            "portfolio/share.html",
            owner=publishing.owner_by_id(link.user_id),
            share_link=link,
            products=products,
            card_url=_share_card_url(link),
        )
        return CachedPage(body.encode(), owner_id=link.user_id)

    return _share_response(link, etag, render)


@bp.get("/s/<token>/<slug>")
def share_case_study(token: str, slug: str):
    link = _open_link_or_404(token)
    if not link.is_portfolio_link:
        abort(404)
    etag = _etag("share-case-study", link.id, link.user.portfolio_version, slug)
    if (not_modified := _not_modified(etag)) is not None:
        not_modified.headers["X-Robots-Tag"] = NOINDEX
        return not_modified

    def render() -> CachedPage | None:
        product = next((p for p in share_links.products_behind(link) if p.slug == slug), None)
        return _share_case_study(link, product) if product else None

    return _share_response(link, etag, render)


def _contact_page(owner: publishing.PublicOwner, share_link: ShareLink | None, back_url: str):
    if not owner.has_contact:
        abort(404)
    response = make_response(
        render_template(
            "portfolio/contact.html", owner=owner, share_link=share_link, back_url=back_url
        )
    )
    # The one page with the public email: kept out of search engines and shared caches.
    response.headers["X-Robots-Tag"] = NOINDEX
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/u/<username>/contact")
def contact(username: str):
    owner = _visible_owner_or_404(username)
    return _contact_page(owner, None, url_for(".profile", username=owner.username))


@bp.get("/s/<token>/contact")
def share_contact(token: str):
    link = _open_link_or_404(token)
    if not _shows_anything(link):
        abort(404)
    return _contact_page(publishing.owner_by_id(link.user_id), link, url_for(".share", token=token))


def _media_keys(owner: publishing.PublicOwner, products) -> set[str]:
    keys = {file.key for product in products for item in product.media for file in item.files}
    return keys | {key for key in (owner.avatar_key, owner.avatar_key_2x) if key}


def _render_pdf(
    owner: publishing.PublicOwner,
    products: list,
    share_link: ShareLink | None,
    title: str,
) -> bytes:
    html = render_template(
        "portfolio/document.html",
        owner=owner,
        products=products,
        learnings=publishing.build_logs(products),
        share_link=share_link,
        title=title,
        skills=publishing.skills_demonstrated(products),
        home_url=public_url(".share", token=share_link.token)
        if share_link
        else public_url(".profile", username=owner.username),
    )
    document = documents.Document(
        html=html,
        base_url=public_base_url() + "/",
        static_folder=current_app.static_folder,
        media_storage_url=current_app.config["MEDIA_STORAGE_URL"],
        media_keys=frozenset(_media_keys(owner, products)),
    )
    seconds = current_app.config["PDF_TIMEOUT_SECONDS"]
    with render_lock(owner.id, seconds) as may_render:
        if not may_render:
            abort(503, "Another PDF of this portfolio is being made right now. "
                       "Please try again in a few seconds.")  # fmt: skip
        # Only a render counts against the reader's limit; a kept copy is free.
        g.made_a_document = True
        try:
            return documents.render_pdf(document, seconds, current_app.config["PDF_MAX_PAGES"])
        except documents.DocumentFailed as error:
            abort(503, str(error))


def _pdf(etag: str, owner_id: int, filename, render) -> Response:
    """A PDF, made by `render()` (None: nothing to show) once per version and kept, saved
    as `filename()` (asked only when the PDF is sent, not for a 304)."""
    if (not_modified := _not_modified(etag)) is not None:
        not_modified.headers["X-Robots-Tag"] = NOINDEX
        return not_modified

    def make() -> CachedPage | None:
        body = render()
        return CachedPage(body, owner_id=owner_id) if body is not None else None

    page = _page(etag, make, for_everyone=True)
    if page is None:
        abort(404)
    response = current_app.response_class(page.body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename()}"'
    # A PDF carries the public contact email: no search engine should index it.
    response.headers["X-Robots-Tag"] = NOINDEX
    return _cacheable(response, etag)


@bp.get("/u/<username>.pdf")
def profile_pdf(username: str):
    owner = _visible_owner_or_404(username)
    etag = _shared_etag("profile-pdf", owner.id, owner.portfolio_version)

    def render() -> bytes:
        products = publishing.public_products(owner, publishing.CASE_STUDY_LOADING)
        return _render_pdf(owner, products, None, "Product portfolio")

    return _pdf(etag, owner.id, lambda: f"{owner.username}-portfolio.pdf", render)


@bp.get("/u/<username>/<slug>.pdf")
def case_study_pdf(username: str, slug: str):
    owner = _visible_owner_or_404(username)
    etag = _shared_etag("case-study-pdf", owner.id, owner.portfolio_version, slug)

    def render() -> bytes | None:
        product = publishing.public_product(owner, slug)
        return _render_pdf(owner, [product], None, "Case study") if product else None

    return _pdf(etag, owner.id, lambda: f"{owner.username}-{slug}.pdf", render)


def _share_pdf(link: ShareLink, slug: str | None) -> Response:
    """The PDF of a share link's products, or of the one called `slug`."""
    etag = _shared_etag("share-pdf", link.id, link.user.portfolio_version, slug)
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

    return _pdf(etag, link.user_id, filename, render)


@bp.get("/s/<token>.pdf")
def share_pdf(token: str):
    return _share_pdf(_open_link_or_404(token), None)


@bp.get("/s/<token>/<slug>.pdf")
def share_case_study_pdf(token: str, slug: str):
    link = _open_link_or_404(token)
    if not link.is_portfolio_link:
        abort(404)
    return _share_pdf(link, slug)


def _card(etag: str, owner_id: int, content, for_good: bool = True) -> Response:
    """A preview card as PNG; with `for_good`, kept by caches for a year when asked for by
    its current version."""
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified

    def make() -> CachedPage | None:
        card: CardContent | None = content()
        if card is None:
            return None
        g.made_a_document = True
        return CachedPage(draw_card(card, cards.fonts(current_app.static_folder)), owner_id)

    page = _page(etag, make, for_everyone=True)
    if page is None:
        abort(404)
    response = _cacheable(current_app.response_class(page.body, mimetype="image/png"), etag)
    if for_good and request.args.get("v") == etag[:16] and signed_in_user_id() is None:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/u/<username>/card.png")
def profile_card(username: str):
    owner = _visible_owner_or_404(username)
    url = public_url(".profile", username=owner.username)

    def content() -> CardContent:
        count = publishing.public_product_count(owner)
        return cards.profile_card(owner, count, url, media_storage())

    return _card(_profile_card_etag(owner), owner.id, content)


@bp.get("/u/<username>/<slug>/card.png")
def case_study_card(username: str, slug: str):
    owner = _visible_owner_or_404(username)
    url = public_url(".case_study", username=owner.username, slug=slug)

    def content() -> CardContent | None:
        product = publishing.public_product(owner, slug)
        return cards.case_study_card(owner, product, url, media_storage()) if product else None

    return _card(_case_study_card_etag(owner, slug), owner.id, content)


@bp.get("/s/<token>/card.png")
def share_card(token: str):
    link = _open_link_or_404(token)

    def content() -> CardContent | None:
        if not _shows_anything(link):
            return None
        title = "Product portfolio" if link.is_portfolio_link else link.product.title
        owner = publishing.owner_by_id(link.user_id)
        return cards.share_card(owner, title, urlsplit(public_base_url()).netloc)

    # Not kept for good: a revoked link's card must go with it.
    response = _card(_share_card_etag(link), link.user_id, content, for_good=False)
    response.headers["X-Robots-Tag"] = NOINDEX
    return response


@bp.get("/u/<username>/resume.json")
def json_resume(username: str):
    owner = _visible_owner_or_404(username)
    etag = _etag("resume", owner.id, owner.portfolio_version)
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified
    resume = build_resume(
        owner,
        publishing.public_products(owner),
        public_url("portfolio.profile", username=owner.username),
    )
    response = current_app.response_class(
        json.dumps(resume, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    return _cacheable(response, etag)


def _sitemap_version() -> publishing.SitemapVersion:
    # Counting every address reads every public product: done once in a while, not for
    # every crawler's request. A change shows within SITEMAP_VERSION_SECONDS.
    seconds = current_app.config["SITEMAP_VERSION_SECONDS"]
    return kept("sitemap-version", publishing.sitemap_version, timeout=seconds)


def _sitemap_pages(version: publishing.SitemapVersion) -> int:
    return max(1, math.ceil(version.urls / current_app.config["SITEMAP_PAGE_SIZE"]))


def _sitemap_response(body, etag: str) -> Response:
    """The body, or 304 Not Modified (without building it) if the reader has this version."""
    not_modified = etag in request.if_none_match
    response = current_app.response_class(
        None if not_modified else body(), status=304 if not_modified else 200,
        mimetype="application/xml",
    )  # fmt: skip
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _lastmod(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


@bp.get("/sitemap.xml")
def sitemap():
    """A sitemap index: the protocol allows 50,000 addresses a file, so they are paged."""
    version = _sitemap_version()
    etag = _shared_etag("sitemap", current_app.config["SITEMAP_PAGE_SIZE"], version)
    return _sitemap_response(
        lambda: render_template(
            "portfolio/sitemap_index.xml",
            pages=range(1, _sitemap_pages(version) + 1),
            lastmod=_lastmod(version.last_changed),
        ),
        etag,
    )


@bp.get("/sitemaps/<int:page>.xml")
def sitemap_page(page: int):
    version = _sitemap_version()
    if not 1 <= page <= _sitemap_pages(version):
        abort(404)
    size = current_app.config["SITEMAP_PAGE_SIZE"]
    etag = _shared_etag("sitemap-page", size, page, version)

    def written():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        for url in publishing.sitemap_page(page, size):
            address = (
                public_url(".profile", username=url.username)
                if url.slug is None
                else public_url(".case_study", username=url.username, slug=url.slug)
            )
            lastmod = _lastmod(url.changed_at)
            yield f"  <url><loc>{escape(address)}</loc><lastmod>{lastmod}</lastmod></url>\n"
        yield "</urlset>\n"

    return _sitemap_response(lambda: stream_with_context(written()), etag)


@bp.get("/robots.txt")
def robots():
    response = make_response(render_template("portfolio/robots.txt"))
    response.mimetype = "text/plain"
    return response
