import re
from datetime import date

import pytest

from pm_portfolio.core import products as product_rules
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import product_form


def only_product(app) -> Product:
    products = db.session.scalars(db.select(Product)).all()
    assert len(products) == 1
    return products[0]


def product_count() -> int:
    return db.session.scalar(db.select(db.func.count(Product.id)))


def test_create_a_product_with_metrics_and_skills(logged_in_client, app, user):
    assert logged_in_client.get("/products/new").status_code == 200

    response = logged_in_client.submit("/products/new", product_form())

    assert response.status_code == 302
    with app.app_context():
        product = only_product(app)
        assert response.headers["Location"] == f"/products/{product.id}"
        assert product.user_id == user.id
        assert product.slug == "standup-bot"
        assert product.status == "shipped"
        assert product.shipped_on == date(2026, 3, 1)
        assert [(m.label, m.value, m.note) for m in product.metrics] == [
            ("teams", "140", "after six months"),
            ("retention", "38%", ""),
        ]
        assert product.skill_keys == ["discovery", "analytics"]
        assert product.visibility == "public"

    page = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Standup Bot" in page
    assert "<strong>time zones</strong>" in page
    assert "140" in page
    assert "Discovery &amp; research" in page


def test_a_new_product_is_private_by_default(logged_in_client, app):
    logged_in_client.submit("/products/new", product_form(visibility=None))
    with app.app_context():
        assert only_product(app).visibility == "private"


def test_only_the_title_is_required(logged_in_client, app):
    response = logged_in_client.submit(
        "/products/new",
        {"title": "Tiny idea", "status": "idea", "visibility": "private"},
    )
    assert response.status_code == 302
    with app.app_context():
        product = only_product(app)
        assert product.title == "Tiny idea"
        assert product.metrics == []


def test_errors_are_summed_up_at_the_top_with_a_link_to_each_field(logged_in_client):
    sent = product_form(title="", **{"metrics-0-value": ""})
    page = logged_in_client.submit("/products/new", sent).get_data(as_text=True)

    summary = page[page.index('<div class="form-errors"') :].split("</div>")[0]
    assert 'role="alert" tabindex="-1" autofocus' in summary, "it takes focus"
    assert "Please correct these 2 things:" in summary
    assert '<li><a href="#title">Title</a>: Give your product a title.</li>' in summary
    assert '<a href="#metrics-0-value">Metric 1: value</a>: Give its value' in summary
    assert summary.index("#title") < summary.index("#metrics-0-value"), "in the form's order"
    assert '<span class="field__required" aria-hidden="true">required</span>' in page


def test_every_link_of_the_error_summary_has_a_target(logged_in_client):
    page = logged_in_client.submit(
        "/products/new", product_form(visibility="everyone", skill_keys="juggling")
    ).get_data(as_text=True)

    targets = re.findall(r'<li><a href="#([^"]+)">', page.split('class="form-errors"')[1])
    assert sorted(targets) == ["skill_keys", "visibility"]
    for target in targets:
        assert f'id="{target}"' in page, target


