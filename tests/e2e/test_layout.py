"""Layout defects seen at 390 and 1280 px, measured in Chromium so they cannot come back."""

from datetime import date

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.helpers import open_section
from tests.factories import make_learning
from tests.factories import make_product

PHONE, DESKTOP = 390, 1280


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.fixture
def maker_page(page: Page, live_server, app, user) -> Page:
    with app.app_context():
        for month, skills in ((3, ["discovery"]), (4, ["communication", "technical"])):
            make_product(user.id, status="shipped", shipped_on=date(2026, month, 1), skills=skills)
        make_learning(user.id, skills=["prioritisation"])
    log_in(page, live_server, user.username)
    return page


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_checkbox_and_its_label_share_a_line(maker_page: Page, live_server, width):
    maker_page.set_viewport_size({"width": width, "height": 900})
    maker_page.goto(f"{live_server}/products/new")
    open_section(maker_page, "On your portfolio")
    checkbox = box(maker_page, "#is_featured")
    label = box(maker_page, "label[for=is_featured]")
    assert abs((checkbox["y"] + checkbox["height"] / 2) - (label["y"] + label["height"] / 2)) < 8


def test_side_by_side_fields_line_up_when_only_one_has_help(maker_page: Page, live_server):
    maker_page.set_viewport_size({"width": DESKTOP, "height": 900})
    maker_page.goto(f"{live_server}/products/new")
    assert box(maker_page, "#status")["y"] == box(maker_page, "#role")["y"]
    open_section(maker_page, "Dates and links")
    assert box(maker_page, "#started_on")["y"] == box(maker_page, "#shipped_on")["y"]
    open_section(maker_page, "On your portfolio")
    assert box(maker_page, "#position")["y"] == box(maker_page, "#slug")["y"]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_chart_text_is_the_same_size_on_a_phone_and_a_desktop(maker_page, live_server, width):
    maker_page.set_viewport_size({"width": width, "height": 900})
    maker_page.goto(f"{live_server}/dashboard")
    height = box(maker_page, ".chart__label")["height"]
    assert 12 <= height <= 20, f"chart text is {height}px high at {width}px"


def test_coverage_bars_start_and_end_in_line(maker_page: Page, live_server):
    maker_page.set_viewport_size({"width": DESKTOP, "height": 900})
    maker_page.goto(f"{live_server}/dashboard")
    bars = maker_page.locator(".coverage__bar")
    edges = {
        (round(b["x"]), round(b["x"] + b["width"]))
        for b in map(lambda i: bars.nth(i).bounding_box(), range(bars.count()))
    }
    assert len(edges) == 1, edges


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_stat_card_sits_alone_on_its_row(maker_page: Page, live_server, width):
    maker_page.set_viewport_size({"width": width, "height": 900})
    maker_page.goto(f"{live_server}/dashboard")
    tops = [
        card["y"]
        for card in map(
            lambda i: maker_page.locator(".stat").nth(i).bounding_box(),
            range(maker_page.locator(".stat").count()),
        )
    ]
    rows = {top: tops.count(top) for top in tops}
    assert min(rows.values()) > 1, rows


def test_the_navigation_folds_into_a_menu_on_a_phone(maker_page: Page, live_server):
    maker_page.set_viewport_size({"width": PHONE, "height": 800})
    maker_page.goto(f"{live_server}/dashboard")
    header = box(maker_page, ".site-header")
    assert header["height"] < 80, "the header stays one line"
    menu = maker_page.get_by_text("Menu", exact=True)
    expect(menu).to_be_visible()
    expect(maker_page.get_by_role("link", name="Journal", exact=True)).to_be_hidden()
    menu.click()
    maker_page.get_by_role("link", name="Journal", exact=True).click()
    expect(maker_page).to_have_url(f"{live_server}/learnings")

    maker_page.set_viewport_size({"width": DESKTOP, "height": 800})
    expect(maker_page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(maker_page.get_by_role("link", name="Journal", exact=True)).to_be_visible()


def test_the_focus_ring_is_not_the_colour_of_an_error(maker_page: Page, live_server):
    maker_page.goto(f"{live_server}/products/new")
    maker_page.get_by_label("Title").focus()
    ring = maker_page.get_by_label("Title").evaluate("e => getComputedStyle(e).outlineColor")
    error = maker_page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--color-danger')"
    )
    red, _green, blue = (int(part) for part in ring[ring.index("(") + 1 : -1].split(",")[:3])
    assert blue > red, f"the focus ring {ring} reads as a warning next to errors {error}"
