"""The partner directory and a partner's page: search, filters, the HTMX rows partial, and who sees what."""

import pytest

from partners.models import PartnerStatus, PartnerType
from prm.roles import Role
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

LIST = "/t/acme/partners/"


@pytest.fixture
def directory(tenant, partner_org):
    """Northwind (VAR, active, fixture) plus three more partners of different kinds."""
    return {
        "northwind": partner_org,
        "contoso": PartnerOrganizationFactory(
            tenant=tenant, name="Contoso Cloud", partner_type=PartnerType.MSP, website="https://contoso.example"
        ),
        "fabrikam": PartnerOrganizationFactory(
            tenant=tenant,
            name="Fabrikam Integrators",
            partner_type=PartnerType.SYSTEM_INTEGRATOR,
            status=PartnerStatus.ONBOARDING,
        ),
        "litware": PartnerOrganizationFactory(
            tenant=tenant,
            name="Litware Resale",
            partner_type=PartnerType.RESELLER,
            status=PartnerStatus.SUSPENDED,
            website="https://cloud-shop.example",
        ),
    }


def listed(response):
    """Names of the partners in the rows, in order."""
    html = response.content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [cell.split(">", 1)[1].split("</a>", 1)[0] for cell in rows.split('<td><a href="')[1:]]


@pytest.fixture
def channel_manager(client, member):
    return login(client, member(Role.CHANNEL_MANAGER))


def test_directory_lists_every_partner_by_name(channel_manager, directory):
    response = channel_manager.get(LIST)

    assert response.status_code == 200
    assert listed(response) == ["Contoso Cloud", "Fabrikam Integrators", "Litware Resale", "Northwind Secure"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "north"}, ["Northwind Secure"]),
        ({"q": "CLOUD"}, ["Contoso Cloud", "Litware Resale"]),  # name or website
        ({"status": "onboarding"}, ["Fabrikam Integrators"]),
        ({"type": "msp"}, ["Contoso Cloud"]),
        ({"q": "cloud", "status": "suspended"}, ["Litware Resale"]),
        ({"q": "cloud", "type": "var"}, []),
    ],
)
def test_search_and_filters_narrow_the_directory(channel_manager, directory, query, names):
    assert listed(channel_manager.get(LIST, query)) == names


def test_unknown_filter_values_are_ignored(channel_manager, directory):
    response = channel_manager.get(LIST, {"status": "deleted'--", "type": "<script>"})

    assert response.status_code == 200
    assert len(listed(response)) == 4


def test_no_match_says_so(channel_manager, directory):
    response = channel_manager.get(LIST, {"q": "zzz"})

    assert "No partner matches these filters." in response.content.decode()


def test_htmx_request_gets_only_the_rows(channel_manager, directory):
    response = channel_manager.get(LIST, {"q": "north"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == ["Northwind Secure"]
    assert "<html" not in html
    assert 'id="mainNav"' not in html
    assert 'name="q"' not in html


def test_htmx_history_restore_gets_the_whole_page(channel_manager, directory):
    response = channel_manager.get(LIST, {"q": "north"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()
    assert listed(response) == ["Northwind Secure"]


def test_page_and_rows_are_cached_apart(channel_manager, directory):
    response = channel_manager.get(LIST)

    assert "HX-Request" in response["Vary"]


def test_full_page_keeps_the_filters_in_the_form(channel_manager, directory):
    html = channel_manager.get(LIST, {"q": "north", "status": "active"}).content.decode()

    assert 'name="search" value="north"' in html
    assert '<option value="active" selected>' in html


def test_directory_is_paginated_and_pages_keep_the_filters(channel_manager, tenant):
    PartnerOrganizationFactory.create_batch(30, tenant=tenant, partner_type=PartnerType.ISV)

    first = channel_manager.get(LIST, {"type": "isv"})
    second = channel_manager.get(LIST, {"type": "isv", "page": 2})

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert "Page 1 of 2 · 30 partners" in first.content.decode()
    assert 'href="?type=isv&amp;page=2">Next' in first.content.decode()


def test_directory_counts_active_users_of_each_partner(channel_manager, tenant, partner_org):
    PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES, is_active=False)

    html = channel_manager.get(LIST, {"q": "Northwind"}).content.decode()

    assert '<td class="text-end">1</td>' in html


def test_directory_shows_no_partner_of_another_program(channel_manager, directory, other_tenant):
    PartnerOrganizationFactory(tenant=other_tenant, name="Northwind Foreign")

    assert listed(channel_manager.get(LIST, {"q": "northwind"})) == ["Northwind Secure"]


def test_partner_user_sees_own_organization_page_but_not_another(client, tenant, partner_admin, partner_org, directory):
    login(client, partner_admin)

    own = client.get(f"/t/acme/partners/{partner_org.pk}/")
    other = client.get(f"/t/acme/partners/{directory['contoso'].pk}/")

    assert own.status_code == 200
    assert "Northwind Secure" in own.content.decode()
    assert other.status_code == 404
    assert "Contoso" not in other.content.decode()


def test_partner_page_of_another_program_is_not_found(channel_manager, other_tenant):
    foreign = PartnerOrganizationFactory(tenant=other_tenant, name="Foreign Partner")

    assert channel_manager.get(f"/t/acme/partners/{foreign.pk}/").status_code == 404


def test_partner_page_lists_its_users_and_the_history_of_partner_and_users(
    client, tenant, tenant_admin, partner_org, member
):
    rep = member(Role.PARTNER_SALES)
    login(client, tenant_admin)
    client.post(f"/t/acme/members/{rep.pk}/", {"role": Role.PARTNER_MARKETING, "is_active": "on"})

    response = client.get(f"/t/acme/partners/{partner_org.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert rep.user.email in html
    history = html.split('id="history-heading"', 1)[1]
    assert "Created" in history
    assert "Role</span>: Partner sales → Partner marketing" in history
    assert f"Member: {rep.user}" in history  # which of the partner's people the row is about
    assert f"<td>{tenant_admin.user}</td>" in history


def test_partner_sales_sees_no_history_and_no_invite_form(client, member, partner_org):
    login(client, member(Role.PARTNER_SALES))

    html = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()

    assert 'id="history-heading"' not in html
    assert "Send invitation" not in html


def test_partner_admin_sees_history_and_invite_form_of_own_organization(client, partner_admin, partner_org):
    login(client, partner_admin)

    html = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()

    assert 'id="history-heading"' in html
    assert "Send invitation" in html
