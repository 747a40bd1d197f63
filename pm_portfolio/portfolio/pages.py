"""The pages employers read: published profiles, case studies, share pages, contact pages.

The profile and case studies read the maker's version from their stamp
(core/stamps.py), so a revalidation costs no SQL and writes nothing, and a kept page
with its counted view (which waits in a buffer) costs no SQL either.
"""

from urllib.parse import urlsplit

from flask import Response
from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from pm_portfolio import clock
from pm_portfolio.core import analytics
from pm_portfolio.core import publishing
from pm_portfolio.core import share_links
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio.blueprint import bp
from pm_portfolio.portfolio.conditional import NOINDEX
from pm_portfolio.portfolio.conditional import cacheable
from pm_portfolio.portfolio.conditional import case_study_etag
from pm_portfolio.portfolio.conditional import kept_page
from pm_portfolio.portfolio.conditional import not_modified
from pm_portfolio.portfolio.conditional import page_etag
from pm_portfolio.portfolio.conditional import profile_etag
from pm_portfolio.portfolio.link_opens import log_case_study_open
from pm_portfolio.portfolio.link_opens import log_open
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.previews import case_study_card_etag
from pm_portfolio.portfolio.previews import profile_card_etag
from pm_portfolio.portfolio.previews import share_card_url
from pm_portfolio.portfolio.previews import versioned_card_url
from pm_portfolio.portfolio.readable import open_link_or_404
from pm_portfolio.portfolio.readable import shows_anything
from pm_portfolio.portfolio.readable import visible_owner_or_404
from pm_portfolio.portfolio.readable import visible_stamp_or_404
from pm_portfolio.web.access import signed_in_user_id
from pm_portfolio.web.public_urls import public_base_url


def _counts_as_view(owner_id: int) -> bool:
    return analytics.should_count(request.user_agent.string, signed_in_user_id(), owner_id)


def _view_source() -> str:
    # Behind a proxy the request's host may not be the one readers see.
    own_hosts = [request.host, urlsplit(public_base_url()).netloc]
    return analytics.referrer_source(request.referrer, own_hosts)


@bp.get("/u/<username>")
def profile(username: str):
    stamp = visible_stamp_or_404(username)
    etag = profile_etag(stamp, public_base_url(), signed_in_user_id())
    if (answer := not_modified(etag)) is not None:
        return answer

    def render() -> CachedPage:
        owner = visible_owner_or_404(username)
        products = publishing.public_products(owner)
        body = render_template(
            "portfolio/profile.html",
            owner=owner,
            products=products,
            skills=publishing.skills_demonstrated(products),
            timeline=publishing.shipping_timeline(products),
            learnings=publishing.latest_public_learnings(owner),
            card_url=versioned_card_url(
                ".profile_card", profile_card_etag(owner), username=owner.username
            )
            if owner.is_published
            else None,
        )
        return CachedPage(body.encode(), owner_id=owner.id)

    # Counted once the page exists: a stamp kept from just before an unpublish would
    # otherwise count a view of a page that answers 404.
    page = kept_page(etag, render)
    if _counts_as_view(stamp.id):
        analytics.count_profile_view(stamp.id, clock.today(), _view_source())
    return cacheable(make_response(page.body), etag)


@bp.get("/u/<username>/<slug>")
def case_study(username: str, slug: str):
    stamp = visible_stamp_or_404(username)
    etag = case_study_etag(stamp, slug, public_base_url(), signed_in_user_id())
    if (answer := not_modified(etag)) is not None:
        return answer

    def render() -> CachedPage | None:
        owner = visible_owner_or_404(username)
        product = publishing.public_product(owner, slug)
        if product is None:
            return None
        body = render_template(
            "portfolio/case_study.html",
            owner=owner,
            product=product,
            learnings=publishing.build_log(product),
            neighbours=publishing.portfolio_neighbours(owner, slug),
            share_link=None,
            card_url=versioned_card_url(
                ".case_study_card",
                case_study_card_etag(owner, slug),
                username=owner.username,
                slug=slug,
            )
            if owner.is_published
            else None,
        )
        return CachedPage(body.encode(), owner_id=owner.id, product_id=product.id)

    page = kept_page(etag, render)
    if page is None:
        owner = visible_owner_or_404(username)
        new_slug = publishing.renamed_product_slug(owner, slug)
        if new_slug is None:
            abort(404)
        return redirect(url_for(".case_study", username=owner.username, slug=new_slug), 301)
    if _counts_as_view(stamp.id):
        analytics.count_product_view(stamp.id, page.product_id, clock.today(), _view_source())
    return cacheable(make_response(page.body), etag)


def _share_response(link: ShareLink, etag: str, render) -> Response:
    page = kept_page(etag, render)
    if page is None:
        abort(404)
    if _counts_as_view(link.user_id):
        analytics.count_share_link_view(link.user_id, link.id, clock.today(), _view_source())
    log_open(link, LinkOpenKind.PAGE, page.product_id)
    response = make_response(page.body)
    response.headers["X-Robots-Tag"] = NOINDEX
    return cacheable(response, etag)


def _share_case_study(link: ShareLink, product, shown: list | None = None) -> CachedPage:
    """A case study read through a share link; `shown`, the link's products in order
    when it has several (its next and previous stay among them)."""
    owner = publishing.owner_by_id(link.user_id)
    ordered = [publishing.Neighbour(item.slug, item.title) for item in shown or []]
    body = render_template(
        "portfolio/case_study.html",
        owner=owner,
        share_link=link,
        product=product,
        learnings=publishing.build_log(product),
        neighbours=publishing.neighbours(ordered, product.slug),
        card_url=share_card_url(link),
    )
    return CachedPage(body.encode(), owner_id=link.user_id, product_id=product.id)


@bp.get("/s/<token>")
def share(token: str):
    link = open_link_or_404(token)
    etag = page_etag("share", link.id, link.user.portfolio_version)
    if (answer := not_modified(etag, noindex=True)) is not None:
        log_open(link, LinkOpenKind.PAGE, link.product_id)
        return answer

    def render() -> CachedPage | None:
        products = share_links.products_behind(link)
        if not link.is_portfolio_link:
            return _share_case_study(link, products[0]) if products else None
        body = render_template(
            "portfolio/share.html",
            owner=publishing.owner_by_id(link.user_id),
            share_link=link,
            products=products,
            card_url=share_card_url(link),
        )
        return CachedPage(body.encode(), owner_id=link.user_id)

    return _share_response(link, etag, render)


@bp.get("/s/<token>/<slug>")
def share_case_study(token: str, slug: str):
    link = open_link_or_404(token)
    if not link.is_portfolio_link:
        abort(404)
    etag = page_etag("share-case-study", link.id, link.user.portfolio_version, slug)
    if (answer := not_modified(etag, noindex=True)) is not None:
        log_case_study_open(link, LinkOpenKind.PAGE, slug)
        return answer

    def render() -> CachedPage | None:
        shown = share_links.products_behind(link)
        product = next((item for item in shown if item.slug == slug), None)
        return _share_case_study(link, product, shown) if product else None

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
    owner = visible_owner_or_404(username)
    return _contact_page(owner, None, url_for(".profile", username=owner.username))


@bp.get("/s/<token>/contact")
def share_contact(token: str):
    link = open_link_or_404(token)
    if not shows_anything(link):
        abort(404)
    return _contact_page(publishing.owner_by_id(link.user_id), link, url_for(".share", token=token))
