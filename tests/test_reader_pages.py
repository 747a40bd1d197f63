"""The reader's story in the HTML: work before the bio, a share link's note after the
name, a case study's headline result before its cover, covers bounded and framed, the
change on cards, and next and previous case studies in the order the reader met them."""

import re
from datetime import date

import pytest

from pm_portfolio.core.publishing import Neighbour
from pm_portfolio.core.publishing import Neighbours
from pm_portfolio.core.publishing import card_metrics
from pm_portfolio.core.publishing import neighbours
from pm_portfolio.core.results import headline_metric
from pm_portfolio.core.share_links import new_token
from pm_portfolio.extensions import db
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from tests.factories import make_image
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}
RETENTION = {"label": "Day-7 retention", "value": "42%", "baseline": "18%", "direction": "up",
             "time_window": "first 8 weeks"}  # fmt: skip


@pytest.fixture
def maker(app) -> dict:
    """A published maker: two featured products and one more, in the portfolio's order
    Habit, Recipes, Tools; a private one; a share link with a note showing Tools then
    Habit; a link to Habit alone."""
    with app.app_context():
        maker = make_user(username="ada", display_name="Ada Lovelace", headline="Engineer",
                          bio="I make small tools.", location="Berlin", open_to="APM roles",
                          is_published=True)  # fmt: skip
        public = dict(status="shipped", visibility="public")
        habit = make_product(maker.id, title="Habit", slug="habit", is_featured=True, position=0,
                             skills=["discovery"], metrics=[("teams", "140"), RETENTION],
                             shipped_on=date(2026, 3, 1), **public)  # fmt: skip
        recipes = make_product(maker.id, title="Recipes", slug="recipes", is_featured=True,
                               position=1, **public)  # fmt: skip
        tools = make_product(maker.id, title="Tools", slug="tools", **public)
        make_product(maker.id, title="Secret", slug="secret", visibility="private")
        link = db.session.get(ShareLink, make_portfolio_link(maker.id, [tools, habit]))
        link.note = "Hi Acme: Habit is the one for you."
        single = ShareLink(user_id=maker.id, token=new_token(), name="Beta", product_id=habit)
        db.session.add(single)
        db.session.commit()
        return {"habit": habit, "recipes": recipes, "token": link.token, "single": single.token}


