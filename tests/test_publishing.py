"""The visibility rules: their SQL form (public pages) and Python form (the maker's pages) agree."""

import itertools

import pytest

from pm_portfolio.core import publishing
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.factories import make_product

VISIBILITIES = ["private", "unlisted", "public"]
STATUSES = ["idea", "building", "shipped", "sunset"]


@pytest.mark.parametrize("show_ideas", [False, True])
def test_sql_and_python_agree_on_who_can_read_a_product(app, user, show_ideas):
    with app.app_context():
        for visibility, status in itertools.product(VISIBILITIES, STATUSES):
            make_product(user.id, slug=f"{visibility}-{status}", visibility=visibility,
                         status=status)  # fmt: skip
        listed = set(
            db.session.scalars(db.select(Product.slug).where(publishing.on_portfolio(show_ideas)))
        )
        by_link = set(
            db.session.scalars(db.select(Product.slug).where(publishing.reachable_by_link()))
        )
        for product in db.session.scalars(db.select(Product)):
            reach = publishing.reach(product, show_ideas)
            assert reach.on_portfolio == (product.slug in listed), product.slug
            assert reach.by_link == (product.slug in by_link), product.slug

    expected = {"public-building", "public-shipped", "public-sunset"}
    assert listed == (expected | {"public-idea"} if show_ideas else expected)
    assert by_link == {f"{v}-{s}" for v in ("unlisted", "public") for s in STATUSES}


def test_the_sitemap_follows_each_makers_choice_about_ideas(app, user):
    with app.app_context():
        db.session.get(User, user.id).is_published = True
        db.session.commit()
        make_product(user.id, slug="idea", status="idea", visibility="public")
        make_product(user.id, slug="built", status="building", visibility="public")
        assert listed() == [("maker", None), ("maker", "built")]
        db.session.get(User, user.id).show_ideas = True
        db.session.commit()
        assert listed() == [("maker", None), ("maker", "built"), ("maker", "idea")]


def listed() -> list[tuple[str, str | None]]:
    return [(url.username, url.slug) for url in publishing.sitemap_page(1, 50_000)]


def test_the_product_page_says_why_a_public_idea_is_not_on_the_portfolio(
    app, logged_in_client, user
):
    with app.app_context():
        product_id = make_product(user.id, status="idea", visibility="public")
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)

    assert "Public, but not on your portfolio yet: it is still an idea" in page
    assert "it appears on your portfolio" not in page
