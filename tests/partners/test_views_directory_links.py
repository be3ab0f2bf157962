"""The partner page leads to contacts and profile editing for those allowed; the portal tells a suspended partner."""

import pytest

from partners.models import PartnerStatus
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_channel_manager_sees_contacts_and_edit_links(client, tenant, partner_org):
    manager = MembershipFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    login(client, manager)
    html = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()
    assert f"/t/acme/partners/{partner_org.pk}/contacts/" in html
    assert f"/t/acme/partners/{partner_org.pk}/edit/" in html


def test_partner_admin_edits_through_the_portal_profile(client, partner_admin, partner_org):
    login(client, partner_admin)
    html = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()
    assert "/t/acme/portal/profile/" in html
    assert f"/t/acme/partners/{partner_org.pk}/edit/" not in html


def test_analyst_sees_contacts_but_cannot_edit(client, tenant, partner_org):
    analyst = MembershipFactory(tenant=tenant, role=Role.ANALYST)
    login(client, analyst)
    html = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()
    assert f"/t/acme/partners/{partner_org.pk}/contacts/" in html
    assert "Edit profile" not in html


def test_portal_tells_a_suspended_partner_why(client, tenant, partner_admin, partner_org):
    with tenant_context(tenant):
        type(partner_org).objects.filter(pk=partner_org.pk).update(
            status=PartnerStatus.SUSPENDED, status_reason="Agreement expired"
        )
    login(client, partner_admin)
    html = client.get("/t/acme/portal/").content.decode()
    assert "partnership is suspended: Agreement expired" in html
