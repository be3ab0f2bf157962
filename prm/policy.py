"""The one place that decides who may do what. Views declare an action; the API (next issue) uses the same.

`can(membership, action, obj)` is True only when the membership is active, belongs to the object's tenant, has a
role the action allows, and — for partner roles — the object belongs to the member's own partner organization.
An unknown action is a programming error and raises, so a typo never grants access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.utils.translation import gettext as _

from prm.errors import PermissionDenied
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

if TYPE_CHECKING:
    from prm.api.keys import ApiKeyActor
    from prm.models import Membership

# Who acts in a use case: a member (a person in a role), the program acting on its own rules, or an API key (acting as
# a tenant admin, or as a partner's admin when bound to a partner). Every service's `actor` parameter is one of these.
Actor: TypeAlias = "Membership | ProgramActor | ApiKeyActor"

ALL_ROLES = STAFF_ROLES | PARTNER_ROLES

# The core's own actions. Each app adds its own in its `declarations.py` (collected by prm.registry at start-up).
RULES: dict[str, frozenset[str]] = {
    # Any member of the program (its home page redirects to the console or the portal).
    "tenant.view": ALL_ROLES,
    # Staff console and program administration
    "console.view": STAFF_ROLES,
    "tenant.manage_settings": frozenset({Role.TENANT_ADMIN}),
    "members.view": frozenset({Role.TENANT_ADMIN}),
    "members.manage": frozenset({Role.TENANT_ADMIN}),
    "members.invite_staff": frozenset({Role.TENANT_ADMIN}),
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
    """The partner organization an object belongs to (itself, when it is one), or None for tenant-wide objects."""
    if obj._meta.label_lower == settings.PRM_PARTNER_ORGANIZATION_MODEL.lower():
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


def require(actor: Actor | None, action: str, obj=None) -> None:
    """Refuse with `PermissionDenied` unless `can(actor, action, obj)`: the first line of every service."""
    if not can(actor, action, obj):
        raise PermissionDenied(_("You do not have access to this."))
