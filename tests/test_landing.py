"""The landing page shows proof: a finished case study from the demo's data, a link to
the whole demo portfolio when it exists, and the three steps."""

import re

from pm_portfolio import clock
from pm_portfolio.demo.seed import seed_demo_portfolio
from tests.factories import PASSWORD


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_visitor_sees_an_example_case_study_and_the_three_steps(client):
    page = text_of(client.get("/").get_data(as_text=True))

    assert "An example case study, by Dana Demo" in page
    assert "Standup Bot" in page
    assert "75 min → 15 min time in stand-ups, per person and week (\u221280 %)" in page
    assert "38% 4-week retention vs a target of 30% ✓" in page
    assert "Three steps" in page
    assert "whole portfolio" not in page


def test_the_example_links_to_the_demo_portfolio_once_it_exists(app, client):
    with app.app_context():
        seed_demo_portfolio("dana", PASSWORD, clock.today())

    page = client.get("/").get_data(as_text=True)

    assert '<a href="/u/dana">See Dana Demo\u2019s whole portfolio</a>' in page
