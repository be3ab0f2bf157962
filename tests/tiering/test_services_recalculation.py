"""The recalculation: promotion at once, demotion only after the grace period (time frozen), overrides held until
they end, assessments that explain the result, idempotence, events and notifications, the partners' tier cache,
and a query count that does not grow with the number of partners."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dealreg.models import PartnerDealTerms
from prm.models import Event, Notification
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.partners.onboarding_support import relay
from tests.tiering.support import make_program, tier_named
from tiering.models import TierAssessment, TierChange, TierProgram, TierStanding
from tiering.services.programs import tier_override_create, tier_override_end
from tiering.services.recalculation import tiers_recalculate

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def recalc(tenant, on=DAY, **kwargs):
    with time_machine.travel(on, tick=False), tenant_context(tenant):
        return tiers_recalculate(as_of=on, **kwargs)


def standing(tenant, partner) -> TierStanding:
    with tenant_context(tenant):
        return TierStanding.objects.select_related("tier").get(partner_organization=partner)


def assessments(tenant, partner) -> list[TierAssessment]:
    with tenant_context(tenant):
        return list(TierAssessment.objects.filter(partner_organization=partner).order_by("id"))


def events(tenant, event_type):
    with tenant_context(tenant):
        return list(Event.objects.filter(type=event_type).order_by("id"))


@pytest.fixture
def program(tenant):
    return make_program(tenant)


def test_partners_get_the_highest_tier_their_metrics_meet(tenant, program, metrics):
    gold = PartnerOrganizationFactory(tenant=tenant, name="Gold Co")
    silver = PartnerOrganizationFactory(tenant=tenant, name="Silver Co")
    new = PartnerOrganizationFactory(tenant=tenant, name="New Co")
    metrics.set(gold, revenue=150000, certified=3)
    metrics.set(silver, revenue=150000, certified=1)
    run = recalc(tenant)
    assert run.partners == 3 and run.changes == {TierChange.ENTERED: 3}
    assert standing(tenant, gold).tier.name == "Gold"
    assert standing(tenant, silver).tier.name == "Silver"
    assert standing(tenant, new).tier.name == "Registered"
    # The partners' cached tier (directory filter, API) follows.
    with tenant_context(tenant):
        gold.refresh_from_db()
    assert gold.tier == "Gold"


def test_promotion_takes_effect_at_once_and_is_announced(tenant, program, metrics, partner_org, partner_admin):
    owner = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    with tenant_context(tenant):
        partner_org.owner = owner.user
        partner_org.save()
    metrics.set(partner_org, revenue=30000, certified=1)
    recalc(tenant)
    metrics.set(partner_org, revenue=120000, certified=3)
    recalc(tenant, DAY + timedelta(days=1))
    held = standing(tenant, partner_org)
    assert held.tier.name == "Gold" and held.since == DAY + timedelta(days=1)
    changed = events(tenant, "partner.tier_changed")[-1]
    assert changed.payload["tier"] == "Gold" and changed.payload["previous_tier"] == "Silver"
    assert changed.payload["change"] == TierChange.PROMOTED
    relay(tenant)
    with tenant_context(tenant):
        notified = set(Notification.objects.filter(kind="partner.tier_changed").values_list("user_id", flat=True))
    assert {partner_admin.user_id, owner.user_id} <= notified


def test_demotion_only_after_the_grace_period(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=150000, certified=3)
    recalc(tenant)
    metrics.set(partner_org, revenue=30000, certified=3)

    recalc(tenant, DAY + timedelta(days=1))
    held = standing(tenant, partner_org)
    assert held.tier.name == "Gold" and held.is_at_risk()
    assert held.demotion_due == DAY + timedelta(days=91)
    at_risk = events(tenant, "partner.tier_at_risk")
    assert len(at_risk) == 1 and "70,000.00" in at_risk[0].payload["missing"]

    recalc(tenant, DAY + timedelta(days=90))
    assert standing(tenant, partner_org).tier.name == "Gold"
    assert len(events(tenant, "partner.tier_at_risk")) == 1  # told once, not every night

    recalc(tenant, DAY + timedelta(days=91))
    held = standing(tenant, partner_org)
    assert held.tier.name == "Silver" and not held.is_at_risk()
    assert assessments(tenant, partner_org)[-1].change == TierChange.DEMOTED


def test_qualifying_again_during_the_grace_period_keeps_the_tier(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=150000, certified=3)
    recalc(tenant)
    metrics.set(partner_org, revenue=30000, certified=3)
    recalc(tenant, DAY + timedelta(days=1))
    metrics.set(partner_org, revenue=110000, certified=3)
    recalc(tenant, DAY + timedelta(days=10))
    held = standing(tenant, partner_org)
    assert held.tier.name == "Gold" and not held.is_at_risk() and held.since == DAY
    assert assessments(tenant, partner_org)[-1].change == TierChange.RECOVERED


def test_a_program_without_grace_demotes_at_once(tenant, metrics, partner_org):
    make_program(tenant, grace=0)
    metrics.set(partner_org, revenue=150000, certified=3)
    recalc(tenant)
    metrics.set(partner_org, revenue=0, certified=0)
    recalc(tenant, DAY + timedelta(days=1))
    assert standing(tenant, partner_org).tier.name == "Registered"


def test_override_is_respected_until_it_ends(tenant, program, metrics, partner_org, tenant_admin):
    metrics.set(partner_org, revenue=0, certified=0)
    recalc(tenant)
    platinum = tier_named(tenant, "Platinum")
    with time_machine.travel(DAY, tick=False), tenant_context(tenant):
        override = tier_override_create(
            actor=tenant_admin,
            partner=partner_org,
            tier=platinum,
            reason="Strategic launch partner",
            ends_on=DAY + timedelta(days=30),
        )
    assert standing(tenant, partner_org).tier.name == "Platinum"
    recalc(tenant, DAY + timedelta(days=30))
    assert standing(tenant, partner_org).tier.name == "Platinum"
    # After the override its metrics rule again, with the grace period.
    recalc(tenant, DAY + timedelta(days=31))
    held = standing(tenant, partner_org)
    assert held.tier.name == "Platinum" and held.demotion_due == DAY + timedelta(days=121)
    recalc(tenant, DAY + timedelta(days=121))
    assert standing(tenant, partner_org).tier.name == "Registered"
    assert override.reason == "Strategic launch partner"


def test_an_override_ended_early_stops_holding_the_tier(tenant, program, metrics, partner_org, tenant_admin):
    metrics.set(partner_org, revenue=0, certified=0)
    with time_machine.travel(DAY, tick=False), tenant_context(tenant):
        override = tier_override_create(
            actor=tenant_admin, partner=partner_org, tier=tier_named(tenant, "Gold"), reason="Pilot", ends_on=DAY
        )
        tier_override_end(actor=tenant_admin, override=override)
    held = standing(tenant, partner_org)
    assert held.tier.name == "Gold" and held.is_at_risk()


def test_override_needs_a_reason_and_an_end_date(tenant, program, partner_org, tenant_admin):
    from prm.errors import ValidationFailed

    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        tier_override_create(
            actor=tenant_admin, partner=partner_org, tier=tier_named(tenant, "Gold"), reason=" ", ends_on=DAY
        )
    assert refused.value.field == "reason"
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        tier_override_create(
            actor=tenant_admin,
            partner=partner_org,
            tier=tier_named(tenant, "Gold"),
            reason="Pilot",
            ends_on=date(2000, 1, 1),
        )
    assert refused.value.field == "ends_on"


def test_a_partner_may_not_override_its_own_tier(tenant, program, partner_org, partner_admin):
    from prm.errors import PermissionDenied

    with tenant_context(tenant), pytest.raises(PermissionDenied):
        tier_override_create(
            actor=partner_admin, partner=partner_org, tier=tier_named(tenant, "Gold"), reason="x", ends_on=DAY
        )


def test_the_assessment_explains_the_result(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=60000, certified=1)
    recalc(tenant)
    assessment = assessments(tenant, partner_org)[-1]
    assert assessment.change == TierChange.ENTERED
    assert assessment.metric_values == {"test_won_revenue": "60000", "test_certified_people": "1"}
    silver = [row for row in assessment.criteria if row["tier"] == tier_named(tenant, "Silver").pk]
    assert [(row["metric"], row["threshold"], row["value"], row["met"]) for row in silver] == [
        ("test_won_revenue", "25000.0000", "60000", True),
        ("test_certified_people", "1.0000", "1", True),
    ]
    assert "Qualifies for Silver" in assessment.explanation
    assert "To reach Gold: 40,000.00 USD more won revenue and 2 more certified people." in assessment.explanation


def test_recalculating_twice_on_a_day_changes_nothing(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=150000, certified=3)
    recalc(tenant)
    before = (assessments(tenant, partner_org), events(tenant, "partner.tier_changed"), standing(tenant, partner_org))
    run = recalc(tenant)
    assert run.assessed == 0
    after = (assessments(tenant, partner_org), events(tenant, "partner.tier_changed"), standing(tenant, partner_org))
    assert after[:2] == before[:2] and after[2].updated_at == before[2].updated_at


def test_tier_benefits_are_pushed_to_deal_registration(tenant, program, metrics, partner_org):
    metrics.set(partner_org, revenue=150000, certified=3)
    recalc(tenant)
    with tenant_context(tenant):
        terms = PartnerDealTerms.objects.get(partner_organization=partner_org)
    assert (terms.protection_days, terms.auto_approve_max_amount, terms.source) == (120, 100000, "Gold")


def test_default_program_is_seeded_on_the_first_recalculation(tenant):
    with tenant_context(tenant):
        assert not TierProgram.objects.exists()
    recalc(tenant)  # no partners: no metric is computed
    with tenant_context(tenant):
        program = TierProgram.objects.get()
        assert list(program.tiers.values_list("name", flat=True)) == ["Registered", "Silver", "Gold", "Platinum"]


def test_partners_out_of_the_program_are_not_assessed(tenant, program, metrics):
    PartnerOrganizationFactory(tenant=tenant, status="offboarded")
    assert recalc(tenant).partners == 0


def _queries(tenant, partners, metrics):
    for partner in partners:
        metrics.set(partner, revenue=150000, certified=3)
    with time_machine.travel(DAY, tick=False), tenant_context(tenant):
        with CaptureQueriesContext(connection) as captured:
            tiers_recalculate(as_of=DAY)
    return len(captured)


def test_query_count_does_not_grow_with_the_number_of_partners(tenant, other_tenant, metrics):
    make_program(tenant)
    make_program(other_tenant)
    few = [PartnerOrganizationFactory(tenant=tenant) for _ in range(2)]
    many = [PartnerOrganizationFactory(tenant=other_tenant) for _ in range(12)]
    for partner in [*few, *many]:
        PartnerUserFactory(tenant=partner.tenant, partner_organization=partner)
    assert _queries(tenant, few, metrics) == _queries(other_tenant, many, metrics)


def test_partners_are_processed_in_chunks_with_metrics_computed_per_chunk(tenant, program, metrics):
    partners = [PartnerOrganizationFactory(tenant=tenant) for _ in range(5)]
    for partner in partners:
        metrics.set(partner, revenue=30000, certified=1)
    with time_machine.travel(DAY, tick=False), tenant_context(tenant):
        run = tiers_recalculate(as_of=DAY, chunk_size=2)
    assert run.partners == 5
    assert [len(ids) for key, ids in metrics.calls if key == "test_won_revenue"] == [2, 2, 1]
    with tenant_context(tenant):
        assert TierStanding.objects.filter(tier__name="Silver").count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_recalculations_of_a_tenant_run_one_after_the_other(tenant, metrics):
    from tests.concurrency import race

    make_program(tenant)
    partner = PartnerOrganizationFactory(tenant=tenant)
    metrics.set(partner, revenue=150000, certified=3)
    first, second = race(tenant, lambda: tiers_recalculate(as_of=DAY), lambda: tiers_recalculate(as_of=DAY))
    assert first.assessed == 1 and second.assessed == 0
    with tenant_context(tenant):
        assert TierStanding.objects.count() == 1 and TierAssessment.objects.count() == 1
