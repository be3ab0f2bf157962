"""Member lists run a fixed number of queries whatever the number of members and invitations."""

import pytest

from prm import services
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.prm.query_counts import queries_for


def add_people(tenant, admin, count):
    """`count` staff, `count` partner users in their own organizations, and `count` open invitations."""
    for _ in range(count):
        StaffFactory(tenant=tenant, role=Role.ANALYST)
        partner = PartnerOrganizationFactory(tenant=tenant)
        PartnerUserFactory(tenant=tenant, partner_organization=partner)
        with tenant_context(tenant):
            services.invitation_create(
                actor=admin,
                email=f"{partner.pk}@invitee.example",
                role=Role.PARTNER_SALES,
                partner_organization=partner,
            )


def test_members_page_query_count_does_not_grow_with_members(client, tenant, tenant_admin):
    login(client, tenant_admin)
    add_people(tenant, tenant_admin, 3)
    with_3 = queries_for(client, "/t/acme/members/")

    add_people(tenant, tenant_admin, 27)
    with_30 = queries_for(client, "/t/acme/members/")

    assert with_30 == with_3


@pytest.mark.parametrize("url", ["/t/acme/portal/team/", "/t/acme/portal/"])
def test_partner_team_pages_query_count_does_not_grow_with_colleagues(client, tenant, partner_admin, partner_org, url):
    login(client, partner_admin)

    def add_colleagues(count):
        for n in range(count):
            PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
            with tenant_context(tenant):
                services.invitation_create(
                    actor=partner_admin,
                    email=f"c{n}-{count}@northwind.example",
                    role=Role.PARTNER_SALES,
                    partner_organization=partner_org,
                )

    add_colleagues(3)
    with_3 = queries_for(client, url)
    add_colleagues(27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3


def test_member_page_query_count_does_not_grow_with_its_history(client, tenant, tenant_admin):
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    login(client, tenant_admin)
    url = f"/t/acme/members/{analyst.pk}/"
    roles = [Role.FINANCE, Role.ANALYST]

    def change(times):
        for i in range(times):
            client.post(url, {"role": roles[i % 2], "is_active": "on"})

    change(2)
    with_3 = queries_for(client, url)
    change(27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3
