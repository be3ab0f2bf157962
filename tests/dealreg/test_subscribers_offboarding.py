"""Offboarding withdraws deals (issue 16, 4.10): when a partner is offboarded, its drafts and registrations in review
are withdrawn (they leave the queue), its protected registrations end, the vendor's seller of each customer whose
protection ended is told (else the partner's reviewers), and the offboarding record says what happened."""

import pytest

from dealreg import selectors, services
from dealreg.models import CrmAccount, DealActivity, DealExtensionRequest, DealRegistration, DealStatus, ExtensionStatus
from partners.models import PartnerOrganization, PartnerStatus
from prm.policy import ProgramActor
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.dealreg.helpers import events_of, notifications_of
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

REASON = "The reseller agreement ended on 30 June."


@pytest.fixture
def partner_deals(tenant, partner_admin, channel_manager, other_partner, register, crm_account):
    """The partner's registrations in every open status, two protected ones (one with a CRM account whose owner is a
    vendor seller of the program, one unknown to the CRM), one won; and another partner's, which stays."""
    seller = StaffFactory(
        tenant=tenant, role=Role.ANALYST, user__email="dana.direct@acme.example", user__first_name="Dana"
    )
    account = crm_account("Globex Corporation", "globex.com", owner_name="Dana Direct")
    with tenant_context(tenant):
        CrmAccount.objects.filter(pk=account.pk).update(owner_email="Dana.Direct@acme.example")
    deals = {
        "draft": register(submit=False, customer_name="Umbrella Health", customer_website="umbrella-health.com"),
        "submitted": register(),
        "under_review": register(customer_name="Hooli", customer_website="hooli.com"),
        "info_requested": register(customer_name="Soylent", customer_website="soylent.com"),
        "approved_crm": register(customer_name="Globex Corporation", customer_website="globex.com"),
        "approved": register(customer_name="Vandelay Industries", customer_website="vandelay.com"),
        "won": register(customer_name="Pied Piper", customer_website="piedpiper.com"),
        "other": register(actor=other_partner, customer_name="Massive Dynamic", customer_website="massive.com"),
    }
    with tenant_context(tenant):
        services.deal_start_review(actor=channel_manager, registration=deals["under_review"])
        services.deal_request_info(actor=channel_manager, registration=deals["info_requested"], question="Budget?")
        for key in ("approved_crm", "approved", "won"):
            services.deal_approve(actor=channel_manager, registration=deals[key])
        services.deal_mark_won(actor=channel_manager, registration=deals["won"], closed_amount="10000")
        services.deal_request_extension(
            actor=partner_admin, registration=deals["approved"], days=30, reason="Board meeting in August"
        )
    deals["seller"] = seller
    return deals


def status(tenant, registration):
    with tenant_context(tenant):
        return DealRegistration.objects.get(pk=registration.pk).status


def offboard_through_the_page(client, tenant, partner_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/t/acme/partners/{partner_org.pk}/status/", {"status": "offboarded", "reason": REASON, "confirm": "1"}
        )
    assert response.status_code == 302


def test_offboarding_through_the_page_withdraws_the_partners_deals_and_says_so_on_the_record(
    client, tenant, tenant_admin, partner_org, channel_manager, partner_deals, django_capture_on_commit_callbacks
):
    login(client, tenant_admin)
    offboard_through_the_page(client, tenant, partner_org, django_capture_on_commit_callbacks)

    for key in ("draft", "submitted", "under_review", "info_requested", "approved_crm", "approved"):
        assert status(tenant, partner_deals[key]) == DealStatus.WITHDRAWN, key
    assert status(tenant, partner_deals["won"]) == DealStatus.WON
    assert status(tenant, partner_deals["other"]) == DealStatus.SUBMITTED

    # The queue holds only the other partner's registration now.
    queue = client.get("/t/acme/deals/review/").content.decode()
    assert f'data-registration="{partner_deals["other"].pk}"' in queue
    assert all(f'data-registration="{partner_deals[k].pk}"' not in queue for k in ("submitted", "under_review"))

    # The offboarding record says what happened to the deals.
    page = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()
    assert f"{REASON} — 4 open deal registrations withdrawn, 2 deal protections ended." in page
    with tenant_context(tenant):
        assert PartnerOrganization.objects.get(pk=partner_org.pk).status == PartnerStatus.OFFBOARDED

    # The registration's page tells staff why.
    detail = client.get(f"/t/acme/deals/{partner_deals['approved'].pk}/").content.decode()
    assert "Protection ended: the partner left the program (offboarded)." in detail


