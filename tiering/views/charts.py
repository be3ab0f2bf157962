"""Small charts drawn on the server as SVG (no script, readable without one): a partner's metric trend as a sparkline.
Each chart comes with its figures in words for screen readers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH = 120
HEIGHT = 28
PAD = 3


@dataclass(frozen=True)
class Sparkline:
    points: str  # SVG polyline points, "x,y x,y …"
    last_x: float
    last_y: float
    first_day: date
    last_day: date
    count: int
    first: str  # the first and last values, as shown (for the words read out instead of the picture)
    last: str
    width: int = WIDTH
    height: int = HEIGHT


def sparkline(series: list[tuple[date, Decimal]], shown: Callable[[Decimal], str] = str) -> Sparkline | None:
    """The series (oldest first) scaled into a WIDTH × HEIGHT box; None with fewer than two points (no trend).
    `shown` formats a value for the words that describe the line."""
    if len(series) < 2:
        return None
    values = [float(value) for _, value in series]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(values) - 1)
    coordinates = [
        (round(PAD + index * step, 1), round(HEIGHT - PAD - (value - low) * (HEIGHT - 2 * PAD) / span, 1))
        for index, value in enumerate(values)
    ]
    return Sparkline(
        points=" ".join(f"{x},{y}" for x, y in coordinates),
        last_x=coordinates[-1][0],
        last_y=coordinates[-1][1],
        first_day=series[0][0],
        last_day=series[-1][0],
        count=len(series),
        first=shown(series[0][1]),
        last=shown(series[-1][1]),
    )
