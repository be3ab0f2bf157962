"""Onboarding complete and tenure: where the partner stands in the program on the day asked about."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from partners.models import OnboardingStatus, PartnerStatus
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory
from tests.tiering.metrics_factories import PartnerOnboardingFactory, at_noon, created_on, onboarded
from tiering.metrics import MetricScope, compute_metrics

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)


def days_before(days: int):
    return at_noon(AS_OF - timedelta(days=days))


def metric(tenant, key, **scope):
    with tenant_context(tenant):
        return compute_metrics([key], MetricScope(as_of=AS_OF, **scope))[key]


def test_onboarding_is_complete_when_the_latest_plan_started_by_the_day_was_completed_by_then(tenant):
    def partner(name):
        return PartnerOrganizationFactory(tenant=tenant, name=name)

    done = partner("Done")
    onboarded(done, days_before(60), days_before(30))
    restarted = partner("Restarted")  # completed once, then onboarding again (reactivated or restarted by staff)
    onboarded(restarted, days_before(300), days_before(250))
    PartnerOnboardingFactory(tenant=tenant, partner_organization=restarted, started_at=days_before(10))
    restarted_later = partner("Restarted later")  # the new run starts after the day asked about
    onboarded(restarted_later, days_before(300), days_before(250))
    PartnerOnboardingFactory(tenant=tenant, partner_organization=restarted_later, started_at=days_before(-5))
    running = partner("Running")
    PartnerOnboardingFactory(tenant=tenant, partner_organization=running, started_at=days_before(10))
    finished_later = partner("Finished later")
    onboarded(finished_later, days_before(10), days_before(-1))
    cancelled = partner("Cancelled")
    PartnerOnboardingFactory(
        tenant=tenant, partner_organization=cancelled, status=OnboardingStatus.CANCELLED, started_at=days_before(10)
    )
    partner("Never onboarded")

    assert metric(tenant, "onboarding_complete") == {done.pk: Decimal(1), restarted_later.pk: Decimal(1)}
    assert metric(tenant, "onboarding_complete", partner_ids=[restarted.pk, restarted_later.pk]) == {
        restarted_later.pk: Decimal(1)
    }


def test_tenure_counts_days_since_the_partner_joined_the_program(tenant):
    def partner(name, status=PartnerStatus.ACTIVE, activated_days_before=None):
        activated_at = days_before(activated_days_before) if activated_days_before is not None else None
        return PartnerOrganizationFactory(tenant=tenant, name=name, status=status, activated_at=activated_at)

    activated = partner("Activated", activated_days_before=100)
    suspended = partner("Suspended", PartnerStatus.SUSPENDED, activated_days_before=400)
    onboarding_again = partner("Onboarding again", PartnerStatus.ONBOARDING, activated_days_before=30)
    today = partner("Activated on the day", activated_days_before=0)
    partner("Activated the day after", activated_days_before=-1)
    imported = partner("Added as active")  # no activation: it joined when it was added
    created_on(imported, days_before(40))
    added_later = partner("Added as active later")
    created_on(added_later, days_before(-3))
    prospect = partner("Prospect", PartnerStatus.PROSPECT)
    created_on(prospect, days_before(40))
    partner("Offboarded", PartnerStatus.OFFBOARDED, activated_days_before=500)

    assert metric(tenant, "tenure_days") == {
        activated.pk: Decimal(100),
        suspended.pk: Decimal(400),
        onboarding_again.pk: Decimal(30),
        today.pk: Decimal(0),
        imported.pk: Decimal(40),
    }
    assert metric(tenant, "tenure_days", partner_ids=[imported.pk, prospect.pk]) == {imported.pk: Decimal(40)}
