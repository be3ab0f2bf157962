"""Programs read from the database into the evaluation's values: the points model's pass marks and categories, and
the index model's program-wide criteria, end to end through a recalculation."""

from decimal import Decimal

import pytest

from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory
from tests.tiering.support import CERTIFIED, REVENUE
from tiering.models import EvaluationModel, Tier, TierCriterion, TierProgram, TierStanding
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db


def held(tenant, partner):
    with tenant_context(tenant):
        return TierStanding.objects.select_related("tier").get(partner_organization=partner).tier.name


def test_points_program_from_the_database(tenant, metrics):
    with tenant_context(tenant):
        program = TierProgram.objects.create(name="Points", evaluation_model=EvaluationModel.POINTS)
        Tier.objects.create(program=program, name="Member", rank=0)
        solutions = Tier.objects.create(program=program, name="Solutions Partner", rank=1, min_score=Decimal(70))
        TierCriterion.objects.create(
            program=program, tier=solutions, metric_key=REVENUE, threshold=100000, points=60, category="performance"
        )
        TierCriterion.objects.create(
            program=program, tier=solutions, metric_key=CERTIFIED, threshold=4, points=40, category="skilling"
        )
    passing = PartnerOrganizationFactory(tenant=tenant)
    lopsided = PartnerOrganizationFactory(tenant=tenant)
    metrics.set(passing, revenue=50000, certified=4)  # 30 + 40 = 70
    metrics.set(lopsided, revenue=500000, certified=0)  # 60 + 0, and skilling scored nothing
    with tenant_context(tenant):
        tiers_recalculate()
    assert held(tenant, passing) == "Solutions Partner"
    assert held(tenant, lopsided) == "Member"


def test_index_program_from_the_database(tenant, metrics):
    with tenant_context(tenant):
        program = TierProgram.objects.create(name="Index", evaluation_model=EvaluationModel.INDEX)
        for rank, (name, band) in enumerate([("Select", 0), ("Premier", 4), ("Gold", 8)]):
            Tier.objects.create(program=program, name=name, rank=rank, min_score=Decimal(band))
        TierCriterion.objects.create(program=program, metric_key=REVENUE, threshold=100000, points=3)
        TierCriterion.objects.create(program=program, metric_key=CERTIFIED, threshold=4, points=1)
    middle = PartnerOrganizationFactory(tenant=tenant)
    top = PartnerOrganizationFactory(tenant=tenant)
    metrics.set(middle, revenue=50000, certified=2)  # index 5
    metrics.set(top, revenue=100000, certified=4)  # index 10
    with tenant_context(tenant):
        tiers_recalculate()
    assert held(tenant, middle) == "Premier"
    assert held(tenant, top) == "Gold"
