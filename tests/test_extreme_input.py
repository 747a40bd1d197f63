"""Input at the edges, each of which once answered 500: a clear message or a 404 instead,
and nothing half-done."""

import json

import pytest

from pm_portfolio import clock
from pm_portfolio.exports import csv_import
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.clients import signed_in_maker
from tests.factories import make_product
from tests.factories import product_form
from tests.infrastructure import database_snapshot
from tests.test_exports import PRODUCT_COLUMNS
from tests.test_exports import csv_bytes
from tests.test_exports import product_csv_row
from tests.test_exports import restore
from tests.test_exports import upload

HUGE_NUMBER = "9" * 400
HUGE_ID = 2**64


def preview_and_confirm(client, content: bytes, kind: str = "products"):
    response = upload(client, content, kind=kind)
    assert response.status_code == 302, response.get_data(as_text=True)
    preview_url = response.headers["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    return preview, client.submit(preview_url, page=preview_url)


def backup_document(**changes) -> bytes:
    document = {
        "format": "pm-portfolio-backup",
        "format_version": 1,
        "profile": {"display_name": "Restored"},
        "products": [],
        "learnings": [],
    }
    document.update(changes)
    return json.dumps(document).encode()


def test_an_automatic_slug_never_clashes_with_one_claimed_later_in_the_file(app, logged_in_client):
    content = csv_bytes(
        PRODUCT_COLUMNS, [product_csv_row(slug="", title="Foo"), product_csv_row(slug="foo")]
    )
    preview, confirmed = preview_and_confirm(logged_in_client, content)

    assert "<dt>To create</dt><dd>2</dd>" in preview.get_data(as_text=True)
    assert confirmed.status_code == 302
    with app.app_context():
        slugs = {product.title: product.slug for product in db.session.scalars(db.select(Product))}
    assert slugs == {"Foo": "foo-2", "Imported": "foo"}


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_timestamps_out_of_range_are_a_problem_on_the_line(app, logged_in_client, timestamp):
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(created_at=timestamp)])
    response = upload(logged_in_client, content)
    for _ in range(2):
        page = logged_in_client.get(response.headers["Location"])
        assert page.status_code == 200
        assert "line 2, created_at: Write a date and time" in page.get_data(as_text=True)


def test_timestamps_out_of_range_in_a_backup_are_refused_with_a_message(app):
    _maker, client = signed_in_maker(app)
    product = {"slug": "p", "title": "P", "status": "idea", "visibility": "private",
               "created_at": "9999-12-31T23:00:00-05:00"}  # fmt: skip
    before = database_snapshot(app)
    response = restore(client, backup_document(products=[product]))
    assert response.status_code == 200
    assert "product 1, created_at: Write a date and time" in response.get_data(as_text=True)
    assert database_snapshot(app) == before


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deeply_nested_metrics_are_a_problem_on_the_line(logged_in_client):
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(metrics=nested(20_000))])
    response = upload(logged_in_client, content)
    page = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "line 2, metrics: Write metrics as a JSON list" in page


def test_a_deeply_nested_backup_is_refused_with_a_message(app):
    _maker, client = signed_in_maker(app)
    content = b'{"format": "pm-portfolio-backup", "products": ' + nested(100_000).encode() + b"}"
    response = restore(client, content)
    assert response.status_code == 200
    assert "This is not a PM Portfolio backup" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "profile", [{}, {"headline": None, "display_name": None}, {"bio": None, "is_published": None}]
)
def test_a_backup_profile_with_missing_or_empty_fields_restores(app, profile):
    maker, client = signed_in_maker(app)
    response = restore(client, backup_document(profile=profile))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, maker.id)
        assert (user.headline, user.bio, user.is_published) == ("", "", False)


def test_a_huge_position_is_a_message_on_the_product_form(app, logged_in_client):
    response = logged_in_client.submit("/products/new", product_form(position=HUGE_NUMBER))
    assert response.status_code == 200
    assert "Use a number from 0 to 9,999." in response.get_data(as_text=True)


