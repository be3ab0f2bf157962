"""Influence and shared deals, through the pages and the API: a partner that takes part in another partner's
registration sees it read-only (its list, the deal page, the API), a partner that does not gets 404, as does another
tenant; a partner claims influence, a reviewer accepts it with a share (no more than 100% influenced) or declines it
with a reason; staff and the CRM add influencing partners to registrations and CRM opportunities directly."""

from decimal import Decimal

import pytest

from dealreg import services
from dealreg.models import DealParticipant, InfluenceClaim, InfluenceClaimStatus
from prm.errors import ValidationFailed
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, key_client, problem_of
from tests.conftest import login
from tests.dealreg.helpers import events_of, notifications_of, refreshed
from tests.factories import (
    PartnerOrganizationFactory,
    PartnerUserFactory,
    StaffFactory,
    TenantFactory,
    make_api_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_org(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Fabrikam Services")


@pytest.fixture
def third_partner(tenant, third_org):
    return PartnerUserFactory(tenant=tenant, partner_organization=third_org, role=Role.PARTNER_SALES)


@pytest.fixture
def crm(tenant):
    """A tenant key of the CRM integration, with the deals write scope."""
    return key_client(make_api_key(tenant, scopes=["deals:write"], name="Salesforce")[1])


@pytest.fixture
def shared_deal(tenant, register, channel_manager, other_org):
    """Northwind's approved registration, in which Contoso (other_org) takes part as influenced, 20%."""
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
        services.influence_add(
            actor=channel_manager, partner_organization=other_org.pk, share="20", registration=registration.pk
        )
    return registration


def participants(tenant, **filters):
    with tenant_context(tenant):
        return sorted((p.partner_organization_id, p.role, p.share) for p in DealParticipant.objects.filter(**filters))


# Who sees a shared deal --------------------------------------------------------------------------------------


def test_participant_partner_sees_the_shared_deal_in_its_list_and_on_its_page(client, other_partner, shared_deal):
    login(client, other_partner)
    listing = client.get("/t/acme/deals/")
    assert listing.status_code == 200
    assert b"Initech GmbH" in listing.content
    assert b'data-testid="shared-deal-row"' in listing.content
    assert b"Northwind Secure's deal" in listing.content and b"influenced, 20%" in listing.content

    page = client.get(f"/t/acme/deals/{shared_deal.pk}/")
    assert page.status_code == 200
    assert b'data-testid="shared-deal"' in page.content and b"influenced, 20%" in page.content
    # Read-only: none of the registering partner's steps, nor its conversation with the channel manager.
    for marker in (b"/withdraw/", b"/close/", b"/edit/", b"/extension/", b'id="timeline"'):
        assert marker not in page.content, marker


def test_participant_partner_cannot_change_the_shared_deal(client, tenant, other_partner, shared_deal):
    login(client, other_partner)
    assert client.post(f"/t/acme/deals/{shared_deal.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.get(f"/t/acme/deals/{shared_deal.pk}/edit/").status_code == 404
    assert client.post(f"/t/acme/deals/{shared_deal.pk}/close/", {"outcome": "lost", "reason": "x"}).status_code == 404
    assert refreshed(tenant, shared_deal).status == "approved"


def test_non_participant_partner_of_the_same_tenant_gets_404(client, third_partner, shared_deal):
    login(client, third_partner)
    assert client.get(f"/t/acme/deals/{shared_deal.pk}/").status_code == 404
    assert b"Initech GmbH" not in client.get("/t/acme/deals/").content


def test_another_tenants_people_get_404(client, shared_deal):
    other = TenantFactory(slug="globex", name="Globex")
    outsider = PartnerUserFactory(tenant=other, partner_organization=PartnerOrganizationFactory(tenant=other))
    login(client, outsider)
    assert client.get(f"/t/acme/deals/{shared_deal.pk}/").status_code == 404
    assert client.get(f"/t/globex/deals/{shared_deal.pk}/").status_code == 404
    staff = StaffFactory(tenant=other, role=Role.CHANNEL_MANAGER)
    login(client, staff)
    assert client.get(f"/t/globex/deals/{shared_deal.pk}/").status_code == 404


def test_api_participant_reads_the_shared_deal_read_only_and_a_non_participant_gets_404(
    tenant, other_org, third_org, shared_deal
):
    mine = key_client(make_api_key(tenant, scopes=["deals:write"], partner_organization=other_org)[1])
    listed = mine.get("/api/v1/deals/").json()["results"]
    assert [row["id"] for row in listed] == [shared_deal.pk]
    detail = mine.get(f"/api/v1/deals/{shared_deal.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["shared"] is True and body["conflicts"] == []
    assert body["participants"] == [{"partner_organization": other_org.pk, "role": "influenced", "share": "20.00"}]
    problem_of(mine.patch(f"/api/v1/deals/{shared_deal.pk}/", {"title": "Mine now"}, format="json"), 404)
    problem_of(mine.post(f"/api/v1/deals/{shared_deal.pk}/withdraw/", {}, format="json"), 404)

    outsider = key_client(make_api_key(tenant, scopes=["deals:read"], partner_organization=third_org)[1])
    problem_of(outsider.get(f"/api/v1/deals/{shared_deal.pk}/"), 404)
    assert outsider.get("/api/v1/deals/").json()["results"] == []
    other_tenant = TenantFactory(slug="globex", name="Globex")
    problem_of(
        key_client(make_api_key(other_tenant, scopes=["deals:read"])[1]).get(f"/api/v1/deals/{shared_deal.pk}/"), 404
    )


def test_the_partner_list_runs_the_same_queries_with_more_shared_deals(
    client, tenant, register, channel_manager, other_org, other_partner, django_assert_max_num_queries
):
    names = ["Aldermoor", "Brightwater", "Copperfield", "Dunmore", "Eastgate", "Foxhollow"]

    def share_one(index):
        name = names[index]
        registration = register(customer_name=f"{name} Holdings", customer_website=f"{name.lower()}.com")
        with tenant_context(tenant):
            services.influence_add(
                actor=channel_manager, partner_organization=other_org.pk, share="10", registration=registration
            )

    share_one(0)
    login(client, other_partner)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/t/acme/deals/")
    for index in range(1, 6):
        share_one(index)
    with CaptureQueriesContext(connection) as more:
        page = client.get("/t/acme/deals/")
    assert page.content.count(b'data-testid="shared-deal-row"') == 6
    assert len(more.captured_queries) == len(few.captured_queries)


# Claims ------------------------------------------------------------------------------------------------------


def claim_form(**overrides):
    data = {
        "customer_name": "Initech GmbH",
        "customer_website": "initech.de",
        "activity": "Ran the proof of concept with the customer's network team.",
        "evidence": "PoC sign-off",
        "evidence_url": "https://contoso.example/poc",
    }
    data.update(overrides)
    return data


def test_partner_claims_influence_and_the_reviewer_is_told(client, tenant, other_partner, channel_manager, register):
    register()
    login(client, other_partner)
    assert client.get("/t/acme/deals/influence/").status_code == 200
    response = client.post("/t/acme/deals/influence/", claim_form())
    assert response.status_code == 302
    with tenant_context(tenant):
        claim = InfluenceClaim.objects.get()
    assert (claim.status, claim.partner_organization_id, claim.customer_domain) == (
        "pending",
        other_partner.partner_organization_id,
        "initech.de",
    )
    assert events_of(tenant, "deal.influence_claimed")[-1].payload["claim_id"] == claim.pk
    assert notifications_of(tenant, channel_manager.user, "deal.influence_claimed")
    assert b"Pending" in client.get("/t/acme/deals/influence/").content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"activity": ""}, "activity"),
        ({"customer_name": ""}, "customer_name"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"customer_website": "not a domain"}, "customer_website"),
    ],
)
def test_a_bad_claim_names_the_field_and_writes_nothing(client, tenant, other_partner, overrides, field):
    login(client, other_partner)
    response = client.post("/t/acme/deals/influence/", claim_form(**overrides))
    assert response.status_code == 400
    assert f'id="id_{field}-error"'.encode() in response.content or b"invalid-feedback" in response.content
    with tenant_context(tenant):
        assert not InfluenceClaim.objects.exists()


