import re
from datetime import date

import pytest

from pm_portfolio.core import learnings
from pm_portfolio.core.learnings import LearningData
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from tests.factories import learning_form
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_user


def all_learnings() -> list[Learning]:
    return db.session.scalars(db.select(Learning).order_by(Learning.id)).all()


def test_add_a_general_learning_from_the_journal(logged_in_client, app, user):
    assert logged_in_client.get("/learnings/new").status_code == 200

    response = logged_in_client.submit("/learnings/new", learning_form())

    assert response.headers["Location"] == "/learnings"
    with app.app_context():
        (learning,) = all_learnings()
        assert learning.user_id == user.id
        assert learning.product_id is None
        assert learning.kind == "experiment"
        assert learning.learned_on == date(2026, 2, 3)
        assert learning.skill_keys == ["analytics", "design"]
        assert learning.is_public
    page = logged_in_client.get("/learnings").get_data(as_text=True)
    assert "Local-time prompts doubled answers" in page
    assert "<strong>35%</strong>" in page


def test_add_a_learning_from_a_product_page(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id, title="Standup Bot")
    product_page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert f"/products/{product_id}/learnings/new" in product_page

    form_page = logged_in_client.get(f"/products/{product_id}/learnings/new")
    assert f'<option selected value="{product_id}">Standup Bot</option>' in form_page.get_data(
        as_text=True
    )
    response = logged_in_client.submit(
        f"/products/{product_id}/learnings/new", learning_form(product_id=str(product_id))
    )

    assert response.headers["Location"] == f"/products/{product_id}#build-log"
    with app.app_context():
        (learning,) = all_learnings()
        assert learning.product_id == product_id
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert "Local-time prompts doubled answers" in page


def test_a_new_learning_is_private_and_dated_today_by_default(today, logged_in_client, app):
    page = logged_in_client.get("/learnings/new").get_data(as_text=True)
    assert 'value="2026-06-15"' in page

    logged_in_client.submit("/learnings/new", learning_form(is_public=None))
    with app.app_context():
        assert not all_learnings()[0].is_public


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Sum up the learning in a line."),
        ({"title": "x" * 161}, "Use at most 160 characters."),
        ({"kind": "rumour"}, "Not a valid choice"),
        ({"learned_on": ""}, "Enter the date"),
        ({"learned_on": "31/12/2026"}, "Enter a date as YYYY-MM-DD"),
        ({"product_id": "999999"}, "Not a valid choice"),
        ({"product_id": "abc"}, "Not a valid choice"),
        ({"skill_keys": ["juggling"]}, "Choose from the list."),
        ({"body": "x" * 20_001}, "Use at most 20,000 characters."),
        ({"body": "\x00"}, "Remove the invisible NUL characters."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(logged_in_client, app, overrides, message):
    response = logged_in_client.submit("/learnings/new", learning_form(**overrides))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    if "title" not in overrides:
        assert 'value="Local-time prompts doubled answers"' in page
    with app.app_context():
        assert all_learnings() == []


def test_a_learning_cannot_be_tied_to_someone_elses_product(logged_in_client, app):
    with app.app_context():
        other = make_user()
        their_product = make_product(other.id)
    response = logged_in_client.submit(
        "/learnings/new", learning_form(product_id=str(their_product))
    )
    assert response.status_code == 200
    with app.app_context():
        assert all_learnings() == []


def test_the_service_refuses_someone_elses_product(app, user):
    with app.app_context():
        other = make_user()
        their_product = make_product(other.id)
        with pytest.raises(learnings.ProductNotOwned):
            learnings.create_learning(
                user.id, LearningData("x", date(2026, 1, 1), product_id=their_product)
            )


def test_edit_a_learning(logged_in_client, app, user):
    with app.app_context():
        learning_id = make_learning(user.id, title="Old", skills=["design"])
    page = logged_in_client.get(f"/learnings/{learning_id}/edit").get_data(as_text=True)
    assert 'value="Old"' in page
    assert re.search(r'<input checked[^>]* value="design">', page)
    assert not re.search(r'<input checked[^>]* value="strategy">', page)

    response = logged_in_client.submit(
        f"/learnings/{learning_id}/edit", learning_form(title="New", skill_keys=["strategy"])
    )

    assert response.status_code == 302
    with app.app_context():
        learning = db.session.get(Learning, learning_id)
        assert learning.title == "New"
        assert learning.skill_keys == ["strategy"]


def test_delete_a_learning(logged_in_client, app, user):
    with app.app_context():
        learning_id = make_learning(user.id)
    assert logged_in_client.get(f"/learnings/{learning_id}/delete").status_code == 200

    response = logged_in_client.submit(f"/learnings/{learning_id}/delete")

    assert response.headers["Location"] == "/learnings"
    with app.app_context():
        assert all_learnings() == []


def test_the_journal_is_newest_first_and_paginated(logged_in_client, app, user):
    with app.app_context():
        for day in range(1, 26):
            make_learning(user.id, title=f"Day {day:02}", learned_on=date(2026, 1, day))

    first = logged_in_client.get("/learnings").get_data(as_text=True)
    assert first.index("Day 25") < first.index("Day 24")
    assert "Day 05" not in first
    assert "Page 1 of 2" in first

    second = logged_in_client.get("/learnings?page=2").get_data(as_text=True)
    assert "Day 05" in second
    assert "Day 25" not in second
    assert logged_in_client.get("/learnings?page=99").status_code == 404


def test_the_journal_filters_by_product_and_skill(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id, title="Standup Bot")
        make_learning(user.id, product_id, title="About the bot", skills=["design"])
        make_learning(user.id, None, title="General design", skills=["design"])
        make_learning(user.id, product_id, title="Bot data", skills=["analytics"])

    page = logged_in_client.get(f"/learnings?product={product_id}").get_data(as_text=True)
    assert "About the bot" in page
    assert "Bot data" in page
    assert "General design" not in page

    page = logged_in_client.get("/learnings?skill=design").get_data(as_text=True)
    assert "About the bot" in page
    assert "General design" in page
    assert "Bot data" not in page


def test_the_journal_and_its_csv_filter_by_kind(logged_in_client, app, user):
    with app.app_context():
        make_learning(user.id, None, title="Cut the app", kind="decision")
        make_learning(user.id, None, title="Users skim", kind="insight")

    page = logged_in_client.get("/learnings?kind=decision").get_data(as_text=True)
    assert "Cut the app" in page
    assert "Users skim" not in page
    assert '<option selected value="decision">Decision</option>' in page
    exported = logged_in_client.get("/export/learnings.csv?kind=decision").get_data(as_text=True)
    assert "Cut the app" in exported
    assert "Users skim" not in exported


def test_an_empty_journal_invites_the_first_learning(logged_in_client):
    assert "Write down your first learning" in logged_in_client.get("/learnings").get_data(
        as_text=True
    )


def test_a_products_learnings_are_its_build_log_in_date_order(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id)
        make_learning(user.id, product_id, title="Second", learned_on=date(2026, 2, 1))
        make_learning(user.id, product_id, title="First", learned_on=date(2026, 1, 1))
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert page.index("First") < page.index("Second")