def test_each_withdrawal_is_an_event_and_a_timeline_entry_and_waiting_extensions_are_declined(
    tenant, partner_org, channel_manager, partner_deals
):
    with tenant_context(tenant):
        outcome = services.deals_end_for_offboarded_partner(
            actor=ProgramActor(tenant.pk), partner_organization_id=_offboarded(tenant, partner_org)
        )
    assert (outcome.withdrawn, outcome.protections_ended) == (4, 2)
    withdrawn = {e.payload["registration_id"]: e.payload for e in events_of(tenant, "deal.withdrawn")}
    assert withdrawn[partner_deals["approved"].pk]["previous_status"] == "approved"
    assert withdrawn[partner_deals["draft"].pk]["offboarded"] is True
    assert len(withdrawn) == 6
    with tenant_context(tenant):
        entries = DealActivity.objects.filter(registration=partner_deals["submitted"], kind="withdrawn")
        assert [(e.from_status, e.to_status) for e in entries] == [("submitted", "withdrawn")]
        extension = DealExtensionRequest.objects.get(registration=partner_deals["approved"])
        assert extension.status == ExtensionStatus.DECLINED


def test_the_seller_of_the_account_hears_that_protection_ended_else_the_reviewers(
    tenant, partner_org, channel_manager, partner_deals
):
    with tenant_context(tenant):
        services.deals_end_for_offboarded_partner(
            actor=ProgramActor(tenant.pk), partner_organization_id=_offboarded(tenant, partner_org)
        )
    seller = partner_deals["seller"].user
    [notice] = notifications_of(tenant, seller, "deal.protection_ended_offboarding")
    assert notice.title == "Globex Corporation is no longer protected: Northwind Secure was offboarded"
    assert notice.url == f"/t/acme/deals/{partner_deals['approved_crm'].pk}/"
    # Vandelay is unknown to the CRM: the partner's reviewers (nobody owns it: every reviewer) are told.
    reviewed = notifications_of(tenant, channel_manager.user, "deal.protection_ended_offboarding")
    assert [n.title for n in reviewed] == [
        "Vandelay Industries is no longer protected: Northwind Secure was offboarded"
    ]


def test_a_repeated_event_changes_nothing_more(tenant, partner_org, partner_deals):
    partner_id = _offboarded(tenant, partner_org)
    with tenant_context(tenant):
        actor = ProgramActor(tenant.pk)
        services.deals_end_for_offboarded_partner(actor=actor, partner_organization_id=partner_id)
        again = services.deals_end_for_offboarded_partner(actor=actor, partner_organization_id=partner_id)
        reason = PartnerOrganization.objects.get(pk=partner_id).status_reason
    assert not again
    assert reason.count("deal protections ended") == 1
    assert len(events_of(tenant, "deal.withdrawn")) == 6


def test_a_partner_reactivated_before_the_event_keeps_its_deals(tenant, partner_org, register):
    registration = register()
    with tenant_context(tenant):
        outcome = services.deals_end_for_offboarded_partner(
            actor=ProgramActor(tenant.pk), partner_organization_id=partner_org.pk
        )
    assert not outcome and status(tenant, registration) == DealStatus.SUBMITTED


def test_the_withdrawn_registrations_stop_counting_as_conflicts(tenant, partner_org, other_partner, register):
    mine = register()
    theirs = register(actor=other_partner)
    with tenant_context(tenant):
        services.deals_end_for_offboarded_partner(
            actor=ProgramActor(tenant.pk), partner_organization_id=_offboarded(tenant, partner_org)
        )
        assert selectors.conflict_records(theirs) == []
    assert status(tenant, mine) == DealStatus.WITHDRAWN


def test_the_offboarding_note_keeps_within_the_reason_length(tenant, partner_org):
    from partners import services as partner_services

    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(
            status=PartnerStatus.OFFBOARDED, status_reason="x" * 500
        )
        partner = partner_services.partner_offboarding_note(
            actor=ProgramActor(tenant.pk), partner_id=partner_org.pk, note="1 deal protection ended."
        )
    assert len(partner.status_reason) == 500
    assert partner.status_reason.endswith("… — 1 deal protection ended.")
    assert [e.payload["changed"] for e in events_of(tenant, "partner.updated")] == [["status_reason"]]


def _offboarded(tenant, partner_org) -> int:
    """Mark the partner offboarded as the lifecycle would have (the subscriber runs after it)."""
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(
            status=PartnerStatus.OFFBOARDED, status_reason=REASON
        )
    return partner_org.pk
