"""Property-based fuzzing of every POST route in `app.url_map`: no 500, consistent data."""

import csv
import io
import json
import re
from datetime import date

import pytest
from flask import current_app
from flask import url_for
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from pm_portfolio.accounts import links as account_links
from pm_portfolio.core.products import SLUG_PATTERN
from pm_portfolio.exports.csv_import import save_draft
from pm_portfolio.extensions import db
from pm_portfolio.models import SHIPPED_STATUSES
from pm_portfolio.models import Application
from pm_portfolio.models import BrowserSession
from pm_portfolio.models import Endorsement
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import Learning
from pm_portfolio.models import MediaFile
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ReviewLink
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkProduct
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.factories import make_application
from tests.factories import make_endorsement
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.factories import make_revision
from tests.factories import make_user
from tests.factories import png_bytes
from tests.factories import start_session

pytestmark = pytest.mark.slow

FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
# Values at the edges: numbers beyond any column, times beyond what UTC holds, JSON
# nested deeper than a parser recurses.
EXTREMES = [
    "9" * 400, str(2**64), "-" + "9" * 30, "1e400", "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:00:00-05:00", "0001-01-01", "9999-12-31", "[" * 5000 + "]" * 5000,
    '{"a":' * 3000 + "1" + "}" * 3000,
]  # fmt: skip
VALUES = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.sampled_from(
        ["", "\x00", "y", "on", "-1", "0", "99999999999999999999", "2026-02-30", "2026-01-01",
         "javascript:alert(1)", "https://example.com", "public", "shipped", "design",
         "=cmd|' /C calc'!A0", "😀" * 50, "\u202e", "x" * 30_000, *EXTREMES]
    ),
)  # fmt: skip
PRODUCT_HEADER = [
    "slug",
    "title",
    "tagline",
    "target_users",
    "status",
    "role",
    "started_on",
    "shipped_on",
    "url",
    "source_url",
    "visibility",
    "featured",
    "position",
    "skills",
    "metrics",
    "problem",
    "hypothesis",
    "solution",
    "tradeoffs",
    "outcome",
    "created_at",
    "updated_at",
]
LEARNING_HEADER = [
    "product_slug",
    "title",
    "kind",
    "learned_on",
    "skills",
    "public",
    "body",
    "created_at",
    "updated_at",
]


@st.composite
def csv_files(draw) -> bytes:
    """A CSV in the export's columns, its cells drawn from VALUES."""
    header = draw(st.sampled_from([PRODUCT_HEADER, LEARNING_HEADER]))
    rows = draw(st.lists(st.lists(VALUES, min_size=len(header), max_size=len(header)), max_size=3))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


JSON_VALUES = st.one_of(VALUES, st.none(), st.booleans(), st.integers(), st.just([[[[]]]]))


@st.composite
def backup_files(draw) -> bytes:
    """A backup whose fields hold values drawn from VALUES (and other JSON types)."""

    def item(columns):
        return draw(st.fixed_dictionaries({column: JSON_VALUES for column in columns}))

    document = {
        "format": "pm-portfolio-backup",
        "format_version": 1,
        "profile": item(["display_name", "headline", "bio", "website_url", "is_published"]),
        "products": [item([*PRODUCT_HEADER, "live_url", "is_featured"])],
        "learnings": [item([*LEARNING_HEADER, "is_public"])],
    }
    return json.dumps(document).encode()


FILES = st.one_of(
    st.binary(max_size=2000),
    st.builds(png_bytes, st.integers(1, 700), st.integers(1, 50)),
    # The start of a real picture or PDF, then anything: what a damaged upload looks like.
    st.builds(bytes.__add__, st.sampled_from([png_bytes(8, 8)[:40], b"%PDF-1.7\n"]), st.binary()),
    csv_files(),
    backup_files(),
    st.sampled_from([value.encode() for value in EXTREMES]),
)
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


