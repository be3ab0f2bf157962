"""A partner's time to value is stamped by partners from deal registration's events, once."""

import datetime

import pytest

from partners.services import time_to_value
from prm.events import record_event
from prm.tenancy import tenant_context

pytestmark = pytest.mark.django_db

FIRST = datetime.datetime(2030, 3, 8, 15, 0, tzinfo=datetime.UTC)


def test_a_repeated_deal_won_event_keeps_the_first_win(tenant, partner_org):
    with tenant_context(tenant):
        first = record_event("deal.won", subject=partner_org, payload={"partner_organization_id": partner_org.pk})
        first.occurred_at = FIRST
        later = record_event("deal.won", subject=partner_org, payload={"partner_organization_id": partner_org.pk})
        # Delivery is at least once: the same event twice, then a later win, change nothing after the first.
        for event in (first, first, later):
            time_to_value.partner_stamp_first_deal_from_event(event)
        partner_org.refresh_from_db()
    assert partner_org.first_deal_won_at == FIRST
    assert partner_org.first_deal_registered_at is None
