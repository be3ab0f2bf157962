"""The metric registry: every partner metric a tier criterion can name.

A metric is one set-based query function: given a tenant's scope it returns one value per partner organization, for
all partners of the tenant (or the ones asked for) in a few queries, never one query per partner. A new metric is a
new function with `@metric(...)` in a module of this package (imported below); nothing else changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise


class Unit(StrEnum):
    MONEY = "money"  # in the tenant's base currency
    COUNT = "count"
    PERCENT = "percent"  # 0–100
    DAYS = "days"
    SCORE = "score"  # a survey or satisfaction score on its own scale
    FLAG = "flag"  # 1 when true, 0 when false


@dataclass(frozen=True)
class MetricScope:
    """What a metric is computed for, inside the tenant's context (row-level security picks the tenant's rows).
    `partner_ids` None means every partner organization of the tenant.
    `window_days` is the trailing window for metrics over time (won revenue, won deals, win rate); `options` carries
    a criterion's own parameters (e.g. `{"certification_ids": [3, 7]}` for certified people)."""

    as_of: date
    partner_ids: Sequence[int] | None = None
    window_days: int = 365
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: Unit
    # Returns {partner_organization_id: value}; a partner with nothing to count may be left out (it reads as 0).
    compute: Callable[[MetricScope], dict[int, Decimal]]
    # Options a criterion may set for this metric, e.g. ("certification_ids",).
    options: tuple[str, ...] = ()
    help_text: Promise | str = ""
    # What is missing, in the plural form the amount needs: `ngettext_lazy("%(amount)s more won deal",
    # "%(amount)s more won deals", "count")`, formatted with {"count": whole number, "amount": shown number}.
    # None: the metric is a quantity ("40,000.00 USD more won revenue"), or a count named without plural forms.
    more: Promise | None = None


METRICS: dict[str, Metric] = {}


def metric(
    key: str,
    label: Promise,
    unit: Unit,
    *,
    options: tuple[str, ...] = (),
    help_text: Promise | str = "",
    more: Promise | None = None,
):
    """Registers the decorated function as the metric `key` (`more`: see `Metric.more`)."""

    def register(compute: Callable[[MetricScope], dict[int, Decimal]]):
        if key in METRICS:
            raise ValueError(f"metric {key!r} is registered twice")
        METRICS[key] = Metric(key, label, unit, compute, options, help_text, more)
        return compute

    return register


def compute_metrics(keys: Sequence[str], scope: MetricScope) -> dict[str, dict[int, Decimal]]:
    """Every named metric for the scope's partners: {metric key: {partner id: value}}; missing partners read as 0."""
    unknown = [key for key in keys if key not in METRICS]
    if unknown:
        raise KeyError(f"unknown metric(s): {', '.join(unknown)}")
    return {key: METRICS[key].compute(scope) for key in keys}


# Each module below registers its metrics when imported. Metrics read other apps through their selectors only.
from tiering.metrics import performance, program, skilling  # noqa: E402,F401

# Metrics still to come, once their apps exist. Both apps sit above tiering in the layers (tiering cannot import
# them), so each registers its metric itself with `@metric` in a module its AppConfig.ready() imports:
# - "psat_score" (Unit.SCORE): the partner's average customer-satisfaction (PSAT/CSAT) answer in the window, from
#   analytics' survey answers; partners without answers absent (no evidence, not a bad score).
# - "mdf_utilisation" (Unit.PERCENT): MDF claimed and paid as a percentage of the MDF allocated to the partner in
#   the window, from mdf's allocations and claims.
