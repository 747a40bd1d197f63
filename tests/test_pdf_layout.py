"""The PDFs look designed: measured on the demo portfolio by rendering every page.

No page but the last has a blank band over half its height (no forced break leaves a
page half empty, and nothing is pushed whole to the next page); a case study's results
are on its first page; the before/after chart's labels are text in the PDF, whole."""

import io
import re

import pypdfium2
import pytest
from pypdf import PdfReader

from pm_portfolio import PROJECT_ROOT
from pm_portfolio import clock
from pm_portfolio.core import publishing
from pm_portfolio.demo.seed import seed_demo_portfolio
from tests.factories import PASSWORD

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}
# Rendered at 36 dots per inch: an A4 page is 298 x 421 pixels, enough to see bands.
SCALE = 0.5
# A row is blank when no pixel in it is darker than this (0 black, 255 white).
BLANK_ABOVE = 245

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(app, pdf_renderer) -> list[str]:
    """The demo portfolio; returns the slugs of its public case studies."""
    with app.app_context():
        seed_demo_portfolio("dana", PASSWORD, clock.today())
        owner = publishing.find_owner("dana")
        return [product.slug for product in publishing.public_products(owner)]


def pdf(client, path: str) -> bytes:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    assert response.mimetype == "application/pdf"
    return response.data


def blank_bands(data: bytes, name: str) -> list[float]:
    """Each page's longest run of blank rows, as a share of the page's height. The pages
    are saved to test-artifacts/ as `name`-page-<n>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    shares = []
    document = pypdfium2.PdfDocument(data)
    for index in range(len(document)):
        document[index].render(scale=1).to_pil().save(ARTIFACTS / f"{name}-page-{index + 1}.png")
        image = document[index].render(scale=SCALE).to_pil().convert("L")
        width, height = image.size
        pixels = image.load()
        longest = run = 0
        for y in range(height):
            blank = min(pixels[x, y] for x in range(width)) > BLANK_ABOVE
            run = run + 1 if blank else 0
            longest = max(longest, run)
        shares.append(longest / height)
    return shares


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_no_page_but_the_last_is_half_empty(client, demo):
    documents = {"/u/dana.pdf": pdf(client, "/u/dana.pdf")}
    documents |= {f"/u/dana/{slug}.pdf": pdf(client, f"/u/dana/{slug}.pdf") for slug in demo}

    for path, data in documents.items():
        bands = blank_bands(data, "pdf-" + path.strip("/").replace("/", "-").removesuffix(".pdf"))
        half_empty = [number for number, share in enumerate(bands[:-1], 1) if share > 0.5]
        assert not half_empty, f"{path}: pages {half_empty} of {len(bands)} are half empty"


def test_a_case_studys_results_and_the_bio_are_on_its_first_page(client, demo):
    for slug in demo:
        first_page = page_texts(pdf(client, f"/u/dana/{slug}.pdf"))[0]
        assert "I make small products" in first_page, slug
        assert "Results" in first_page, slug


def test_the_charts_labels_are_whole_words_in_the_pdf(client, demo):
    text = "\n".join(page_texts(pdf(client, "/u/dana/standup-bot.pdf")))

    assert re.search(r"\bbefore\b", text)
    assert re.search(r"\bafter\b", text)
    assert "75 min → 15 min" in text
