"""An MDF payout becomes the partner's cost: `mdf.claim.paid` records it once, however often the event is relayed."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.models import PartnerCost
from analytics.subscribers import record_mdf_payout_cost
from prm.events import record_event
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_paid_claim_is_recorded_once_as_the_partners_mdf_cost(tenant):
    partner = PartnerOrganizationFactory(tenant=tenant)
    with tenant_context(tenant):
        payload = {"claim_id": 77, "partner_organization_id": partner.pk, "approved_amount": "1800.00",
                   "claimed_amount": "2000.00", "currency": "EUR", "paid_at": "2026-05-04T09:30:00+00:00"}  # fmt: skip
        event = record_event("mdf.claim.paid", subject=partner, payload=payload)
        record_mdf_payout_cost(event)
        record_mdf_payout_cost(event)  # relayed again
        costs = list(PartnerCost.objects.values_list("partner_organization_id", "kind", "amount", "currency",
                                                     "period_start", "source", "source_reference"))  # fmt: skip
    assert costs == [(partner.pk, "mdf", Decimal("1800.00"), "EUR", date(2026, 5, 4), "mdf", "77")]


def test_the_subscriber_is_registered_for_mdf_claim_paid():
    from prm.events import subscribers_for

    assert record_mdf_payout_cost in [subscriber.handler for subscriber in subscribers_for("mdf.claim.paid")]