def test_a_huge_position_is_a_message_on_the_share_link_form(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id, visibility="public")
    response = logged_in_client.submit(
        "/share-links/new",
        {"name": "Acme", "items-0-product_id": str(product_id), "items-0-include": "y",
         "items-0-position": HUGE_NUMBER},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Use a number from 1 to 999." in response.get_data(as_text=True)


def test_a_huge_position_in_a_backup_is_refused_with_a_message(app):
    _maker, client = signed_in_maker(app)
    product = {"slug": "p", "title": "P", "status": "idea", "visibility": "private",
               "position": int(HUGE_NUMBER)}  # fmt: skip
    response = restore(client, backup_document(products=[product]))
    assert "product 1, position: Use a number from 0 to 9,999." in response.get_data(as_text=True)


def test_ids_beyond_any_row_answer_404(app, logged_in_client):
    token = logged_in_client.csrf_token("/dashboard")
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.arguments & {"product_id", "learning_id", "link_id", "draft_id", "session_id"}
    ]
    assert rules
    for rule in rules:
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1))
        url = url.replace("/1", f"/{HUGE_ID}")
        for method in {"GET", "POST"} & rule.methods:
            response = logged_in_client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url}"


@pytest.mark.parametrize("number", [str(HUGE_ID), HUGE_NUMBER, "-1", "2"])
def test_a_journal_page_beyond_the_last_answers_404(logged_in_client, number):
    assert logged_in_client.get(f"/learnings?page={number}").status_code == 404


def test_a_nul_byte_in_an_import_is_the_same_message_on_every_database(app, logged_in_client):
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(title="Bad\x00title")])
    before = database_snapshot(app)
    response = upload(logged_in_client, content)
    assert response.status_code == 200
    assert "invisible NUL characters" in response.get_data(as_text=True)
    assert database_snapshot(app) == before


def test_confirming_the_same_import_twice_imports_it_once(app, user):
    """Two tabs (or a double click) check the draft before either writes it."""
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(title="Once", slug="")]).decode()
    with app.app_context():
        draft_id = csv_import.save_draft(user.id, "products", "f.csv", content).id
        plans = [csv_import.plan_import(user.id, "products", content) for _ in range(2)]
        csv_import.complete_import(user.id, draft_id, plans[0], clock.today())
        with pytest.raises(csv_import.BadImportFile, match="imported already"):
            csv_import.complete_import(user.id, draft_id, plans[1], clock.today())
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 1


# Escapes JSON allows and no database stores: a lone surrogate (not UTF-8) and NUL.
UNSTORABLE = ["Bad \\ud800 half", "Bad \\udfff half", "Bad \\u0000 byte"]


@pytest.mark.parametrize("escape", UNSTORABLE)
def test_unstorable_text_in_a_json_resume_is_replaced(app, escape):
    _maker, client = signed_in_maker(app)
    content = ('{"projects": [{"name": "' + escape + '", "description": "Fine"}]}').encode()
    preview, confirmed = preview_and_confirm(client, content, kind="resume")

    assert "Bad \N{REPLACEMENT CHARACTER}" in preview.get_data(as_text=True)
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Product.title)).startswith(
            "Bad \N{REPLACEMENT CHARACTER}"
        )


@pytest.mark.parametrize("escape", UNSTORABLE)
def test_unstorable_text_in_a_backup_is_replaced(app, escape):
    maker, client = signed_in_maker(app)
    document = backup_document(profile={"display_name": "placeholder"})
    response = restore(client, document.replace(b"placeholder", escape.encode()))

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, maker.id).display_name.startswith(
            "Bad \N{REPLACEMENT CHARACTER}"
        )


@pytest.mark.parametrize("escape", UNSTORABLE)
def test_unstorable_text_in_csv_metrics_is_replaced(app, logged_in_client, escape):
    metrics = '[{"label": "' + escape + '", "value": "140"}]'
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(metrics=metrics)])
    _preview, confirmed = preview_and_confirm(logged_in_client, content)

    assert confirmed.status_code == 302
    with app.app_context():
        (product,) = db.session.scalars(db.select(Product))
        assert product.metrics[0].label.startswith("Bad \N{REPLACEMENT CHARACTER}")
