"""What happens to an uploaded picture, PDF or pasted link before anything is stored."""

import contextlib
import io
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from PIL import Image
from PIL import ImageCms
from PIL import ImageFile
from pypdf import PdfWriter

from pm_portfolio.core.media_files import MediaRefused
from pm_portfolio.core.media_files import parse_embed
from pm_portfolio.core.media_files import process_avatar
from pm_portfolio.core.media_files import process_image
from pm_portfolio.core.media_files import process_pdf
from tests.factories import pdf_bytes
from tests.factories import png_bytes


def encoded(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size, with almost no pixel data behind it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def test_pictures_become_webp_at_each_width_they_are_wider_than():
    wide = process_image(png_bytes(2400, 1200))
    narrow = process_image(png_bytes(640, 400))

    assert [(v.width, v.height) for v in wide] == [(480, 240), (960, 480), (1600, 800)]
    assert [(v.width, v.height) for v in narrow] == [(480, 300), (640, 400)]
    assert all(decoded(v.data).format == "WEBP" for v in wide + narrow)


def test_location_and_camera_data_are_removed_and_the_picture_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90°.
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0)})  # GPS latitude
    photo = encoded(Image.new("RGB", (800, 600), "red"), "JPEG", exif=exif)

    (first, *_rest) = process_image(photo)
    image = decoded(first.data)

    assert (image.width, image.height) == (480, 640), "portrait, as the camera meant"
    assert not image.getexif()
    assert b"Camera maker" not in first.data
    assert not image.info.get("icc_profile")
    assert not image.info.get("xmp")


def test_transparency_survives_and_16_bit_greys_are_not_blown_out():
    clear = process_image(encoded(Image.new("RGBA", (100, 100), (0, 0, 0, 0)), "PNG"))
    grey = process_image(encoded(Image.new("I;16", (100, 100), 32768), "PNG"))

    assert decoded(clear[0].data).getpixel((5, 5))[3] == 0
    assert decoded(grey[0].data).convert("L").getpixel((5, 5)) in range(120, 136)


def test_a_cmyk_jpeg_keeps_its_colours():
    cmyk = encoded(Image.new("CMYK", (100, 100), (0, 255, 255, 0)), "JPEG")

    (variant,) = process_image(cmyk)

    red, _green, blue = decoded(variant.data).convert("RGB").getpixel((50, 50))
    assert red > 200
    assert blue < 60


def test_an_html_polyglot_comes_out_as_a_plain_picture():
    polyglot = encoded(Image.new("RGB", (40, 40), "red"), "GIF") + b"<script>alert(1)</script>"

    (variant,) = process_image(polyglot)

    assert b"<script>" not in variant.data
    assert decoded(variant.data).format == "WEBP"


@pytest.mark.parametrize("format", ["GIF", "WEBP"])
def test_an_animation_keeps_its_first_frame(format):
    frames = [Image.new("RGB", (50, 50), colour) for colour in ("red", "blue")]
    animation = encoded(frames[0], format, save_all=True, append_images=frames[1:], duration=100)

    (variant,) = process_image(animation)

    red, _green, blue = decoded(variant.data).convert("RGB").getpixel((25, 25))
    assert red > 200
    assert blue < 60


REFUSED_PICTURES = {
    "empty": (b"", "not a picture we can read"),
    "text": (b"hello, world", "not a picture we can read"),
    "svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        "not a picture we can read",
    ),
    "html named .png": (b"<!doctype html><script>alert(1)</script>", "not a picture we can read"),
    "bmp": (encoded(Image.new("RGB", (10, 10)), "BMP"), "This file is BMP"),
    "tiff": (encoded(Image.new("RGB", (10, 10)), "TIFF"), "This file is TIFF"),
    "truncated png": (png_bytes(300, 300)[:400], "damaged or incomplete"),
    "pixel bomb": (png_claiming(100_000, 100_000), "more than 40 million pixels"),
    "just over the limit": (png_claiming(7_000, 7_000), "more than 40 million pixels"),
}


@pytest.mark.parametrize("name", REFUSED_PICTURES)
def test_what_is_not_a_safe_picture_is_refused_with_a_reason(name):
    data, reason = REFUSED_PICTURES[name]
    with pytest.raises(MediaRefused, match=reason):
        process_image(data)


def test_a_pdf_is_counted_and_given_a_thumbnail():
    processed = process_pdf(pdf_bytes(pages=3))

    assert processed.pages == 3
    assert processed.thumbnail is not None
    assert processed.thumbnail.width == 480
    assert decoded(processed.thumbnail.data).format == "WEBP"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (pdf_bytes(password="secret"), "protected by a password"),
        (b"%PDF-1.7\nnothing else", "damaged"),
        (pdf_bytes()[:200], "damaged"),
        (b"GIF89a", "not a PDF"),
    ],
)
def test_pdfs_that_cannot_be_shown_are_refused(data, reason):
    with pytest.raises(MediaRefused, match=reason):
        process_pdf(data)


