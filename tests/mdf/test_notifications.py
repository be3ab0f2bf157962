"""Who hears of what: reviewers of a new request or claim, the partner's person who asked of each decision and of
the payment; event payloads name the partner."""

import pytest

from mdf import services
from prm.models import Event, Notification
from prm.tenancy import tenant_context
from tests.mdf.factories import make_claim, make_request

pytestmark = pytest.mark.django_db


def notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_reviewers_hear_of_submissions_and_the_partner_of_decisions_and_payment(
    tenant, fund, allocation, partner_org, partner_marketer, partner_admin, marketing, second_reviewer, finance
):
    fund_request = make_request(tenant, fund, partner_org, actor=partner_marketer, approve_by=marketing)
    claim = make_claim(tenant, fund_request, actor=partner_marketer)
    with tenant_context(tenant):
        services.claim_approve(actor=marketing, claim=claim)
        services.claim_pay(actor=finance, claim=claim, reference="WIRE-9")
        assert {marketing.user_id, second_reviewer.user_id} <= notified("mdf.request.submitted")
        assert {marketing.user_id, second_reviewer.user_id} <= notified("mdf.claim.submitted")
        assert partner_marketer.user_id not in notified("mdf.request.submitted")
        assert notified("mdf.request.decided") == {partner_marketer.user_id}
        assert notified("mdf.claim.decided") == {partner_marketer.user_id}
        assert notified("mdf.claim.paid") == {partner_marketer.user_id}
        paid = Event.objects.get(type="mdf.claim.paid")
        assert paid.payload["partner_organization_id"] == partner_org.pk
        assert paid.payload["payout_reference"] == "WIRE-9" and paid.payload["approved_amount"] == "2000.00"


def test_a_request_made_by_staff_for_the_partner_is_told_to_the_partners_admins(
    tenant, fund, allocation, partner_org, partner_admin, marketing, second_reviewer
):
    fund_request = make_request(tenant, fund, partner_org, actor=marketing)
    with tenant_context(tenant):
        services.fund_request_reject(actor=second_reviewer, fund_request=fund_request, reason="Duplicate request")
        assert notified("mdf.request.decided") == {partner_admin.user_id}
