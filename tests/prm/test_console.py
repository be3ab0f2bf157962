"""The channel console's figures."""

from datetime import timedelta

from django.utils import timezone

from prm import services
from prm.models import Invitation
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory


def stat(html, label):
    return (
        html.split(f'<div class="text-muted small">{label}</div><div class="stat"', 1)[1]
        .split(">", 1)[1]
        .split("<", 1)[0]
    )


def test_console_counts_partners_partner_users_and_pending_invitations(client, tenant, tenant_admin, partner_org):
    PartnerOrganizationFactory(tenant=tenant, status="suspended")
    PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES, is_active=False)
    with tenant_context(tenant):
        for email in ("pending@example.com", "expired@example.com"):
            services.invitation_create(actor=tenant_admin, email=email, role=Role.ANALYST)
        Invitation.objects.filter(email="expired@example.com").update(expires_at=timezone.now() - timedelta(hours=1))
    login(client, tenant_admin)

    html = client.get("/t/acme/console/").content.decode()

    assert stat(html, "Partners") == "2"
    assert stat(html, "Active partners") == "1"
    assert stat(html, "Partner users") == "1"
    assert stat(html, "Open invitations") == "1"
