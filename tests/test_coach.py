"""The case-study coach: deterministic checks, shown to the maker only."""

import re
from dataclasses import replace
from datetime import date

import pytest

from pm_portfolio.core import coach
from pm_portfolio.core.coach import CaseStudyFacts
from pm_portfolio.extensions import db
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from tests.clients import AuthActions
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_user

READY = CaseStudyFacts(
    problem="9 of 12 managers I interviewed said stand-ups were the meeting to cut.",
    target_users="Engineering managers of remote teams",
    hypothesis="If updates are async, 30% of teams will still use it after four weeks.",
    tradeoffs="Cut Jira integration: 2 of 12 asked for it.",
    outcome="38% four-week retention.",
    role="Solo: interviews, design, build",
    has_link=True,
    media_count=2,
    has_cover=True,
    metrics_in_context=1,
    metrics_with_source=0,
    story_entries=2,
)


def checks(study: CaseStudyFacts) -> dict[str, str]:
    """Each failed check's key and suggestion."""
    return {c.key: c.suggestion for c in coach.readiness(study).checks if not c.passed}


def test_a_complete_case_study_passes_every_check():
    result = coach.readiness(READY)

    assert [check.key for check in result.checks] == [
        "problem", "outcome", "evidence", "hypothesis", "tradeoffs", "role", "build_log", "cover",
    ]  # fmt: skip
    assert (result.passed, result.total, result.is_ready, result.next_check) == (8, 8, True, None)


@pytest.mark.parametrize(
    ("change", "failed", "suggestion"),
    [
        ({"problem": ""}, "problem", "Describe the problem"),
        ({"target_users": " "}, "problem", "Say who has the problem"),
        ({"problem": "Stand-ups across time zones are painful."}, "problem", "Add how you know"),
        ({"problem": "Managers told me stand-ups hurt."}, None, None),
        ({"problem": "“I dread the 7 am call”, a manager in Sydney."}, None, None),
        ({"hypothesis": ""}, "hypothesis", "Write the bet"),
        ({"hypothesis": "People will like it."}, "hypothesis", "Name the measurable outcome"),
        ({"hypothesis": "Retention will beat the usual bar."}, None, None),
        ({"tradeoffs": ""}, "tradeoffs", "Say what you chose not to build"),
        ({"tradeoffs": "Python and Slack."}, "tradeoffs", "Say what you chose not to build"),
        ({"tradeoffs": "Skipped the dashboard for now."}, None, None),
        ({"outcome": ""}, "outcome", "State what happened"),
        ({"metrics_in_context": 0}, "outcome", "Give a result its baseline or time window"),
        ({"metrics_in_context": 0, "outcome": "Killed it after a month because nobody paid."},
         None, None),
        ({"metrics_in_context": 0, "outcome": "Pivoted."}, "outcome", "Give a result"),
        ({"has_link": False, "media_count": 0}, "evidence", "Add a live or source link"),
        ({"has_link": False, "media_count": 0, "metrics_with_source": 1}, None, None),
        ({"role": ""}, "role", "Say what you did"),
        ({"story_entries": 1}, "build_log", "Log 1 more entry"),
        ({"story_entries": 0}, "build_log", "Log 2 more entries"),
        ({"story_entries": 0, "hidden_story_entries": 2}, "build_log",
         "2 build-log entries are hidden from readers"),
        ({"story_entries": 1, "hidden_story_entries": 3}, "build_log",
         "3 build-log entries are hidden from readers"),
        ({"story_entries": 0, "hidden_story_entries": 1}, "build_log",
         "1 build-log entry is hidden from readers"),
        ({"problem": "Three of five bakers I spoke to were losing money."}, None, None),
        ({"problem": "A dozen managers hate it."}, None, None),
        ({"problem": "No one likes stand-ups."}, "problem", "Add how you know"),
        ({"has_cover": False}, "cover", "Choose a picture as the cover"),
    ],
)  # fmt: skip
def test_each_rule(change, failed, suggestion):
    failures = checks(replace(READY, **change))

    if failed is None:
        assert failures == {}
    else:
        assert list(failures) == [failed]
        assert failures[failed].startswith(suggestion)


def test_an_empty_product_fails_everything_and_starts_with_the_problem():
    result = coach.readiness(CaseStudyFacts())

    assert result.passed == 0
    assert result.next_check.key == "problem"


@pytest.fixture
def ada(app):
    with app.app_context():
        return make_user(username="ada", is_published=True)


def full_product(owner_id: int, learnings_public: bool = True, **fields) -> int:
    fields = {
        "title": "Standup Bot", "slug": "standup-bot", "visibility": "public",
        "status": "shipped", "shipped_on": date(2026, 3, 1), "problem": READY.problem,
        "target_users": READY.target_users, "hypothesis": READY.hypothesis,
        "tradeoffs": READY.tradeoffs, "outcome": READY.outcome, "role": READY.role,
        "live_url": "https://bot.example", **fields,
    }  # fmt: skip
    retention = {"label": "retention", "value": "38%", "time_window": "weeks 1 to 4"}
    product_id = make_product(owner_id, metrics=[retention], **fields)
    make_image(product_id, cover=True)
    for kind in ("decision", "experiment"):
        make_learning(owner_id, product_id, kind=kind, is_public=learnings_public)
    return product_id


