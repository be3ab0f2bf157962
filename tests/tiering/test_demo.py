"""The demo program's tiers: after seed_demo its partners stand in every tier of the default program, from a year of
won deals and their certified people, written as history, one partner at risk; seeding again changes nothing."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from dealreg.models import DealActivity, DealParticipant, DealRegistration, DealStatus
from enablement.models import CertificationAward
from partners.models import PartnerOrganization
from prm.models import Event, Membership, Notification, Tenant
from prm.tenancy import tenant_context
from tests.enablement.scorm_factories import use_private_storage
from tiering.models import TierAssessment, TierStanding

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    use_private_storage(settings, tmp_path)  # the learning demo imports a SCORM package
    call_command("seed_demo", verbosity=0)
    return Tenant.objects.get(slug="demo")


def tiers(column="tier") -> dict[str, str]:
    return dict(TierStanding.objects.values_list("partner_organization__name", f"{column}__name"))


def counts() -> dict[str, int]:
    models = [DealRegistration, DealParticipant, DealActivity, CertificationAward, Membership]
    models += [TierStanding, TierAssessment, Event, Notification]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_partners_are_spread_across_the_tiers_and_seeding_twice_changes_nothing(demo):
    with tenant_context(demo):
        standing, qualified = tiers(), tiers("qualified_tier")
        assert len(standing) == PartnerOrganization.objects.count() == 32
        assert Counter(qualified.values()) == {"Platinum": 2, "Gold": 4, "Silver": 8, "Registered": 18}
        assert standing["Northwind Secure Solutions"] == standing["Cascade Network Integrators"] == "Platinum"
        assert standing["Bluefjord IT"] == "Gold"
        # Silver when the program first ran weeks ago; its certifications expired or were revoked since: it keeps
        # Silver, at risk, until the grace period runs out.
        assert (standing["Harbourline Technologies"], qualified["Harbourline Technologies"]) == ("Silver", "Registered")
        at_risk = TierStanding.objects.get(partner_organization__name="Harbourline Technologies")
        assert at_risk.is_at_risk and at_risk.demotion_due > timezone.localdate()
        assert [name for name in standing if standing[name] != qualified[name]] == ["Harbourline Technologies"]
        # The partner's own page reads the tier the recalculation cached.
        assert dict(PartnerOrganization.objects.values_list("name", "tier")) == standing
        before = counts()
    call_command("seed_demo", verbosity=0)
    with tenant_context(demo):
        assert tiers() == standing and counts() == before
        # History: the worker that `make run` starts next finds no tier event left to announce.
        assert Event.objects.filter(type__startswith="partner.tier").exists()
        assert not Event.objects.filter(type__startswith="partner.tier", relayed_at__isnull=True).exists()


def test_the_won_deals_are_a_year_of_history_in_the_base_currency(demo):
    today = timezone.localdate()
    with tenant_context(demo):
        won = DealRegistration.objects.filter(status=DealStatus.WON)
        assert won.count() >= 40
        assert not won.exclude(currency=demo.base_currency).exists()
        for deal in won.prefetch_related("participants", "line_items"):
            assert today - deal.closed_at < timedelta(days=365) and deal.closed_at <= today
            assert deal.created_at.date() < deal.closed_at and deal.closed_amount == deal.amount
            assert sum(p.share for p in deal.participants.all()) == 100
            assert sum(item.quantity * item.unit_price for item in deal.line_items.all()) == deal.amount
        # History, not live use: no deal was announced.
        assert not Event.objects.filter(type__startswith="deal").exists()
        assert not Notification.objects.filter(kind__startswith="deal").exists()
