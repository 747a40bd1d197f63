"""Turning what a maker uploads or pastes into media that is safe to show.

Images: the type comes from the content (Pillow), never from the name; the
image is fully decoded, turned upright, converted to sRGB, and re-encoded as
WebP at a few widths, never upscaled, with no metadata at all (no EXIF, GPS or
camera serial). Animated images keep their first frame. SVG and anything else
Pillow cannot fully decode are refused. A picture claiming more pixels than
MAX_PIXELS is refused before it is decoded.

PDFs: the signature, then pypdf must open the file and count its pages;
encrypted or broken files are refused. The first page becomes a thumbnail when
pypdfium2 can render it.

Embeds: a link from an allowed host is parsed, its id extracted, and the embed
address built here from the allow-list; the pasted text never reaches a page.
"""

import contextlib
import io
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import urlsplit

import pypdfium2
from PIL import Image
from PIL import ImageCms
from PIL import ImageFile
from PIL import ImageOps
from PIL import UnidentifiedImageError
from pypdf import PdfReader

# 40 megapixels: far beyond any screenshot, far below what would exhaust memory.
MAX_PIXELS = 40_000_000
WIDTHS = (480, 960, 1600)
ACCEPTED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
WEBP_QUALITY = 82
THUMBNAIL_WIDTH = 480
# A thumbnail of a very tall page is cut to this height's worth of scale.
THUMBNAIL_MAX_HEIGHT = 1600
# The largest side a WebP file can have.
WEBP_MAX_SIDE = 16383
# A profile photo is shown at 96 CSS pixels: stored at 1x and 2x.
AVATAR_SIDES = (96, 192)
_SRGB = ImageCms.createProfile("sRGB")
# Pillow's guard against decompression bombs, at our own limit, for every image opened.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
DAMAGED = "This picture is damaged or incomplete. Save it again and upload the new file."

logger = logging.getLogger(__name__)


class MediaRefused(Exception):
    """The file or link cannot be used; the message says why, for the form."""


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class ProcessedPdf:
    data: bytes
    pages: int
    thumbnail: Variant | None


@dataclass(frozen=True)
class Embed:
    provider: str
    id: str
    link: str
    embed_url: str


