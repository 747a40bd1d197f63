"""The pages employers read: published portfolios, case studies and share links.

Each answers conditional GETs: a page's ETag comes from what decides its content
(the maker's portfolio version, the viewer, the templates), so a revalidation
costs one query and writes nothing. The same ETag finds an already rendered
page for anonymous visitors, so a page is rendered once per version.
"""

import json
from datetime import date

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from pm_portfolio.core import analytics
from pm_portfolio.core import publishing
from pm_portfolio.core import share_links
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio.json_resume import build_resume
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.page_cache import PageCache
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
            preview_picture=publishing.profile_preview_picture(owner, products),
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


def _share_case_study(link: ShareLink, product) -> CachedPage:
    owner = publishing.owner_by_id(link.user_id)
    body = render_template(
        "portfolio/case_study.html",
        owner=owner,
        share_link=link,
        product=product,
        learnings=publishing.build_log(product),
        preview_picture=publishing.case_study_preview_picture(owner, product, by_share_link=True),
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
