import re
from datetime import date

from playwright.sync_api import Page
from playwright.sync_api import expect

from pm_portfolio.demo import pictures
from tests.e2e.helpers import log_in
from tests.e2e.helpers import publish
from tests.e2e.helpers import save_screenshot
from tests.factories import make_product
from tests.factories import pdf_bytes
from tests.factories import png_bytes


def choose_file(page: Page, label: str, name: str, content: bytes, mime: str) -> None:
    """Pick a file through the browser's own file chooser, as a person does."""
    with page.expect_file_chooser() as chooser:
        page.get_by_label(label).click()
    chooser.value.set_files({"name": name, "mimeType": mime, "buffer": content})


def make_cover(page: Page, alt_text: str) -> None:
    page.get_by_role("button", name=re.compile(rf"^Make it the cover\W+{alt_text}$")).click()


def test_a_maker_shows_screenshots_a_pdf_and_a_video(page: Page, live_server, user, app, browser):
    with app.app_context():
        make_product(user.id, title="Standup Bot", slug="standup-bot", visibility="public",
                     status="shipped", shipped_on=date(2026, 3, 1), tagline="Async stand-ups",
                     is_featured=True)  # fmt: skip
    log_in(page, live_server, user.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("Grace Maker")
    # One form, one save: the photo chosen goes with the profile.
    choose_file(page, "Profile photo", "me.png", pictures.avatar("GM", (15, 118, 110)), "image/png")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").first).to_contain_text("Photo saved")
    expect(page.get_by_label("Display name")).to_have_value("Grace Maker")
    publish(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    page.get_by_role("link", name="Standup Bot").click()
    page.get_by_role("link", name="Pictures, files and videos").click()
    screens = [
        ("digest.png", "The weekly digest in Slack", "This week's digest"),
        ("settings.png", "The settings page", "When to ask"),
    ]
    for name, alt_text, heading in screens:
        screenshot = pictures.screenshot((67, 56, 202), "Standup Bot", heading, ["A row"] * 4)
        choose_file(page, "Picture or PDF", name, screenshot, "image/png")
        page.get_by_label("Alt text").fill(alt_text)
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Added")
    choose_file(page, "Picture or PDF", "PRD.pdf", pdf_bytes(2), "application/pdf")
    page.get_by_role("button", name="Upload", exact=True).click()
    choose_file(page, "Picture or PDF", "notes.png", b"not a picture", "image/png")
    page.get_by_label("Alt text").fill("Notes")
    page.get_by_role("button", name="Upload", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("This is not a picture we can read")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Alt text")).to_have_value("Notes")
    expect(page.locator("#upload-file-error")).to_contain_text("Choose the file again")
    page.get_by_label("Link").fill("https://www.loom.com/share/0123456789abcdef0123456789abcdef")
    page.get_by_label("Title").fill("Two-minute demo")
    page.get_by_role("button", name="Add it").click()
    make_cover(page, "The weekly digest in Slack")
    expect(page.get_by_text("That picture is the cover now.")).to_be_visible()

    visitor = browser.new_page()
    visitor.goto(f"{live_server}/u/{user.username}")
    cover = visitor.get_by_role("img", name="The weekly digest in Slack")
    expect(cover).to_be_visible()
    # Loaded, however long the server takes: a visible <img> may still be loading.
    expect(cover).to_have_js_property("complete", True)
    assert cover.evaluate("image => image.naturalWidth > 0")
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            save_screenshot(visitor, "media-profile", width, scheme)

    visitor.get_by_role("link", name="Standup Bot").click()
    expect(visitor.get_by_role("heading", name="What it looks like")).to_be_visible()
    expect(visitor.get_by_title("Two-minute demo")).to_have_attribute(
        "src", "https://www.loom.com/embed/0123456789abcdef0123456789abcdef"
    )
    expect(visitor.get_by_role("link", name="PRD.pdf")).to_be_visible()
    settings_picture = visitor.get_by_role("img", name="The settings page")
    settings_picture.scroll_into_view_if_needed()
    expect(settings_picture).to_have_js_property("complete", True)
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            save_screenshot(visitor, "media-case-study", width, scheme)
    visitor.close()


def test_a_picture_loads_at_the_width_the_layout_needs(page: Page, live_server, user, app):
    with app.app_context():
        product_id = make_product(user.id, title="Bot", slug="bot", visibility="public",
                                  status="shipped", shipped_on=date(2026, 3, 1))  # fmt: skip
    log_in(page, live_server, user.username)
    page.goto(f"{live_server}/products/{product_id}/media")
    choose_file(page, "Picture or PDF", "wide.png", png_bytes(2400, 1200), "image/png")
    page.get_by_label("Alt text").fill("A wide screenshot")
    page.get_by_role("button", name="Upload", exact=True).click()
    make_cover(page, "A wide screenshot")

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/products/{product_id}")
    cover = page.get_by_role("img", name="A wide screenshot")
    expect(cover).to_have_js_property("complete", True)

    candidates = dict(
        reversed(candidate.split()) for candidate in cover.get_attribute("srcset").split(", ")
    )
    loaded = cover.evaluate("image => new URL(image.currentSrc).pathname")
    assert loaded == candidates["480w"], "a phone loads the narrowest variant"
    width, height = cover.evaluate("image => [image.clientWidth, image.clientHeight]")
    assert abs(width / height - 2) < 0.02, "the width and height attributes keep its shape"
