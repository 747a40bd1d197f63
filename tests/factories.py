"""Small factories for the objects tests need. Call them inside an app context."""

import io
import itertools
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from flask import current_app
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func

from pm_portfolio import clock
from pm_portfolio.core import accounts
from pm_portfolio.core import applications
from pm_portfolio.core import browser_sessions
from pm_portfolio.core import endorsements
from pm_portfolio.core import media
from pm_portfolio.core import reviews
from pm_portfolio.core import revisions
from pm_portfolio.core.share_links import new_token
from pm_portfolio.core.skills import skills_with_keys
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkProduct
from pm_portfolio.models import User

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


@dataclass(frozen=True)
class Credentials:
    """What a test needs to act as a user, safe to use outside the app context."""

    id: int
    email: str
    username: str
    password: str


def make_user(email: str | None = None, username: str | None = None, password=PASSWORD, **profile):
    number = next(_sequence)
    user = accounts.create_user(
        email or f"maker{number}@example.com", username or f"maker-{number}", password
    )
    if profile:
        for name, value in profile.items():
            setattr(user, name, value)
        db.session.commit()
    return Credentials(id=user.id, email=user.email, username=user.username, password=password)


def start_session(user: Credentials, user_agent: str = "") -> int:
    """A signed-in browser session of `user`, as logging in makes one; returns its id."""
    login_id = browser_sessions.start(db.session.get(User, user.id), user_agent, clock.now())
    return int(login_id.split(":")[0])


def make_product(owner_id: int, title: str | None = None, skills=(), metrics=(), **fields) -> int:
    """Create a product with the given skill keys and metrics, each (label, value) or a
    dict of Metric fields; return its id."""
    number = next(_sequence)
    title = title or f"Product {number}"
    fields.setdefault("slug", f"product-{number}")
    product = Product(user_id=owner_id, title=title, **fields)
    product.skills = skills_with_keys(skills)
    product.metrics = [
        Metric(**metric, position=position)
        if isinstance(metric, dict)
        else Metric(label=metric[0], value=metric[1], position=position)
        for position, metric in enumerate(metrics)
    ]
    db.session.add(product)
    db.session.commit()
    return product.id


def make_revision(product_id: int) -> int:
    """Keep a revision of the product as it is now; return its id."""
    revisions.record([db.session.get(Product, product_id)])
    db.session.commit()
    return db.session.scalar(
        db.select(func.max(ProductRevision.id)).where(ProductRevision.product_id == product_id)
    )


def make_learning(owner_id: int, product_id: int | None = None, skills=(), **fields) -> int:
    """Create a learning with the given skill keys; return its id."""
    number = next(_sequence)
    fields.setdefault("title", f"Learning {number}")
    fields.setdefault("learned_on", date(2026, 1, 15))
    learning = Learning(user_id=owner_id, product_id=product_id, **fields)
    learning.skills = skills_with_keys(skills)
    db.session.add(learning)
    db.session.commit()
    return learning.id


def make_portfolio_link(
    owner_id: int, product_ids: list[int], name: str = "Acme", expires_on: date | None = None
) -> int:
    """Create a per-employer share link showing these products; return its id."""
    link = ShareLink(user_id=owner_id, token=new_token(), name=name, expires_on=expires_on)
    link.items = [
        ShareLinkProduct(product_id=product_id, position=position)
        for position, product_id in enumerate(product_ids)
    ]
    db.session.add(link)
    db.session.commit()
    return link.id


