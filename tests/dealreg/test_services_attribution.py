"""Multi-partner deals: within sourced and within influenced the shares add up to at most 100, the registering
partner stays on the deal, and sourced and
influenced revenue per partner come from won deals' closed amounts × shares (one query)."""

from decimal import Decimal

import pytest

from dealreg import selectors, services
from dealreg.models import DealParticipant
from prm.errors import PermissionDenied, ValidationFailed
from prm.tenancy import tenant_context
from tests.dealreg.helpers import events_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def shares(tenant, registration):
    with tenant_context(tenant):
        return sorted(
            (p.partner_organization_id, p.role, p.share)
            for p in DealParticipant.objects.filter(registration=registration)
        )


def test_staff_share_a_deal_between_partners(tenant, channel_manager, partner_org, other_org, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_set_participants(
            actor=channel_manager,
            registration=registration,
            participants=[
                {"partner_organization": partner_org.pk, "role": "sourced", "share": "70"},
                {"partner_organization": other_org, "role": "services", "share": Decimal("30.00")},
            ],
        )
    assert shares(tenant, registration) == sorted(
        [(partner_org.pk, "sourced", Decimal("70.00")), (other_org.pk, "services", Decimal("30.00"))]
    )
    assert events_of(tenant, "deal.updated")[-1].payload["changed"] == ["participants"]


@pytest.mark.parametrize(
    ("participants", "field", "message"),
    [
        ([("mine", "sourced", "60"), ("other", "sourced", "50")], "participants", "sourced shares add up to 110%"),
        ([("mine", "influenced", "60"), ("other", "services", "50")], "participants", "influenced shares add up to"),
        ([("other", "sourced", "100")], "participants", "stays on it"),
        ([("mine", "sourced", "50"), ("mine", "services", "50")], "participants[1].partner_organization", "twice"),
        ([("mine", "sourced", "100"), ("other", "cheerleader", "0")], "participants[1].role", "role"),
        ([("mine", "sourced", "120"), ("other", "influenced", "-20")], "participants[0].share", "0 to 100"),
        ([("mine", "sourced", "99.999"), ("other", "influenced", "0.001")], "participants[0].share", "two decimal"),
        ([("mine", "sourced", "100"), (999999, "influenced", "0")], "participants[1].partner_organization", "partner"),
        ([], "participants", "List the partners"),
    ],
)
def test_shares_within_a_role_group_may_not_pass_100_and_the_whole_set_is_refused_otherwise(
    tenant, channel_manager, partner_org, other_org, register, participants, field, message
):
    registration = register()
    before = shares(tenant, registration)
    ids = {"mine": partner_org.pk, "other": other_org.pk}
    rows = [{"partner_organization": ids.get(o, o), "role": r, "share": s} for o, r, s in participants]
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.deal_set_participants(actor=channel_manager, registration=registration, participants=rows)
    assert refused.value.field == field
    assert message in refused.value.message
    assert shares(tenant, registration) == before


def test_a_deal_may_be_100_percent_sourced_and_also_influenced(
    tenant, channel_manager, partner_org, other_org, register
):
    """Sourced and influenced are counted apart: the registering partner keeps all of the sourced share while
    another partner gets an influenced share of the same deal (and 90% in all is allowed too)."""
    registration = register()
    with tenant_context(tenant):
        services.deal_set_participants(
            actor=channel_manager,
            registration=registration,
            participants=[
                {"partner_organization": partner_org.pk, "role": "sourced", "share": "100"},
                {"partner_organization": other_org.pk, "role": "influenced", "share": "40"},
            ],
        )
    assert shares(tenant, registration) == sorted(
        [(partner_org.pk, "sourced", Decimal("100.00")), (other_org.pk, "influenced", Decimal("40.00"))]
    )


def test_partners_cannot_change_attribution(tenant, partner_admin, partner_org, register):
    registration = register()
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.deal_set_participants(
            actor=partner_admin,
            registration=registration,
            participants=[{"partner_organization": partner_org.pk, "role": "sourced", "share": "100"}],
        )


def test_sourced_and_influenced_revenue_per_partner_from_won_deals(
    tenant, channel_manager, partner_admin, partner_org, other_org, other_partner, register, django_assert_num_queries
):
    third = PartnerOrganizationFactory(tenant=tenant, name="Umbrella Services")
    shared = register()
    alone = register(actor=other_partner, customer_name="Globex", customer_website="globex.com", currency="EUR")
    open_deal = register(customer_name="Hooli", customer_website="hooli.com")
    with tenant_context(tenant):
        for registration in (shared, alone, open_deal):
            services.deal_approve(actor=channel_manager, registration=registration)
        services.deal_set_participants(
            actor=channel_manager,
            registration=shared,
            participants=[
                {"partner_organization": partner_org.pk, "role": "sourced", "share": "60"},
                {"partner_organization": other_org.pk, "role": "influenced", "share": "25"},
                {"partner_organization": third.pk, "role": "fulfillment", "share": "15"},
            ],
        )
        services.deal_mark_won(actor=channel_manager, registration=shared, closed_amount=Decimal("100000.01"))
        services.deal_mark_won(actor=other_partner, registration=alone, closed_amount=Decimal("20000"))

        with django_assert_num_queries(1):
            sourced = selectors.sourced_revenue_by_partner()
        with django_assert_num_queries(1):
            influenced = selectors.influenced_revenue_by_partner()
        only_third = selectors.influenced_revenue_by_partner(partner_organization_ids=[third.pk])

    assert sourced == {partner_org.pk: {"USD": Decimal("60000.01")}, other_org.pk: {"EUR": Decimal("20000.00")}}
    assert influenced == {other_org.pk: {"USD": Decimal("25000.00")}, third.pk: {"USD": Decimal("15000.00")}}
    assert only_third == {third.pk: {"USD": Decimal("15000.00")}}
