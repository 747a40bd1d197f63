"""Property-based fuzzing of every POST route in `app.url_map`: no 500, consistent data."""

import io
import re

import pytest
from flask import url_for
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from pm_portfolio.core.products import SLUG_PATTERN
from pm_portfolio.exports.csv_import import save_draft
from pm_portfolio.extensions import db
from pm_portfolio.models import SHIPPED_STATUSES
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkProduct
from tests.clients import AuthActions
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user

pytestmark = pytest.mark.slow

FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
VALUES = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.sampled_from(
        ["", "\x00", "y", "on", "-1", "0", "99999999999999999999", "2026-02-30", "2026-01-01",
         "javascript:alert(1)", "https://example.com", "public", "shipped", "design",
         "=cmd|' /C calc'!A0", "😀" * 50, "\u202e", "x" * 30_000]
    ),
)  # fmt: skip
FUZZ_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
        key=lambda rule: rule.rule,
    )


def make_world(app) -> dict:
    """A new maker who owns one of everything the routes can name.

    Made afresh for every example: an example that deletes or revokes must not
    leave the next ones with ids that only ever answer 404.
    """
    with app.app_context():
        maker = make_user()
        product_id = make_product(maker.id, visibility="unlisted", metrics=[("a", "1")])
        return {
            "maker": maker,
            "product_id": product_id,
            "learning_id": make_learning(maker.id, product_id),
            "link_id": make_portfolio_link(maker.id, [product_id]),
            "draft_id": save_draft(maker.id, "products", "f.csv", "x").id,
        }


MODELS_BY_ARGUMENT = {
    "product_id": Product,
    "learning_id": Learning,
    "link_id": ShareLink,
    "draft_id": ImportDraft,
}


def assert_named_objects_exist(app, world: dict, arguments) -> None:
    with app.app_context():
        for name in arguments:
            assert db.session.get(MODELS_BY_ARGUMENT[name], world[name]) is not None, name


def assert_consistent(app) -> None:
    """Rules the forms and the schema guarantee between them, checked on the stored data."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        for product in db.session.scalars(db.select(Product)):
            assert product.title.strip() == product.title != ""
            assert SLUG_PATTERN.fullmatch(product.slug)
            assert product.status not in SHIPPED_STATUSES or product.shipped_on is not None
            assert not (product.started_on and product.shipped_on) or (
                product.started_on <= product.shipped_on
            )
        most_metrics = db.session.scalar(
            db.select(db.func.count(Metric.id)).group_by(Metric.product_id).order_by(
                db.func.count(Metric.id).desc()
            ).limit(1)
        )  # fmt: skip
        assert (most_metrics or 0) <= 20
        mismatched = db.session.scalar(
            db.select(db.func.count(Learning.id))
            .join(Product, Product.id == Learning.product_id)
            .where(Product.user_id != Learning.user_id)
        )
        assert mismatched == 0
        foreign_items = db.session.scalar(
            db.select(db.func.count())
            .select_from(ShareLinkProduct)
            .join(ShareLink, ShareLink.id == ShareLinkProduct.share_link_id)
            .join(Product, Product.id == ShareLinkProduct.product_id)
            .where(Product.user_id != ShareLink.user_id)
        )
        assert foreign_items == 0


# POST-only routes that take a file, by the prefix of their form's fields.
UPLOADS = {"exports.upload_import": "import", "exports.restore": "restore"}
VALUE_COUNT = 12


def fuzz_one(app, client, data, world: dict, token_page: str) -> None:
    rule = data.draw(st.sampled_from(post_rules(app)), label="route")
    assert_named_objects_exist(app, world, rule.arguments)
    with app.test_request_context():
        url = url_for(rule.endpoint, **{name: world[name] for name in rule.arguments})
    # Draws never depend on the page's fields, which change as the data does:
    # Hypothesis must be able to replay a case exactly.
    values = data.draw(st.lists(VALUES, min_size=VALUE_COUNT, max_size=VALUE_COUNT))
    extra = data.draw(st.lists(st.text(min_size=1, max_size=20), max_size=3), label="extra")
    content = data.draw(st.binary(max_size=2000), label="file")
    names = []
    if "GET" in rule.methods:
        names = [
            name
            for name in FIELD_NAME.findall(client.get(url).get_data(as_text=True))
            if not name.endswith("csrf_token")
        ]
    form = MultiDict()
    for index, name in enumerate(names + extra):
        form.add(name, values[index % VALUE_COUNT])
    token = client.csrf_token(token_page)
    form.setlist("csrf_token", [token])
    prefix = UPLOADS.get(rule.endpoint)
    if prefix is None:
        response = client.post(url, data=form)
    else:
        form.setlist(f"{prefix}-csrf_token", [token])
        form.setlist(f"{prefix}-file", [FileStorage(io.BytesIO(content), filename="upload")])
        boundary, body = encode_multipart(form)
        response = client.post(
            url, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )

    assert response.status_code < 500, f"POST {rule.rule} answered {response.status_code}"


@pytest.mark.parametrize("signed_in", [True, False])
def test_no_post_route_ever_fails(app, signed_in):
    @FUZZ_SETTINGS
    @given(data=st.data())
    def fuzz(data):
        client = app.test_client()
        world = make_world(app)
        if signed_in:
            maker = world["maker"]
            assert AuthActions(client).login(maker.username, maker.password).status_code == 302
        fuzz_one(app, client, data, world, "/dashboard" if signed_in else "/login")
        assert_consistent(app)

    fuzz()
