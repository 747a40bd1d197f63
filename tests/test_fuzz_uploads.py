"""Uploads with damaged headers, in every format Pillow writes (and so opens), and in
formats it only opens: whatever the decoder raises, a picture is stored or refused
with a message, never a crash. The same holds for the pictures a backup carries and
for those a preview card reads."""

import contextlib
import io
import struct
import warnings

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from PIL import Image

from pm_portfolio.core.media_files import MediaRefused
from pm_portfolio.core.media_files import process_avatar
from pm_portfolio.core.media_files import process_image
from pm_portfolio.exports import media_backup
from pm_portfolio.portfolio import card_drawing

pytestmark = pytest.mark.slow

# Formats Pillow writes without a program or a plugin of its own (EPS needs Ghostscript;
# BUFR, GRIB, HDF5 and WMF need handlers; PDF is written, never read, by Pillow).
NEEDS_MORE = {"EPS", "BUFR", "GRIB", "HDF5", "WMF", "PDF"}
MODES = {"BLP": "P", "XBM": "1", "PALM": "P", "MSP": "1", "SPIDER": "F"}


def sample(format: str) -> bytes | None:
    image = Image.new(MODES.get(format, "RGB"), (40, 30))
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings():
            # Formats Pillow is retiring (IM) are still opened, and so still tried.
            warnings.simplefilter("ignore", DeprecationWarning)
            image.save(buffer, format)
    except (OSError, KeyError, ValueError):
        return None  # this build of Pillow cannot write it
    return buffer.getvalue()


Image.init()
SAMPLES = {
    format: data
    for format in sorted(Image.SAVE)
    if format not in NEEDS_MORE and (data := sample(format)) is not None
}
# Opened but not written: headers written here, with fields a decoder may not implement.
SAMPLES |= {
    "DDS, unknown pixel format": b"DDS "
    + struct.pack("<7I44s", 124, 0x1007, 30, 40, 0, 0, 0, b"\0" * 44)
    + struct.pack("<II4s5I", 32, 0x4, b"ZZZZ", 0, 0, 0, 0, 0)
    + bytes(20 + 1200),
    "PSD": b"8BPS\x00\x01" + bytes(6) + struct.pack(">HIIHH", 3, 30, 40, 8, 3) + bytes(64),
    "FLI": struct.pack("<IHHHHHHI", 128 + 16, 0xAF11, 1, 40, 30, 8, 0, 5) + bytes(128),
    "SUN": struct.pack(">8I", 0x59A66A95, 40, 30, 8, 1200, 1, 0, 0) + bytes(1200),
}


def never_crashes(data: bytes) -> None:
    for process in (process_image, process_avatar):
        with contextlib.suppress(MediaRefused):
            process(data)
    with contextlib.suppress(MediaRefused):
        media_backup._webp_size(data)
    card_drawing._picture(data)


def test_every_format_is_covered():
    assert {"PNG", "JPEG", "WEBP", "GIF", "TIFF", "BMP", "DDS", "ICO", "TGA", "QOI"} <= set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_an_intact_file_of_any_format_is_stored_or_refused(name):
    never_crashes(SAMPLES[name])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    position=st.integers(0, 127),
    noise=st.binary(min_size=1, max_size=8),
)
def test_a_damaged_header_of_any_format_is_refused_never_a_crash(name, position, noise):
    original = SAMPLES[name]
    at = position % len(original)
    never_crashes(original[:at] + noise + original[at + len(noise) :])


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(SAMPLES)), length=st.integers(0, 200))
def test_a_truncated_file_of_any_format_is_refused_never_a_crash(name, length):
    never_crashes(SAMPLES[name][:length])