def test_the_checklist_beside_the_form_links_within_the_page(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id)

    page = logged_in_client.get(f"/products/{product_id}/edit").get_data(as_text=True)

    checklist = page.split('class="card coach product-editor__coach"')[1]
    assert '<a href="#problem">' in checklist, "no reload that would lose what is typed"
    assert f'href="/products/{product_id}/media"' in checklist, "pictures are on their own page"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give your product a title."),
        ({"title": "x" * 121}, "Use at most 120 characters."),
        ({"tagline": "x" * 161}, "Use at most 160 characters."),
        ({"target_users": "x" * 201}, "Use at most 200 characters."),
        ({"role": "x" * 121}, "Use at most 120 characters."),
        ({"problem": "x" * 20_001}, "Use at most 20,000 characters."),
        ({"started_on": "2026-02-30"}, "Enter a date as YYYY-MM-DD"),
        ({"shipped_on": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"shipped_on": ""}, "A shipped or sunset product needs the date it shipped."),
        ({"status": "sunset", "shipped_on": ""}, "needs the date it shipped"),
        ({"shipped_on": "2025-12-31"}, "The ship date cannot be before the start date."),
        ({"live_url": "javascript:alert(1)"}, "starting with https:// or http://"),
        ({"source_url": "ftp://example.com/x"}, "starting with https:// or http://"),
        ({"live_url": "https://"}, "starting with https:// or http://"),
        ({"status": "launched"}, "Not a valid choice"),
        ({"visibility": "everyone"}, "Not a valid choice"),
        ({"skill_keys": ["discovery", "juggling"]}, "Choose from the list."),
        ({"slug": "Not A Slug"}, "Use lower-case letters, digits and single hyphens"),
        ({"slug": "double--hyphen"}, "Use lower-case letters, digits and single hyphens"),
        ({"position": "-1"}, "Use a number from 0 to 9,999."),
        ({"position": "99999999999999999999"}, "Use a number from 0 to 9,999."),
        ({"metrics-0-label": ""}, "Name this metric"),
        ({"metrics-1-value": ""}, "Give its value"),
        ({"metrics-0-label": "x" * 61}, "Use at most 60 characters."),
        ({"metrics-0-value": "x" * 41}, "Use at most 40 characters."),
        ({"metrics-0-note": "x" * 121}, "Use at most 120 characters."),
        ({"title": "nul\x00byte"}, "Remove the invisible NUL characters."),
        ({"metrics-0-note": "nul\x00byte"}, "Remove the invisible NUL characters."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(logged_in_client, app, overrides, message):
    sent = product_form(**overrides)
    response = logged_in_client.submit("/products/new", sent)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Please correct" in page
    for kept in ("tagline", "role", "metrics-0-value"):
        if kept not in overrides:
            assert f'value="{sent[kept]}"' in page, f"{kept} was not kept"
    with app.app_context():
        assert product_count() == 0
        assert db.session.scalar(db.select(db.func.count(Metric.id))) == 0


def test_missing_csrf_token_saves_nothing(logged_in_client, app):
    response = logged_in_client.post("/products/new", data=product_form())
    assert response.status_code == 400
    with app.app_context():
        assert product_count() == 0


def test_slugs_are_made_from_titles_and_kept_unique_per_maker(logged_in_client, app, user):
    for _ in range(3):
        logged_in_client.submit("/products/new", product_form(title="Café Finder!"))
    with app.app_context():
        other = make_user()
        make_product(other.id, title="Café Finder", slug="cafe-finder")
        slugs = db.session.scalars(
            db.select(Product.slug).where(Product.user_id == user.id).order_by(Product.id)
        ).all()
    assert slugs == ["cafe-finder", "cafe-finder-2", "cafe-finder-3"]


def test_a_duplicate_slug_is_refused(logged_in_client, app, user):
    with app.app_context():
        make_product(user.id, slug="standup-bot")
    response = logged_in_client.submit("/products/new", product_form(slug="standup-bot"))

    assert response.status_code == 200
    assert "You already have a product at this address." in response.get_data(as_text=True)


def test_edit_a_product(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(
            user.id, title="Old", slug="old", metrics=[("users", "10"), ("stars", "5")]
        )
    page = logged_in_client.get(f"/products/{product_id}/edit").get_data(as_text=True)
    assert 'value="Old"' in page
    assert 'value="users"' in page

    response = logged_in_client.submit(
        f"/products/{product_id}/edit",
        product_form(
            title="New title",
            slug="old",
            **{"metrics-0-label": "users", "metrics-0-value": "25", "metrics-1-remove": "y"},
        ),
    )

    assert response.status_code == 302
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert product.title == "New title"
        assert product.slug == "old"
        assert [(m.label, m.value) for m in product.metrics] == [("users", "25")]
        assert db.session.scalar(db.select(db.func.count(Metric.id))) == 1


def test_editing_keeps_its_own_slug_valid(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id, title="Standup Bot", slug="standup-bot")
    response = logged_in_client.submit(
        f"/products/{product_id}/edit", product_form(slug="standup-bot")
    )
    assert response.status_code == 302


def test_add_a_metric_row_without_javascript(logged_in_client, app):
    response = logged_in_client.submit(
        "/products/new", product_form(add_metric="Add another metric")
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="metrics-3-label"' in page
    assert 'value="140"' in page
    assert "Please correct" not in page
    with app.app_context():
        assert product_count() == 0


def test_the_form_offers_an_empty_metric_row(logged_in_client):
    page = logged_in_client.get("/products/new").get_data(as_text=True)
    assert 'name="metrics-0-label"' in page
    assert 'id="metric-row-template"' in page
    assert 'name="metrics-__index__-label"' in page


def test_delete_asks_first_then_removes_metrics_and_learnings(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id, metrics=[("users", "10")], skills=["design"])
        make_learning(user.id, product_id)
        general = make_learning(user.id, None)

    page = logged_in_client.get(f"/products/{product_id}/delete").get_data(as_text=True)
    assert "1 metric" in page
    assert "1 learning" in page
    with app.app_context():
        assert db.session.get(Product, product_id) is not None

    response = logged_in_client.submit(f"/products/{product_id}/delete")

    assert response.headers["Location"] == "/products"
    with app.app_context():
        assert db.session.get(Product, product_id) is None
        assert db.session.scalar(db.select(db.func.count(Metric.id))) == 0
        assert db.session.scalars(db.select(Learning.id)).all() == [general]
    assert logged_in_client.get(f"/products/{product_id}").status_code == 404


def test_list_is_featured_first_then_latest_shipped(logged_in_client, app, user):
    with app.app_context():
        make_product(user.id, title="Old ship", status="shipped", shipped_on=date(2024, 1, 1))
        make_product(user.id, title="New ship", status="shipped", shipped_on=date(2026, 1, 1))
        make_product(user.id, title="Featured idea", status="idea", is_featured=True)
        make_product(user.id, title="Plain idea", status="idea")
        titles = [
            product.title
            for product in product_rules.list_products(user.id, product_rules.ProductFilters())
        ]
    assert titles == ["Featured idea", "New ship", "Old ship", "Plain idea"]

    page = logged_in_client.get("/products").get_data(as_text=True)
    assert page.index("Featured idea") < page.index("New ship") < page.index("Old ship")


def test_list_filters_by_status_and_skill(logged_in_client, app, user):
    with app.app_context():
        shipped = {"status": "shipped", "shipped_on": date(2026, 1, 1)}
        make_product(user.id, title="Shipped design", skills=["design"], **shipped)
        make_product(user.id, title="Building design", status="building", skills=["design"])
        make_product(user.id, title="Shipped data", skills=["analytics"], **shipped)

    page = logged_in_client.get("/products?status=shipped&skill=design").get_data(as_text=True)
    assert "Shipped design" in page
    assert "Building design" not in page
    assert "Shipped data" not in page

    page = logged_in_client.get("/products?status=nonsense").get_data(as_text=True)
    assert all(title in page for title in ("Shipped design", "Building design", "Shipped data"))


def test_an_empty_list_invites_the_first_product_once(logged_in_client):
    page = logged_in_client.get("/products").get_data(as_text=True)
    assert page.count('href="/products/new"') == 1
    assert ">Log your first product</a>" in page


def test_others_products_are_not_listed(logged_in_client, app, user):
    with app.app_context():
        other = make_user()
        make_product(other.id, title="Someone else's secret")
    assert "Someone else" not in logged_in_client.get("/products").get_data(as_text=True)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Standup Bot", "standup-bot"),
        ("  Café   Finder!! ", "cafe-finder"),
        ("日本語", "product"),
        ("---", "product"),
        ("A" * 100, "a" * 80),
        ("Ship it: v2.0", "ship-it-v2-0"),
    ],
)
def test_slugify(title, slug):
    assert product_rules.slugify(title) == slug


@pytest.mark.parametrize(
    ("status", "started", "shipped", "problems"),
    [
        ("idea", None, None, set()),
        ("building", date(2026, 1, 1), None, set()),
        ("shipped", None, None, {"shipped_on"}),
        ("sunset", None, None, {"shipped_on"}),
        ("shipped", date(2026, 1, 2), date(2026, 1, 1), {"shipped_on"}),
        ("shipped", date(2026, 1, 1), date(2026, 1, 1), set()),
    ],
)
def test_date_rules(status, started, shipped, problems):
    assert set(product_rules.date_problems(status, started, shipped)) == problems
