"""The partner directory and a partner's page run a fixed number of queries whatever the number of rows."""

from prm.roles import Role
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory
from tests.prm.query_counts import queries_for


def add_partners(tenant, count):
    for partner in PartnerOrganizationFactory.create_batch(count, tenant=tenant):
        PartnerUserFactory(tenant=tenant, partner_organization=partner, role=Role.PARTNER_SALES)


def test_partner_directory_query_count_does_not_grow_with_partners(client, tenant, tenant_admin):
    login(client, tenant_admin)
    add_partners(tenant, 3)
    with_3 = queries_for(client, "/t/acme/partners/")
    with_3_htmx = queries_for(client, "/t/acme/partners/", HTTP_HX_REQUEST="true")

    add_partners(tenant, 27)
    with_30 = queries_for(client, "/t/acme/partners/")
    with_30_htmx = queries_for(client, "/t/acme/partners/", HTTP_HX_REQUEST="true")

    assert with_30 == with_3
    assert with_30_htmx == with_3_htmx


def test_partner_page_query_count_does_not_grow_with_its_users(client, tenant, tenant_admin, partner_org):
    login(client, tenant_admin)
    url = f"/t/acme/partners/{partner_org.pk}/"
    first, *_ = PartnerUserFactory.create_batch(
        3, tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES
    )
    # A change made through the pages, so the history names who made it (one look-up of people, at most).
    client.post(f"/t/acme/members/{first.pk}/", {"role": Role.PARTNER_ADMIN, "is_active": "on"})
    with_3 = queries_for(client, url)

    PartnerUserFactory.create_batch(27, tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    with_30 = queries_for(client, url)

    assert with_30 == with_3
