"""Make the web pages' WOFF2 fonts from the bundled Inter TTFs (which PDFs and preview
cards use), so every page, document and card is set in the same type.

Each weight is split in three by Unicode range, as font services do: a Latin file every
page loads, the accents of other languages in Latin script, and the rest of Inter
(Greek, Cyrillic, symbols); a browser fetches the last two only for a page that uses
one of their characters.
The @font-face rules, with their ranges, are written at the top of static/css/app.css
between two marker comments (in the stylesheet itself: one request fewer before a
page can be drawn).

    .venv/bin/python tools/make_web_fonts.py

Needs fontTools with Brotli (both come with WeasyPrint).
"""

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "static" / "fonts"
CSS = ROOT / "static" / "css" / "app.css"
BEGIN = "/* ---------- Fonts: made by tools/make_web_fonts.py; do not edit ---------- */"
END = "/* ---------- End of fonts ---------- */"
# The weights and styles app.css uses: body, italic caveats, semibold labels, bold headings.
FACES = [
    ("Inter-Regular", 400, "normal"),
    ("Inter-Italic", 400, "italic"),
    ("Inter-SemiBold", 600, "normal"),
    ("Inter-Bold", 700, "normal"),
]
# Basic Latin and Latin-1, general punctuation, super- and subscripts (CO₂), €, ™,
# fractions, arrows, the minus sign, ≈ ≠ ≤ ≥, and the check and cross marks of a
# metric against its target: what English pages and their numbers are written with.
LATIN = [
    (0x0000, 0x00FF), (0x0131, 0x0131), (0x0152, 0x0153), (0x02C6, 0x02C6),
    (0x02DA, 0x02DA), (0x02DC, 0x02DC), (0x2000, 0x209F), (0x20AC, 0x20AC),
    (0x2122, 0x2122), (0x2150, 0x215F), (0x2190, 0x2199), (0x2212, 0x2212),
    (0x2248, 0x2248), (0x2260, 0x2260), (0x2264, 0x2265), (0x2713, 0x2713),
    (0x2717, 0x2717), (0xFEFF, 0xFEFF), (0xFFFD, 0xFFFD),
]  # fmt: skip
# The accented letters of other languages written in Latin script (Polish, Czech,
# Turkish, Vietnamese...), apart from Greek, Cyrillic and the rest.
LATIN_EXTENDED = [
    (0x0100, 0x02AF), (0x0300, 0x036F), (0x1E00, 0x1EFF), (0x20A0, 0x20CF),
    (0x2C60, 0x2C7F), (0xA720, 0xA7FF),
]  # fmt: skip


def code_points(ranges: list[tuple[int, int]]) -> set[int]:
    return {point for start, end in ranges for point in range(start, end + 1)}


def as_ranges(points: set[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for point in sorted(points):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


def unicode_range(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(
        f"U+{start:04X}" if start == end else f"U+{start:04X}-{end:04X}" for start, end in ranges
    )


def write_subset(source: Path, target: Path, points: set[int]) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    # Keep kerning, ligatures and the tabular figures metrics line up with.
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main() -> None:
    rules = [BEGIN]
    for name, weight, style in FACES:
        source = FONTS / f"{name}.ttf"
        covered = set(TTFont(source).getBestCmap())
        latin = covered & code_points(LATIN)
        latin_extended = (covered & code_points(LATIN_EXTENDED)) - latin
        parts = [
            ("latin", latin),
            ("latin-ext", latin_extended),
            ("other", covered - latin - latin_extended),
        ]
        for part, points in parts:
            target = FONTS / f"{name}-{part}.woff2"
            write_subset(source, target, points)
            rules.append(
                "@font-face {\n"
                '  font-family: "Inter";\n'
                f"  font-style: {style};\n"
                f"  font-weight: {weight};\n"
                "  font-display: swap;\n"
                f'  src: url("../fonts/{target.name}") format("woff2");\n'
                f"  unicode-range: {unicode_range(as_ranges(points))};\n"
                "}"
            )
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
    rules.append(END)
    stylesheet = CSS.read_text()
    before, _, rest = stylesheet.partition(BEGIN)
    _, _, after = rest.partition(END)
    if not rest:
        # The first run: the rules go right after the stylesheet's opening comment.
        opening, _, after = stylesheet.partition("\n\n")
        before, after = opening + "\n\n", "\n\n" + after
    CSS.write_text(before + "\n\n".join(rules) + after)
    print(f"{CSS.relative_to(ROOT)} updated")


if __name__ == "__main__":
    main()