def require_strict_decoding() -> None:
    """Pillow refuses truncated pictures only while a process-wide switch is off. A library
    that turns it on (importing WeasyPrint does) must make uploads fail, not go lax."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on: pictures are not checked")


def _decoded(data: bytes) -> Image.Image:
    """The first frame, fully decoded; refuses what is not a picture we accept."""
    require_strict_decoding()
    with warnings.catch_warnings():
        # Pillow only warns between MAX_PIXELS and twice that; refuse those too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_IMAGE_FORMATS:
                    raise MediaRefused(
                        "Upload a PNG, JPEG, WebP or GIF picture, or a PDF. "
                        f"This file is {image.format or 'something else'}."
                    )
                image.seek(0)
                image.load()
                # Inside the guard: a damaged EXIF block fails here, as a damaged picture.
                return ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise MediaRefused(
                f"This picture has more than {MAX_PIXELS // 1_000_000} million pixels. "
                "Make it smaller and upload it again."
            ) from error
        except UnidentifiedImageError as error:
            raise MediaRefused(
                "This is not a picture we can read. Upload a PNG, JPEG, WebP or GIF "
                "(not SVG), or a PDF."
            ) from error
        except MediaRefused:
            raise
        # A hostile file can make a decoder raise almost anything (a format Pillow knows
        # but does not implement raises NotImplementedError): all of it means "damaged".
        except Exception as error:
            raise MediaRefused(DAMAGED) from error


@contextlib.contextmanager
def _refusing_failures() -> Iterator[None]:
    """Whatever processing a decoded picture raises becomes a refusal, never a crash."""
    try:
        yield
    except MediaRefused:
        raise
    except Exception as error:
        logger.warning("a picture could not be processed", exc_info=True)
        raise MediaRefused(DAMAGED) from error


def _showable(image: Image.Image) -> Image.Image:
    # Narrowed to one pixel, a picture this long is still taller than WebP can hold.
    if image.height > WEBP_MAX_SIDE * image.width:
        raise MediaRefused(
            f"This picture is {image.width} by {image.height} pixels: too long and thin to "
            "show. Crop it and upload it again."
        )
    return image


def _eight_bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit greyscale to 8-bit, scaled rather than clipped to white."""
    if image.mode.startswith("I;16") or image.mode in {"I", "F"}:
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA where there is transparency, in sRGB without a profile to carry."""
    profile = image.info.get("icc_profile")
    image = _eight_bit(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    converted = image.convert("RGBA" if has_alpha else "RGB")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                converted, source, _SRGB, outputMode=converted.mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # An unreadable profile: keep the colours as they are.
    # Now in sRGB: a profile left behind would have the colours converted again.
    converted.info.pop("icc_profile", None)
    return converted


def _webp(image: Image.Image) -> bytes:
    # A fresh image carries no info (EXIF, XMP, ICC) into the file.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


def _fitting_width(image: Image.Image, width: int) -> int:
    """`width`, or less: never wider than the picture, nor taller than WebP can hold."""
    tallest = WEBP_MAX_SIDE * image.width // image.height
    return max(1, min(width, image.width, tallest))


def _resized(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def process_image(data: bytes) -> list[Variant]:
    """WebP variants, narrowest first, at each of WIDTHS the picture is wider than (and
    at its own width when that is under the largest): nothing is upscaled."""
    require_strict_decoding()
    with _refusing_failures():
        image = _to_srgb(_showable(_decoded(data)))
        return _variants(image, sorted({_fitting_width(image, width) for width in WIDTHS}))


def process_avatar(data: bytes) -> list[Variant]:
    """Square WebP variants of a profile photo, cropped around its centre."""
    require_strict_decoding()
    with _refusing_failures():
        image = _to_srgb(_decoded(data))
        if min(image.size) < AVATAR_SIDES[0]:
            raise MediaRefused(
                f"This picture is {image.width} by {image.height} pixels; a profile photo "
                f"needs at least {AVATAR_SIDES[0]} pixels on each side."
            )
        # Always exactly these sides, so pages and previews can state them: a photo under
        # 192 pixels is enlarged a little for the 2x variant, the one exception to no
        # upscaling.
        largest = AVATAR_SIDES[-1]
        square = ImageOps.fit(image, (largest, largest), Image.Resampling.LANCZOS)
        return _variants(square, AVATAR_SIDES)


def pdf_pages(data: bytes) -> int:
    """The page count of a PDF that pypdf can open; MediaRefused for anything else."""
    if not data.startswith(b"%PDF-"):
        raise MediaRefused("This file is not a PDF.")
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    # A hostile file can make pypdf raise almost anything; all of it means "damaged".
    except Exception as error:
        raise MediaRefused(
            "This PDF is damaged. Export it again and upload the new file."
        ) from error
    if encrypted:
        raise MediaRefused("This PDF is protected by a password. Upload an unprotected copy.")
    if pages == 0:
        raise MediaRefused("This PDF has no pages.")
    return pages


def process_pdf(data: bytes) -> ProcessedPdf:
    return ProcessedPdf(data, pdf_pages(data), _pdf_thumbnail(data))


def _pdf_thumbnail(data: bytes) -> Variant | None:
    """The first page, THUMBNAIL_WIDTH wide at most and never taller than
    THUMBNAIL_MAX_HEIGHT; None when pdfium cannot render it (the file card is enough)."""
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            page = document[0]
            width, height = max(page.get_width(), 1), max(page.get_height(), 1)
            scale = min(THUMBNAIL_WIDTH / width, THUMBNAIL_MAX_HEIGHT / height)
            picture = page.render(scale=scale).to_pil()
        finally:
            document.close()
    # The file card is enough without one, whatever stopped pdfium or Pillow.
    except Exception:
        return None
    (thumbnail,) = variants_of(picture, widths=(THUMBNAIL_WIDTH,))
    return thumbnail


def _variants(image: Image.Image, widths) -> list[Variant]:
    """WebP files of an sRGB image at each width."""
    return [
        Variant(resized.width, resized.height, _webp(resized))
        for resized in (_resized(image, width) for width in widths)
    ]


def variants_of(image: Image.Image, widths: tuple[int, ...]) -> list[Variant]:
    """Variants of an image made here (a PDF page, a generated avatar)."""
    return _variants(_to_srgb(image), widths)


ACCEPTED_EMBEDS = "YouTube, Vimeo, Loom or Figma"
# What each provider's id looks like, and how its page and its player are addressed.
_EMBEDS = {
    "youtube": (
        re.compile(r"[A-Za-z0-9_-]{11}"),
        "https://www.youtube.com/watch?v={id}",
        "https://www.youtube-nocookie.com/embed/{id}",
    ),
    "vimeo": (
        re.compile(r"\d{1,12}"),
        "https://vimeo.com/{id}",
        "https://player.vimeo.com/video/{id}",
    ),
    "loom": (
        re.compile(r"[0-9a-f]{32}"),
        "https://www.loom.com/share/{id}",
        "https://www.loom.com/embed/{id}",
    ),
    "figma": (
        re.compile(r"(?:file|design|proto|board)/[A-Za-z0-9]{10,64}"),
        "https://www.figma.com/{id}",
        "https://www.figma.com/embed?embed_host=share&url={quoted_link}",
    ),
}
# The hosts of the players above: the page's Content-Security-Policy allows exactly these.
EMBED_ORIGINS = tuple(
    sorted({"https://" + urlsplit(player).hostname for _, _, player in _EMBEDS.values()})
)


def embed(provider: str, media_id: str) -> Embed:
    """The embed for a stored (provider, id): addresses come from the allow-list only."""
    pattern, link_format, player_format = _EMBEDS[provider]
    if not pattern.fullmatch(media_id):
        raise MediaRefused(f"Not a {provider} id.")
    link = link_format.format(id=media_id)
    player = player_format.format(id=media_id, quoted_link=quote(link, safe=""))
    return Embed(provider, media_id, link, player)


def _host(parts) -> str:
    return (parts.hostname or "").removeprefix("www.").removeprefix("m.")


def _media_id(parts) -> tuple[str, str]:
    """(provider, id) named by a link's host and path; ("", "") when none is."""
    host, segments = _host(parts), [part for part in parts.path.split("/") if part]
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if segments[:1] == ["watch"]:
            return "youtube", parse_qs(parts.query).get("v", [""])[0]
        if len(segments) >= 2 and segments[0] in {"embed", "shorts", "live"}:
            return "youtube", segments[1]
    if host == "youtu.be" and segments:
        return "youtube", segments[0]
    if host in {"vimeo.com", "player.vimeo.com"} and segments:
        return "vimeo", segments[-1]
    if host == "loom.com" and len(segments) >= 2 and segments[0] in {"share", "embed"}:
        return "loom", segments[1]
    if host == "figma.com" and len(segments) >= 2:
        return "figma", f"{segments[0]}/{segments[1]}"
    return "", ""


def parse_embed(url: str) -> Embed:
    """The embed a pasted link names; anything else is refused with what is accepted."""
    refused = MediaRefused(
        f"Paste a link to a video or design on {ACCEPTED_EMBEDS}, e.g. https://www.loom.com/share/…"
    )
    try:
        parts = urlsplit(url.strip())
        provider, media_id = _media_id(parts) if parts.scheme in {"http", "https"} else ("", "")
    except ValueError as error:
        raise refused from error
    if not provider:
        raise refused
    try:
        return embed(provider, media_id)
    except MediaRefused as error:
        raise refused from error
