"""Importing a JSON Resume, and our own resume.json against the same schema."""

import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.clients import signed_in_maker
from tests.factories import make_image
from tests.factories import make_product
from tests.factories import make_user

SCHEMA_FILE = Path(PROJECT_ROOT, "pm_portfolio", "exports", "schemas",
                   "json-resume-1.3.1.schema.json")  # fmt: skip
VALIDATOR = Draft7Validator(json.loads(SCHEMA_FILE.read_text()))

FOREIGN_RESUME = {
    "basics": {
        "name": "Grace Hopper",
        "label": "Aspiring product manager",
        "summary": "I build small tools.",
        "url": "https://grace.example",
        "location": {"city": "Berlin", "region": "Berlin"},
        "profiles": [{"network": "LinkedIn", "url": "https://www.linkedin.com/in/grace"},
                     {"network": "Twitter", "url": "https://x.example/grace"}],
    },
    "projects": [
        {"name": "Standup Bot", "description": "Async stand-ups for remote teams",
         "highlights": ["140 teams after six months", "38% four-week retention"],
         "keywords": ["Slack", "Discovery & research", "analytics"], "startDate": "2025-06",
         "endDate": "2025-09-15", "url": "https://bot.example", "roles": ["Solo maker"]},
        {"name": "Recipe Costs", "startDate": "2026"},
        {"name": "Tool Library", "description": "Borrow a drill from the street. " * 8},
    ],
}  # fmt: skip


def upload_resume(client, document, filename="resume.json"):
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.upload("/settings/data/import", "import", content, filename, kind="resume")


def test_a_resumes_projects_become_private_products_after_a_preview(app):
    maker, client = signed_in_maker(app)
    with app.app_context():
        db.session.get(User, maker.id).headline = "My own headline"
        db.session.commit()

    response = upload_resume(client, FOREIGN_RESUME)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "resume.json: 3 projects from a JSON Resume, as private products." in preview
    assert "<dt>Display name</dt><dd>Grace Hopper</dd>" in preview
    assert "Aspiring product manager" not in preview, "the maker's own headline stays"
    with app.app_context():
        assert db.session.scalar(db.select(Product)) is None, "nothing before confirming"

    confirmed = client.submit(response.headers["Location"])
    assert confirmed.headers["Location"] == "/products"

    with app.app_context():
        products = {p.title: p for p in db.session.scalars(db.select(Product))}
        user = db.session.get(User, maker.id)
        bot = products["Standup Bot"]
        assert {p.visibility for p in products.values()} == {"private"}
        assert (bot.tagline, bot.status, bot.role) == (
            "Async stand-ups for remote teams", "shipped", "Solo maker"
        )  # fmt: skip
        assert (bot.started_on, bot.shipped_on) == (date(2025, 6, 1), date(2025, 9, 15))
        assert bot.live_url == "https://bot.example"
        assert bot.skill_keys == ["discovery", "analytics"]
        assert bot.outcome == "- 140 teams after six months\n- 38% four-week retention"
        assert products["Recipe Costs"].status == "building"
        assert products["Tool Library"].solution.startswith("Borrow a drill")
        assert (user.display_name, user.headline, user.location, user.linkedin_url) == (
            "Grace Hopper", "My own headline", "Berlin, Berlin", "https://www.linkedin.com/in/grace"
        )  # fmt: skip


def test_schema_problems_are_listed_by_project_and_nothing_is_imported(app):
    _maker, client = signed_in_maker(app)
    resume = json.loads(json.dumps(FOREIGN_RESUME))
    resume["projects"][1]["startDate"] = "June 2020"
    resume["projects"][2]["keywords"] = "product"

    response = upload_resume(client, resume)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "project 2, projects.1.startDate: &#39;June 2020&#39; does not match" in preview
    assert (
        "project 3, projects.2.keywords: &#39;product&#39; is not of type &#39;array&#39;"
        in preview
    )
    assert client.submit(response.headers["Location"]).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(Product)) is None


