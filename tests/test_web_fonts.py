"""One type family everywhere: the web pages are set in the Inter the PDFs and preview
cards use, self-hosted as WOFF2, each file holding what its @font-face rule says."""

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STYLESHEET = PROJECT_ROOT / "static" / "css" / "app.css"
RULE = re.compile(r"@font-face\s*{(.*?)}", re.S)


def declarations(rule: str) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in rule.split(";") if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def code_points(unicode_range: str) -> set[int]:
    points = set()
    for part in unicode_range.split(","):
        start, _, end = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(start, 16), int(end or start, 16) + 1))
    return points


FACES = [declarations(rule) for rule in RULE.findall(STYLESHEET.read_text())]


def test_the_weights_the_pages_use_each_have_a_face():
    assert {(face["font-weight"], face["font-style"]) for face in FACES} == {
        ("400", "normal"), ("400", "italic"), ("600", "normal"), ("700", "normal")
    }  # fmt: skip
    assert all(face["font-family"] == '"Inter"' for face in FACES)
    assert all(face["font-display"] == "swap" for face in FACES)


@pytest.mark.parametrize("face", FACES, ids=lambda face: face["src"].split('"')[1])
def test_each_file_is_woff2_of_its_weight_and_holds_its_range(face):
    path = STYLESHEET.parent / face["src"].split('"')[1]
    font = TTFont(path)

    assert path.read_bytes()[:4] == b"wOF2"
    assert font["OS/2"].usWeightClass == int(face["font-weight"])
    assert bool(font["head"].macStyle & 0b10) == (face["font-style"] == "italic")
    assert set(font.getBestCmap()) == code_points(face["unicode-range"])


def test_the_latin_files_hold_what_results_are_written_with():
    latin = [face for face in FACES if "-latin.woff2" in face["src"]]
    # The arrow, minus sign, marks, euro, quotes and dashes results and names are set in.
    needed = {0x2192, 0x2212, 0x2713, 0x2717, 0x20AC, 0x201C, 0x201D, 0x2013, 0x2014, 0xB7,
              0x2082, 0x2264}  # fmt: skip

    assert all(needed <= code_points(face["unicode-range"]) for face in latin)


def test_pages_load_the_fonts_from_the_app(client):
    page = client.get("/").get_data(as_text=True)

    assert '<link rel="stylesheet" href="/static/css/app.css">' in page
    for face in FACES:
        href = "/static/fonts/" + face["src"].split('"')[1].removeprefix("../fonts/")
        with client.get(href) as font:
            assert font.status_code == 200
            assert font.mimetype == "font/woff2"
    stylesheet = client.get("/static/css/app.css").get_data(as_text=True)
    assert re.search(r'--font-sans: "Inter",', stylesheet)