def page(client, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rel_links(html: str) -> dict[str, str]:
    return {rel: href for href, rel in re.findall(r'href="([^"]+)" rel="(next|prev)"', html)}


def test_the_portfolio_puts_the_work_before_the_bio_and_skills(client, maker):
    html = page(client, "/u/ada")

    assert html.index("Open to APM roles") < html.index('id="featured"')
    assert html.index('/u/ada/habit"') < html.index("I make small tools.")
    assert html.index('/u/ada/habit"') < html.index("Skills demonstrated")


def test_a_share_links_note_comes_right_after_the_name(client, maker):
    html = page(client, f"/s/{maker['token']}")

    name = html.index('<h1 class="profile-header__name">Ada Lovelace</h1>')
    note = html.index("Hi Acme: Habit is the one for you.")
    assert name < note < html.index("Download PDF") < html.index("I make small tools.")


def test_a_case_study_opens_with_its_headline_result_before_the_cover(app, client, maker):
    with app.app_context():
        make_image(maker["habit"], alt_text="The app", cover=True, size=(1170, 2532))

    html = page(client, "/u/ada/habit")

    headline = re.search(r'<p class="headline-result">(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", headline)).strip()
    # "(better)" is for screen readers, who do not see the change's colour.
    assert text == "18% → 42% Day-7 retention (+24 pts) (better), first 8 weeks"
    assert html.index('class="headline-result"') < html.index('class="case-study__cover')
    assert 'class="case-study__cover case-study__cover--portrait"' in html
    cover_link = re.search(r'<a class="case-study__cover-link" href="([^"]+)"', html).group(1)
    largest = re.findall(r'srcset="[^"]*?([^", ]+) 1170w"', html)
    assert cover_link == largest[0]


def test_a_wide_cover_is_not_framed_as_a_phone(app, client, maker):
    with app.app_context():
        make_image(maker["habit"], alt_text="The app", cover=True, size=(1600, 1000))

    html = page(client, "/u/ada/habit")

    assert 'class="case-study__cover"' in html
    assert "case-study__cover--portrait" not in html


def test_a_cards_results_show_the_change_the_strongest_first(client, maker):
    html = page(client, "/u/ada")

    results = re.search(r'<ul class="metric-list metric-list--compact"[^>]*>(.*?)</ul>', html, re.S)
    items = re.findall(r"<li><strong>(.*?)</strong>", results.group(1))
    assert items == ["18% → 42%", "140"]


def test_case_studies_lead_to_their_neighbours_in_the_portfolios_order(client, maker):
    first, middle, last = (page(client, f"/u/ada/{slug}") for slug in ("habit", "recipes", "tools"))

    assert rel_links(first) == {"next": "/u/ada/recipes"}
    assert rel_links(middle) == {"prev": "/u/ada/habit", "next": "/u/ada/tools"}
    assert rel_links(last) == {"prev": "/u/ada/recipes"}
    assert 'class="neighbours__back" href="/u/ada"' in middle
    assert "/u/ada/secret" not in first + middle + last


def test_a_share_links_case_studies_stay_among_its_products(client, maker):
    token = maker["token"]

    tools = page(client, f"/s/{token}/tools")
    habit = page(client, f"/s/{token}/habit")

    assert rel_links(tools) == {"next": f"/s/{token}/habit"}
    assert rel_links(habit) == {"prev": f"/s/{token}/tools"}
    assert f'class="neighbours__back" href="/s/{token}"' in habit


def test_a_one_product_link_has_no_neighbours(client, maker):
    html = page(client, f"/s/{maker['single']}")

    assert rel_links(html) == {}
    assert 'class="neighbours' not in html


def metric(**fields) -> Metric:
    return Metric(**{"label": "users", "value": "140", "baseline": "", "unit": "",
                     "direction": "", "target": "", "time_window": "", "window_start": None,
                     "window_end": None, **fields})  # fmt: skip


@pytest.mark.parametrize(
    ("metrics", "chosen"),
    [
        ([metric(), metric(label="b", value="42%", baseline="18%", direction="up")], 1),
        ([metric(), metric(label="b", value="42%", baseline="18%")], 1),
        ([metric(label="a", value="4", baseline="9", direction="up"),
          metric(label="b", value="42%", baseline="18%")], 1),
        ([metric(), metric(label="b", value="38%", target="30%", direction="up")], 1),
        ([metric(label="churn", value="9%", baseline="5%", direction="down"), metric()], 1),
        ([metric(label="churn", value="9%", baseline="5%", direction="down")], 0),
        ([metric(), metric(label="b")], 0),
        ([], None),
    ],
)  # fmt: skip
def test_the_headline_result_is_the_one_that_says_most(metrics, chosen):
    assert headline_metric(metrics) is (metrics[chosen] if chosen is not None else None)


def test_a_card_leads_with_the_headline_and_keeps_the_makers_order_after_it():
    metrics = [metric(label=name) for name in "abc"]
    metrics.append(metric(label="d", value="42%", baseline="18%", direction="up"))

    assert [item.label for item in card_metrics(Product(metrics=metrics))] == ["d", "a", "b"]


def test_neighbours_at_the_ends_and_outside():
    ordered = [Neighbour("a", "A"), Neighbour("b", "B"), Neighbour("c", "C")]

    assert neighbours(ordered, "a") == Neighbours(None, ordered[1])
    assert neighbours(ordered, "c") == Neighbours(ordered[1], None)
    assert neighbours(ordered, "z") == Neighbours()
    assert neighbours([ordered[0]], "a") == Neighbours()
