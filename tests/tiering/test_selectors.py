"""What other apps and the next pages read: benefits by partner, progress to the next tier, and the what-if
simulation (which changes nothing)."""

from datetime import date
from decimal import Decimal

import pytest

from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory
from tests.tiering.support import make_program
from tiering.models import TierAssessment, TierCriterion, TierStanding
from tiering.selectors import tier_benefits_by_partner, tier_benefits_for
from tiering.selectors.progress import tier_progress_for
from tiering.selectors.what_if import tier_what_if
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def program(tenant):
    return make_program(tenant)


def test_benefits_are_the_held_tiers(tenant, program, metrics, partner_org):
    other = PartnerOrganizationFactory(tenant=tenant)
    metrics.set(partner_org, revenue=150000, certified=3)
    with tenant_context(tenant):
        tiers_recalculate(as_of=DAY)
        gold = tier_benefits_for(partner_id=partner_org.pk)
        assert (gold.tier_name, gold.deal_protection_days, gold.deal_auto_approve_limit) == ("Gold", 120, 100000)
        unknown = tier_benefits_by_partner(partner_ids=[other.pk, 999999])
        assert unknown[999999].tier_name == "" and unknown[other.pk].tier_name == "Registered"


def test_progress_names_what_is_missing_for_the_next_tier(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=60000, certified=1)
    with tenant_context(tenant):
        tiers_recalculate(as_of=DAY)
        progress = tier_progress_for(partner_id=partner_org.pk, as_of=DAY)
    assert progress.held.name == "Silver" and progress.target.name == "Gold"
    assert progress.missing == "40,000.00 USD more won revenue and 2 more certified people"
    revenue = progress.metrics[0]
    assert (revenue.shown_value, revenue.shown_threshold, revenue.percent) == ("60,000.00 USD", "100,000.00 USD", 60)


def test_progress_of_a_partner_at_risk_names_what_keeps_its_tier(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=150000, certified=3)
    with tenant_context(tenant):
        tiers_recalculate(as_of=DAY)
        metrics.set(partner_org, revenue=150000, certified=2)
        tiers_recalculate(as_of=date(2026, 3, 3))
        progress = tier_progress_for(partner_id=partner_org.pk, as_of=date(2026, 3, 3))
    assert progress.held.name == "Gold" and progress.qualified.name == "Silver" and progress.target.name == "Gold"
    assert progress.missing == "1 more certified person"


def test_what_if_shows_who_would_move_and_changes_nothing(tenant, program, metrics):
    near = PartnerOrganizationFactory(tenant=tenant, name="Near Gold")
    far = PartnerOrganizationFactory(tenant=tenant, name="Far")
    metrics.set(near, revenue=80000, certified=3)
    metrics.set(far, revenue=1000, certified=0)
    with tenant_context(tenant):
        tiers_recalculate(as_of=DAY)
        gold_revenue = TierCriterion.objects.get(tier__name="Gold", metric_key="test_won_revenue")
        before = (list(TierStanding.objects.values_list("id", "tier_id", "updated_at")), TierAssessment.objects.count())
        result = tier_what_if(program_id=program.pk, thresholds={gold_revenue.pk: Decimal("75000")}, as_of=DAY)
        after = (list(TierStanding.objects.values_list("id", "tier_id", "updated_at")), TierAssessment.objects.count())
        gold_revenue.refresh_from_db()
    assert result.partners == 2 and result.promoted == 1 and result.demoted == 0
    assert [move.partner_id for move in result.moves] == [near.pk]
    assert before == after and gold_revenue.threshold == Decimal("100000")
