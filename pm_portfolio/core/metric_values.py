"""Reading the numbers in a metric as the maker typed it: "1.2k", "$1,200", "38%",
"4.6/5", "14 → 6 min", "-12%".

Written by hand because it is the product's own vocabulary: no parsing library reads
"14 → 6 min" or "4.6/5" as a measured result. The text the maker typed is always what
is shown; a parsed value only adds the change and a chart, and text that does not
parse is simply not charted.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

SUFFIXES = {"k": Decimal(1_000), "M": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
CURRENCIES = "$€£¥"
MINUS_SIGN = "\u2212"
_ARROW = re.compile(r"\s*(?:→|->|⟶)\s*")
# A sign may come before or after a currency: "-$1,200" and "$-1,200" say the same.
# Thousands are grouped in threes ("1,200"), or not at all. Units come straight after
# the number (38%, 4.6/5) or after a space (6 min).
_VALUE = re.compile(
    rf"(?P<sign>[+\-{MINUS_SIGN}]?)(?P<prefix>[{CURRENCIES}]?)\s*"
    rf"(?P<number>[+\-{MINUS_SIGN}]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)"
    # "1.2k", "3M", "2bn"; a lower-case "m" stays a unit ("5m" may be minutes).
    r"(?:(?P<suffix>(?-i:k|K|M|bn))\b)?"
    r"\s*(?P<unit>%|/\s*\d+(?:\.\d+)?|[^\d\s→,.+\-].{0,19})?",
    re.IGNORECASE,
)
# Beyond these, a "number" is a typo or a prank, and arithmetic on it would overflow.
MAX_DIGITS = 15
MAX_DECIMALS = 6


@dataclass(frozen=True)
class MetricValue:
    """A typed value read as a number: `number` with its currency `prefix` and `unit`
    ("%", "/5", "min", "teams"), and `before` when the value says "14 → 6"."""

    number: Decimal
    unit: str = ""
    prefix: str = ""
    before: Decimal | None = None

    @property
    def same_unit_key(self) -> tuple[str, str]:
        return self.prefix, self.unit.casefold()


@dataclass(frozen=True)
class Change:
    """From a baseline to a value: the difference, and the relative change in per cent
    (none for a zero baseline, or for percentages, where points say it better)."""

    difference: Decimal
    percent: Decimal | None
    in_points: bool


def _number(text: str, suffix: str | None) -> Decimal | None:
    digits = text.replace(",", "").replace(MINUS_SIGN, "-")
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return None
    if suffix:
        number *= SUFFIXES["k" if suffix == "K" else suffix]
    if number and not -MAX_DECIMALS <= number.adjusted() < MAX_DIGITS:
        return None
    return number


def _single(text: str) -> MetricValue | None:
    match = _VALUE.fullmatch(text.strip())
    if match is None:
        return None
    number = _number(match["number"], match["suffix"])
    if number is None:
        return None
    if match["sign"] and match["number"][0] in f"+-{MINUS_SIGN}":
        return None
    if match["sign"] in ("-", MINUS_SIGN):
        number = -number
    unit = re.sub(r"\s+", "", match["unit"]) if (match["unit"] or "").startswith("/") else ""
    unit = unit or (match["unit"] or "").strip()
    return MetricValue(number=number, unit=unit, prefix=match["prefix"])


def parse_value(text: str) -> MetricValue | None:
    """The number in `text`, or None when it is not a number we can read."""
    if not text or len(text) > 60:
        return None
    parts = _ARROW.split(text.strip())
    if len(parts) == 1:
        return _single(parts[0])
    if len(parts) != 2:
        return None
    after = _single(parts[1])
    before = _single(parts[0])
    if after is None or before is None:
        return None
    if before.unit and before.same_unit_key != after.same_unit_key:
        return None
    return MetricValue(after.number, after.unit, after.prefix or before.prefix, before.number)


def format_number(number: Decimal) -> str:
    """1200 → "1,200"; 4.60 → "4.6"; -12 → "-12". Never in exponent notation."""
    number = number.normalize()
    text = f"{abs(number):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"-{text}" if number < 0 else text


def format_value(value: MetricValue) -> str:
    """A parsed value written out in full: `parse_value(format_value(v))` reads the same
    numbers back."""

    def one(number: Decimal) -> str:
        sign = "-" if number < 0 else ""
        unit = value.unit
        spaced = unit and unit != "%" and not unit.startswith("/")
        return f"{sign}{value.prefix}{format_number(abs(number))}{' ' if spaced else ''}{unit}"

    if value.before is None:
        return one(value.number)
    return f"{one(value.before)} → {one(value.number)}"


def change(baseline: MetricValue, value: MetricValue) -> Change | None:
    """How `value` differs from `baseline`, when both are in the same unit."""
    if baseline.same_unit_key != value.same_unit_key:
        return None
    difference = value.number - baseline.number
    in_points = value.unit == "%"
    percent = None
    if not in_points and baseline.number != 0:
        percent = (difference / abs(baseline.number) * 100).quantize(Decimal(1))
    return Change(difference=difference, percent=percent, in_points=in_points)