def test_staff_accept_a_claim_on_the_deal_found_and_the_partner_then_sees_it(
    client, tenant, register, channel_manager, other_partner, other_org
):
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
        claim = services.influence_claim_create(actor=other_partner, **claim_form())
    login(client, channel_manager)
    queue = client.get("/t/acme/deals/influence/review/")
    assert queue.status_code == 200
    # The deal of the customer named is suggested.
    assert f'value="registration:{registration.pk}"'.encode() in queue.content
    response = client.post(
        f"/t/acme/deals/influence/{claim.pk}/decide/",
        {
            "decision": "accept",
            "target": f"registration:{registration.pk}",
            "share": "30",
        },
    )
    assert response.status_code == 302
    claim = refreshed(tenant, claim)
    assert (claim.status, claim.registration_id, claim.share) == ("accepted", registration.pk, Decimal("30.00"))
    assert (other_org.pk, "influenced", Decimal("30.00")) in participants(tenant, registration=registration)
    assert events_of(tenant, "deal.influence_accepted")[-1].payload["share"] == "30.00"
    assert notifications_of(tenant, other_partner.user, "deal.influence_decided")
    login(client, other_partner)
    assert client.get(f"/t/acme/deals/{registration.pk}/").status_code == 200


def test_influenced_shares_may_not_pass_100_and_nothing_is_written(
    client, tenant, register, channel_manager, other_partner, third_org
):
    registration = register()
    with tenant_context(tenant):
        services.influence_add(
            actor=channel_manager, partner_organization=third_org.pk, share="80", registration=registration
        )
        claim = services.influence_claim_create(actor=other_partner, **claim_form())
    login(client, channel_manager)
    response = client.post(
        f"/t/acme/deals/influence/{claim.pk}/decide/",
        {
            "decision": "accept",
            "registration": registration.pk,
            "share": "25",
        },
    )
    assert response.status_code == 400
    assert b"influenced shares add up to 105%" in response.content
    assert refreshed(tenant, claim).status == "pending"
    assert len(participants(tenant, registration=registration)) == 2


