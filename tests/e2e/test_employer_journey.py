import io
from datetime import date

from PIL import Image
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect
from pypdf import PdfReader

from pm_portfolio.core import media
from pm_portfolio.demo import pictures
from pm_portfolio.extensions import db
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from tests.e2e.helpers import log_in
from tests.e2e.helpers import save_screenshot
from tests.factories import MEDIA_LIMITS
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product

# Headless Chromium names itself in its User-Agent and is rightly not counted as a reader.
PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/130.0 Mobile Safari/537.36"
NOTE = "Hi Acme team — the case study below is closest to the Growth PM role."


def published_candidate(app, user) -> str:
    """The user as a candidate with a photo, covers and a share link with a note."""
    with app.app_context():
        maker = db.session.get(User, user.id)
        maker.display_name = "Grace Hopper"
        maker.headline = "Engineer turning side projects into products"
        maker.location = "Berlin, Germany"
        maker.open_to = "APM / PM roles · Remote or Berlin"
        maker.contact_email = "grace.hires@example.com"
        maker.is_published = True
        db.session.commit()
        storage = app.extensions["media_storage"]
        media.set_avatar(user.id, pictures.avatar("GH", (15, 118, 110)), storage, MEDIA_LIMITS)
        bot = make_product(user.id, title="Standup Bot", slug="standup-bot", visibility="public",
                           status="shipped", shipped_on=date(2026, 3, 1), is_featured=True,
                           tagline="Async stand-ups for remote teams",
                           problem="Stand-up calls across time zones.",
                           metrics=[("teams using it", "140")])  # fmt: skip
        tool = make_product(user.id, title="Recipe Costs", slug="recipe-costs",
                            visibility="public", status="building",
                            tagline="What each recipe really costs")  # fmt: skip
        make_image(bot, alt_text="The weekly digest", cover=True, colour="purple")
        make_image(tool, alt_text="The cost sheet", cover=True, colour="orange")
        make_learning(user.id, bot, title="Cut the dashboard", kind="decision", is_public=True)
        link_id = make_portfolio_link(user.id, [bot])
        link = db.session.get(ShareLink, link_id)
        link.note = NOTE
        db.session.commit()
        return link.token


def test_an_employer_reads_the_candidates_page_and_takes_the_pdf(
    page: Page, live_server, user, app, tmp_path
):
    token = published_candidate(app, user)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/u/{user.username}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
        expect(page.get_by_text("Open to APM / PM roles · Remote or Berlin")).to_be_visible()
        expect(page.get_by_role("link", name="Sign up")).to_have_count(0)
        for alt_text in ("The weekly digest", "The cost sheet"):
            cover = page.get_by_role("img", name=alt_text)
            cover.scroll_into_view_if_needed()
            expect(cover).to_have_js_property("complete", True)
        assert "grace.hires" not in page.content()
        for scheme in ("light", "dark"):
            save_screenshot(page, "employer-profile", width, scheme)

    card_url = page.locator('meta[property="og:image"]').get_attribute("content")
    card = page.request.get(card_url.replace("http://localhost", live_server))
    assert card.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(card.body()))
    assert image.size == (1200, 630)
    image.save(tmp_path / "card.png")
    page.goto(card_url.replace("http://localhost", live_server))
    page.set_viewport_size({"width": 1200, "height": 630})
    save_screenshot(page, "employer-preview-card", 1200)

    page.goto(f"{live_server}/u/{user.username}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{user.username}-portfolio.pdf"
    pages = [p.extract_text() for p in PdfReader(download.path()).pages]
    assert all("Grace Hopper" in text for text in pages)
    assert all(title in "\n".join(pages) for title in ("Standup Bot", "Recipe Costs"))

    page.get_by_role("link", name="Contact").click()
    expect(page.get_by_role("link", name="grace.hires@example.com")).to_have_attribute(
        "href", "mailto:grace.hires@example.com"
    )

    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/s/{token}")
        expect(page.get_by_text(NOTE)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
        for scheme in ("light", "dark"):
            save_screenshot(page, "employer-share", width, scheme)
    page.get_by_role("link", name="Standup Bot").click()
    expect(page.locator(".candidate-bar").get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_role("link", name="All of Grace Hopper\u2019s work")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "Standup Bot" in text
    assert "Recipe Costs" not in text


def test_the_candidate_sees_where_readers_came_from(
    page: Page, browser: Browser, live_server, user, app
):
    token = published_candidate(app, user)
    employer = browser.new_context(user_agent=PHONE_BROWSER).new_page()
    linkedin = "https://www.linkedin.com/feed/update/urn:li:activity:42/"
    employer.goto(f"{live_server}/u/{user.username}", referer=linkedin)
    employer.get_by_role("link", name="Standup Bot").first.click()
    employer.goto(f"{live_server}/s/{token}", referer="https://mail.google.com/mail/u/0/")
    employer.context.close()

    log_in(page, live_server, user.username)
    page.goto(f"{live_server}/dashboard")
    looking = page.locator("section", has=page.get_by_role("heading", name="Who is looking"))
    sources = looking.get_by_role("list", name="Where readers came from").get_by_role("listitem")
    expect(sources).to_have_text(["linkedin.com 1 view", "mail.google.com 1 view"])
    expect(looking.get_by_text("And 1 view by readers going on")).to_be_visible()
    link_row = looking.get_by_role("row", name="Acme")
    expect(link_row.get_by_role("cell").nth(1)).not_to_have_text("Not yet")
    looking.scroll_into_view_if_needed()
    save_screenshot(page, "employer-who-is-looking", page.viewport_size["width"])
