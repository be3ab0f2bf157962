"""A partner keeps its own profile up to date; staff edit any partner's. Status, owner, tier, score and type are
not profile fields."""

import pytest

from partners import services
from partners.models import PartnerOrganization, PartnerStatus
from prm import selectors as core_selectors
from prm.errors import PermissionDenied, ValidationFailed
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory

PORTAL_PROFILE = "/t/acme/portal/profile/"

PROFILE = {
    "legal_name": "Northwind Secure Ltd",
    "website": "https://northwind.example",
    "email_domains": "Northwind.example; @northwind.co.uk",
    "country": "GB",
    "region": "EMEA",
    "regions": ["EMEA", "NA"],
    "industries": "Healthcare; Finance",
    "company_size": "51-200",
    "customer_count": "120",
}


def fresh(tenant, partner) -> PartnerOrganization:
    with tenant_context(tenant):
        return PartnerOrganization.objects.get(pk=partner.pk)


def test_partner_admin_edits_own_profile_and_it_is_recorded(client, tenant, partner_admin, partner_org):
    login(client, partner_admin)

    form = client.get(PORTAL_PROFILE)
    response = client.post(PORTAL_PROFILE, {**PROFILE, "status": "offboarded", "tier": "platinum"})

    assert form.status_code == 200 and 'name="legal_name"' in form.content.decode()
    assert response.status_code == 302 and response["Location"] == "/t/acme/portal/"
    partner = fresh(tenant, partner_org)
    assert partner.legal_name == "Northwind Secure Ltd"
    assert partner.email_domains == ["northwind.example", "northwind.co.uk"]
    assert (partner.country, partner.company_size, partner.customer_count) == ("GB", "51-200", 120)
    assert partner.regions == ["EMEA", "NA"] and partner.industries == ["Healthcare", "Finance"]
    assert (partner.status, partner.tier) == (PartnerStatus.ACTIVE, "")  # not the partner's to change
    with tenant_context(tenant):
        event = Event.objects.get(type="partner.profile_updated")
        history = core_selectors.history_for(partner)
    assert "legal_name" in event.payload["changed"] and event.actor_user == partner_admin.user
    changes = {change["field"]: change["after"] for row in history for change in row["changes"]}
    assert changes["legal_name"] == "Northwind Secure Ltd"


def test_portal_shows_the_profile_link_to_partner_admins(client, partner_admin):
    login(client, partner_admin)

    assert 'href="/t/acme/portal/profile/"' in client.get("/t/acme/portal/").content.decode()


def test_partner_admin_gets_404_on_another_partners_profile(client, tenant, partner_admin):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso Cloud")
    login(client, partner_admin)

    assert client.get(f"/t/acme/partners/{other.pk}/edit/").status_code == 404
    assert client.post(f"/t/acme/partners/{other.pk}/edit/", PROFILE).status_code == 404
    assert fresh(tenant, other).legal_name == ""


@pytest.mark.parametrize("role", [Role.PARTNER_SALES, Role.PARTNER_MARKETING, Role.TENANT_ADMIN])
def test_only_partner_admins_have_a_portal_profile_page(client, member, role):
    login(client, member(role))

    assert client.get(PORTAL_PROFILE).status_code == 404


def test_staff_edit_any_partners_profile(client, tenant, member, partner_org):
    login(client, member(Role.CHANNEL_MANAGER))

    response = client.post(f"/t/acme/partners/{partner_org.pk}/edit/", {**PROFILE, "website": ""})

    assert response.status_code == 302 and response["Location"] == f"/t/acme/partners/{partner_org.pk}/"
    assert fresh(tenant, partner_org).legal_name == "Northwind Secure Ltd"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MARKETING, Role.FINANCE])
def test_read_only_staff_cannot_edit_profiles(client, member, partner_org, role):
    login(client, member(role))

    assert client.get(f"/t/acme/partners/{partner_org.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "javascript:alert(1)", "http:// or https://"),
        ("email_domains", "acme.com; not a domain", "Not an email domain: not a domain"),
        ("country", "D1", "Select a valid choice."),
        ("regions", ["EMEA", "Narnia"], "Select a valid choice."),
    ],
)
def test_bad_values_are_refused_beside_their_field(client, tenant, partner_admin, partner_org, field, value, message):
    login(client, partner_admin)

    response = client.post(PORTAL_PROFILE, {**PROFILE, field: value})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert fresh(tenant, partner_org).legal_name == ""


def test_the_service_refuses_fields_outside_the_profile(tenant, partner_admin, partner_org):
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        services.partner_profile_update(actor=partner_admin, partner=partner_org, status="active")

    assert refused.value.field == "status"


def test_the_service_refuses_another_organizations_admin(tenant, partner_admin):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso Cloud")
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.partner_profile_update(actor=partner_admin, partner=other, legal_name="Hijacked")


def test_saving_an_unchanged_profile_records_nothing(tenant, partner_admin, partner_org):
    with tenant_context(tenant):
        services.partner_profile_update(actor=partner_admin, partner=partner_org, legal_name="")
        assert not Event.objects.filter(type="partner.profile_updated").exists()
