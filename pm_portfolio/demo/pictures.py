"""Pictures for the demo portfolio, drawn here with Pillow: nothing is downloaded.

Each screenshot is a plain sketch of an app window (a title bar, a heading, rows
of content and a small chart) in the product's colour, so the demo portfolio
looks like a real one; the one-page PRD is such a sketch saved as a PDF.
"""

import io

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

WIDTH, HEIGHT = 1600, 1000
INK = (31, 35, 40)
MUTED = (101, 109, 118)
PAPER = (255, 255, 255)
CANVAS = (246, 248, 250)


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled font, scalable when Pillow has FreeType (it always does on PyPI).
    return ImageFont.load_default(size=size)


def _window(accent: tuple[int, int, int], title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), CANVAS)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 72), fill=accent)
    for index, colour in enumerate(((255, 95, 86), (255, 189, 46), (39, 201, 63))):
        draw.ellipse((28 + index * 36, 24, 52 + index * 36, 48), fill=colour)
    draw.text((160, 18), title, font=_font(34), fill=PAPER)
    return image, draw


def screenshot(accent: tuple[int, int, int], title: str, heading: str, rows: list[str]) -> bytes:
    """A PNG of an app window: a heading, cards of text, and a bar chart on the right."""
    image, draw = _window(accent, title)
    draw.text((80, 120), heading, font=_font(52), fill=INK)
    for index, row in enumerate(rows[:6]):
        top = 220 + index * 120
        draw.rounded_rectangle(
            (80, top, 980, top + 96), radius=16, fill=PAPER, outline=(216, 222, 228)
        )
        draw.ellipse((108, top + 24, 156, top + 72), fill=accent)
        draw.text((184, top + 28), row, font=_font(32), fill=INK)
    draw.rounded_rectangle((1040, 220, 1520, 900), radius=16, fill=PAPER, outline=(216, 222, 228))
    draw.text((1080, 250), "Last 8 weeks", font=_font(28), fill=MUTED)
    for week, height in enumerate((180, 240, 220, 310, 290, 380, 420, 470)):
        left = 1080 + week * 52
        draw.rectangle((left, 860 - height, left + 34, 860), fill=accent)
    return _encoded(image, "PNG")


def one_pager(accent: tuple[int, int, int], title: str, sections: list[tuple[str, str]]) -> bytes:
    """A one-page PDF: a title and a few short sections, as a PRD summary would have."""
    page = Image.new("RGB", (1240, 1754), PAPER)
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 1240, 24), fill=accent)
    draw.text((100, 110), title, font=_font(56), fill=INK)
    top = 240
    for heading, text in sections:
        draw.text((100, top), heading, font=_font(36), fill=accent)
        draw.multiline_text((100, top + 56), text, font=_font(28), fill=INK, spacing=12)
        top += 100 + 40 * (text.count("\n") + 1)
    return _encoded(page, "PDF", resolution=150)


def avatar(initials: str, accent: tuple[int, int, int]) -> bytes:
    """A square PNG of the maker's initials on their colour."""
    image = Image.new("RGB", (400, 400), accent)
    draw = ImageDraw.Draw(image)
    draw.text((200, 200), initials, font=_font(170), fill=PAPER, anchor="mm")
    return _encoded(image, "PNG")


def _encoded(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()
