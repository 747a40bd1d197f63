"""Link-preview cards that sell: the portfolio's strongest result (never a count of
case studies), titles that shrink to fit before they are cut, covers shown whole, and a
share link's card with the maker's name and headline. Each card is decoded and saved
to test-artifacts/ for a look."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from PIL import ImageDraw

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.core import media
from pm_portfolio.core import publishing
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.portfolio import cards
from pm_portfolio.portfolio.card_drawing import TITLE_SIZES
from pm_portfolio.portfolio.card_drawing import CardFonts
from pm_portfolio.portfolio.card_drawing import fitting_title
from tests.factories import MEDIA_LIMITS
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}
BLUE = (0, 0, 255)
TITLE = "Streaky — a habit tracker for remote teams"
RETENTION = {"label": "Day-7 retention", "value": "42%", "baseline": "18%", "direction": "up"}


def tall_cover() -> bytes:
    """A phone screenshot, 1170 by 2532, whose bottom tenth is blue."""
    image = Image.new("RGB", (1170, 2532), (246, 248, 250))
    ImageDraw.Draw(image).rectangle((0, 2280, 1170, 2532), fill=BLUE)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def newcomer(app) -> dict:
    """A published maker with one product: a long title, a result with its baseline, a
    tall phone screenshot as its cover; and a share link to it."""
    with app.app_context():
        maker = make_user(username="nia", display_name="Nia Newcomer",
                          headline="Aspiring PM who ships", is_published=True)  # fmt: skip
        product_id = make_product(maker.id, title=TITLE, slug="streaky", visibility="public",
                                  status="shipped", tagline="Daily check-ins, kept short",
                                  metrics=[("users", "40"), RETENTION])  # fmt: skip
        product = db.session.get(Product, product_id)
        item = media.add_upload(product, tall_cover(), "phone.png", "The app", "",
                                app.extensions["media_storage"], MEDIA_LIMITS)  # fmt: skip
        media.set_cover(item)
        link_id = make_portfolio_link(maker.id, [product_id])
        return {"id": maker.id, "token": db.session.get(ShareLink, link_id).token}


def card(client, page_path: str, name: str) -> Image.Image:
    """The card the page names in og:image, decoded, checked and saved."""
    page = client.get(page_path, headers=BROWSER).get_data(as_text=True)
    url = re.search(r'<meta property="og:image" content="http://localhost([^"]+)">', page)
    response = client.get(url.group(1).replace("&amp;", "&"), headers=BROWSER)
    image = Image.open(io.BytesIO(response.data))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / f"card-{name}.png")
    return image.convert("RGB")


def test_each_card_is_a_1200_by_630_png(client, newcomer):
    card(client, "/u/nia", "portfolio")
    card(client, "/u/nia/streaky", "case-study")
    card(client, f"/s/{newcomer['token']}", "share-link")


def test_the_portfolio_card_shows_the_strongest_result_never_a_count(app, newcomer):
    with app.app_context():
        owner = publishing.find_owner("nia")
        products = publishing.public_products(owner)

        content = cards.profile_card(owner, products, "https://x.example/u/nia", media_storage(app))

    assert (content.title, content.subtitle) == ("Nia Newcomer", "Aspiring PM who ships")
    assert content.result.value == "18% → 42%"
    assert content.result.label == f"Day-7 retention (+24 pts) · {TITLE}"
    texts = [content.eyebrow, content.title, content.subtitle, content.result.label]
    assert not any("case stud" in text for text in texts)


def test_a_private_products_result_never_reaches_the_portfolio_card(app, newcomer):
    with app.app_context():
        make_product(newcomer["id"], title="Secret", slug="secret", visibility="private",
                     metrics=[{"label": "revenue", "value": "$9k", "baseline": "$1k",
                               "direction": "up"}])  # fmt: skip
        owner = publishing.find_owner("nia")
        content = cards.profile_card(
            owner, publishing.public_products(owner), "https://x.example/u/nia", media_storage(app)
        )

    assert content.result.label == f"Day-7 retention (+24 pts) · {TITLE}"


def test_the_share_links_card_names_the_maker_and_their_headline(app, newcomer):
    with app.app_context():
        owner = publishing.find_owner("nia")

        content = cards.share_card(owner, "Product portfolio", "x.example", media_storage(app))

    assert (content.eyebrow, content.title, content.subtitle) == (
        "Product portfolio", "Nia Newcomer", "Aspiring PM who ships"
    )  # fmt: skip
    assert (content.address, content.result) == ("x.example", None)


def test_a_tall_cover_is_shown_whole_not_cut_to_its_top(client, newcomer):
    image = card(client, "/u/nia/streaky", "case-study")

    bottom_of_cover = image.getpixel((970, 590))
    assert all(abs(a - b) <= 24 for a, b in zip(bottom_of_cover, BLUE, strict=True))


def test_a_long_title_shrinks_to_two_lines_before_it_is_cut():
    fonts = CardFonts(Path(PROJECT_ROOT / "static" / "fonts"))

    font, lines = fitting_title(TITLE, fonts, 612, 2)

    assert " ".join(lines) == TITLE
    assert font.size < TITLE_SIZES[0]
    _font, cut = fitting_title(TITLE * 4, fonts, 612, 2)
    assert cut[-1].endswith("…")


def media_storage(app):
    return app.extensions["media_storage"]
