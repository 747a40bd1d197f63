"""A page costs a fixed number of SQL queries, however much the maker has logged."""

from datetime import date

import pytest

from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.infrastructure import counted_queries

PAGES = ["/dashboard", "/products", "/products?skill=design", "/learnings", "/product"]


def add_portfolio(app, owner_id: int, products: int, learnings_each: int) -> int:
    """Products with skills, metrics and learnings; returns the last product's id."""
    with app.app_context():
        for index in range(products):
            product_id = make_product(
                owner_id,
                status=("idea", "building", "shipped", "sunset")[index % 4],
                shipped_on=date(2026, 1 + index % 11, 1) if index % 4 >= 2 else None,
                skills=["discovery", "design"],
                metrics=[("users", "10"), ("stars", "4"), ("revenue", "$90")],
            )
            for day in range(1, learnings_each + 1):
                make_learning(
                    owner_id, product_id, skills=["analytics"], learned_on=date(2026, 2, day)
                )
    return product_id


def queries_for(app, client, path: str) -> int:
    with counted_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("page_path", PAGES)
def test_page_query_count_does_not_grow(logged_in_client, app, user, page_path):
    logged_in_client.get("/dashboard")
    product_id = add_portfolio(app, user.id, 3, learnings_each=1)
    path = f"/products/{product_id}" if page_path == "/product" else page_path
    small = queries_for(app, logged_in_client, path)

    product_id = add_portfolio(app, user.id, 60, learnings_each=6)
    path = f"/products/{product_id}" if page_path == "/product" else page_path
    large = queries_for(app, logged_in_client, path)

    assert small == large, f"{path}: {small} queries with 3 products, {large} with 63"
    # The dashboard also asks for the applications to follow up, never kept; a product's
    # page for its reviewers' comments, its open review links, its endorsement requests
    # and the confirmations readers see.
    assert large <= {"/dashboard": 11, "/product": 14}.get(page_path, 10)


def test_the_media_page_costs_the_same_however_many_pictures(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id)
        make_image(product_id)
    path = f"/products/{product_id}/media"
    small = queries_for(app, logged_in_client, path)
    with app.app_context():
        for colour in ("red", "blue", "green", "orange"):
            make_image(product_id, colour=colour)
    large = queries_for(app, logged_in_client, path)

    assert small == large, f"{small} queries with 1 picture, {large} with 5"


def test_feedback_costs_the_same_however_many_comments(logged_in_client, app, user):
    def add_comments(count: int) -> int:
        with app.app_context():
            product_id = make_product(user.id, problem="A problem")
            link = make_review_link(user.id, [product_id])
            for index in range(count):
                make_review_comment(link, product_id, ("whole", "problem")[index % 2])
        return product_id

    product_id = add_comments(1)
    small = [queries_for(app, logged_in_client, path)
             for path in ("/feedback", f"/products/{product_id}")]  # fmt: skip
    product_id = add_comments(10)
    large = [queries_for(app, logged_in_client, path)
             for path in ("/feedback", f"/products/{product_id}")]  # fmt: skip

    assert small == large
