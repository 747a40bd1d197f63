"""Share links: unguessable addresses for one unlisted product or a set chosen per employer."""

import secrets
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import joinedload

from pm_portfolio.core.publishing import CARD_LOADING
from pm_portfolio.core.publishing import CASE_STUDY_LOADING
from pm_portfolio.core.publishing import portfolio_order
from pm_portfolio.core.publishing import reachable_by_link
from pm_portfolio.database import writing_transactions
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import ShareLinkProduct

# 32 random bytes: 256 bits, far beyond guessing.
TOKEN_BYTES = 32


class ProductNotShareable(Exception):
    """Only the maker's own public or unlisted products can go in a share link."""


@dataclass
class PortfolioLinkData:
    name: str
    product_ids: list[int]
    expires_on: date | None = None
    note: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_open(link: ShareLink, today: date) -> bool:
    return link.revoked_at is None and (link.expires_on is None or link.expires_on >= today)


def find_open_link(token: str, today: date) -> ShareLink | None:
    """The link behind a token, unless it is unknown, revoked or expired."""
    link = db.session.scalar(
        db.select(ShareLink).where(ShareLink.token == token).options(joinedload(ShareLink.user))
    )
    if link is None or not is_open(link, today):
        return None
    return link


def product_link(product_id: int) -> ShareLink | None:
    return db.session.scalar(db.select(ShareLink).where(ShareLink.product_id == product_id))


def linked_product_ids(owner_id: int) -> set[int]:
    """The owner's products that have a share link of their own."""
    return set(
        db.session.scalars(
            db.select(ShareLink.product_id).where(
                ShareLink.user_id == owner_id, ShareLink.product_id.is_not(None)
            )
        )
    )


def add_product_link(product: Product) -> ShareLink:
    """A new share link for `product`, in the session (part of the caller's commit)."""
    link = ShareLink(user_id=product.user_id, product=product, token=new_token())
    db.session.add(link)
    return link


def withdraw_product_link(product_id: int) -> None:
    """Delete the product's own share link, if any (part of the caller's commit)."""
    link = product_link(product_id)
    if link is not None:
        db.session.delete(link)


def regenerate_product_link(product: Product) -> ShareLink:
    """Replace the product's link with a new one; the old address stops working."""
    existing = product_link(product.id)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    link = add_product_link(product)
    db.session.commit()
    return link


def delete_link(link: ShareLink) -> None:
    """The link goes for good, with what its readers did: its address answers 404 (a
    product page then offers a new link)."""
    db.session.delete(link)
    db.session.commit()


def revoke_link(link: ShareLink, now: datetime) -> None:
    """Its address answers 404 from now on; the link stays, with what its readers did,
    for its application's page (which can open it again at a new address)."""
    link.revoked_at = now
    db.session.commit()


def renew_link(link: ShareLink) -> None:
    """A new address in place of the old one, which stops working; a revoked link
    opens again at the new address. What readers did so far stays with it."""
    link.token = new_token()
    link.revoked_at = None
    db.session.commit()


def is_application_link(link_id) -> ColumnElement[bool]:
    """A condition: the link belongs to an application, which manages it."""
    return db.select(Application.id).where(Application.share_link_id == link_id).exists()


def owned_link(owner_id: int, link_id: int) -> ShareLink | None:
    """One of the maker's own product or portfolio links; an application's link is
    changed through its application."""
    return db.session.scalar(
        db.select(ShareLink).where(
            ShareLink.id == link_id,
            ShareLink.user_id == owner_id,
            ~is_application_link(ShareLink.id),
        )
    )


def record_open(link: ShareLink, at: datetime, product_id: int | None, kind: LinkOpenKind) -> None:
    """Log one opening of the link's page or PDF (`product_id`: the case study, if one).

    Ends the caller's transaction first (a reader's request has only read), and writes
    in one of its own that takes SQLite's write lock up front: a transaction that reads
    and then writes fails at once on SQLite if another worker wrote meanwhile.
    """
    link_id = link.id
    db.session.commit()
    with writing_transactions():
        db.session.add(
            ShareLinkOpen(share_link_id=link_id, opened_at=at, product_id=product_id, kind=kind)
        )
        db.session.commit()


def shareable_products(owner_id: int) -> list[Product]:
    """The maker's products that may go in a share link: public or unlisted ones."""
    return list(
        db.session.scalars(
            db.select(Product)
            .where(Product.user_id == owner_id, reachable_by_link())
            .order_by(*portfolio_order())
        )
    )


def set_items(
    link: ShareLink, owner_id: int, product_ids: list[int], shareable_only: bool = True
) -> None:
    """Show these products, in this order; each must be the owner's, and shareable
    unless restoring a link as it was (a product made private later stays chosen,
    hidden until it is shareable again)."""
    if shareable_only:
        allowed = {product.id for product in shareable_products(owner_id)}
    else:
        allowed = set(db.session.scalars(db.select(Product.id).where(Product.user_id == owner_id)))
    if not product_ids or any(product_id not in allowed for product_id in product_ids):
        raise ProductNotShareable
    link.items = [
        ShareLinkProduct(product_id=product_id, position=position)
        for position, product_id in enumerate(dict.fromkeys(product_ids))
    ]


def create_portfolio_link(owner_id: int, data: PortfolioLinkData) -> ShareLink:
    link = ShareLink(
        user_id=owner_id,
        token=new_token(),
        name=data.name.strip(),
        note=data.note.strip(),
        expires_on=data.expires_on,
    )
    set_items(link, owner_id, data.product_ids)
    db.session.add(link)
    db.session.commit()
    return link


def update_portfolio_link(link: ShareLink, data: PortfolioLinkData) -> ShareLink:
    link.name = data.name.strip()
    link.note = data.note.strip()
    link.expires_on = data.expires_on
    set_items(link, link.user_id, data.product_ids)
    db.session.commit()
    return link


def shown_product_id(link: ShareLink, slug: str) -> int | None:
    """The id of the product a portfolio link shows as `slug`, if any."""
    return db.session.scalar(
        db.select(Product.id)
        .join(ShareLinkProduct, ShareLinkProduct.product_id == Product.id)
        .where(ShareLinkProduct.share_link_id == link.id, Product.slug == slug)
    )


def products_behind(link: ShareLink, loading=None) -> list[Product]:
    """What a link shows now: its products that are still public or unlisted, in order,
    with what `loading` loads (by default, what the link's page shows)."""
    if link.product_id is not None:
        query = db.select(Product).where(Product.id == link.product_id)
    else:
        query = (
            db.select(Product)
            .join(ShareLinkProduct, ShareLinkProduct.product_id == Product.id)
            .where(ShareLinkProduct.share_link_id == link.id)
            .order_by(ShareLinkProduct.position)
        )
    if loading is None:
        loading = CARD_LOADING if link.product_id is None else CASE_STUDY_LOADING
    query = query.where(reachable_by_link()).options(*loading)
    return list(db.session.scalars(query).unique())
