"""Analytics' part of the demo program: exchange rates and 18 months of partner costs, written as history, so the
dashboard's ROPI tells a story. Costs follow each partner's attributed revenue (seeded by the apps below):

- most partners get quarterly incentives and rebates (a share of what they earned that quarter), an enablement
  bootcamp when they started, and monthly channel-manager time — a solid, positive ROPI;
- a few partners without revenue got heavy MDF: their ROPI is negative, the partners to look at;
- every eighth partner has no cost at all: "no cost recorded".

European partners' costs are in EUR (converted with the demo's rate). Deterministic (a seeded random), and
idempotent: a second run finds the costs and changes nothing."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from analytics.metrics.revenue import revenue_by_partner
from analytics.models import CostKind, CostSource, ExchangeRate, PartnerCost
from analytics.selectors.base import Rates, Scope
from partners.selectors import partners_in_program
from prm.tenancy import current_tenant

MONTHS = 18
RATES = {"EUR": Decimal("1.08"), "GBP": Decimal("1.27"), "CAD": Decimal("0.73")}
CENT = Decimal("0.01")


def _month_start(today: date, months_back: int) -> date:
    month = today.month - months_back
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def _amount(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def seed_costs(tenant, admin) -> None:
    if PartnerCost.objects.exists():
        return
    base = current_tenant().base_currency
    for currency, rate in RATES.items():
        if currency != base:
            ExchangeRate.objects.get_or_create(currency=currency, defaults={"rate": rate})
    today = timezone.localdate()
    first = _month_start(today, MONTHS - 1)
    revenue = revenue_by_partner(Scope(start=first, end=today), Rates())
    rng = random.Random(15)  # noqa: S311 - demo data, not security
    user = getattr(admin, "user", None)
    costs: list[PartnerCost] = []

    def add(partner, day, kind, amount, currency, note):
        costs.append(
            PartnerCost(
                tenant=tenant,
                partner_organization=partner,
                period_start=day,
                kind=kind,
                amount=_amount(amount),
                currency=currency,
                note=note,
                source=CostSource.MANUAL,
                created_by=user,
            )
        )

    quarters = [_month_start(today, back) for back in range(MONTHS - 1, -1, -3)]
    for index, partner in enumerate(partners_in_program()):
        if index % 8 == 7:
            continue  # no cost recorded
        currency = "EUR" if partner.region == "EMEA" and base != "EUR" else base
        rate = RATES.get(currency, Decimal(1)) if currency != base else Decimal(1)
        earned = revenue.get(partner.pk, {}).get("attributed", Decimal(0))
        if earned == 0 and index % 3 == 0:
            for quarter in quarters:
                add(
                    partner,
                    quarter,
                    CostKind.MDF,
                    rng.randint(4000, 9000) / rate,
                    currency,
                    "Demand generation campaign",
                )
            continue
        add(
            partner,
            first,
            CostKind.ENABLEMENT,
            rng.randint(1500, 3500) / rate,
            currency,
            "Sales and technical bootcamp",
        )
        for quarter in quarters:
            share = Decimal(rng.randint(5, 12)) / Decimal(100)
            incentive = earned / Decimal(len(quarters)) * share / rate
            if incentive > 0:
                add(partner, quarter, CostKind.INCENTIVES, incentive, currency, "Quarterly rebate")
        for back in range(MONTHS - 1, -1, -1):
            add(
                partner,
                _month_start(today, back),
                CostKind.SUPPORT,
                rng.randint(150, 450) / rate,
                currency,
                "Channel manager time",
            )
    PartnerCost.objects.bulk_create(costs, batch_size=1000)
