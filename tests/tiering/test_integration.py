"""Tiering with the apps below it: deal registration uses the tier's protection days and auto-approval limit; an
expired certification demotes after the grace period (through the on-demand recalculation its event queues); the
nightly job recalculates every tenant."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from dealreg.models import DealStatus, EngagementRules
from dealreg.services import registrations as deals
from dealreg.services.review import deal_approve
from enablement.services.certifications import certification_expiry_run
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.dealreg.helpers import deal_fields
from tests.enablement.certifications_support import certify
from tests.enablement.certifications_support import program as learning_program
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.partners.onboarding_support import relay
from tests.tiering.support import make_program
from tiering.models import TierChange, TierStanding
from tiering.services.on_demand import partner_recalculation_queue
from tiering.services.recalculation import tiers_recalculate
from tiering.tasks import recalculate_all_tenants

pytestmark = pytest.mark.django_db


def held_tier(tenant, partner):
    with tenant_context(tenant):
        standing = TierStanding.objects.select_related("tier").filter(partner_organization=partner).first()
        return (standing.tier.name if standing and standing.tier else None), standing


def test_deal_registration_uses_the_tiers_protection_days_and_auto_approval_limit(tenant, metrics):
    make_program(tenant)
    gold = PartnerOrganizationFactory(tenant=tenant, name="Gold Co")
    silver = PartnerOrganizationFactory(tenant=tenant, name="Silver Co")
    gold_rep = PartnerUserFactory(tenant=tenant, partner_organization=gold, role=Role.PARTNER_SALES)
    silver_rep = PartnerUserFactory(tenant=tenant, partner_organization=silver, role=Role.PARTNER_SALES)
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    metrics.set(gold, revenue=150000, certified=3)
    metrics.set(silver, revenue=30000, certified=1)
    with tenant_context(tenant):
        EngagementRules.objects.create(protection_days=45, auto_approve=True, auto_approve_max_amount=Decimal("10000"))
        tiers_recalculate()
        # Gold: auto-approval up to 100,000 and 120 days of protection, where the rules say 10,000 and 45 days.
        won = deals.deal_create(actor=gold_rep, submit=True, **deal_fields(amount=Decimal("48000")))
        assert won.status == DealStatus.APPROVED and won.auto_approved
        assert won.protected_until == timezone.localdate() + timedelta(days=120)
        # Silver has no limit of its own: the rules' 10,000 applies, so a person decides; its 90 days apply.
        waiting = deals.deal_create(
            actor=silver_rep, submit=True, **deal_fields(amount=Decimal("48000"), customer_name="Globex Corp")
        )
        assert waiting.status != DealStatus.APPROVED
        approved = deal_approve(actor=manager, registration=waiting)
        assert approved.protected_until == timezone.localdate() + timedelta(days=90)


AWARDED = datetime.fromisoformat("2026-01-15T09:00:00+00:00")
EXPIRES = AWARDED + relativedelta(months=12)
TIERS = [
    ("Registered", [], {}),
    ("Certified", [("certified_people", "1")], {"deal_protection_days": 120}),
]


def test_an_expired_certification_demotes_after_the_grace_period(django_capture_on_commit_callbacks):
    p = learning_program()
    make_program(p.tenant, tiers=TIERS, grace=30)
    with time_machine.travel(AWARDED, tick=False):
        certify(p, at=AWARDED)
        with tenant_context(p.tenant):
            tiers_recalculate()
    assert held_tier(p.tenant, p.partner)[0] == "Certified"

    # The expiry is recorded; its event queues the partner's recalculation, which puts the tier at risk.
    after_expiry = EXPIRES + timedelta(hours=2)
    with time_machine.travel(after_expiry, tick=False):
        with tenant_context(p.tenant):
            assert certification_expiry_run().expired == 1
        with django_capture_on_commit_callbacks(execute=True):
            relay(p.tenant)
    name, standing = held_tier(p.tenant, p.partner)
    assert name == "Certified" and standing.is_at_risk()
    due = standing.demotion_due
    assert due == after_expiry.date() + timedelta(days=30)

    with time_machine.travel(datetime.combine(due - timedelta(days=1), datetime.min.time()), tick=False):
        with tenant_context(p.tenant):
            tiers_recalculate()
    assert held_tier(p.tenant, p.partner)[0] == "Certified"
    with time_machine.travel(datetime.combine(due, datetime.min.time()), tick=False):
        with tenant_context(p.tenant):
            run = tiers_recalculate()
    assert held_tier(p.tenant, p.partner)[0] == "Registered" and run.changes == {TierChange.DEMOTED: 1}


def test_on_demand_recalculations_are_debounced_per_partner(tenant, partner_org, django_capture_on_commit_callbacks):
    other = PartnerOrganizationFactory(tenant=tenant)
    with tenant_context(tenant), django_capture_on_commit_callbacks() as queued:
        assert partner_recalculation_queue(partner_id=partner_org.pk)
        assert not partner_recalculation_queue(partner_id=partner_org.pk)
        assert partner_recalculation_queue(partner_id=other.pk)
    assert len(queued) == 2


def test_the_nightly_job_recalculates_every_tenant(tenant, other_tenant, metrics):
    make_program(tenant)
    make_program(other_tenant)
    ours = PartnerOrganizationFactory(tenant=tenant)
    theirs = PartnerOrganizationFactory(tenant=other_tenant)
    metrics.set(ours, revenue=150000, certified=3)
    metrics.set(theirs, revenue=30000, certified=1)
    assert recalculate_all_tenants.delay().get() == 2
    assert held_tier(tenant, ours)[0] == "Gold"
    assert held_tier(other_tenant, theirs)[0] == "Silver"


def test_a_won_deal_queues_the_partners_recalculation(tenant, metrics, partner_org, django_capture_on_commit_callbacks):
    from prm.events import record_event

    make_program(tenant)
    metrics.set(partner_org, revenue=30000, certified=1)
    with tenant_context(tenant):
        record_event("deal.won", subject=partner_org, payload={"partner_organization_id": partner_org.pk})
    with django_capture_on_commit_callbacks(execute=True):
        relay(tenant)
    assert held_tier(tenant, partner_org)[0] == "Silver"
