"""The fund page's ROI chart, drawn on the server as SVG (no script): per partner, spend beside won revenue, with
the figures in words for screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BAR_HEIGHT = 14
GAP = 10
LABEL_WIDTH = 160
WIDTH = 560


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    spend_width: float
    won_width: float
    spend: Decimal
    won: Decimal


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def roi_bars(rows) -> BarChart | None:
    """`rows`: (partner, Roi) pairs. Two bars per partner (spend, won revenue), scaled to the largest value."""
    if not rows:
        return None
    largest = max(max(roi.spend, roi.won_revenue) for _, roi in rows) or Decimal(1)
    room = WIDTH - LABEL_WIDTH - 10
    bars = []
    for index, (partner, roi) in enumerate(rows):
        y = index * (2 * BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                label=partner.name[:28],
                y=y,
                spend_width=round(float(roi.spend / largest) * room, 1),
                won_width=round(float(roi.won_revenue / largest) * room, 1),
                spend=roi.spend,
                won=roi.won_revenue,
            )
        )
    return BarChart(
        bars=bars,
        width=WIDTH,
        height=len(rows) * (2 * BAR_HEIGHT + GAP),
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )
