"""The program metrics, each defined once: its key, label, unit, the definition shown beside the figure (on the pages,
in the API and in docs/analytics.md) and one set-based function over a `Scope` (period and partner filters).

`compute(scope, per_partner=False)` answers a `Figure`: the program's value for the partners in scope and, when
asked, each partner's value, from grouped queries whatever the number of partners or deals. A new metric is a
function with `@metric(...)` in a module of this package (imported at the end)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise

from analytics.selectors.base import Rates, Scope


class Unit(StrEnum):
    MONEY = "money"  # in the tenant's base currency
    PERCENT = "percent"  # 0–100
    DAYS = "days"
    COUNT = "count"


@dataclass
class Figure:
    """A metric's value for the scope (None: nothing to measure — no deal closed, no partner in the cohort, or for
    ROPI no cost recorded), each partner's when asked, the inputs it was computed from (ROPI's revenue and cost) and
    how many deals were left out for want of an exchange rate."""

    value: Decimal | None
    by_partner: dict[int, Decimal | None] | None = None
    inputs: dict[str, Decimal] = field(default_factory=dict)
    inputs_by_partner: dict[int, dict[str, Decimal]] | None = None
    unconverted: int = 0


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: Unit
    definition: Promise
    compute: Callable[..., Figure]
    # What the page shows instead of an empty value (ROPI: "no cost recorded").
    empty_text: Promise | None = None


METRICS: dict[str, Metric] = {}


def metric(key: str, label: Promise, unit: Unit, definition: Promise, *, empty_text: Promise | None = None):
    """Registers the decorated function `(scope, *, rates, per_partner) -> Figure` as the metric `key`."""

    def register(compute):
        if key in METRICS:
            raise ValueError(f"metric {key!r} is registered twice")
        METRICS[key] = Metric(key, label, unit, definition, compute, empty_text)
        return compute

    return register


def compute(key: str, scope: Scope, *, per_partner: bool = False, rates: Rates | None = None) -> Figure:
    return METRICS[key].compute(scope, rates=rates or Rates(), per_partner=per_partner)


def compute_all(
    scope: Scope, *, keys: Sequence[str] | None = None, per_partner: bool = False, rates: Rates | None = None
) -> dict[str, Figure]:
    """Every metric (or the ones named) for the scope: the exchange rates read once (or the caller's, with the
    figures it already computed), then each metric's queries."""
    rates = rates or Rates()
    return {key: METRICS[key].compute(scope, rates=rates, per_partner=per_partner) for key in (keys or METRICS)}


from analytics.metrics import deals, revenue, ropi, time_to_value  # noqa: E402,F401