def product_form(**overrides) -> dict:
    """A complete, valid product form as a browser would send it."""
    form = {
        "title": "Standup Bot",
        "tagline": "Async stand-ups in Slack",
        "status": "shipped",
        "role": "Solo maker",
        "started_on": "2026-01-10",
        "shipped_on": "2026-03-01",
        "target_users": "Remote engineering managers",
        "problem": "Stand-ups across **time zones**.",
        "hypothesis": "If updates are async, 30% keep using it.",
        "solution": "A Slack app.",
        "tradeoffs": "No Jira integration.",
        "outcome": "38% four-week retention.",
        "metrics-0-label": "teams",
        "metrics-0-value": "140",
        "metrics-0-note": "after six months",
        "metrics-1-label": "retention",
        "metrics-1-value": "38%",
        "metrics-2-label": "",
        "metrics-2-value": "",
        "skill_keys": ["discovery", "analytics"],
        "live_url": "https://standup.example",
        "source_url": "https://github.com/example/standup",
        "visibility": "public",
        "position": "0",
        "slug": "",
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def learning_form(**overrides) -> dict:
    """A complete, valid learning form as a browser would send it."""
    form = {
        "title": "Local-time prompts doubled answers",
        "kind": "experiment",
        "learned_on": "2026-02-03",
        "product_id": "",
        "body": "Answer rate went from **35%** to 71%.",
        "skill_keys": ["analytics", "design"],
        "is_public": "y",
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def png_bytes(width: int = 640, height: int = 400, colour: str = "teal") -> bytes:
    """A small real picture, made here."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes(pages: int = 2, password: str | None = None) -> bytes:
    """A real PDF of blank pages, made here; encrypted when `password` is given."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_image(product_id: int, alt_text: str = "A screenshot", caption: str = "",
               cover: bool = False, colour: str = "teal", size=(640, 400)) -> int:  # fmt: skip
    """A picture on a product, through the same processing and storage as an upload."""
    product = db.session.get(Product, product_id)
    item = media.add_upload(
        product, png_bytes(*size, colour=colour), "shot.png", alt_text, caption,
        current_app.extensions["media_storage"], MEDIA_LIMITS,
    )  # fmt: skip
    if cover:
        media.set_cover(item)
    return item.id


MEDIA_LIMITS = media.Limits(max_file_bytes=8_000_000, quota_bytes=100_000_000, items_per_product=20)


def make_application(owner_id: int, product_ids=(), stage="applied", note="", **fields) -> int:
    """Create an application (with a link showing `product_ids`, if any) through the
    rules the form uses; return its id."""
    fields.setdefault("company", "Acme")
    fields.setdefault("role", "Product Manager")
    data = applications.ApplicationData(
        stage=stage, note_to_reader=note, product_ids=list(product_ids), **fields
    )
    return applications.create_application(owner_id, data, clock.today()).id


def make_review_link(owner_id: int, product_ids: list[int], note: str = "", days: int = 30):
    """A review link showing these products (any visibility); returns it."""
    data = reviews.ReviewLinkData(list(product_ids), clock.today() + timedelta(days=days), note)
    return reviews.create_review_link(owner_id, data)


def make_review_comment(
    link, product_id: int, section: str = "whole", body: str = "Good.", name="Rae", email=""
) -> tuple[int, str]:
    """A reviewer's comment through the link; returns its id and its edit token."""
    product = db.session.get(Product, product_id)
    sections = reviews.sections_of(product, has_build_log=True)
    comment, edit_token = reviews.add_comment(
        link, product, sections, reviews.CommentData(name, email, section, body), clock.now()
    )
    return comment.id, edit_token


def make_endorsement(product_id: int, claim_key: str = "result:1", name: str = "Eve Endorser",
                     email: str = "", confirmed: bool = False, approved: bool = False):  # fmt: skip
    """A request to confirm one claim of the product (confirmed as Eve, engineering
    manager, and approved, if asked); returns it."""
    product = db.session.get(Product, product_id)
    endorsement = endorsements.ask(product, claim_key, name, email, clock.today())
    if confirmed:
        endorsements.confirm(
            endorsement, name, "Engineering manager at Queue Co", "Saw it weekly.", clock.now()
        )
    if approved:
        endorsements.set_approved(endorsement, True)
    return endorsement
