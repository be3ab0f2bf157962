"""Every invitation form preselects the least privileged role it offers: one careless click on "Send invitation"
must not give a newcomer full rights (it preselected partner admin, and tenant admin on the members page)."""

import re

import pytest

from prm import policy
from prm.models import Invitation
from prm.roles import PARTNER_ROLES, Role, least_privileged_role
from prm.tenancy import tenant_context
from tests.conftest import login

pytestmark = pytest.mark.django_db


def preselected_role(html: str) -> list[str]:
    """The options of the role select that the browser shows chosen."""
    select = re.search(r'<select name="role"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no role select on the page"
    return re.findall(r'<option value="([a-z_]+)"[^>]*\bselected\b', select.group(1))


def allowed(role) -> set[str]:
    return {action for action, roles in policy.RULES.items() if role in roles}


@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (Role.PARTNER_ADMIN, "/t/acme/portal/team/", Role.PARTNER_MARKETING),
        (Role.CHANNEL_MANAGER, "/t/acme/partners/{partner}/", Role.PARTNER_MARKETING),
        (Role.TENANT_ADMIN, "/t/acme/partners/{partner}/", Role.PARTNER_MARKETING),
        (Role.TENANT_ADMIN, "/t/acme/members/", Role.ANALYST),
    ],
    ids=["partner-team-page", "partner-page-channel-manager", "partner-page-tenant-admin", "members-page"],
)
def test_the_invite_form_preselects_the_least_privileged_role(client, member, partner_org, role, page, expected):
    login(client, member(role))
    response = client.get(page.format(partner=partner_org.pk))
    assert response.status_code == 200
    assert preselected_role(response.text) == [expected]


def test_the_preselected_roles_are_the_least_privileged():
    # Partner marketing may do nothing that partner sales and partner admins may not (sales also register deals).
    partner_default = least_privileged_role(PARTNER_ROLES)
    assert partner_default == Role.PARTNER_MARKETING
    assert all(allowed(partner_default) <= allowed(other) for other in PARTNER_ROLES)
    # The analyst only reads (and exports what it may read).
    assert least_privileged_role(Role) == Role.ANALYST
    assert all(action.split(".")[-1] in {"view", "view_all", "view_list", "export"} for action in allowed(Role.ANALYST))


def test_a_staff_role_left_preselected_with_a_partner_chosen_is_refused(client, tenant, tenant_admin, partner_org):
    """The members page preselects the analyst: an admin who picks a partner's organization and leaves the role
    would otherwise give that partner's person a staff login that reads every partner's data."""
    login(client, tenant_admin)
    response = client.post(
        "/t/acme/members/",
        {"email": "rep@northwind.example", "role": Role.ANALYST, "partner_organization": partner_org.pk},
    )
    assert response.status_code == 400
    assert "is a staff role: choose a partner role" in response.text
    with tenant_context(tenant):
        assert not Invitation.objects.exists()
