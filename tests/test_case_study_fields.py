"""The parts of a case study are listed once (models.CASE_STUDY_TEXTS); what must name
each of them, and does not take them from that list, is checked against it here."""

from dataclasses import fields

from pm_portfolio.core.products import ProductData
from pm_portfolio.core.revisions import CASE_STUDY_FIELDS
from pm_portfolio.exports import backup
from pm_portfolio.exports.formats import PRODUCT_COLUMNS
from pm_portfolio.extensions import db
from pm_portfolio.forms.products import ProductForm
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.factories import make_product
from tests.factories import make_user

TEXTS = ["title", "tagline", "target_users", "problem", "hypothesis", "solution", "tradeoffs",
         "outcome", "role"]  # fmt: skip


def test_the_list_names_the_case_studys_texts_in_reading_order():
    assert list(CASE_STUDY_TEXTS) == TEXTS


def test_everything_that_names_the_texts_names_them_all(app):
    with app.test_request_context():
        form = ProductForm(meta={"csrf": False}, skills=[], owner_id=1)
    for name in CASE_STUDY_TEXTS:
        assert name in Product.__table__.columns
        assert name in {field.name for field in fields(ProductData)}
        assert name in form
        assert name in PRODUCT_COLUMNS
        assert name in CASE_STUDY_FIELDS


def test_a_backup_carries_every_text(app):
    with app.app_context():
        maker = db.session.get(User, make_user().id)
        make_product(maker.id, **{name: f"The {name}" for name in CASE_STUDY_TEXTS})
        (written,) = backup.backup(maker, maker.created_at)["products"]

    assert {name: written[name] for name in CASE_STUDY_TEXTS} == {
        name: f"The {name}" for name in CASE_STUDY_TEXTS
    }
