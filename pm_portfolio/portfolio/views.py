"""The pages employers read: published portfolios, case studies and share links.

Each answers conditional GETs: a page's ETag comes from what decides its content
(the maker's portfolio version, the viewer, the templates), so a revalidation
costs one query and writes nothing. The same ETag finds an already rendered
page for anonymous visitors, so a page is rendered once per version.

Each page also comes as a PDF and as a link-preview card, drawn once per version
of the portfolio: they do not depend on who asks, so every reader shares them.
"""

import json
from datetime import date
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
from flask import url_for

from pm_portfolio.core import analytics
from pm_portfolio.core import publishing
from pm_portfolio.core import share_links
from pm_portfolio.core.preview_cards import CardContent
from pm_portfolio.core.preview_cards import draw_card
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio import cards
from pm_portfolio.portfolio import documents
from pm_portfolio.portfolio.json_resume import build_resume
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.page_cache import PageCache
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


def _visible_owner_or_404(username: str) -> publishing.PublicOwner:
    """The maker, if this viewer may see their portfolio; else the same 404 as a stranger."""
    owner = publishing.find_owner(username)
    if owner is None or not publishing.can_see_portfolio(owner, signed_in_user_id()):
        abort(404)
    return owner


def _page(etag: str, render) -> CachedPage | None:
    """This version of a page: reused for visitors, or rendered by `render()` and kept."""
    cache: PageCache = current_app.extensions["page_cache"]
    # Only anonymous pages are shared; one showing a flash message is for its reader alone.
    shareable = signed_in_user_id() is None and not session.get("_flashes")
    page = cache.get(etag) if shareable else None
    if page is None:
        page = render()
        if shareable and page is not None:
            cache.put(etag, page)
    return page


@bp.get("/u/<username>")
def profile(username: str):
    owner = _visible_owner_or_404(username)
    etag = _etag("profile", owner.id, owner.portfolio_version)
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified
    if _counts_as_view(owner.id):
        analytics.count_profile_view(owner.id, date.today())

    def render() -> CachedPage:
        products = publishing.public_products(owner)
        body = render_template(
            "portfolio/profile.html",
            owner=owner,
            products=products,
            skills=publishing.skills_demonstrated(products),
            timeline=publishing.shipping_timeline(products),
            learnings=publishing.latest_public_learnings(owner),
            card_url=_card_url(
                "portfolio.profile_card",
                _shared_etag("profile-card", owner.id, owner.portfolio_version),
                username=owner.username,
            )
            if owner.is_published
            else None,
        )
        return CachedPage(body.encode(), owner_id=owner.id)

    return _cacheable(make_response(_page(etag, render).body), etag)


@bp.get("/u/<username>/<slug>")
def case_study(username: str, slug: str):
    owner = _visible_owner_or_404(username)
    etag = _etag("case-study", owner.id, owner.portfolio_version, slug)
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified

    def render() -> CachedPage | None:
        product = publishing.public_product(owner, slug)
        if product is None:
            return None
        body = render_template(
            "portfolio/case_study.html",
            owner=owner,
            product=product,
            learnings=publishing.build_log(product),
            share_link=None,
            preview_picture=publishing.case_study_preview_picture(
                owner, product, by_share_link=False
            ),
            card_url=_card_url(
                "portfolio.case_study_card",
                _shared_etag("case-study-card", owner.id, owner.portfolio_version, slug),
                username=owner.username,
                slug=slug,
            )
            if owner.is_published
            else None,
        )
        return CachedPage(body.encode(), owner_id=owner.id, product_id=product.id)

    page = _page(etag, render)
    if page is None:
        new_slug = publishing.renamed_product_slug(owner, slug)
        if new_slug is None:
            abort(404)
        return redirect(url_for(".case_study", username=owner.username, slug=new_slug), 301)
    if _counts_as_view(owner.id):
        analytics.count_product_view(page.product_id, date.today())
    return _cacheable(make_response(page.body), etag)


def _open_link_or_404(token: str) -> ShareLink:
    link = share_links.find_open_link(token, date.today())
    if link is None:
        abort(404)
    return link


def _share_response(link: ShareLink, etag: str, render) -> Response:
    page = _page(etag, render)
    if page is None:
        abort(404)
    if _counts_as_view(link.user_id):
        analytics.count_share_link_view(link.id, date.today())
    response = make_response(page.body)
    response.headers["X-Robots-Tag"] = NOINDEX
    return _cacheable(response, etag)


def _share_card_url(link: ShareLink) -> str:
    etag = _shared_etag("share-card", link.id, link.user.portfolio_version)
    return _card_url("portfolio.share_card", etag, token=link.token)


