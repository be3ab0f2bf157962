"""Managing members: roles, deactivation, the last-admin rule, and the history of each change."""

import pytest

from prm import services
from prm.errors import PermissionDenied, ValidationFailed
from prm.models import Membership
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import StaffFactory


def reload(membership):
    with tenant_context(membership.tenant):
        return Membership.objects.get(pk=membership.pk)


def detail_url(membership):
    return f"/t/acme/members/{membership.pk}/"


def update(actor, membership, *, role, is_active=True):
    with tenant_context(actor.tenant):
        return services.membership_update(actor=actor, membership=membership, role=role, is_active=is_active)


# --- Service ----------------------------------------------------------------------------------------------------


def test_tenant_admin_changes_a_staff_role(tenant_admin, member):
    analyst = member(Role.ANALYST)

    update(tenant_admin, analyst, role=Role.CHANNEL_MANAGER)

    assert reload(analyst).role == Role.CHANNEL_MANAGER


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN])
def test_only_tenant_admins_manage_members(member, role):
    actor = member(role)
    target = member(Role.PARTNER_SALES)

    with pytest.raises(PermissionDenied):
        update(actor, target, role=Role.PARTNER_ADMIN)

    assert reload(target).role == Role.PARTNER_SALES


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(Role.ANALYST, Role.PARTNER_ADMIN), (Role.PARTNER_SALES, Role.TENANT_ADMIN), (Role.PARTNER_ADMIN, Role.FINANCE)],
)
def test_staff_and_partner_roles_do_not_cross(tenant_admin, member, current, wanted):
    target = member(current)

    with pytest.raises(ValidationFailed) as refusal:
        update(tenant_admin, target, role=wanted)

    assert refusal.value.field == "role"
    assert reload(target).role == current


@pytest.mark.parametrize(
    ("change", "field"),
    [({"role": Role.ANALYST}, "role"), ({"role": Role.TENANT_ADMIN, "is_active": False}, "is_active")],
)
def test_last_active_tenant_admin_cannot_be_demoted_or_deactivated(tenant_admin, change, field):
    with pytest.raises(ValidationFailed) as refusal:
        update(tenant_admin, tenant_admin, **change)

    assert "at least one active tenant admin" in refusal.value.message
    assert refusal.value.field == field
    after = reload(tenant_admin)
    assert (after.role, after.is_active) == (Role.TENANT_ADMIN, True)


def test_a_deactivated_admin_does_not_count_as_the_other_admin(tenant, tenant_admin):
    former = StaffFactory(tenant=tenant, is_active=False)

    with pytest.raises(ValidationFailed):
        update(tenant_admin, tenant_admin, role=Role.ANALYST)

    assert reload(former).is_active is False


def test_an_admin_may_step_down_when_another_admin_remains(tenant, tenant_admin):
    StaffFactory(tenant=tenant)

    update(tenant_admin, tenant_admin, role=Role.ANALYST)

    assert reload(tenant_admin).role == Role.ANALYST


def test_admins_of_another_tenant_do_not_count(tenant_admin, other_tenant):
    StaffFactory(tenant=other_tenant)

    with pytest.raises(ValidationFailed):
        update(tenant_admin, tenant_admin, role=Role.ANALYST, is_active=True)


# --- Pages ------------------------------------------------------------------------------------------------------


def test_members_page_lists_staff_and_partner_users(client, tenant_admin, partner_admin):
    login(client, tenant_admin)

    html = client.get("/t/acme/members/").content.decode()

    assert tenant_admin.user.email in html
    assert partner_admin.user.email in html
    assert "Northwind Secure" in html


def test_tenant_admin_changes_a_role_and_sees_it_in_the_history(client, tenant_admin, member):
    analyst = member(Role.ANALYST)
    login(client, tenant_admin)

    response = client.post(detail_url(analyst), {"role": Role.FINANCE, "is_active": "on"}, follow=True)

    assert response.redirect_chain == [(detail_url(analyst), 302)]
    assert reload(analyst).role == Role.FINANCE
    html = response.content.decode()
    assert f"{analyst.user} updated." in html
    history = html.split('id="history-heading"', 1)[1]
    # Who (the acting admin, recorded by the pghistory middleware), which field, from → to.
    assert f"<td>{tenant_admin.user}</td>" in history
    assert "Role</span>: Analyst (read-only) → Finance" in history


def test_tenant_admin_deactivates_a_member_who_then_gets_not_found(client, tenant_admin, member):
    rep = member(Role.PARTNER_SALES)
    login(client, tenant_admin)

    response = client.post(detail_url(rep), {"role": Role.PARTNER_SALES}, follow=True)

    assert reload(rep).is_active is False
    history = response.content.decode().split('id="history-heading"', 1)[1]
    assert "Deactivated" in history and "Active</span>: Yes → No" in history
    assert f"<td>{tenant_admin.user}</td>" in history
    login(client, rep)
    for url in ("/t/acme/", "/t/acme/portal/", f"/t/acme/partners/{rep.partner_organization_id}/"):
        assert client.get(url).status_code == 404, url


def test_member_page_refuses_to_turn_staff_into_a_partner_role(client, tenant_admin, member):
    analyst = member(Role.ANALYST)
    login(client, tenant_admin)

    response = client.post(detail_url(analyst), {"role": Role.PARTNER_ADMIN, "is_active": "on"})

    assert response.status_code == 400
    assert 'id="id_role-error"' in response.content.decode()
    assert reload(analyst).role == Role.ANALYST


def test_member_page_offers_only_same_side_roles(client, tenant_admin, partner_admin):
    login(client, tenant_admin)

    html = client.get(detail_url(partner_admin)).content.decode()

    assert 'value="partner_sales"' in html
    assert 'value="tenant_admin"' not in html


@pytest.mark.parametrize(
    ("data", "field"),
    [({"role": Role.ANALYST, "is_active": "on"}, "role"), ({"role": Role.TENANT_ADMIN}, "is_active")],
    ids=["demote", "deactivate"],
)
def test_last_tenant_admin_is_kept_with_a_clear_message(client, tenant_admin, data, field):
    login(client, tenant_admin)

    response = client.post(detail_url(tenant_admin), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "A program needs at least one active tenant admin." in html
    assert f'id="id_{field}-error"' in html
    after = reload(tenant_admin)
    assert (after.role, after.is_active) == (Role.TENANT_ADMIN, True)


def test_member_of_another_tenant_is_not_found(client, tenant_admin, other_tenant):
    foreign = StaffFactory(tenant=other_tenant, role=Role.ANALYST)
    login(client, tenant_admin)

    assert client.get(detail_url(foreign)).status_code == 404
    assert client.post(detail_url(foreign), {"role": Role.FINANCE, "is_active": "on"}).status_code == 404
    assert reload(foreign).role == Role.ANALYST


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.PARTNER_ADMIN])
def test_only_tenant_admins_reach_the_member_page(client, member, tenant_admin, role):
    login(client, member(role))

    assert client.get(detail_url(tenant_admin)).status_code == 404
    assert client.post(detail_url(tenant_admin), {"role": Role.ANALYST, "is_active": "on"}).status_code == 404
    assert reload(tenant_admin).role == Role.TENANT_ADMIN