def make_world(app, draft: bytes = b"x") -> dict:
    """A new maker who owns one of everything the routes can name, `draft` as their import.

    Made afresh for every example: an example that deletes or revokes must not
    leave the next ones with ids that only ever answer 404.
    """
    # What an upload would have let through: text, and no NUL (no database stores it).
    draft_text = draft.decode("utf-8", "replace").replace("\x00", "")
    with app.app_context():
        maker = make_user()
        product_id = make_product(maker.id, visibility="unlisted", metrics=[("a", "1")])
        return {
            "maker": maker,
            "product_id": product_id,
            "learning_id": make_learning(maker.id, product_id),
            "link_id": make_portfolio_link(maker.id, [product_id]),
            "draft_id": save_draft(maker.id, "products", "f.csv", draft_text).id,
            "session_id": start_session(maker),
            "item_id": make_image(product_id),
            "revision_id": make_revision(product_id),
            "application_id": make_application(
                maker.id, [product_id], next_step="Call", next_step_on=date(2026, 7, 1)
            ),
            "token": account_links.reset_token(db.session.get(User, maker.id)),
            **review_world(maker.id, product_id),
        }


def review_world(maker_id: int, product_id: int) -> dict:
    """A review link of the maker's product with a comment on it, and its edit token."""
    link = make_review_link(maker_id, [product_id])
    comment_id, edit_token = make_review_comment(link, product_id)
    return {
        "review_link_id": link.id,
        "slug": db.session.get(Product, product_id).slug,
        "comment_id": comment_id,
        "edit_token": edit_token,
        ("review", "token"): link.token,
        "endorsement_id": make_endorsement(product_id).id,
        ("endorse", "token"): make_endorsement(product_id, confirmed=True).token,
    }


def argument(world: dict, endpoint: str, name: str):
    """The world's value for a route argument; a reviewer's routes take the review link's
    token where others take an emailed one."""
    return world.get((endpoint.split(".")[0], name), world[name])


MODELS_BY_ARGUMENT = {
    "product_id": Product,
    "learning_id": Learning,
    "link_id": ShareLink,
    "draft_id": ImportDraft,
    "session_id": BrowserSession,
    "item_id": MediaItem,
    "revision_id": ProductRevision,
    "application_id": Application,
    "review_link_id": ReviewLink,
    "comment_id": ReviewComment,
    "endorsement_id": Endorsement,
}


def assert_named_objects_exist(app, world: dict, arguments) -> None:
    with app.app_context():
        for name in arguments & MODELS_BY_ARGUMENT.keys():
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
        for application in db.session.scalars(db.select(Application)):
            assert application.company.strip() == application.company != ""
            assert application.history[-1].stage == application.stage
            link = application.share_link
            assert link is None or link.user_id == application.user_id
        for comment in db.session.scalars(db.select(ReviewComment)):
            assert comment.product.user_id == comment.user_id == comment.review_link.user_id
            assert comment.author_name.strip() == comment.author_name != ""
            assert comment.body.strip() == comment.body != ""
        for endorsement in db.session.scalars(db.select(Endorsement)):
            assert endorsement.product.user_id == endorsement.user_id
            assert not endorsement.approved or endorsement.state == "confirmed"
            assert endorsement.state != "confirmed" or endorsement.confirmed_text
        # A review link loses a product with the product (and may be left with none).
        for review_link in db.session.scalars(db.select(ReviewLink)):
            assert all(item.product.user_id == review_link.user_id for item in review_link.items)
        for item in db.session.scalars(db.select(MediaItem)):
            assert item.product.user_id == item.user_id
            assert item.media_type != "image" or item.alt_text.strip()
            assert item.files or item.media_type == "embed"
        storage = current_app.extensions["media_storage"]
        for key in db.session.scalars(db.select(MediaFile.key)):
            assert storage.get(key) is not None, "a row whose file was not stored"