def _share_case_study(link: ShareLink, product) -> CachedPage:
    owner = publishing.owner_by_id(link.user_id)
    body = render_template(
        "portfolio/case_study.html",
        owner=owner,
        share_link=link,
        product=product,
        learnings=publishing.build_log(product),
        preview_picture=publishing.case_study_preview_picture(owner, product, by_share_link=True),
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
    return _contact_page(publishing.owner_by_id(link.user_id), link, url_for(".share", token=token))


def _shared_file(etag: str, owner_id: int, make) -> bytes | None:
    """A PDF or card: reused from the page cache, or made by `make()` and kept."""
    cache: PageCache = current_app.extensions["page_cache"]
    page = cache.get(etag)
    if page is None:
        body = make()
        if body is None:
            return None
        page = CachedPage(body, owner_id=owner_id)
        cache.put(etag, page)
    return page.body


def _media_keys(owner: publishing.PublicOwner, products) -> set[str]:
    keys = {file.key for product in products for item in product.media for file in item.files}
    return keys | {key for key in (owner.avatar_key, owner.avatar_key_2x) if key}


def _pdf(
    etag: str,
    filename: str,
    owner: publishing.PublicOwner,
    find_products,
    share_link: ShareLink | None = None,
    title: str = "Product portfolio",
) -> Response:
    """The PDF of some case studies of `owner`, with a cover page when there are several."""
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified

    def make() -> bytes | None:
        products = find_products()
        if products is None:
            return None
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
        # Only a render counts against the reader's limit; a kept copy is free.
        g.made_a_document = True
        try:
            assets = documents.document_assets(
                current_app.static_folder,
                media_storage(),
                _media_keys(owner, products),
                urlsplit(public_base_url()).netloc,
            )
            return documents.render_pdf(
                html, assets, public_base_url() + "/", current_app.config["PDF_TIMEOUT_SECONDS"]
            )
        except documents.DocumentFailed as error:
            abort(503, str(error))

    body = _shared_file(etag, owner.id, make)
    if body is None:
        abort(404)
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if share_link is not None:
        response.headers["X-Robots-Tag"] = NOINDEX
    return _cacheable(response, etag)


@bp.get("/u/<username>.pdf")
def profile_pdf(username: str):
    owner = _visible_owner_or_404(username)
    etag = _shared_etag("profile-pdf", owner.id, owner.portfolio_version)
    return _pdf(
        etag,
        f"{owner.username}-portfolio.pdf",
        owner,
        lambda: publishing.public_case_studies(owner),
    )


@bp.get("/u/<username>/<slug>.pdf")
def case_study_pdf(username: str, slug: str):
    owner = _visible_owner_or_404(username)
    etag = _shared_etag("case-study-pdf", owner.id, owner.portfolio_version, slug)

    def find_products():
        product = publishing.public_product(owner, slug)
        return [product] if product else None

    return _pdf(etag, f"{owner.username}-{slug}.pdf", owner, find_products, title="Case study")


@bp.get("/s/<token>.pdf")
def share_pdf(token: str):
    link = _open_link_or_404(token)
    owner = publishing.owner_by_id(link.user_id)
    etag = _shared_etag("share-pdf", link.id, link.user.portfolio_version)

    def find_products():
        return share_links.products_behind(link, whole=True) or None

    if link.is_portfolio_link:
        return _pdf(etag, f"{owner.username}-portfolio.pdf", owner, find_products, link)
    slug = link.product.slug
    return _pdf(etag, f"{owner.username}-{slug}.pdf", owner, find_products, link, "Case study")


@bp.get("/s/<token>/<slug>.pdf")
def share_case_study_pdf(token: str, slug: str):
    link = _open_link_or_404(token)
    if not link.is_portfolio_link:
        abort(404)
    owner = publishing.owner_by_id(link.user_id)
    etag = _shared_etag("share-case-study-pdf", link.id, link.user.portfolio_version, slug)

    def find_products():
        products = share_links.products_behind(link, whole=True)
        return [product for product in products if product.slug == slug] or None

    return _pdf(etag, f"{owner.username}-{slug}.pdf", owner, find_products, link, "Case study")


def _card(etag: str, owner_id: int, content, public: bool = True) -> Response:
    """A preview card as PNG; a public one is kept for good by caches when asked for by
    its current version."""
    if (not_modified := _not_modified(etag)) is not None:
        return not_modified

    def make() -> bytes | None:
        card: CardContent | None = content()
        if card is None:
            return None
        g.made_a_document = True
        return draw_card(card, cards.fonts(current_app.static_folder))

    body = _shared_file(etag, owner_id, make)
    if body is None:
        abort(404)
    response = _cacheable(current_app.response_class(body, mimetype="image/png"), etag)
    if public and request.args.get("v") == etag[:16] and signed_in_user_id() is None:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/u/<username>/card.png")
def profile_card(username: str):
    owner = _visible_owner_or_404(username)
    etag = _shared_etag("profile-card", owner.id, owner.portfolio_version)
    url = public_url(".profile", username=owner.username)
    return _card(
        etag,
        owner.id,
        lambda: cards.profile_card(owner, publishing.public_products(owner), url, media_storage()),
    )


@bp.get("/u/<username>/<slug>/card.png")
def case_study_card(username: str, slug: str):
    owner = _visible_owner_or_404(username)
    etag = _shared_etag("case-study-card", owner.id, owner.portfolio_version, slug)
    url = public_url(".case_study", username=owner.username, slug=slug)

    def content():
        product = publishing.public_product(owner, slug)
        return cards.case_study_card(owner, product, url, media_storage()) if product else None

    return _card(etag, owner.id, content)


@bp.get("/s/<token>/card.png")
def share_card(token: str):
    link = _open_link_or_404(token)
    etag = _shared_etag("share-card", link.id, link.user.portfolio_version)

    def content():
        owner = publishing.owner_by_id(link.user_id)
        products = share_links.products_behind(link)
        if not products:
            return None
        title = "Product portfolio" if link.is_portfolio_link else products[0].title
        return cards.share_card(owner, title, urlsplit(public_base_url()).netloc)

    # Not kept for good: a revoked link's card must go with it.
    response = _card(etag, link.user_id, content, public=False)
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


@bp.get("/sitemap.xml")
def sitemap():
    response = make_response(
        render_template("portfolio/sitemap.xml", entries=publishing.sitemap_entries())
    )
    response.mimetype = "application/xml"
    return response


@bp.get("/robots.txt")
def robots():
    response = make_response(render_template("portfolio/robots.txt"))
    response.mimetype = "text/plain"
    return response
