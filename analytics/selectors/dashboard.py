"""What the program dashboard and the scorecards show, each in a fixed number of queries whatever the number of
partners, deals or costs: every figure is a grouped query (the metric registry's and the series below), and the
partners named on the page are looked up once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from analytics.metrics import METRICS, Figure, Metric, compute_all
from analytics.metrics.deals import pipeline_by_stage
from analytics.metrics.revenue import revenue_by_month, revenue_by_partner, revenue_by_partner_before
from analytics.metrics.ropi import ropi
from analytics.metrics.time_to_value import partner_time_to_value, time_to_value_by_cohort
from analytics.selectors.base import Rates, Scope, registrations
from analytics.selectors.costs import cost_list, costs_by_kind
from partners.selectors import partners_by_id

# How many partners the ROPI, top and falling tables show.
TOP = 10
# The metric cards, in the order shown (PSAT and engagement come with their sections).
CARD_ORDER = (
    "sourced_revenue",
    "influenced_revenue",
    "sourced_pipeline",
    "influenced_pipeline",
    "win_rate",
    "deal_velocity",
    "average_deal_size",
    "ttv_first_registered",
    "ttv_first_won",
    "ropi",
)


@dataclass
class Card:
    metric: Metric
    figure: Figure

    @property
    def key(self) -> str:
        return self.metric.key


def stage_labels() -> dict[str, str]:
    field = registrations().model._meta.get_field("stage")
    return {value: str(label) for value, label in field.choices}


def _cards(figures: dict[str, Figure]) -> list[Card]:
    return [Card(METRICS[key], figures[key]) for key in CARD_ORDER if key in figures]


def ropi_by_partner(scope: Scope, rates: Rates, *, limit: int = TOP) -> list[dict]:
    """The partners with revenue or cost in the period, best ROPI first (those without cost after, by revenue)."""
    figure = ropi(scope, rates=rates, per_partner=True)
    rows = [
        {"partner_id": pid, "ropi": figure.by_partner[pid], **inputs}
        for pid, inputs in (figure.inputs_by_partner or {}).items()
    ]
    rows.sort(key=lambda r: (r["ropi"] is None, -(r["ropi"] or 0), -r["attributed_revenue"], r["partner_id"]))
    return rows[:limit]


def top_and_falling(scope: Scope, rates: Rates, *, limit: int = TOP) -> tuple[list[dict], list[dict]]:
    """Partners by attributed revenue in the period (top) and those whose revenue fell most against the period of the
    same length before it (falling). Two grouped queries."""
    current = revenue_by_partner(scope, rates)
    previous = revenue_by_partner_before(scope, rates)
    zero = Decimal("0.00")
    rows = [
        {
            "partner_id": pid,
            "revenue": current.get(pid, {}).get("attributed", zero),
            "previous": previous.get(pid, {}).get("attributed", zero),
        }
        for pid in current.keys() | previous.keys()
    ]
    for row in rows:
        row["change"] = row["revenue"] - row["previous"]
    top = sorted((r for r in rows if r["revenue"] > 0), key=lambda r: (-r["revenue"], r["partner_id"]))[:limit]
    falling = sorted((r for r in rows if r["change"] < 0), key=lambda r: (r["change"], r["partner_id"]))[:limit]
    return top, falling


def _name_partners(*tables: list[dict]) -> None:
    ids = {row["partner_id"] for table in tables for row in table}
    partners = partners_by_id(partner_ids=ids)
    for table in tables:
        for row in table:
            partner = partners.get(row["partner_id"])
            row["partner"] = partner.name if partner else ""


def program_dashboard(scope: Scope) -> dict:
    """Every figure of the program dashboard for the scope."""
    rates = Rates()
    figures = compute_all(scope, keys=CARD_ORDER, rates=rates)
    ropi_rows = ropi_by_partner(scope, rates)
    top, falling = top_and_falling(scope, rates)
    _name_partners(ropi_rows, top, falling)
    labels = stage_labels()
    stages = pipeline_by_stage(scope, rates)
    for row in stages:
        row["label"] = labels.get(row["stage"], row["stage"])
    return {
        "base_currency": rates.base,
        "cards": _cards(figures),
        "unconverted": max((figure.unconverted for figure in figures.values()), default=0),
        "tables": {
            "revenue_by_month": revenue_by_month(scope, rates),
            "pipeline_by_stage": stages,
            "ttv_by_cohort": time_to_value_by_cohort(scope),
            "ropi_by_partner": ropi_rows,
            "top_partners": top,
            "falling_partners": falling,
            "costs_by_kind": costs_by_kind(scope, rates),
        },
    }


def partner_scorecard(scope: Scope, partner_id: int) -> dict:
    """One partner's figures for the period (its own scope), its time to value, revenue by month and costs."""
    mine = scope.for_partner(partner_id)
    rates = Rates()
    figures = compute_all(mine, keys=CARD_ORDER, rates=rates)
    ttv = partner_time_to_value([partner_id]).get(partner_id, {})
    # A partner's time to value is its own, whenever it started (not a median over a cohort of the period).
    for key, field in (("ttv_first_registered", "days_to_registered"), ("ttv_first_won", "days_to_won")):
        days = ttv.get(field)
        figures[key] = Figure(value=None if days is None else Decimal(days))
    return {
        "base_currency": rates.base,
        "cards": _cards(figures),
        "started": ttv.get("started"),
        "unconverted": max((figure.unconverted for figure in figures.values()), default=0),
        "tables": {
            "revenue_by_month": revenue_by_month(mine, rates),
            "costs_by_kind": costs_by_kind(mine, rates),
        },
    }


def partner_recent_costs(partner_id: int, *, limit: int = 20):
    return list(cost_list(partner_id=partner_id)[:limit])