def test_a_resume_is_checked_against_the_schema_once_at_upload(app, monkeypatch):
    _maker, client = signed_in_maker(app)
    checks = []
    real = Draft7Validator.iter_errors
    monkeypatch.setattr(
        Draft7Validator, "iter_errors", lambda *args: checks.append(1) or real(*args)
    )
    resume = json.loads(json.dumps(FOREIGN_RESUME))
    resume["projects"][1]["startDate"] = "June 2020"

    preview = upload_resume(client, resume).headers["Location"]
    for _ in range(3):
        assert "project 2, projects.1.startDate" in client.get(preview).get_data(as_text=True)

    assert len(checks) == 1


def test_a_resume_full_of_mistakes_lists_the_first_few_dozen(app):
    _maker, client = signed_in_maker(app)
    resume = {"projects": [{"name": number, "keywords": "one"} for number in range(5_000)]}

    preview = client.get(upload_resume(client, resume).headers["Location"])
    page = preview.get_data(as_text=True)

    assert page.count("is not of type") == 30
    assert "The first 30 problems" in page


def test_a_project_the_product_form_refuses_is_named(app):
    _maker, client = signed_in_maker(app)
    resume = {"projects": [{"name": "Fine"}, {"description": "No name"},
                           {"name": "Bad link", "url": "javascript:alert(1)"}]}  # fmt: skip

    response = upload_resume(client, resume)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "project 2, title:" in preview
    assert "project 3, url: Enter a web address" in preview


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not json", "This file is not JSON."), (b"[1, 2]", "A JSON Resume is one JSON object")],
)
def test_a_file_that_is_not_a_resume_is_refused_at_once(app, content, message):
    _maker, client = signed_in_maker(app)

    page = upload_resume(client, content).get_data(as_text=True)

    assert message in page


def published_portfolio(app):
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace", headline="Maker",
                        location="London", website_url="https://ada.example",
                        github_url="https://github.com/ada", is_published=True)  # fmt: skip
        bot = make_product(
            ada.id, title="Standup Bot", slug="standup-bot", visibility="public",
            status="shipped", started_on=date(2025, 6, 1), shipped_on=date(2025, 9, 15),
            tagline="Async stand-ups", role="Solo maker", live_url="https://bot.example",
            skills=["discovery", "analytics"],
            metrics=[{"label": "time in stand-ups", "value": "15 min", "baseline": "75 min",
                      "direction": "down", "time_window": "first 8 weeks",
                      "window_start": date(2025, 9, 15), "caveat": "n = 12, self-reported"},
                     ("teams", "140")],
        )  # fmt: skip
        make_image(bot, cover=True)
        make_product(ada.id, title="Idea", slug="idea", visibility="public")
    return ada


def test_our_resume_json_validates_against_the_schema(app, client):
    published_portfolio(app)

    resume = client.get("/u/ada/resume.json").get_json()

    assert list(VALIDATOR.iter_errors(resume)) == []
    assert resume["projects"][0]["highlights"][0] == (
        "time in stand-ups: 75 min \u2192 15 min (\u221280 %, first 8 weeks (from 15 Sep 2025); "
        "n = 12, self-reported)"
    )


def test_our_resume_json_comes_back_as_it_was(app, client):
    published_portfolio(app)
    original = client.get("/u/ada/resume.json").get_json()
    other, other_client = signed_in_maker(app)

    response = upload_resume(other_client, original)
    other_client.submit(response.headers["Location"])
    with app.app_context():
        user = db.session.get(User, other.id)
        user.is_published = True
        for product in db.session.scalars(db.select(Product).where(Product.user_id == other.id)):
            product.visibility = "public"
        db.session.commit()
    again = other_client.get(f"/u/{other.username}/resume.json").get_json()

    assert again["projects"] == original["projects"]
    assert {key: again["basics"].get(key) for key in ("name", "label", "location", "profiles")} == {
        key: original["basics"].get(key) for key in ("name", "label", "location", "profiles")
    }
