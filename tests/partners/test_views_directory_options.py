"""The invite form's organization search: a program with thousands of partners gets a search, not a huge select."""

import factory
import pytest

from prm.roles import Role
from tests.conftest import login
from tests.factories import MembershipFactory, PartnerOrganizationFactory

OPTIONS = "/t/acme/partners/options/"


@pytest.fixture
def many_partners(tenant):
    PartnerOrganizationFactory.create_batch(25, tenant=tenant, name=factory.Sequence(lambda n: f"Shield Partner {n}"))
    return PartnerOrganizationFactory(tenant=tenant, name="Zebra Security")


def test_search_returns_matching_organizations_as_options(client, tenant_admin, many_partners):
    login(client, tenant_admin)
    html = client.get(OPTIONS, {"q": "zebra"}).content.decode()
    assert f'<option value="{many_partners.pk}">Zebra Security</option>' in html
    assert "Shield Partner" not in html


def test_search_caps_the_number_of_options(client, tenant_admin, many_partners):
    login(client, tenant_admin)
    html = client.get(OPTIONS, {"q": "shield"}).content.decode()
    assert html.count('<option value="') - html.count('<option value="">') == 20


def test_search_without_match_says_so(client, tenant_admin, many_partners):
    login(client, tenant_admin)
    assert "No partner matches “nothing-like-this”" in client.get(OPTIONS, {"q": "nothing-like-this"}).content.decode()


def test_members_page_select_holds_no_partner_list(client, tenant_admin, many_partners):
    login(client, tenant_admin)
    html = client.get("/t/acme/members/").content.decode()
    assert "Zebra Security" not in html and "Shield Partner" not in html
    assert 'hx-get="/t/acme/partners/options/"' in html


def test_partner_chosen_through_search_is_invited(client, tenant, tenant_admin, many_partners, in_tenant):
    from prm.models import Invitation

    login(client, tenant_admin)
    response = client.post(
        "/t/acme/members/",
        {"email": "new.rep@zebra.example", "role": Role.PARTNER_SALES, "partner_organization": many_partners.pk},
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="new.rep@zebra.example").partner_organization == many_partners


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_SALES])
def test_partner_users_cannot_search_the_directory(client, tenant, partner_org, role, many_partners):
    member = MembershipFactory(tenant=tenant, role=role, partner_organization=partner_org)
    login(client, member)
    assert client.get(OPTIONS, {"q": "zebra"}).status_code == 404
