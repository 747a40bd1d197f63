import re

import pytest
import time_machine

from pm_portfolio.extensions import db
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.hard_days import HARD_MOMENTS

DEMO_PASSWORD = "a demo password"


def test_seed_demo_creates_a_realistic_portfolio(app, runner):
    result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])

    assert result.exit_code == 0, result.output
    assert "Log in as demo" in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "demo"))
        products = db.session.scalars(db.select(Product).where(Product.user_id == user.id)).all()
        learnings = db.session.scalars(db.select(Learning).where(Learning.user_id == user.id)).all()
        assert 6 <= len(products) <= 10
        assert {product.status for product in products} == {
            status.value for status in ProductStatus
        }
        assert sum(len(product.metrics) for product in products) >= 8
        assert len(learnings) >= 20
        assert len({skill.key for learning in learnings for skill in learning.skills}) == 9
        assert user.display_name
        assert user.headline


def test_the_demo_maker_can_log_in_and_see_a_full_dashboard(app, runner):
    runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    client = app.test_client()
    AuthActions(client).login("demo", DEMO_PASSWORD)

    page = client.get("/dashboard").get_data(as_text=True)
    assert "Standup Bot" in page or "Habit Streaks" in page
    assert client.get("/products").status_code == 200
    assert client.get("/learnings").status_code == 200


def test_running_it_twice_says_how_to_start_again(runner):
    runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code != 0
    assert "The demo maker demo (demo@example.com) already exists." in result.output
    assert "seed-demo --reset" in result.output


def test_reset_deletes_the_demo_maker_and_creates_it_afresh(app, runner):
    runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    with app.app_context():
        db.session.scalar(db.select(User).where(User.username == "demo")).headline = "Changed"
        db.session.commit()
    result = runner.invoke(args=["seed-demo", "--reset", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Deleted the demo maker demo" in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "demo"))
        assert user.headline == "Engineer turning side projects into products"
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_reset_never_deletes_a_real_account(app, runner, user):
    result = runner.invoke(args=["seed-demo", "--reset", "--username", user.username])
    assert result.exit_code != 0
    assert "belongs to another account" in result.output
    with app.app_context():
        assert db.session.get(User, user.id) is not None


@pytest.mark.parametrize("moment", HARD_MOMENTS)
def test_the_demo_dashboard_reads_the_same_on_any_day(app, runner, moment):
    with time_machine.travel(moment):
        runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
        client = app.test_client()
        AuthActions(client).login("demo", DEMO_PASSWORD)
        page = client.get("/dashboard").get_data(as_text=True)

    assert "since you last shipped" not in page, "the nudge shows only after 30 quiet days"
    summary = "3 products shipped and 19 learnings recorded in the last 12 months."
    assert summary in page, "every dated event lies well inside or well outside the window"
    assert re.search(r"<dt>Days since last ship</dt>\s*<dd>16</dd>", page)


def test_seed_demo_makes_a_password_when_none_is_given(runner):
    result = runner.invoke(args=["seed-demo", "--username", "demo-2"])
    assert result.exit_code == 0
    assert "Log in as demo-2 with the password: " in result.output


def test_seed_demo_refuses_a_short_password(runner):
    result = runner.invoke(args=["seed-demo", "--password", "short"])
    assert result.exit_code != 0
    assert "use 10 to 128 characters" in result.output


def test_reset_checks_everything_before_deleting_anything(app, runner):
    runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    result = runner.invoke(args=["seed-demo", "--reset", "--password", "short"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "demo")) is not None


def test_nobody_can_sign_up_with_the_demo_address(client):
    form = {"email": "Demo@Example.com", "username": "mallory", "password": DEMO_PASSWORD,
            "confirm": DEMO_PASSWORD}  # fmt: skip
    response = client.submit("/register", form)
    assert "That address belongs to the demo." in response.get_data(as_text=True)
