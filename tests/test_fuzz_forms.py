"""Property-based tests: no input to the product and learning forms makes the app answer 500."""

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from pm_portfolio.extensions import db
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from tests.factories import learning_form
from tests.factories import product_form

pytestmark = pytest.mark.slow

NASTY_TEXT = st.one_of(
    # Surrogates cannot be encoded as UTF-8, so no browser can send them.
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    st.sampled_from(
        [
            "\x00",
            "title\x00with nul",
            "\u202eRTL override",
            "مرحبا بالعالم",
            "😀🚀👩‍💻",
            "=cmd|' /C calc'!A0",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            " ",
            "-1",
            "99999999999999999999999",
            "2026-13-45",
            "0000-00-00",
            "javascript:alert(1)",
        ]
    ),
    st.just("x" * 100_000),
)
FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzzed(base: dict, data) -> dict:
    """The valid form `base` with some of its fields replaced by arbitrary text."""
    names = data.draw(st.lists(st.sampled_from(sorted(base)), unique=True, max_size=len(base)))
    form = dict(base)
    for name in names:
        form[name] = data.draw(st.one_of(NASTY_TEXT, st.lists(NASTY_TEXT, max_size=3)))
    return form


@FUZZ_SETTINGS
@given(data=st.data())
def test_product_form_never_fails(logged_in_client, app, data):
    response = logged_in_client.submit("/products/new", fuzzed(product_form(), data))

    assert response.status_code in {200, 302, 400}
    with app.app_context():
        for product in db.session.scalars(db.select(Product)):
            assert product.title.strip()
            assert "\x00" not in product.title
        metrics = db.session.scalar(db.select(db.func.count(Metric.id)))
        assert metrics <= 20 * db.session.scalar(db.select(db.func.count(Product.id)))


@FUZZ_SETTINGS
@given(data=st.data())
def test_learning_form_never_fails(logged_in_client, data):
    response = logged_in_client.submit("/learnings/new", fuzzed(learning_form(), data))
    assert response.status_code in {200, 302, 400}
