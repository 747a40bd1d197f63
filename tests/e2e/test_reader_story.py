"""The reader's story, measured in Chromium on the demo portfolio with a tall phone
screenshot as a case study's cover: work on a phone's first screen, results within a
desktop's first screen and a quarter, the change on cards, next and previous, Inter."""

import io

import pytest
from PIL import Image
from PIL import ImageDraw
from playwright.sync_api import Page

from pm_portfolio import clock
from pm_portfolio.core import media
from pm_portfolio.demo.seed import seed_demo_portfolio
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from tests.e2e.helpers import save_screenshot
from tests.factories import MEDIA_LIMITS
from tests.factories import PASSWORD
from tests.factories import make_portfolio_link

MAKER = "dana"
NOTE = "Hi Acme team: Standup Bot is closest to your Growth PM role."


def phone_screenshot() -> bytes:
    """A 1170 by 2532 PNG, an iPhone screenshot's size, with a few lines of app."""
    image = Image.new("RGB", (1170, 2532), (246, 248, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1170, 260), fill=(67, 56, 202))
    for row in range(8):
        top = 360 + row * 260
        draw.rounded_rectangle((80, top, 1090, top + 200), 24, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def demo(app) -> dict:
    """The demo portfolio; its first featured case study's cover a tall phone screenshot;
    a share link with a note showing two of its products."""
    with app.app_context():
        maker_id = seed_demo_portfolio(MAKER, PASSWORD, clock.today())
        products = {
            product.slug: product
            for product in db.session.scalars(db.select(Product).where(Product.user_id == maker_id))
        }
        bot = products["standup-bot"]
        item = media.add_upload(
            bot, phone_screenshot(), "digest.png", "The digest on a phone", "",
            app.extensions["media_storage"], MEDIA_LIMITS,
        )  # fmt: skip
        media.set_cover(item)
        link_id = make_portfolio_link(
            maker_id, [bot.id, products["recipe-cost-calculator"].id], name="Acme"
        )
        link = db.session.get(ShareLink, link_id)
        link.note = NOTE
        db.session.commit()
        return {"token": link.token}


def top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"]


def test_on_a_phone_the_first_screen_shows_work(page: Page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/u/{MAKER}")

    title = page.locator("#featured ~ .card-grid .product-card__title").first
    box = title.bounding_box()
    assert box["y"] + box["height"] <= 844, f"the first case study's title ends at {box}"
    for scheme in ("light", "dark"):
        save_screenshot(page, "reader-profile", 390, scheme)
    save_screenshot(page, "reader-profile", 1280)


def test_a_share_pages_note_comes_before_the_bio(page: Page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/s/{demo['token']}")

    assert top(page, ".share-note") < top(page, ".profile-header__bio")
    save_screenshot(page, "reader-share", 390)


def test_a_case_study_shows_its_results_within_a_screen_and_a_quarter(
    page: Page, live_server, demo
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/u/{MAKER}/standup-bot")

    assert top(page, "#results") < 1000
    headline = page.locator(".headline-result").inner_text()
    assert "75 min → 15 min" in headline
    assert page.locator("a[rel=next]").count() == 1
    # The framed phone screenshot opens full size: its largest file, by a plain link.
    full_size = page.locator(".case-study__cover-link").get_attribute("href")
    full_picture = page.request.get(f"{live_server}{full_size}")
    assert Image.open(io.BytesIO(full_picture.body())).size == (1170, 2532)
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            save_screenshot(page, "reader-case-study", width, scheme)


def test_cards_show_the_change_from_a_baseline(page: Page, live_server, demo):
    page.goto(f"{live_server}/u/{MAKER}")

    results = page.locator(".product-card .metric-list--compact").all_inner_texts()
    assert any("→" in text for text in results), results


def test_the_pages_are_set_in_the_apps_inter(page: Page, live_server, demo):
    page.goto(f"{live_server}/u/{MAKER}/standup-bot")

    loaded = page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts]
                .filter((face) => face.status === "loaded")
                .map((face) => ({family: face.family, weight: face.weight}));
        }"""
    )
    assert {"family": '"Inter"', "weight": "700"} in loaded or {
        "family": "Inter",
        "weight": "700",
    } in loaded, loaded
    served = page.evaluate(
        "performance.getEntriesByType('resource').map((entry) => entry.name)"
        ".filter((name) => name.endsWith('.woff2'))"
    )
    assert any(name.startswith(live_server) and "Inter-Bold" in name for name in served), served
