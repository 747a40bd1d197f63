"""The whole product as a new maker meets it, in Chromium, with screenshots of the main pages."""

import re

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import open_section
from tests.e2e.helpers import publish
from tests.e2e.helpers import register
from tests.e2e.helpers import save_screenshot

WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


def photograph(page: Page, name: str) -> None:
    for scheme in SCHEMES:
        for width in WIDTHS:
            save_screenshot(page, name, width, scheme)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def log_product(page: Page, title: str, status: str, metrics=(), shipped_on: str = "") -> None:
    main_nav(page).get_by_role("link", name="Products").click()
    page.get_by_role("link", name=re.compile(r"^Log (a|your first) product$")).first.click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Tagline").fill(f"{title}, in one line")
    page.get_by_label("Status").select_option(status)
    if shipped_on:
        open_section(page, "Dates and links")
        page.get_by_label("Shipped on").fill(shipped_on)
    page.get_by_label("Problem").fill("People lose track of **what they learn**.")
    for number, (label, value) in enumerate(metrics, start=1):
        if number > 1:
            page.get_by_role("button", name="Add another metric").click()
        row = page.get_by_role("group", name=f"Metric {number}")
        row.get_by_label("Label").fill(label)
        row.get_by_label("Value").fill(value)
    open_section(page, "PM skills it shows")
    page.get_by_label("Discovery & research").check()
    page.get_by_label("Public — on your published portfolio").check()
    page.get_by_role("button", name="Save product").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def add_learning(page: Page, title: str) -> None:
    page.get_by_role("link", name="Add a learning").first.click()
    page.get_by_label("What did you learn?").fill(title)
    page.get_by_label("Kind").select_option("decision")
    page.get_by_label("The story").fill("We cut the *mobile app* and shipped a week earlier.")
    page.get_by_label("Show it on my portfolio").check()
    page.get_by_role("button", name="Save learning").click()
    expect(page.get_by_role("region", name="Build log")).to_contain_text(title)


def test_a_new_maker_from_sign_up_to_a_shared_portfolio(page: Page, live_server, browser):
    page.goto(live_server)
    photograph(page, "landing")
    page.get_by_role("link", name="Start your portfolio").click()
    expect(page).to_have_url(f"{live_server}/register")
    register(page, live_server, "grace")
    expect(page.get_by_role("heading", name="Get started")).to_be_visible()
    expect(page.get_by_text("Next: Tell employers who you are")).to_be_visible()

    main_nav(page).get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("Grace Hopper")
    page.get_by_label("Headline").fill("Engineer turning side projects into products")
    page.get_by_label("Short bio").fill("I build small tools and measure what they change.")
    page.get_by_label("Website").fill("https://grace.example")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")

    log_product(page, "Standup Bot", "shipped", [("teams", "140"), ("retention", "38%")],
                shipped_on="2026-03-01")  # fmt: skip
    add_learning(page, "Cut the mobile app")
    photograph(page, "product")
    log_product(page, "Interview Notes", "building")
    add_learning(page, "Tagging must be faster than writing")

    main_nav(page).get_by_role("link", name="Dashboard").click()
    expect(
        page.get_by_role("img", name="Products shipped and learnings recorded per month")
    ).to_be_visible()
    expect(page.get_by_role("region", name="PM skill coverage")).to_contain_text("Gaps to close")
    photograph(page, "dashboard")
    main_nav(page).get_by_role("link", name="Products").click()
    photograph(page, "products")
    main_nav(page).get_by_role("link", name="Journal").click()
    expect(page.get_by_role("main")).to_contain_text("Cut the mobile app")
    photograph(page, "journal")

    publish(page)

    visitor = browser.new_page()
    visitor.goto(f"{live_server}/u/grace")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    photograph(visitor, "public-profile")
    visitor.get_by_role("heading", name="Standup Bot").get_by_role("link").click()
    expect(visitor.get_by_role("region", name="Build log")).to_contain_text("Cut the mobile app")
    photograph(visitor, "case-study")

    main_nav(page).get_by_role("link", name="Share links").click()
    page.get_by_role("link", name="New link for an employer").click()
    page.get_by_label("Who is it for?").fill("Acme — Senior PM")
    page.get_by_role("checkbox", name="Standup Bot").check()
    page.get_by_role("button", name="Save link").click()
    share_url = page.get_by_label("Address").input_value()
    visitor.goto(share_url)
    expect(visitor.get_by_role("link", name="Standup Bot")).to_be_visible()
    photograph(visitor, "share-link")
    page.get_by_role("link", name="Revoke Acme — Senior PM").click()
    page.get_by_role("button", name="Revoke link").click()
    assert visitor.goto(share_url).status == 404

    main_nav(page).get_by_role("link", name="Products").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("pm-portfolio-products-")
    assert "Standup Bot" in download.value.path().read_text(encoding="utf-8-sig")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    visitor.close()
