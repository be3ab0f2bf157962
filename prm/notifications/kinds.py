"""Every kind of notification the platform sends, with the words the preferences page shows for it.

`notify()` refuses a kind that is not registered here, so a typo never creates notifications nobody can opt out
of. `audience` is the policy action a member needs to receive the kind: the preferences page offers each member
only the kinds that can reach them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from prm import policy


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # lazy: shown in the reader's language
    description: str
    audience: str


# The core's own kinds; each app adds its own in its `declarations.py` (collected by prm.registry at start-up).
KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind(
            "invitation.accepted",
            _("Invitation accepted"),
            _("Someone you invited has joined the program."),
            audience="partner_team.invite",
        ),
        Kind(
            "api_key.created",
            _("API key created"),
            _("A new API key can now read or change the program's data."),
            audience="api_keys.manage",
        ),
        Kind(
            "api_key.revoked",
            _("API key revoked"),
            _("An API key was revoked; integrations using it stop working."),
            audience="api_keys.manage",
        ),
        Kind(
            "webhook.delivery_failed",
            _("Webhook delivery failed"),
            _("A webhook endpoint did not accept an event after every retry."),
            audience="webhooks.manage",
        ),
        Kind(
            "event.dead_lettered",
            _("Event handler gave up"),
            _(
                "A part of the program (webhooks, notifications, onboarding) failed on an event after every retry and "
                "waits in the dead-letter list."
            ),
            audience="events.manage_failures",
        ),
        Kind(
            "webhook.endpoint_disabled",
            _("Webhook endpoint disabled"),
            _("A webhook endpoint kept failing and was disabled."),
            audience="webhooks.manage",
        ),
    ]
}


def get_kind(key: str) -> Kind:
    """The registered kind; an unknown key is a programming error."""
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown notification kind {key!r}: declare it in its app's declarations.py.") from None


def kinds_for(membership) -> list[Kind]:
    """The kinds that can reach this member, in registry order."""
    return [kind for kind in KINDS.values() if policy.can(membership, kind.audience)]
