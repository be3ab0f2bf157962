"""Every kind of notification the platform sends, with the words the preferences page shows for it.

`notify()` refuses a kind that is not registered here, so a typo never creates notifications nobody can opt out
of. `audience` is the policy action a member needs to receive the kind: the preferences page offers each member
only the kinds that can reach them.
"""

from __future__ import annotations

from dataclasses import dataclass

from prm import policy


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    audience: str


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind(
            "invitation.accepted",
            "Invitation accepted",
            "Someone you invited has joined the program.",
            audience="partner_team.invite",
        ),
        Kind(
            "api_key.created",
            "API key created",
            "A new API key can now read or change the program's data.",
            audience="api_keys.manage",
        ),
        Kind(
            "api_key.revoked",
            "API key revoked",
            "An API key was revoked; integrations using it stop working.",
            audience="api_keys.manage",
        ),
        Kind(
            "webhook.delivery_failed",
            "Webhook delivery failed",
            "A webhook endpoint did not accept an event after every retry.",
            audience="webhooks.manage",
        ),
        Kind(
            "event.dead_lettered",
            "Event handler gave up",
            "A part of the program (webhooks, notifications, onboarding) failed on an event after every retry and "
            "waits in the dead-letter list.",
            audience="events.manage_failures",
        ),
        Kind(
            "application.submitted",
            "Partner applications",
            "A company applied to join the program (and what the automatic rule decided about it).",
            audience="applications.decide",
        ),
        Kind(
            "webhook.endpoint_disabled",
            "Webhook endpoint disabled",
            "A webhook endpoint kept failing and was disabled.",
            audience="webhooks.manage",
        ),
        Kind(
            "onboarding.step_due_soon",
            "Onboarding step due soon",
            "An onboarding step is due in the next few days.",
            # Partner admins (their steps) and the staff who own partners (manual steps): who receives it.
            audience="partners.edit_profile",
        ),
        Kind(
            "onboarding.step_overdue",
            "Onboarding step overdue",
            "A required onboarding step of a partner you own (or that has no owner) is past its due date.",
            audience="onboarding.complete_manual_step",
        ),
        Kind(
            "onboarding.escalated",
            "Onboarding stalled",
            "A partner's onboarding has made no progress for a while.",
            audience="onboarding.complete_manual_step",
        ),
        Kind(
            "onboarding.completed",
            "Onboarding completed",
            "A partner you own completed every required onboarding step.",
            audience="onboarding.complete_manual_step",
        ),
        Kind(
            "agreement.acceptance_requested",
            "Agreement to accept",
            "A new version of a program agreement needs your organization's acceptance by a deadline.",
            audience="agreements.accept",
        ),
        Kind(
            "agreement.reminder",
            "Agreement acceptance reminder",
            "A reminder, 7 days and 1 day before the deadline, of an agreement your organization has not accepted.",
            audience="agreements.accept",
        ),
        Kind(
            "agreement.overdue",
            "Agreement acceptance overdue",
            "Partners you own (or that have no owner) did not accept a program agreement by its deadline.",
            audience="partners.manage",
        ),
        Kind(
            "deal.submitted",
            "Deal registrations to review",
            "A partner you own (or any partner, when it has no owner) submitted a deal registration.",
            audience="deals.review",
        ),
        Kind(
            "deal.info_provided",
            "Answers about deal registrations",
            "A partner answered your question about a deal registration.",
            audience="deals.review",
        ),
        Kind(
            "deal.extension_requested",
            "Protection extension requests",
            "A partner asked for more protection on an approved deal.",
            audience="deals.review",
        ),
        Kind(
            "deal.review_due",
            "Deal review due soon",
            "A deal registration's review SLA ends within a few hours.",
            audience="deals.review",
        ),
        Kind(
            "deal.review_overdue",
            "Deal review overdue",
            "A deal registration was not decided within the review SLA (escalation).",
            audience="deals.review",
        ),
        Kind(
            "deal.assigned",
            "Deals assigned to you",
            "You were assigned to a partner's deal for co-sell.",
            audience="deals.view_all",
        ),
        Kind(
            "deal.approved",
            "Deal registration approved",
            "Your deal registration was approved, with the date its protection ends.",
            audience="deals.register",
        ),
        Kind(
            "deal.rejected",
            "Deal registration turned down",
            "Your deal registration was turned down, with the reason.",
            audience="deals.register",
        ),
        Kind(
            "deal.info_requested",
            "Questions about your deals",
            "A channel manager needs more information about your deal registration.",
            audience="deals.register",
        ),
        Kind(
            "deal.expiring",
            "Deal protection ending",
            "The protection of your approved deal ends soon.",
            audience="deals.register",
        ),
        Kind(
            "deal.expired",
            "Deal protection ended",
            "Your approved deal was not closed before its protection ended.",
            audience="deals.register",
        ),
        Kind(
            "deal.extension_decided",
            "Extension requests decided",
            "Your request for more protection was approved or declined.",
            audience="deals.register",
        ),
        Kind(
            "deal.closed",
            "Deals closed or withdrawn for you",
            "The vendor (or its CRM) marked your deal won or lost, or withdrew it.",
            audience="deals.register",
        ),
    ]
}


def get_kind(key: str) -> Kind:
    """The registered kind; an unknown key is a programming error."""
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown notification kind {key!r}: register it in prm/notifications/kinds.py.") from None


def kinds_for(membership) -> list[Kind]:
    """The kinds that can reach this member, in registry order."""
    return [kind for kind in KINDS.values() if policy.can(membership, kind.audience)]
