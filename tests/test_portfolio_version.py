"""Every change to what public pages show changes their ETag, whichever code path makes it.

The tests walk the models and their columns, so a column or model added later is
covered without touching this file: it either bumps the owner's portfolio version
when it changes, or must be named below as something no public page shows.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import JSON
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import update

from pm_portfolio.core import analytics
from pm_portfolio.core import applications
from pm_portfolio.core import share_links
from pm_portfolio.core.portfolio_version import UntrackedBulkChange
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import Endorsement
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import Learning
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductSlugRedirect
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkProduct
from pm_portfolio.models import Skill
from pm_portfolio.models import User
from tests.factories import make_application
from tests.factories import make_endorsement
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user

# What no public page shows: changing these must not expire the maker's cached pages.
UNSHOWN = {
    "ProfileView", "ProductView", "ShareLinkView", "ImportDraft", "Skill", "BrowserSession",
    "MediaFile", "ProductRevision", "Application", "ApplicationStageChange",
    "ApplicationContact", "ShareLinkOpen", "CalendarFeed", "ReviewLink", "ReviewLinkProduct",
    "ReviewComment", "DeliveredEmail", "WeeklyDigest", "FollowUpCheck", "RemindedFollowUp",
}  # fmt: skip
# Values the schema's CHECK constraints allow, to change a column to another allowed one.
ALLOWED = {
    "status": ["idea", "building", "shipped", "sunset"],
    "visibility": ["private", "unlisted", "public"],
    "kind": ["insight", "decision", "experiment", "user_interview", "mistake"],
    "direction": ["", "up", "down"],
    "claim_kind": ["result", "role", "outcome"],
    "state": ["sent", "opened", "confirmed", "declined", "withdrawn"],
}
# The version itself, the owner of a row (ownership never moves), and what kind of
# media an item is (fixed when it is uploaded: its stored files depend on it).
NOT_EDITED = {("User", "portfolio_version"), ("MediaItem", "media_type")}


@pytest.fixture
def world(app):
    """A published maker with one of everything, and a second product to point rows at."""
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        product_id = make_product(
            maker.id, slug="bot", status="shipped", shipped_on=date(2026, 3, 1),
            started_on=date(2026, 1, 1), visibility="public", skills=["design"],
            metrics=[("users", "140")],
        )  # fmt: skip
        other_id = make_product(maker.id, slug="other", visibility="unlisted")
        make_learning(maker.id, product_id, is_public=True)
        make_portfolio_link(maker.id, [product_id], expires_on=date(2099, 1, 1))
        make_image(product_id, cover=True)
        db.session.add(ShareLink(user_id=maker.id, product_id=other_id, token="product-link"))
        db.session.add(ProductSlugRedirect(user_id=maker.id, product_id=product_id, old_slug="b"))
        db.session.commit()
        make_endorsement(product_id, confirmed=True, approved=True)
    return {"maker_id": maker.id, "product_id": product_id, "other_id": other_id}


def followed_models():
    """Every model public pages may show, parents before children."""
    order = {table.name: index for index, table in enumerate(db.metadata.sorted_tables)}
    models = [
        mapper.class_
        for mapper in db.Model.registry.mappers
        if mapper.class_.__name__ not in UNSHOWN
    ]
    return sorted(models, key=lambda model: order[model.__tablename__])


def profile_etag(client, maker_id: int) -> str:
    with client.application.app_context():
        username = db.session.get(User, maker_id).username
    response = client.get(f"/u/{username}")
    assert response.status_code == 200
    return response.headers["ETag"]


def new_value(row, column, world):
    """A different value the schema accepts for `column` of `row`."""
    current = getattr(row, column.key)
    if column.foreign_keys:
        (foreign_key,) = column.foreign_keys
        if foreign_key.column.table.name == "products":
            return world["other_id"] if current != world["other_id"] else world["product_id"]
        return None
    if column.key in ALLOWED:
        values = ALLOWED[column.key]
        return values[(values.index(current) + 1) % len(values)]
    if isinstance(current, bool):
        return not current
    if isinstance(current, int):
        return current + 1
    if isinstance(current, datetime):
        return current + timedelta(hours=1)
    if isinstance(current, date):
        return current + timedelta(days=1)
    if isinstance(column.type, JSON):
        return {**(current or {}), "edited": True}
    if current is None:
        return date(2026, 2, 2)
    return current + "x"


def edits(world):
    """(description, change) for every column of every row public pages may show."""
    for model in followed_models():
        mapper = inspect(model)
        for column in mapper.columns:
            if column.primary_key or (model.__name__, column.key) in NOT_EDITED:
                continue
            yield f"{model.__name__}.{column.key}", model, column


def test_every_followed_model_is_in_the_world(app, world):
    with app.app_context():
        for model in followed_models():
            assert db.session.scalars(db.select(model)).first() is not None, model.__name__


def test_editing_any_column_shown_publicly_changes_the_etag(app, client, world):
    checked = []
    for name, model, column in list(edits(world)):
        before = profile_etag(client, world["maker_id"])
        with app.app_context():
            row = db.session.scalars(db.select(model)).first()
            original, value = getattr(row, column.key), new_value(row, column, world)
            if value is None:
                continue
            # Each edit is undone (a second change) so the page stays readable for the next.
            for step in (value, original):
                setattr(row, column.key, step)
                db.session.commit()
        assert profile_etag(client, world["maker_id"]) != before, f"editing {name} kept the ETag"
        checked.append(name)

    assert {"User.display_name", "Product.title", "Metric.value", "Learning.is_public",
            "ShareLink.expires_on", "ShareLinkProduct.position", "Learning.product_id",
            "ProductSlugRedirect.old_slug", "MediaItem.alt_text", "MediaItem.is_cover",
            "MediaItem.details", "Metric.baseline", "Metric.direction", "Metric.window_start",
            "Metric.caveat"} <= set(checked)  # fmt: skip


def test_changing_skills_changes_the_etag(app, client, world):
    for model in (Product, Learning):
        before = profile_etag(client, world["maker_id"])
        with app.app_context():
            row = db.session.scalars(db.select(model)).first()
            row.skills.append(db.session.scalar(db.select(Skill).where(Skill.key == "growth")))
            db.session.commit()
        assert profile_etag(client, world["maker_id"]) != before, model.__name__


ADDITIONS = {
    "User": None,
    "Product": lambda w: Product(user_id=w["maker_id"], title="New", slug="new"),
    "Metric": lambda w: Metric(product_id=w["product_id"], label="l", value="1", position=5),
    "Learning": lambda w: Learning(
        user_id=w["maker_id"], product_id=w["product_id"], title="t", learned_on=date(2026, 1, 1)
    ),
    "ShareLink": lambda w: ShareLink(user_id=w["maker_id"], token="another-token"),
    "ShareLinkProduct": lambda w: ShareLinkProduct(
        share_link_id=db.session.scalar(
            db.select(ShareLink.id).where(ShareLink.product_id.is_(None))
        ),
        product_id=w["other_id"],
        position=1,
    ),
    "ProductSlugRedirect": lambda w: ProductSlugRedirect(
        user_id=w["maker_id"], product_id=w["product_id"], old_slug="older"
    ),
    "Endorsement": lambda w: Endorsement(
        user_id=w["maker_id"],
        product_id=w["product_id"],
        token="another-endorsement",
        claim_kind="role",
        claim_text="Solo",
        asked_name="Eve",
        expires_on=date(2099, 1, 1),
    ),
    "MediaItem": lambda w: MediaItem(
        user_id=w["maker_id"],
        product_id=w["product_id"],
        media_type="embed",
        position=9,
        details={"provider": "youtube", "id": "dQw4w9WgXcQ"},
    ),
}


def test_adding_or_deleting_any_shown_row_changes_the_etag(app, client, world):
    for model in followed_models():
        assert model.__name__ in ADDITIONS, f"say how to add a {model.__name__} row here"
        add = ADDITIONS[model.__name__]
        if add is not None:
            before = profile_etag(client, world["maker_id"])
            with app.app_context():
                db.session.add(add(world))
                db.session.commit()
            assert profile_etag(client, world["maker_id"]) != before, f"adding a {model.__name__}"

    for model in reversed(followed_models()):
        if model is User:
            continue
        before = profile_etag(client, world["maker_id"])
        with app.app_context():
            db.session.delete(db.session.scalars(db.select(model)).first())
            db.session.commit()
        assert profile_etag(client, world["maker_id"]) != before, f"deleting a {model.__name__}"


def test_counting_views_and_import_drafts_keep_the_etag(app, client, world):
    before = profile_etag(client, world["maker_id"])
    with app.app_context():
        analytics.count_profile_view(world["maker_id"], date(2026, 1, 1), "direct")
        analytics.flush_views()
        db.session.add(ImportDraft(user_id=world["maker_id"], kind="products", content="x"))
        db.session.commit()
    assert profile_etag(client, world["maker_id"]) == before


def test_applications_and_opened_links_keep_the_etag(app, client, world):
    """A maker's job search is private, and a reader opening a link changes no page."""
    with app.app_context():
        application_id = make_application(world["maker_id"], [world["product_id"]])
    before = profile_etag(client, world["maker_id"])
    with app.app_context():
        application = db.session.get(Application, application_id)
        applications.move_stage(application, "interview", date(2026, 1, 2))
        share_links.record_open(
            application.share_link, datetime(2026, 1, 2, 9, 0), world["product_id"], "page"
        )
    assert profile_etag(client, world["maker_id"]) == before


def test_the_version_moves_once_per_transaction(app, world):
    with app.app_context():
        before = db.session.get(User, world["maker_id"]).portfolio_version
        product = db.session.get(Product, world["product_id"])
        product.title = "First"
        db.session.flush()
        product.tagline = "Second"
        db.session.commit()
        assert db.session.get(User, world["maker_id"]).portfolio_version == before + 1


def test_bulk_changes_that_would_skip_the_version_are_refused(app, world):
    with app.app_context():
        with pytest.raises(UntrackedBulkChange, match="bulk UPDATE of Product"):
            db.session.execute(update(Product).values(title="Renamed behind its back"))
        with pytest.raises(UntrackedBulkChange, match="bulk DELETE of Learning"):
            db.session.execute(delete(Learning))
        with pytest.raises(UntrackedBulkChange, match="bulk INSERT of Metric"):
            db.session.execute(
                insert(Metric), [{"product_id": world["product_id"], "label": "l", "value": "1"}]
            )
        db.session.rollback()
        db.session.execute(update(ImportDraft).values(filename="fine.csv"))
        db.session.rollback()
