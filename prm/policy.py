"""The one place that decides who may do what. Views declare an action; the API (next issue) uses the same.

`can(membership, action, obj)` is True only when the membership is active, belongs to the object's tenant, has a
role the action allows, and — for partner roles — the object belongs to the member's own partner organization.
An unknown action is a programming error and raises, so a typo never grants access.
"""

from __future__ import annotations

from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

ALL_ROLES = STAFF_ROLES | PARTNER_ROLES

RULES: dict[str, frozenset[str]] = {
    # Staff console and program administration
    "console.view": STAFF_ROLES,
    "tenant.manage_settings": frozenset({Role.TENANT_ADMIN}),
    "members.view": frozenset({Role.TENANT_ADMIN}),
    "members.manage": frozenset({Role.TENANT_ADMIN}),
    "members.invite_staff": frozenset({Role.TENANT_ADMIN}),
    # Partner organizations: staff see all of them; partner users only their own.
    "partners.view": ALL_ROLES,
    "partners.view_list": STAFF_ROLES,
    "partners.manage": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    "partners.import": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    "partners.export": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST}),
    # A partner's profile (website, domains, regions…): staff who manage partners, and its own partner admin.
    "partners.edit_profile": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN}),
    "portal.edit_profile": frozenset({Role.PARTNER_ADMIN}),
    # The people at a partner the vendor deals with.
    "contacts.view": STAFF_ROLES | frozenset({Role.PARTNER_ADMIN}),
    "contacts.manage": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN}),
    # Lifecycle steps (approve, activate, suspend, offboard, reactivate, reject): the people who run the program.
    "partners.change_status": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    # Recruitment: the application queue, decisions, and the ideal partner profile with its auto-decision rule.
    "applications.view": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST}),
    "applications.decide": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    "recruitment.manage": frozenset({Role.TENANT_ADMIN}),
    # Onboarding: partners see their own checklist; staff see every plan's progress.
    "onboarding.view": ALL_ROLES,
    "onboarding.manage_plans": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    "onboarding.complete_manual_step": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    "documents.view": STAFF_ROLES | frozenset({Role.PARTNER_ADMIN}),
    "documents.upload": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN}),
    # Program agreements: tenant admins write and publish them; a partner admin accepts for the organization.
    "agreements.view": ALL_ROLES,
    "agreements.view_all": STAFF_ROLES,
    "agreements.manage": frozenset({Role.TENANT_ADMIN}),
    "agreements.accept": frozenset({Role.PARTNER_ADMIN}),
    # Deal registration: partners register and follow their own deals; channel managers review them.
    "deals.view": ALL_ROLES,
    "deals.view_all": STAFF_ROLES,
    "deals.register": frozenset({Role.PARTNER_ADMIN, Role.PARTNER_SALES}),
    "deals.review": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER}),
    "deals.export": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST}),
    "deals.manage_rules": frozenset({Role.TENANT_ADMIN}),
    "crm.sync": frozenset({Role.TENANT_ADMIN}),
    # Partner portal and a partner's own team
    "portal.view": PARTNER_ROLES,
    "partner_team.view": frozenset({Role.PARTNER_ADMIN}),
    "partner_team.invite": frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN}),
    "history.view": STAFF_ROLES | frozenset({Role.PARTNER_ADMIN}),
    # People: tenant admins see everyone; partner admins their own organization's people.
    "members.view_directory": frozenset({Role.TENANT_ADMIN, Role.PARTNER_ADMIN}),
    # Integrations
    "api_keys.manage": frozenset({Role.TENANT_ADMIN}),
    "events.view": STAFF_ROLES,
    # Event subscribers that failed (their errors name the code): listed, retried and dismissed by tenant admins.
    "events.view_failures": frozenset({Role.TENANT_ADMIN}),
    "events.manage_failures": frozenset({Role.TENANT_ADMIN}),
    "webhooks.view": frozenset({Role.TENANT_ADMIN}),
    "webhooks.manage": frozenset({Role.TENANT_ADMIN}),
    # Every member reads their own notifications.
    "notifications.view": ALL_ROLES,
}

# Roles a staff member may grant by invitation; partner admins grant only partner roles in their organization.
INVITABLE_ROLES = {
    Role.TENANT_ADMIN: ALL_ROLES,
    Role.CHANNEL_MANAGER: PARTNER_ROLES,
    Role.PARTNER_ADMIN: PARTNER_ROLES,
}


class ProgramActor:
    """The program acting on its own rules, with no person behind it (an auto-approval, an activation when the
    onboarding's required steps are done). The policy lets it do what a tenant admin may; it is no person, so what
    it does names nobody (`decided_by` empty, events and history without a user)."""

    is_active = True
    user = None
    role = Role.TENANT_ADMIN
    partner_organization_id = None
    partner_organization = None
    is_staff_role = True
    is_partner_role = False

    def __init__(self, tenant_id: int):
        self.tenant_id = tenant_id

    def __str__(self):
        return "the program's rules"


def partner_organization_id_of(obj) -> int | None:
    """The partner organization an object belongs to, or None for tenant-wide objects."""
    from partners.models import PartnerOrganization

    if isinstance(obj, PartnerOrganization):
        return obj.pk
    return getattr(obj, "partner_organization_id", None)


def can(membership, action: str, obj=None) -> bool:
    allowed_roles = RULES[action]
    if membership is None or not membership.is_active:
        return False
    if membership.role not in allowed_roles:
        return False
    if obj is not None:
        if getattr(obj, "tenant_id", membership.tenant_id) != membership.tenant_id:
            return False
        if membership.role in PARTNER_ROLES:
            return partner_organization_id_of(obj) == membership.partner_organization_id
    return True


def may_invite(membership, *, role: str, partner_organization_id: int | None) -> bool:
    if membership is None or not membership.is_active:
        return False
    if role not in INVITABLE_ROLES.get(membership.role, frozenset()):
        return False
    if membership.role in PARTNER_ROLES:
        return partner_organization_id == membership.partner_organization_id
    return True
