"""Reading numbers out of metrics as makers type them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pm_portfolio.core.metric_values import Change
from pm_portfolio.core.metric_values import MetricValue
from pm_portfolio.core.metric_values import change
from pm_portfolio.core.metric_values import format_value
from pm_portfolio.core.metric_values import parse_value


@pytest.mark.parametrize(
    ("text", "number", "unit", "prefix", "before"),
    [
        ("1,200", "1200", "", "", None),
        ("1.2k", "1200", "", "", None),
        ("3K", "3000", "", "", None),
        ("1.2M users", "1200000", "users", "", None),
        ("2bn", "2000000000", "", "", None),
        ("38%", "38", "%", "", None),
        ("38 %", "38", "%", "", None),
        ("$1,200", "1200", "", "$", None),
        ("€3.5k/mo", "3500", "/mo", "€", None),
        ("-$1,200", "-1200", "", "$", None),
        ("4.6/5", "4.6", "/5", "", None),
        ("12 / 20", "12", "/20", "", None),
        ("14 → 6 min", "6", "min", "", "14"),
        ("14 min -> 6 min", "6", "min", "", "14"),
        ("38% → 46%", "46", "%", "", "38"),
        ("-12%", "-12", "%", "", None),
        ("\u221212 %", "-12", "%", "", None),
        ("+15%", "15", "%", "", None),
        ("140 teams", "140", "teams", "", None),
        ("5m", "5", "m", "", None),
        ("2.5 hours", "2.5", "hours", "", None),
        ("0", "0", "", "", None),
    ],
)
def test_values_as_makers_type_them(text, number, unit, prefix, before):
    value = parse_value(text)

    assert value is not None
    assert value.number == Decimal(number)
    assert (value.unit, value.prefix) == (unit, prefix)
    assert value.before == (Decimal(before) if before else None)


@pytest.mark.parametrize(
    "text",
    ["", "about a dozen", "n/a", "Top 10 on Product Hunt", "1 → 2 → 3", "14 min → 6 h",
     "x" * 61, "9" * 30],
)  # fmt: skip
def test_text_that_is_not_a_number_is_kept_and_not_charted(text):
    assert parse_value(text) is None


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (MetricValue(Decimal("1200.0")), "1,200"),
        (MetricValue(Decimal("4.60"), "/5"), "4.6/5"),
        (MetricValue(Decimal("-1200"), "", "$"), "-$1,200"),
        (MetricValue(Decimal("6"), "min", before=Decimal("14")), "14 min → 6 min"),
        (MetricValue(Decimal("0.000001"), "%"), "0.000001%"),
    ],
)
def test_a_value_is_written_in_full(value, written):
    assert format_value(value) == written


def test_the_change_from_a_baseline():
    assert change(parse_value("14 min"), parse_value("6 min")) == Change(-8, -57, False)
    assert change(parse_value("$1,000"), parse_value("$1.5k")) == Change(500, 50, False)
    assert change(parse_value("38%"), parse_value("46%")) == Change(8, None, True)
    assert change(parse_value("0 users"), parse_value("40 users")) == Change(40, None, False)
    assert change(parse_value("14 min"), parse_value("6 h")) is None
    assert change(parse_value("$10"), parse_value("€12")) is None


@given(st.text(max_size=60))
def test_formatting_a_parsed_value_never_changes_its_number(text):
    value = parse_value(text)
    if value is None:
        return
    again = parse_value(format_value(value))

    assert again is not None
    assert (again.number, again.before) == (value.number, value.before)
    assert again.same_unit_key == value.same_unit_key


NUMBERS = st.decimals(
    min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=3
)
UNITS = st.sampled_from(["", "%", "/5", "/10", "min", "users", "teams", "h", "kg", "ms"])


@given(NUMBERS, UNITS, st.sampled_from(["", "$", "€", "£"]), st.none() | NUMBERS)
def test_any_number_written_out_reads_back_the_same(number, unit, prefix, before):
    value = MetricValue(number, unit, prefix, before)

    again = parse_value(format_value(value))

    assert again is not None
    assert (again.number, again.before) == (number, before)


@pytest.mark.parametrize("text", ["--5", "+-5", "1,,,,2", "1,2", "0.00000000000000000000000000001"])
def test_malformed_or_absurd_numbers_are_not_read(text):
    assert parse_value(text) is None


def test_the_largest_change_from_the_smallest_baseline_is_still_said():
    smallest, largest = parse_value("0.000001"), parse_value("999,999,999,999,999")

    result = change(smallest, largest)

    assert result.percent == Decimal("99999999999999899999900")
