"""Link-preview cards: the 1200 x 630 picture a chat app or social site shows for a link.

Drawn with Pillow from what the page itself shows (a name, a title, a tagline, one
result, the cover or the photo), in Inter, a font shipped with the app under the SIL
Open Font License, so every server draws the same card whatever fonts it has.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont
from PIL import ImageOps

WIDTH = 1200
HEIGHT = 630
MARGIN = 72
PICTURE_WIDTH = 460
COVER_PADDING = 24

BACKGROUND = (255, 255, 255)
PANEL = (238, 240, 253)
ACCENT = (67, 56, 202)
TEXT = (28, 31, 36)
MUTED = (85, 93, 104)


@dataclass(frozen=True)
class CardResult:
    value: str
    label: str


@dataclass(frozen=True)
class CardContent:
    """What a card says, all of it already visible on the page it previews."""

    eyebrow: str
    title: str
    # The page's address without "https://", at the foot of the card.
    address: str
    subtitle: str = ""
    result: CardResult | None = None
    # A cover (shown filling the right side) or a profile photo (shown as a disc).
    picture: bytes | None = None
    picture_is_photo: bool = False


# A long title steps down through these sizes before it is cut: two lines of a smaller
# title read better than "Streaky — a habit tracker for…".
TITLE_SIZES = (66, 56, 48)


class CardFonts:
    """Inter at the sizes a card uses, loaded once per process."""

    def __init__(self, fonts_dir: Path):
        regular = str(fonts_dir / "Inter-Regular.ttf")
        bold = str(fonts_dir / "Inter-Bold.ttf")
        self.eyebrow = ImageFont.truetype(bold, 30)
        self.titles = [ImageFont.truetype(bold, size) for size in TITLE_SIZES]
        self.subtitle = ImageFont.truetype(regular, 34)
        self.result_value = ImageFont.truetype(bold, 54)
        self.result_label = ImageFont.truetype(regular, 28)
        self.footer = ImageFont.truetype(regular, 24)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Lines of at most `width` pixels; the last one ends with "…" if text is left over."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        if font.getlength(line) > width:
            # A word wider than the card is cut, not allowed to run off its edge.
            cut = len(line)
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            words.insert(0, line[cut:])
            line = line[:cut]
        else:
            while words and font.getlength(f"{line} {words[0]}") <= width:
                line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return lines


def fitting_title(
    text: str, fonts: CardFonts, width: int, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size at which the whole title fits in `max_lines` lines; at
    the smallest, what fits, ending with "…"."""
    for font in fonts.titles:
        lines = _wrap(text, font, width, max_lines)
        if not lines or not lines[-1].endswith("…") or text.endswith("…"):
            return font, lines
    return font, lines


def _picture(data: bytes) -> Image.Image | None:
    """The stored picture, decoded; a file that cannot be read leaves the card without it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")
    # Whatever a damaged file makes the decoder raise.
    except Exception:
        return None


def _draw_photo(card: Image.Image, photo: Image.Image, left: int) -> None:
    side = 280
    disc = ImageOps.fit(photo, (side, side), Image.Resampling.LANCZOS)
    mask = Image.new("L", (side * 4, side * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, side * 4 - 1, side * 4 - 1), fill=255)
    mask = mask.resize((side, side), Image.Resampling.LANCZOS)
    card.paste(PANEL, (left, 0, WIDTH, HEIGHT))
    card.paste(disc, (left + (WIDTH - left - side) // 2, (HEIGHT - side) // 2), mask)


def draw_card(content: CardContent, fonts: CardFonts) -> bytes:
    """The card as PNG bytes, 1200 x 630 pixels."""
    card = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(card)
    picture = _picture(content.picture) if content.picture else None
    text_right = WIDTH - MARGIN
    if picture is not None:
        left = WIDTH - PICTURE_WIDTH
        if content.picture_is_photo:
            _draw_photo(card, picture, left)
        else:
            # The whole cover on a quiet panel: a screenshot cropped to fill the card
            # would cut through its text ("est / CSV export").
            cover = ImageOps.contain(
                picture, (PICTURE_WIDTH - 2 * COVER_PADDING, HEIGHT - 2 * COVER_PADDING),
                Image.Resampling.LANCZOS,
            )  # fmt: skip
            card.paste(PANEL, (left, 0, WIDTH, HEIGHT))
            card.paste(
                cover,
                (left + (PICTURE_WIDTH - cover.width) // 2, (HEIGHT - cover.height) // 2),
            )
        text_right = left - 56
    draw.rectangle((0, 0, 12, HEIGHT), fill=ACCENT)

    width = text_right - MARGIN
    y = MARGIN
    for line in _wrap(content.eyebrow, fonts.eyebrow, width, 1):
        draw.text((MARGIN, y), line, font=fonts.eyebrow, fill=ACCENT)
        y += 48
    y += 8
    title_font, title_lines = fitting_title(
        content.title, fonts, width, 3 if not content.subtitle else 2
    )
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += round(title_font.size * 1.2)
    if content.subtitle:
        y += 8
        for line in _wrap(content.subtitle, fonts.subtitle, width, 2 if content.result else 3):
            draw.text((MARGIN, y), line, font=fonts.subtitle, fill=MUTED)
            y += 46
    if content.result is not None:
        y = max(y + 24, HEIGHT - MARGIN - 150)
        value = _wrap(content.result.value, fonts.result_value, width, 1)
        label = _wrap(content.result.label, fonts.result_label, width, 2)
        if value:
            draw.text((MARGIN, y), value[0], font=fonts.result_value, fill=ACCENT)
        for index, line in enumerate(label):
            draw.text((MARGIN, y + 66 + index * 36), line, font=fonts.result_label, fill=MUTED)
    for line in _wrap(content.address, fonts.footer, width, 1):
        draw.text((MARGIN, HEIGHT - MARGIN + 20), line, font=fonts.footer, fill=MUTED, anchor="ls")

    out = io.BytesIO()
    card.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()
