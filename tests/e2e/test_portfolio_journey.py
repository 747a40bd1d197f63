from datetime import date

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.helpers import publish
from tests.e2e.helpers import save_screenshot
from tests.factories import make_product


def test_publish_read_share_and_revoke(page: Page, live_server, user, app, browser):
    with app.app_context():
        make_product(user.id, title="Standup Bot", slug="standup-bot", visibility="public",
                     status="shipped", shipped_on=date(2026, 3, 1), tagline="Async stand-ups",
                     metrics=[("teams", "140")], skills=["discovery"], is_featured=True,
                     problem="Stand-up calls across **time zones**.")  # fmt: skip
        make_product(user.id, title="Hidden Beta", slug="hidden-beta", visibility="unlisted",
                     status="building")  # fmt: skip

    log_in(page, live_server, user.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("Grace Maker")
    page.get_by_label("Headline").fill("Aspiring PM who ships")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    publish(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    page.get_by_role("link", name="Hidden Beta").click()
    page.get_by_role("button", name="Make a share link").click()
    share_url = page.get_by_label("Share link").input_value()
    assert share_url.startswith(f"{live_server}/s/")

    visitor = browser.new_page()
    visitor.goto(f"{live_server}/u/{user.username}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Grace Maker")
    expect(visitor.get_by_text("Hidden Beta")).to_have_count(0)
    for width in (390, 1280):
        save_screenshot(visitor, "public-profile", width)

    visitor.get_by_role("link", name="Standup Bot").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Standup Bot")
    expect(visitor.get_by_role("region", name="The problem")).to_contain_text("time zones")

    visitor.goto(share_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Hidden Beta")

    page.get_by_role("button", name="Revoke the link").click()
    expect(page.get_by_role("status")).to_contain_text("Share link revoked")
    response = visitor.goto(share_url)
    assert response.status == 404
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Page not found")
    visitor.close()