def test_staff_decline_a_claim_with_a_reason_the_partner_reads(client, tenant, channel_manager, other_partner):
    with tenant_context(tenant):
        claim = services.influence_claim_create(actor=other_partner, **claim_form())
    login(client, channel_manager)
    url = f"/t/acme/deals/influence/{claim.pk}/decide/"
    refused = client.post(url, {"decision": "decline", "reason": ""})
    assert refused.status_code == 400 and b"Say why the claim is declined" in refused.content
    client.post(url, {"decision": "decline", "reason": "No meeting on record."})
    assert refreshed(tenant, claim).status == InfluenceClaimStatus.DECLINED
    assert events_of(tenant, "deal.influence_declined")[-1].payload["reason"] == "No meeting on record."
    login(client, other_partner)
    assert b"No meeting on record." in client.get("/t/acme/deals/influence/").content
    # A decided claim cannot be decided again.
    login(client, channel_manager)
    again = client.post(url, {"decision": "decline", "reason": "Again"})
    assert again.status_code == 400 and b"already decided" in again.content


def test_partners_cannot_work_the_queue_and_see_only_their_own_claims(
    client, tenant, other_partner, third_partner, partner_admin
):
    with tenant_context(tenant):
        claim = services.influence_claim_create(actor=other_partner, **claim_form())
    login(client, third_partner)
    assert client.get("/t/acme/deals/influence/review/").status_code == 404
    assert client.post(f"/t/acme/deals/influence/{claim.pk}/decide/", {}).status_code == 404
    assert b"Initech GmbH" not in client.get("/t/acme/deals/influence/").content


def test_the_registering_partner_cannot_be_added_as_influencer_of_its_own_deal(
    tenant, register, channel_manager, partner_org
):
    registration = register()
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.influence_add(
            actor=channel_manager, partner_organization=partner_org.pk, share="10", registration=registration
        )
    assert refused.value.field == "partner_organization"


# API ---------------------------------------------------------------------------------------------------------


