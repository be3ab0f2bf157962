"""Every API list runs a fixed number of queries whatever the number of rows (a full page of them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm import services
from prm.events import record_event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


def add_rows(tenant, admin, count):
    """`count` partners, each with a partner user, an invitation and an event."""
    for partner in PartnerOrganizationFactory.create_batch(count, tenant=tenant):
        PartnerUserFactory(tenant=tenant, partner_organization=partner)
        with tenant_context(tenant):
            services.invitation_create(
                actor=admin,
                email=f"{partner.pk}@invitee.example",
                role=Role.PARTNER_SALES,
                partner_organization=partner,
            )
            record_event("partner.updated", subject=partner, payload={"name": partner.name}, actor=admin)


@pytest.mark.parametrize("resource", ["partners", "members", "invitations", "events"])
def test_list_query_count_does_not_grow_with_rows(tenant, tenant_admin, api, resource):
    url = f"/api/v1/{resource}/"
    add_rows(tenant, tenant_admin, 3)
    api.get(url)  # the key's first use records its last-used time (at most once a minute): not part of the count
    with_3 = queries_for(api, url)
    add_rows(tenant, tenant_admin, 27)
    assert queries_for(api, url) == with_3