EMBEDS = {
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://m.youtube.com/shorts/dQw4w9WgXcQ": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://vimeo.com/76979871": "https://player.vimeo.com/video/76979871",
    "https://www.loom.com/share/0123456789abcdef0123456789abcdef?sid=1": "https://www.loom.com/embed/0123456789abcdef0123456789abcdef",
    "https://www.figma.com/design/AbCdEfGhIjKl/My-file?node-id=1": "https://www.figma.com/embed?embed_host=share&url=https%3A%2F%2Fwww.figma.com%2Fdesign%2FAbCdEfGhIjKl",
}  # fmt: skip


@pytest.mark.parametrize("link", EMBEDS)
def test_links_from_allowed_hosts_become_embeds_built_here(link):
    assert parse_embed(link).embed_url == EMBEDS[link]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?https://youtu.be/dQw4w9WgXcQ",
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ"><script>',
        "https://www.youtube.com/watch?v=short",
        "https://vimeo.com/not-a-number",
        "https://www.loom.com/share/../../evil",
        "https://[::1/",
        "ftp://vimeo.com/76979871",
        "",
    ],
)
def test_other_links_are_refused_with_what_is_accepted(link):
    with pytest.raises(MediaRefused, match="YouTube, Vimeo, Loom or Figma"):
        parse_embed(link)


def test_a_very_tall_screenshot_fits_what_webp_can_hold():
    variants = process_image(png_bytes(1200, 20000))

    assert all(variant.height <= 16383 for variant in variants)
    assert [variant.width for variant in variants] == [480, 960, 982]


def test_a_picture_with_damaged_exif_is_shown_without_it():
    photo = encoded(Image.new("RGB", (200, 100), "red"), "JPEG", exif=b"Exif\x00\x00garbage")

    (variant,) = process_image(photo)
    avatar_variants = process_avatar(photo)

    assert (variant.width, variant.height) == (200, 100)
    assert not decoded(variant.data).getexif()
    assert [v.width for v in avatar_variants] == [96, 192]


def tall_pdf(width: float, height: float) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("width", "height"), [(200, 14400), (7, 14400), (14400, 3)])
def test_a_pdf_of_any_page_shape_gets_a_thumbnail_of_sane_size(width, height):
    thumbnail = process_pdf(tall_pdf(width, height)).thumbnail

    assert thumbnail is not None
    assert thumbnail.width <= 480
    assert thumbnail.height <= 1600


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, 10_000), noise=st.binary(min_size=1, max_size=40))
def test_a_damaged_pdf_is_refused_never_a_crash(position, noise):
    original = pdf_bytes(2)
    at = position % len(original)
    damaged = original[:at] + noise + original[at + len(noise) :]
    with contextlib.suppress(MediaRefused):
        process_pdf(damaged)


def test_pictures_are_never_checked_laxly(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        process_image(png_bytes()[:-200])


@pytest.mark.parametrize("process", [process_image, process_avatar])
def test_colours_are_converted_to_srgb_once(process, monkeypatch):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), "teal").save(buffer, "PNG", icc_profile=profile)
    conversions = []
    convert = ImageCms.profileToProfile
    monkeypatch.setattr(
        ImageCms, "profileToProfile", lambda *a, **k: conversions.append(1) or convert(*a, **k)
    )

    process(buffer.getvalue())

    assert len(conversions) == 1, "a second conversion would shift the colours again"


def dds_with_fourcc(fourcc: bytes) -> bytes:
    """A DDS header naming a pixel format by `fourcc` (Pillow reads only some)."""
    pixel_format = struct.pack("<II4s5I", 32, 0x4, fourcc, 0, 0, 0, 0, 0)
    header = struct.pack("<7I44s", 124, 0x1007, 64, 64, 0, 0, 0, b"\0" * 44)
    return b"DDS " + header + pixel_format + struct.pack("<5I", 0x1000, 0, 0, 0, 0) + b"\0" * 64


def jpeg_turned(width: int, height: int, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(Image.new("RGB", (width, height), "red"), "JPEG", exif=exif)


TOO_THIN = {
    "a 1 by 20,000 PNG": png_bytes(1, 20_000),
    "a 20,000 by 1 JPEG turned upright to 1 by 20,000": jpeg_turned(20_000, 1, 6),
}


@pytest.mark.parametrize("name", TOO_THIN)
def test_a_picture_too_long_and_thin_to_show_is_refused(name):
    with pytest.raises(MediaRefused, match="is 1 by 20000 pixels: too long and thin"):
        process_image(TOO_THIN[name])
    with pytest.raises(MediaRefused, match="needs at least 96 pixels on each side"):
        process_avatar(TOO_THIN[name])


@pytest.mark.parametrize("process", [process_image, process_avatar])
def test_a_picture_pillow_knows_but_cannot_read_is_refused(process):
    with pytest.raises(MediaRefused, match=r"not a picture we can read|damaged"):
        process(dds_with_fourcc(b"ZZZZ"))
