"""Geometry for the dashboard's pictures, drawn as inline SVG by the templates.

Computing coordinates here keeps the templates simple and lets tests check the
pictures without a browser.
"""

from dataclasses import dataclass

from pm_portfolio.dashboard.figures import MonthActivity
from pm_portfolio.dashboard.figures import SkillCoverage

CHART_WIDTH = 720
CHART_HEIGHT = 260
PLOT_TOP = 24
PLOT_BOTTOM = 220
PLOT_LEFT = 40
PLOT_RIGHT = 710
GROUP_GAP = 0.3


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str


@dataclass(frozen=True)
class MonthColumn:
    label: str
    long_label: str
    label_x: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class CadenceChart:
    width: int
    height: int
    baseline_y: float
    top_y: float
    left_x: float
    right_x: float
    scale_max: int
    columns: tuple[MonthColumn, ...]
    total_shipped: int
    total_learnings: int

    @property
    def summary(self) -> str:
        months = len(self.columns)
        return (
            f"{_count(self.total_shipped, 'product')} shipped and "
            f"{_count(self.total_learnings, 'learning')} recorded in the last {months} months."
        )


@dataclass(frozen=True)
class CoverageRow:
    coverage: SkillCoverage
    products_percent: float
    learnings_percent: float


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def cadence_chart(months: list[MonthActivity]) -> CadenceChart:
    """Two bars a month: products shipped and learnings recorded."""
    scale_max = max([1, *(m.shipped for m in months), *(m.learnings for m in months)])
    plot_height = PLOT_BOTTOM - PLOT_TOP
    group_width = (PLOT_RIGHT - PLOT_LEFT) / max(len(months), 1)
    bar_width = group_width * (1 - GROUP_GAP) / 2
    columns = []
    for index, activity in enumerate(months):
        group_x = PLOT_LEFT + index * group_width + group_width * GROUP_GAP / 2
        bars = []
        for offset, (series, value) in enumerate(
            (("shipped", activity.shipped), ("learnings", activity.learnings))
        ):
            height = plot_height * value / scale_max
            bars.append(
                Bar(
                    x=round(group_x + offset * bar_width, 2),
                    y=round(PLOT_BOTTOM - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    value=value,
                    series=series,
                )
            )
        columns.append(
            MonthColumn(
                label=activity.month.strftime("%b"),
                long_label=activity.month.strftime("%B %Y"),
                label_x=round(PLOT_LEFT + index * group_width + group_width / 2, 2),
                bars=tuple(bars),
            )
        )
    return CadenceChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline_y=PLOT_BOTTOM,
        top_y=PLOT_TOP,
        left_x=PLOT_LEFT,
        right_x=PLOT_RIGHT,
        scale_max=scale_max,
        columns=tuple(columns),
        total_shipped=sum(m.shipped for m in months),
        total_learnings=sum(m.learnings for m in months),
    )


def coverage_rows(coverage: list[SkillCoverage]) -> list[CoverageRow]:
    """Bar lengths as percentages of the best-covered skill."""
    most = max([1, *(row.shipped_products + row.learnings for row in coverage)])
    return [
        CoverageRow(
            coverage=row,
            products_percent=round(100 * row.shipped_products / most, 2),
            learnings_percent=round(100 * row.learnings / most, 2),
        )
        for row in coverage
    ]
