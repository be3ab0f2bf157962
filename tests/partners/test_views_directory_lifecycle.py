"""The lifecycle card on the partner page: only the steps the table allows, a reason where needed, a confirmation
for offboarding, refusals as 400 with a message, and the status history; offboarding closes the door at once."""

from itertools import product

import pytest
from django.urls import reverse

from partners.models import STATUS_TRANSITIONS, PartnerOrganization, PartnerStatus
from prm.models import Event, Membership
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

ILLEGAL = [(a, b) for a, b in product(PartnerStatus.values, repeat=2) if b not in STATUS_TRANSITIONS[a]]
LABEL = {s.value: s.label for s in PartnerStatus}
REASON = "Missed the certification deadline twice."


@pytest.fixture
def admin(tenant):
    return StaffFactory(tenant=tenant, user__first_name="Ada", user__last_name="Lovelace")


def signed_in(client, membership):
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def status_url(tenant, partner):
    return reverse("partner_status", args=[tenant.slug, partner.pk])


def detail_url(tenant, partner):
    return reverse("partner_detail", args=[tenant.slug, partner.pk])


def status_of(tenant, partner):
    with tenant_context(tenant):
        return PartnerOrganization.objects.get(pk=partner.pk).status


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_illegal_transition_is_a_400_with_the_message_and_changes_nothing(client, tenant, admin, before, after):
    partner = PartnerOrganizationFactory(tenant=tenant, status=before, name="Contoso")
    response = signed_in(client, admin).post(
        status_url(tenant, partner), {"status": after, "reason": REASON, "confirm": "1"}
    )
    assert response.status_code == 400
    assert f"Contoso cannot go from {LABEL[before]} to {LABEL[after]}." in response.content.decode()
    assert status_of(tenant, partner) == before


def test_page_offers_only_the_steps_the_table_allows(client, tenant, admin):
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.ACTIVE)
    page = signed_in(client, admin).get(detail_url(tenant, partner)).content.decode()
    assert 'name="status" value="suspended"' in page and 'name="status" value="offboarded"' in page
    for target in ("prospect", "applied", "onboarding", "active", "rejected"):
        assert f'name="status" value="{target}"' not in page
    assert "Reactivate" not in page


def test_suspending_from_the_page_records_who_when_and_why(client, tenant, admin, partner_org):
    client = signed_in(client, admin)
    response = client.post(status_url(tenant, partner_org), {"status": "suspended", "reason": REASON})
    assert response.status_code == 302 and response["Location"] == detail_url(tenant, partner_org)
    assert status_of(tenant, partner_org) == PartnerStatus.SUSPENDED
    page = client.get(detail_url(tenant, partner_org)).content.decode()
    assert "Northwind Secure is now suspended." in page
    history = page[page.index("Status history") :]
    assert "Ada Lovelace" in history and "Active → Suspended" in history and REASON in history
    # The way back is offered now, and only that and offboarding.
    assert 'name="status" value="active"' in page and "Reactivate" in page


def test_missing_reason_is_a_field_error_and_changes_nothing(client, tenant, admin, partner_org):
    response = signed_in(client, admin).post(status_url(tenant, partner_org), {"status": "suspended", "reason": " "})
    assert response.status_code == 400
    assert "Say why the partner is suspended." in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert status_of(tenant, partner_org) == PartnerStatus.ACTIVE


def test_offboarding_needs_the_confirmation(client, tenant, admin, partner_org):
    response = signed_in(client, admin).post(
        status_url(tenant, partner_org), {"status": "offboarded", "reason": REASON}
    )
    assert response.status_code == 400
    assert "Confirm the offboarding" in response.content.decode()
    assert status_of(tenant, partner_org) == PartnerStatus.ACTIVE


