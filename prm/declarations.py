"""What the core itself brings, declared the same way an app does (see prm/registry.py): its navigation, event
types and console card. The core's policy rules stay in prm/policy.py and its notification kinds in
prm/notifications/kinds.py."""

from django.utils.translation import gettext_lazy as _

from prm.registry import ConsoleCard, EventType, NavigationEntry

_INVITATION = {"id": "invitation id", "email": "", "role": "", "partner_organization_id": "or null"}

EVENT_TYPES = [
    EventType("invitation.created", _("Someone was invited to the program."), _INVITATION),
    EventType("invitation.accepted", _("An invitation was accepted."), {**_INVITATION, "membership_id": ""}),
    EventType("invitation.revoked", _("An invitation was revoked."), _INVITATION),
    EventType(
        "membership.updated",
        _("A member's role or access changed."),
        {"id": "membership id", "role": "", "is_active": ""},
    ),
    EventType("tenant.settings_updated", _("The program's settings changed."), {"changed": "setting names"}),
    EventType("api_key.created", _("An API key was created."), {"name": "", "prefix": "", "scopes": ""}),
    EventType("api_key.revoked", _("An API key was revoked."), {"prefix": ""}),
]

NAVIGATION = [
    NavigationEntry(_("Console"), "console", "console.view", icon="bi-speedometer2", order=10),
    NavigationEntry(_("Portal"), "portal", "portal.view", icon="bi-house", order=110),
    NavigationEntry(_("Team"), "partner_team", "partner_team.view", icon="bi-people", order=200),
    NavigationEntry(_("Members"), "members", "members.view", icon="bi-people", order=210),
    NavigationEntry(_("Settings"), "tenant_settings", "tenant.manage_settings", icon="bi-gear", order=220),
]


def _people(request) -> dict:
    from prm.selectors import member_counts

    return member_counts()


CONSOLE_CARDS = [ConsoleCard("prm/partials/console_people.html", "console.view", _people, 15)]
