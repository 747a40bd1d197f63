"""A product's results as a case study shows them: the value as typed, the change from
its baseline, the time window, whether the change is for the better, and a small
before/after picture's proportions."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pm_portfolio.core.dates import date_label
from pm_portfolio.core.metric_values import MINUS_SIGN
from pm_portfolio.core.metric_values import Change
from pm_portfolio.core.metric_values import MetricValue
from pm_portfolio.core.metric_values import change
from pm_portfolio.core.metric_values import format_number
from pm_portfolio.core.metric_values import parse_value
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import MetricDirection

EN_DASH = " \u2013 "
# A metric's own fields, as text, in the order files write them (the cited media aside).
METRIC_TEXT_FIELDS = [
    "label", "value", "note", "baseline", "unit", "time_window", "window_start", "window_end",
    "direction", "source_url", "caveat", "target",
]  # fmt: skip
# Where a JSON Resume project keeps its metrics whole, for a lossless import back.
RESUME_METRICS_KEY = "x-pm-portfolio-metrics"
# The before/after picture: two bars, the longer one this many units wide.
BAR_SCALE = 100


@dataclass(frozen=True)
class BeforeAfter:
    """The widths (0 to BAR_SCALE) of the before and after bars, and what they say."""

    before_width: float
    after_width: float
    description: str


@dataclass(frozen=True)
class MetricFacts:
    value: str
    baseline: str
    change: str
    better: bool | None
    window: str
    picture: BeforeAfter | None
    target: str = ""
    # Whether the value reached the target; None when the better direction is unknown.
    met_target: bool | None = None

    @property
    def movement(self) -> str:
        """ "14 min → 6 min", or the value alone when there is no baseline."""
        return f"{self.baseline} → {self.value}" if self.baseline else self.value

    @property
    def against_target(self) -> str:
        """ "vs a target of 30% ✓", or "" without a target."""
        if not self.target:
            return ""
        mark = {True: " ✓", False: " ✗", None: ""}[self.met_target]
        return f"vs a target of {self.target}{mark}"


def with_unit(text: str, unit: str) -> str:
    """The typed value with the metric's unit, unless the value says it already."""
    if not text or not unit or text.casefold().endswith(unit.casefold()):
        return text
    return f"{text}{'' if unit == '%' else ' '}{unit}"


def _read(text: str, unit: str) -> MetricValue | None:
    value = parse_value(text)
    if value is not None and not value.unit and unit:
        return MetricValue(value.number, unit, value.prefix, value.before)
    return value


def _signed(number: Decimal) -> str:
    sign = "+" if number > 0 else MINUS_SIGN if number < 0 else ""
    return f"{sign}{format_number(abs(number))}"


def change_label(difference: Change, unit: str) -> str:
    """A relative change ("-57 %", with a true minus sign), "+8 pts" for percentages,
    else the difference in the metric's unit."""
    if difference.in_points:
        return f"{_signed(difference.difference)} pts"
    if difference.percent is not None:
        return f"{_signed(difference.percent)} %"
    return with_unit(_signed(difference.difference), unit)


def window_label(text: str, start: date | None, end: date | None) -> str:
    """ "first 8 weeks (1 Mar to 26 Apr 2026)", or whichever part the maker gave; the
    dates are joined by an en dash."""
    if start and end:
        same_year = start.year == end.year
        begins = f"{start.day} {start:%b}" if same_year else date_label(start)
        dates = f"{begins}{EN_DASH}{date_label(end)}"
    elif start:
        dates = f"from {date_label(start)}"
    elif end:
        dates = f"until {date_label(end)}"
    else:
        dates = ""
    if text and dates:
        return f"{text} ({dates})"
    return text or dates


