"""Link-preview cards (1200 x 630 PNG) of the profile, case studies and share links,
drawn once per version of the portfolio and shared by every reader."""

from urllib.parse import urlsplit

from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import request
from sqlalchemy.orm import selectinload

from pm_portfolio.core import publishing
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio import cards
from pm_portfolio.portfolio.blueprint import bp
from pm_portfolio.portfolio.card_drawing import CardContent
from pm_portfolio.portfolio.card_drawing import draw_card
from pm_portfolio.portfolio.conditional import NOINDEX
from pm_portfolio.portfolio.conditional import cacheable
from pm_portfolio.portfolio.conditional import kept_page
from pm_portfolio.portfolio.conditional import not_modified
from pm_portfolio.portfolio.conditional import shared_etag
from pm_portfolio.portfolio.page_cache import CachedPage
from pm_portfolio.portfolio.readable import open_link_or_404
from pm_portfolio.portfolio.readable import shows_anything
from pm_portfolio.portfolio.readable import visible_owner_or_404
from pm_portfolio.web.access import signed_in_user_id
from pm_portfolio.web.media_settings import media_storage
from pm_portfolio.web.public_urls import public_base_url
from pm_portfolio.web.public_urls import public_url


def profile_card_etag(owner: publishing.PublicOwner) -> str:
    return shared_etag("profile-card", owner.id, owner.portfolio_version)


def case_study_card_etag(owner: publishing.PublicOwner, slug: str) -> str:
    return shared_etag("case-study-card", owner.id, owner.portfolio_version, slug)


def share_card_etag(link: ShareLink) -> str:
    return shared_etag("share-card", link.id, link.user.portfolio_version)


def versioned_card_url(endpoint: str, etag: str, **values) -> str:
    """A card's address names its version, so caches may keep it for good."""
    return public_url(endpoint, v=etag[:16], **values)


def share_card_url(link: ShareLink) -> str:
    return versioned_card_url(".share_card", share_card_etag(link), token=link.token)


def _card(etag: str, owner_id: int, content, for_good: bool = True) -> Response:
    """A preview card as PNG; with `for_good`, kept by caches for a year when asked for by
    its current version."""
    if (answer := not_modified(etag)) is not None:
        return answer

    def make() -> CachedPage | None:
        card: CardContent | None = content()
        if card is None:
            return None
        g.drew_a_new_document = True
        return CachedPage(draw_card(card, cards.fonts(current_app.static_folder)), owner_id)

    page = kept_page(etag, make, for_everyone=True)
    if page is None:
        abort(404)
    response = cacheable(current_app.response_class(page.body, mimetype="image/png"), etag)
    if for_good and request.args.get("v") == etag[:16] and signed_in_user_id() is None:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/u/<username>/card.png")
def profile_card(username: str):
    owner = visible_owner_or_404(username)
    url = public_url(".profile", username=owner.username)

    def content() -> CardContent:
        products = publishing.public_products(owner, loading=(selectinload(Product.metrics),))
        return cards.profile_card(owner, products, url, media_storage())

    return _card(profile_card_etag(owner), owner.id, content)


@bp.get("/u/<username>/<slug>/card.png")
def case_study_card(username: str, slug: str):
    owner = visible_owner_or_404(username)
    url = public_url(".case_study", username=owner.username, slug=slug)

    def content() -> CardContent | None:
        product = publishing.public_product(owner, slug)
        return cards.case_study_card(owner, product, url, media_storage()) if product else None

    return _card(case_study_card_etag(owner, slug), owner.id, content)


@bp.get("/s/<token>/card.png")
def share_card(token: str):
    link = open_link_or_404(token)

    def content() -> CardContent | None:
        if not shows_anything(link):
            return None
        about = "Product portfolio" if link.is_portfolio_link else link.product.title
        owner = publishing.owner_by_id(link.user_id)
        host = urlsplit(public_base_url()).netloc
        return cards.share_card(owner, about, host, media_storage())

    # Not kept for good: a revoked link's card must go with it.
    response = _card(share_card_etag(link), link.user_id, content, for_good=False)
    response.headers["X-Robots-Tag"] = NOINDEX
    return response