@pytest.mark.parametrize(
    ("note", "in_context"),
    [
        ("after six months", True),
        ("in the first 8 weeks", True),
        ("weeks 1 to 4 after install", True),
        ("over the last quarter", True),
        ("since launch", True),
        ("in March 2026", True),
        ("from the app store", False),
        ("", False),
    ],
)
def test_a_time_window_written_in_a_metrics_note_counts(note, in_context):
    assert coach.window_in(note) is in_context


def test_a_note_with_a_window_gives_a_result_its_context(app, ada):
    with app.app_context():
        product_id = full_product(ada.id)
        product = db.session.get(Product, product_id)
        product.metrics[0].time_window = ""
        product.metrics.append(Metric(label="teams", value="140", note="from the app store"))
        db.session.commit()
        assert coach.readiness_of(ada.id, [product_id])[product_id].next_check.key == "outcome"

        product.metrics[1].note = "after six months"
        db.session.commit()
        assert coach.readiness_of(ada.id, [product_id])[product_id].is_ready


def test_only_the_build_log_readers_see_counts_and_one_click_shows_the_rest(app, client, ada):
    with app.app_context():
        product_id = full_product(ada.id, learnings_public=False)
        make_learning(ada.id, product_id, kind="insight", is_public=False, title="Private note")
    AuthActions(client).login("ada", ada.password)

    page = client.get(f"/products/{product_id}").get_data(as_text=True)
    assert "Case study: 7 of 8 checks" in page
    assert "2 build-log entries are hidden from readers: show them?</button>" in page
    assert re.search(r"It shows: “Learning \d+”, “Learning \d+”\.", page)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "0 of 1 public case study is ready." in dashboard
    # The dashboard is kept in a shared cache: a link to the product page, no form.
    assert (f'<a href="/products/{product_id}#coach-heading">2 build-log entries are hidden '
            "from readers: show them?</a>") in dashboard  # fmt: skip

    response = client.submit(
        f"/products/{product_id}/build-log/show", page=f"/products/{product_id}"
    )

    assert response.status_code == 302
    shown = client.get(f"/products/{product_id}").get_data(as_text=True)
    assert "Case study ready: 8 of 8 checks" in shown
    assert "2 build-log entries are now shown on the case study." in shown
    case_study = client.get("/u/ada/standup-bot").get_data(as_text=True)
    assert 'id="build-log"' in case_study
    assert "Private note" not in case_study


def test_readiness_comes_from_the_database_in_one_query(app, ada):
    with app.app_context():
        ready = full_product(ada.id)
        thin = make_product(ada.id, title="Thin", problem="Meetings are bad.")
        make_learning(ada.id, thin, kind="insight")

        result = coach.readiness_of(ada.id, [ready, thin])

    assert result[ready].is_ready
    assert result[thin].passed == 0
    assert result[thin].next_check.suggestion.startswith("Say who has the problem")


def test_the_maker_sees_the_checks_and_follows_a_suggestion(app, client, ada):
    with app.app_context():
        product_id = full_product(ada.id, hypothesis="")
    AuthActions(client).login("ada", ada.password)

    page = client.get(f"/products/{product_id}").get_data(as_text=True)
    assert "Case study: 7 of 8 checks" in page
    link = f'/products/{product_id}/edit?focus=hypothesis#hypothesis">Write the bet'
    assert link in page

    form = client.get(f"/products/{product_id}/edit?focus=hypothesis").get_data(as_text=True)
    assert '<details class="card form-section" open>' in form

    listing = client.get("/products").get_data(as_text=True)
    assert "Case study: 7 of 8 checks" in listing

    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "0 of 1 public case study is ready." in dashboard
    assert "Most valuable next step, for <strong>Standup Bot</strong>" in dashboard


def test_the_dashboard_counts_featured_case_studies_first(app, client, ada):
    with app.app_context():
        full_product(ada.id, is_featured=True)
        full_product(ada.id, slug="two", is_featured=True, role="")
        full_product(ada.id, slug="three", is_featured=True)
        make_product(ada.id, title="Public but not featured", visibility="public")
    AuthActions(client).login("ada", ada.password)

    dashboard = client.get("/dashboard").get_data(as_text=True)

    assert "2 of 3 featured case studies are ready." in dashboard
    assert "Say what you did" in dashboard


def test_the_coach_never_appears_on_public_pages(app, client, ada):
    with app.app_context():
        full_product(ada.id, hypothesis="")

    for path in ("/u/ada", "/u/ada/standup-bot"):
        page = client.get(path).get_data(as_text=True)
        assert "checks" not in page
        assert "Write the bet" not in page
