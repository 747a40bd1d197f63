"""Which maker's pages and which share link a reader may open: anything else is the
same 404 as a page that never existed."""

from flask import abort

from pm_portfolio import clock
from pm_portfolio.core import publishing
from pm_portfolio.core import share_links
from pm_portfolio.core.stamps import OwnerStamp
from pm_portfolio.models import ShareLink
from pm_portfolio.web.access import signed_in_user_id


def visible_owner_or_404(username: str) -> publishing.PublicOwner:
    """The maker, if this viewer may see their portfolio; else the same 404 as a stranger."""
    owner = publishing.find_owner(username)
    if owner is None or not publishing.can_see_portfolio(owner, signed_in_user_id()):
        abort(404)
    return owner


def visible_stamp_or_404(username: str) -> OwnerStamp:
    """The maker's stamp, if this viewer may see their portfolio; else a 404."""
    stamp = publishing.owner_stamp(username)
    if stamp is None or not publishing.can_see_portfolio(stamp, signed_in_user_id()):
        abort(404)
    return stamp


def open_link_or_404(token: str) -> ShareLink:
    link = share_links.find_open_link(token, clock.today())
    if link is None:
        abort(404)
    return link


def shows_anything(link: ShareLink) -> bool:
    """A portfolio link's page stays (saying nothing is left); a product link's page
    goes with its product, and so do its card and contact page."""
    return link.is_portfolio_link or bool(share_links.products_behind(link, loading=()))
