"""Drafting a case-study section from the product's build log."""

import html
from datetime import date

import pytest

from pm_portfolio.core.learnings import journal_draft
from pm_portfolio.core.learnings import with_draft
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from tests.factories import make_learning
from tests.factories import make_product

NO_INVENTORY = (
    "- **22 Feb 2026 \u2014 Decision:** No inventory tracking. Most cafés count once a week."
)
PRICE_TEST = "- **3 Mar 2026 \u2014 Experiment:** Price test at $5."


def test_entries_become_a_dated_list_in_date_order():
    entries = [
        Learning(id=2, title="Price test at $5", kind="experiment", learned_on=date(2026, 3, 3),
                 body=""),
        Learning(id=1, title="No inventory tracking.", kind="decision",
                 learned_on=date(2026, 2, 22),
                 body="Most cafés count\nonce a week.\n\nSecond paragraph stays out."),
    ]  # fmt: skip

    assert journal_draft(entries) == f"{NO_INVENTORY}\n{PRICE_TEST}"


@pytest.mark.parametrize(
    ("text", "result"),
    [("", "D"), ("Cut Jira.", "Cut Jira.\n\nD"), ("Cut Jira.\n\n\n", "Cut Jira.\n\nD")],
)
def test_a_draft_goes_at_the_end_of_the_section(text, result):
    assert with_draft(text, "D") == result


@pytest.fixture
def log(app, user):
    with app.app_context():
        product_id = make_product(user.id, title="Café stock", tradeoffs="Cut Jira.")
        decision = make_learning(user.id, product_id, title="No inventory tracking",
                                 kind="decision", learned_on=date(2026, 2, 22),
                                 body="Most cafés count once a week.")  # fmt: skip
        experiment = make_learning(user.id, product_id, title="Price test at $5",
                                   kind="experiment", learned_on=date(2026, 3, 3))  # fmt: skip
        make_learning(user.id, make_product(user.id), title="Another product's entry")
    return {"product": product_id, "decision": decision, "experiment": experiment}


def test_the_edit_page_offers_this_products_entries(logged_in_client, log):
    page = logged_in_client.get(f"/products/{log['product']}/edit").get_data(as_text=True)

    assert "Draft from your build log" in page
    assert "22 Feb 2026 \u2014 Decision: No inventory tracking" in page
    assert "Another product" not in page


def test_inserting_rewrites_the_form_and_saves_nothing(app, logged_in_client, log):
    edit = f"/products/{log['product']}/edit"
    form = {
        "title": "Café stock (typed, not saved)", "status": "idea", "visibility": "private",
        "tradeoffs": "Cut Jira.", "draft-entries": [str(log["experiment"]), str(log["decision"])],
        "draft-section": "tradeoffs", "draft-insert": "Insert as a draft",
    }  # fmt: skip

    page = logged_in_client.submit(edit, form).get_data(as_text=True)

    textarea = page[page.index('id="tradeoffs"') :]
    textarea = html.unescape(textarea[textarea.index(">") + 1 : textarea.index("</textarea>")])
    assert textarea.strip() == f"Cut Jira.\n\n{NO_INVENTORY}\n{PRICE_TEST}"
    assert 'value="Café stock (typed, not saved)"' in page
    assert "Added 2 entries to the end of" in page
    with app.app_context():
        product = db.session.get(Product, log["product"])
        assert (product.title, product.tradeoffs) == ("Café stock", "Cut Jira.")

    del form["draft-insert"], form["draft-entries"]
    form["tradeoffs"] = textarea
    assert logged_in_client.submit(edit, form).status_code == 302
    with app.app_context():
        assert db.session.get(Product, log["product"]).tradeoffs.endswith(PRICE_TEST)


def test_inserting_nothing_asks_for_an_entry(logged_in_client, log):
    form = {"title": "Café stock", "status": "idea", "visibility": "private",
            "draft-section": "outcome", "draft-insert": "Insert as a draft"}  # fmt: skip

    page = logged_in_client.submit(f"/products/{log['product']}/edit", form)

    assert "Pick at least one entry." in page.get_data(as_text=True)


def test_a_product_without_entries_has_no_draft_section(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id)

    page = logged_in_client.get(f"/products/{product_id}/edit").get_data(as_text=True)

    assert "Draft from your build log" not in page


def test_private_entries_say_so_in_the_picker(app, logged_in_client, user):
    with app.app_context():
        product_id = make_product(user.id)
        make_learning(user.id, product_id, title="Shared one", is_public=True)
        make_learning(user.id, product_id, title="Kept to myself", is_public=False)

    page = logged_in_client.get(f"/products/{product_id}/edit").get_data(as_text=True)

    assert "Kept to myself (private)" in page
    assert "Shared one (private)" not in page
