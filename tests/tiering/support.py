"""Test-only metrics whose values a test sets (`FakeMetrics.values[key][partner_id]`), and a small program."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from prm.tenancy import tenant_context
from tiering.metrics import METRICS, Metric, MetricScope, Unit
from tiering.models import EvaluationModel, Tier, TierCriterion, TierProgram

REVENUE = "test_won_revenue"
CERTIFIED = "test_certified_people"


class FakeMetrics:
    def __init__(self):
        self.values: dict[str, dict[int, Decimal]] = {REVENUE: {}, CERTIFIED: {}}
        self.calls: list[tuple[str, object]] = []

    def compute(self, key):
        def compute(scope: MetricScope) -> dict[int, Decimal]:
            self.calls.append((key, scope.partner_ids))
            values = self.values[key]
            if scope.partner_ids is None:
                return dict(values)
            return {pid: values[pid] for pid in scope.partner_ids if pid in values}

        return compute

    def set(self, partner, *, revenue=0, certified=0):
        self.values[REVENUE][partner.pk] = Decimal(revenue)
        self.values[CERTIFIED][partner.pk] = Decimal(certified)


@pytest.fixture
def metrics():
    fake = FakeMetrics()
    METRICS[REVENUE] = Metric(REVENUE, _("Won revenue"), Unit.MONEY, fake.compute(REVENUE))
    METRICS[CERTIFIED] = Metric(
        CERTIFIED,
        _("Certified people"),
        Unit.COUNT,
        fake.compute(CERTIFIED),
        more=ngettext_lazy("%(amount)s more certified person", "%(amount)s more certified people", "count"),
    )
    yield fake
    METRICS.pop(REVENUE)
    METRICS.pop(CERTIFIED)


TIERS = [
    ("Registered", [], {"deal_protection_days": 60}),
    ("Silver", [(REVENUE, "25000"), (CERTIFIED, "1")], {"deal_protection_days": 90}),
    (
        "Gold",
        [(REVENUE, "100000"), (CERTIFIED, "3")],
        {"deal_protection_days": 120, "deal_auto_approve_limit": Decimal("100000")},
    ),
    ("Platinum", [(REVENUE, "500000"), (CERTIFIED, "5")], {"deal_protection_days": 180}),
]


def make_program(tenant, *, model=EvaluationModel.ALL, grace=90, tiers=TIERS) -> TierProgram:
    with tenant_context(tenant):
        program = TierProgram.objects.create(name="Tiers", evaluation_model=model, grace_period_days=grace)
        for rank, (name, criteria, benefits) in enumerate(tiers):
            tier = Tier.objects.create(program=program, name=name, rank=rank, **benefits)
            for position, (key, threshold) in enumerate(criteria):
                TierCriterion.objects.create(
                    program=program, tier=tier, metric_key=key, threshold=Decimal(threshold), position=position
                )
        return program


def tier_named(tenant, name) -> Tier:
    with tenant_context(tenant):
        return Tier.objects.get(name=name)