def test_htmx_swaps_the_card_and_the_badge_in_place(client, tenant, admin, partner_org):
    response = signed_in(client, admin).post(
        status_url(tenant, partner_org), {"status": "suspended", "reason": REASON}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="partner-lifecycle"' in body and 'hx-swap-oob="true"' in body and "<html" not in body
    assert "Northwind Secure is now suspended." in body


def test_htmx_refusal_is_the_card_with_a_400(client, tenant, admin, partner_org):
    response = signed_in(client, admin).post(
        status_url(tenant, partner_org), {"status": "prospect"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Northwind Secure cannot go from Active to Prospect." in response.content.decode()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MARKETING, Role.FINANCE, Role.PARTNER_ADMIN, Role.PARTNER_SALES])
def test_who_may_not_change_status_gets_404(client, tenant, partner_org, role, member):
    response = signed_in(client, member(role)).post(
        status_url(tenant, partner_org), {"status": "suspended", "reason": "x"}
    )
    assert response.status_code == 404
    assert status_of(tenant, partner_org) == PartnerStatus.ACTIVE


def test_analyst_sees_the_status_history_but_no_buttons(client, tenant, partner_org):
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    page = signed_in(client, analyst).get(detail_url(tenant, partner_org)).content.decode()
    assert "Status history" in page and 'name="status"' not in page


def test_channel_manager_may_offboard_from_the_page(client, tenant, partner_org):
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    response = signed_in(client, manager).post(
        status_url(tenant, partner_org), {"status": "offboarded", "reason": REASON, "confirm": "1"}
    )
    assert response.status_code == 302
    assert status_of(tenant, partner_org) == PartnerStatus.OFFBOARDED


def test_offboarded_partner_page_explains_what_reactivation_brings_back(client, tenant, admin):
    partner = PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.OFFBOARDED)
    page = signed_in(client, admin).get(detail_url(tenant, partner)).content.decode()
    assert "Reactivate: onboard again" in page
    assert "its users stay deactivated until a tenant admin reactivates them" in page


# Access of the partner's own people ---------------------------------------------------------------------------


def test_offboarding_ends_a_partner_users_open_session_at_once(client, tenant, admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    partner_client = signed_in(client.__class__(), person)
    portal = reverse("portal", args=[tenant.slug])
    assert partner_client.get(portal).status_code == 200
    signed_in(client, admin).post(
        status_url(tenant, partner_org), {"status": "offboarded", "reason": REASON, "confirm": "1"}
    )
    response = partner_client.get(portal)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_user_of_another_program_keeps_it_but_loses_this_one(client, tenant, other_tenant, admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    StaffFactory(tenant=other_tenant, user=person.user, role=Role.ANALYST)
    partner_client = signed_in(client.__class__(), person)
    signed_in(client, admin).post(
        status_url(tenant, partner_org), {"status": "offboarded", "reason": REASON, "confirm": "1"}
    )
    assert partner_client.get(reverse("portal", args=[tenant.slug])).status_code == 404
    assert partner_client.get(reverse("console", args=[other_tenant.slug])).status_code == 200


def test_suspended_partners_people_still_get_in_and_are_told(client, tenant, admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    signed_in(client, admin).post(status_url(tenant, partner_org), {"status": "suspended", "reason": REASON})
    partner_client = signed_in(client.__class__(), person)
    assert partner_client.get(reverse("portal", args=[tenant.slug])).status_code == 200
    page = partner_client.get(detail_url(tenant, partner_org)).content.decode()
    assert "Your organization's partnership is suspended: " + REASON in page
    assert "Status history" not in page  # staff's notes stay with staff
    with tenant_context(tenant):
        assert Membership.objects.get(pk=person.pk).is_active


def test_page_change_records_the_event_with_the_acting_user(client, tenant, admin, partner_org):
    signed_in(client, admin).post(status_url(tenant, partner_org), {"status": "suspended", "reason": REASON})
    with tenant_context(tenant):
        event = Event.objects.get(type="partner.suspended")
    assert event.actor_user == admin.user and event.payload["reason"] == REASON