def test_claims_through_the_api_partner_key_claims_tenant_key_accepts_on_a_crm_opportunity(
    tenant, other_org, third_org, crm, crm_opportunity
):
    opportunity = crm_opportunity("Initech GmbH", "initech.de", external_id="SF-OPP-1")
    partner = key_client(make_api_key(tenant, scopes=["deals:write"], partner_organization=other_org)[1])
    created = partner.post("/api/v1/influence-claims/", claim_form(), format="json")
    assert created.status_code == 201, created.content
    claim_id = created.json()["id"]
    assert created.json()["status"] == "pending"
    bad = partner.post("/api/v1/influence-claims/", claim_form(activity=""), format="json")
    assert fields_of(problem_of(bad, 400)) == ["activity"]
    # A partner does not decide, and another partner does not read the claim.
    problem_of(partner.post(f"/api/v1/influence-claims/{claim_id}/accept/", {"share": "10"}, format="json"), 404)
    outsider = key_client(make_api_key(tenant, scopes=["deals:read"], partner_organization=third_org)[1])
    problem_of(outsider.get(f"/api/v1/influence-claims/{claim_id}/"), 404)

    over = crm.post(
        f"/api/v1/influence-claims/{claim_id}/accept/", {"crm_opportunity": "SF-OPP-1", "share": "101"}, format="json"
    )
    assert fields_of(problem_of(over, 400)) == ["share"]
    accepted = crm.post(
        f"/api/v1/influence-claims/{claim_id}/accept/", {"crm_opportunity": "SF-OPP-1", "share": "15"}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["crm_opportunity"] == "SF-OPP-1"
    assert participants(tenant, crm_opportunity=opportunity) == [(other_org.pk, "influenced", Decimal("15.00"))]
    # The partner reads its claim decided, without learning the CRM's record.
    mine = partner.get(f"/api/v1/influence-claims/{claim_id}/").json()
    assert mine["status"] == "accepted" and mine["crm_opportunity"] is None
    again = crm.post(f"/api/v1/influence-claims/{claim_id}/decline/", {"reason": "late"}, format="json")
    problem_of(again, 409)


def test_the_crm_adds_influencing_partners_to_registrations_and_opportunities(
    tenant, crm, other_org, third_org, register, crm_opportunity
):
    registration = register()
    crm_opportunity("Globex Direct", "globex-direct.com", external_id="SF-OPP-9")
    added = crm.post(
        f"/api/v1/deals/{registration.pk}/influencers/",
        {"partner_organization": other_org.pk, "share": "40"},
        format="json",
    )
    assert added.status_code == 200, added.content
    assert {"partner_organization": other_org.pk, "role": "influenced", "share": "40.00"} in added.json()[
        "participants"
    ]
    over = crm.post(
        f"/api/v1/deals/{registration.pk}/influencers/",
        {"partner_organization": third_org.pk, "share": "70"},
        format="json",
    )
    assert fields_of(problem_of(over, 400)) == ["share"]

    on_opportunity = crm.post(
        "/api/v1/opportunity-influencers/",
        {"crm_opportunity": "SF-OPP-9", "partner_organization": third_org.pk, "share": "50"},
        format="json",
    )
    assert on_opportunity.status_code == 201, on_opportunity.content
    assert on_opportunity.json()["crm_opportunity"] == "SF-OPP-9"
    listed = crm.get("/api/v1/opportunity-influencers/?crm_opportunity=SF-OPP-9").json()["results"]
    assert [(row["partner_organization"], row["share"]) for row in listed] == [(third_org.pk, "50.00")]
    unknown = crm.post(
        "/api/v1/opportunity-influencers/",
        {"crm_opportunity": "SF-NOPE", "partner_organization": third_org.pk, "share": "5"},
        format="json",
    )
    assert fields_of(problem_of(unknown, 400)) == ["crm_opportunity"]
    # Partners never read the vendor's CRM opportunities, nor add influencers.
    partner = key_client(make_api_key(tenant, scopes=["deals:write"], partner_organization=other_org)[1])
    assert partner.get("/api/v1/opportunity-influencers/").status_code in (403, 404)
    problem_of(
        partner.post(
            f"/api/v1/deals/{registration.pk}/influencers/",
            {"partner_organization": other_org.pk, "share": "1"},
            format="json",
        ),
        404,
    )
