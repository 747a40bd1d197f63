"""A newcomer's first hour, as issue "First hour" tells it: sign up, log a first product
with the fewest fields (pressing Enter to save), publish, and read it as a stranger."""

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import save_screenshot

PASSWORD = "a long enough passphrase"


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def photograph(page: Page, name: str) -> None:
    for scheme in ("light", "dark"):
        for width in (390, 1280):
            save_screenshot(page, f"first-hour-{name}", width, scheme)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")


def test_from_sign_up_to_a_portfolio_a_stranger_can_read(page: Page, live_server, smtp_server):
    page.goto(live_server)
    page.get_by_role("link", name="Start your portfolio").click()
    page.get_by_label("Email").fill("lin@example.com")
    page.get_by_label("Username").fill("Lin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(live_server + smtp_server.link_in(smtp_server.latest_to("lin@example.com")))
    page.get_by_role("button", name="Confirm lin@example.com").click()
    expect(page.get_by_role("status")).to_contain_text("your email address is confirmed")
    page.get_by_label("Email or username").fill("lin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, lin")
    expect(page.get_by_text("Next: Tell employers who you are")).to_be_visible()
    expect(page.locator(".chart__svg")).to_have_count(0)
    photograph(page, "empty-dashboard")

    page.get_by_role("link", name="Log your first product").click()
    photograph(page, "short-form")
    page.get_by_label("Status").select_option("building")
    page.get_by_label("Public — on your published portfolio").check()
    title = page.get_by_label("Title")
    title.fill("Lunch Roulette")
    title.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lunch Roulette")
    expect(page.get_by_role("status")).to_contain_text("Saved “Lunch Roulette”")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Publish my portfolio").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Your portfolio is live at {live_server}/u/lin."
    )
    expect(page.get_by_label("It is live at")).to_have_value(f"{live_server}/u/lin")
    expect(page.get_by_text("Readers see 1 product: Lunch Roulette.")).to_be_visible()
    photograph(page, "published")

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server}/u/lin")
    expect(page.get_by_role("heading", name="Lunch Roulette")).to_be_visible()


def test_enter_in_a_metric_field_saves_too(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/products/new")
    page.get_by_label("Title").fill("Standup Bot")
    page.get_by_label("Status").select_option("idea")
    value = page.get_by_role("group", name="Metric 1").get_by_label("Value")
    value.fill("140")
    page.get_by_role("group", name="Metric 1").get_by_label("Label").fill("teams")
    value.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Standup Bot")