# POST-only routes that take a file, by the prefix of their form's fields.
UPLOADS = {
    "exports.upload_import": "import",
    "exports.restore": "restore",
    "media.upload": "upload",
}
VALUE_COUNT = 12


def post(app, client, rule, world: dict, values: list[str], content: bytes, token_page: str):
    """POST to `rule` every field its page shows (and any in `values` beyond), as a browser
    would, with `content` as the file where the route takes one."""
    assert_named_objects_exist(app, world, rule.arguments)
    with app.test_request_context():
        url = url_for(
            rule.endpoint, **{name: argument(world, rule.endpoint, name) for name in rule.arguments}
        )
    names = []
    if "GET" in rule.methods:
        names = [
            name
            for name in FIELD_NAME.findall(client.get(url).get_data(as_text=True))
            if not name.endswith("csrf_token")
        ]
    form = MultiDict()
    for index, name in enumerate(names):
        form.add(name, values[index % len(values)])
    token = client.csrf_token(token_page)
    form.setlist("csrf_token", [token])
    prefix = UPLOADS.get(rule.endpoint)
    if prefix is None:
        return client.post(url, data=form)
    form.setlist(f"{prefix}-csrf_token", [token])
    form.setlist(f"{prefix}-file", [FileStorage(io.BytesIO(content), filename="upload")])
    boundary, body = encode_multipart(form)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def fuzz_one(app, client, data, world: dict, token_page: str, content: bytes) -> None:
    rule = data.draw(st.sampled_from(post_rules(app)), label="route")
    # Draws never depend on the page's fields, which change as the data does:
    # Hypothesis must be able to replay a case exactly.
    values = data.draw(st.lists(VALUES, min_size=VALUE_COUNT, max_size=VALUE_COUNT))
    response = post(app, client, rule, world, values, content, token_page)
    assert response.status_code < 500, f"POST {rule.rule} answered {response.status_code}"


@pytest.mark.parametrize("signed_in", [True, False])
def test_no_post_route_ever_fails(app, signed_in):
    @FUZZ_SETTINGS
    @given(data=st.data())
    def fuzz(data):
        client = app.test_client()
        content = data.draw(FILES, label="file")
        world = make_world(app, draft=content)
        if signed_in:
            maker = world["maker"]
            assert AuthActions(client).login(maker.username, maker.password).status_code == 302
        fuzz_one(app, client, data, world, "/dashboard" if signed_in else "/login", content)
        assert_consistent(app)

    fuzz()


def files_full_of(value: str) -> list[bytes]:
    """A products CSV, a learnings CSV and a backup with `value` in every cell and field."""
    files = []
    for header in (PRODUCT_HEADER, LEARNING_HEADER):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, [value] * len(header)])
        files.append(buffer.getvalue().encode())
    item = dict.fromkeys([*PRODUCT_HEADER, *LEARNING_HEADER, "live_url", "is_public"], value)
    files.append(
        json.dumps(
            {"format": "pm-portfolio-backup", "format_version": 1,
             "profile": dict.fromkeys(["display_name", "headline", "bio"], value),
             "products": [item], "learnings": [item]}
        ).encode()
    )  # fmt: skip
    return [*files, value.encode()]


@pytest.mark.parametrize("value", EXTREMES)
def test_no_post_route_fails_on_values_at_the_edges(app, value):
    """Every POST route, every field holding one value at the edge, and files full of it."""
    for rule in post_rules(app):
        takes_a_file = rule.endpoint in UPLOADS or "draft_id" in rule.arguments
        for content in files_full_of(value) if takes_a_file else [b"x"]:
            world = make_world(app, draft=content)
            client = app.test_client()
            maker = world["maker"]
            assert AuthActions(client).login(maker.username, maker.password).status_code == 302
            response = post(app, client, rule, world, [value], content, "/dashboard")
            assert response.status_code < 500, f"POST {rule.rule} answered {response.status_code}"
            assert_consistent(app)