def _picture(before: Decimal, after: Decimal, label: str, unit: str) -> BeforeAfter | None:
    if before < 0 or after < 0 or max(before, after) == 0:
        return None
    top = max(before, after)
    return BeforeAfter(
        before_width=float(before / top * BAR_SCALE),
        after_width=float(after / top * BAR_SCALE),
        description=f"{label}: before {with_unit(format_number(before), unit)}, "
        f"after {with_unit(format_number(after), unit)}.",
    )


def _met_target(
    metric: Metric, value: MetricValue | None, baseline: MetricValue | None
) -> bool | None:
    """Whether the value reached the target: by the direction the maker chose, else by
    the way the target lies from the baseline; None when neither says which way is up."""
    target = _read(metric.target, metric.unit) if metric.target else None
    # "6 min" against a "1 h" target, or dollars against users: not comparable.
    if value is None or target is None or target.same_unit_key != value.same_unit_key:
        return None
    if metric.direction:
        higher_is_better = metric.direction == MetricDirection.UP
    elif (
        baseline is not None
        and baseline.same_unit_key == target.same_unit_key
        and target.number != baseline.number
    ):
        higher_is_better = target.number > baseline.number
    else:
        return None
    return value.number >= target.number if higher_is_better else value.number <= target.number


def metric_facts(metric: Metric) -> MetricFacts:
    value = _read(metric.value, metric.unit)
    if value is not None and value.before is not None:
        # "14 → 6 min" carries its own baseline, which the baseline field cannot contradict.
        baseline_text = ""
        baseline = MetricValue(value.before, value.unit, value.prefix)
    else:
        baseline_text = metric.baseline
        baseline = _read(metric.baseline, metric.unit) if metric.baseline else None
    difference = change(baseline, value) if baseline and value else None
    better = None
    if difference is not None and difference.difference and metric.direction:
        better = (difference.difference > 0) == (metric.direction == MetricDirection.UP)
    unit = value.unit if value else metric.unit
    return MetricFacts(
        value=with_unit(metric.value, metric.unit),
        baseline=with_unit(baseline_text, metric.unit),
        change=change_label(difference, unit) if difference else "",
        better=better,
        window=window_label(metric.time_window, metric.window_start, metric.window_end),
        picture=_picture(baseline.number, value.number, metric.label, unit) if difference else None,
        target=with_unit(metric.target, metric.unit),
        met_target=_met_target(metric, value, baseline),
    )


def headline_metric(metrics: list[Metric]) -> Metric | None:
    """The result that says most, for the top of a case study and its preview card: a
    change for the better, else a change whose better direction is not said, else a
    target reached, else the first the maker listed; a change for the worse leads only
    when nothing else is there (it is still shown with the others)."""

    def strength(metric: Metric) -> int:
        facts = metric_facts(metric)
        if facts.better:
            return 3
        if facts.change and facts.better is None:
            return 2
        if facts.met_target:
            return 1
        return -1 if facts.better is False else 0

    # max() keeps the first of equals: the maker's own order breaks ties.
    return max(metrics, key=strength, default=None)


def metric_source(metric: Metric) -> MediaItem | None:
    """The product's picture, PDF or embed the maker cited as the number's source.
    Found among the product's media, which case-study pages load anyway."""
    if metric.source_media_id is None:
        return None
    return next((item for item in metric.product.media if item.id == metric.source_media_id), None)


def metric_sentence(metric: Metric) -> str:
    """One line for plain-text readers (a JSON Resume's highlights):
    "Onboarding time: 14 min → 6 min (-57 %, first 8 weeks; n = 38, self-selected)"."""
    facts = metric_facts(metric)
    details = ", ".join(
        part for part in (facts.change, facts.against_target, facts.window, metric.note) if part
    )
    details = "; ".join(part for part in (details, metric.caveat) if part)
    return f"{metric.label}: {facts.movement}" + (f" ({details})" if details else "")


def metric_record(metric: Metric) -> dict[str, str]:
    """A metric's filled-in fields as text, for other tools (JSON Resume)."""
    values = {name: getattr(metric, name) for name in METRIC_TEXT_FIELDS}
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
        if value
    }
