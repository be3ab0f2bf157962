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
            "application.submitted",
            _("Partner applications"),
            _("A company applied to join the program (and what the automatic rule decided about it)."),
            audience="applications.decide",
        ),
        Kind(
            "webhook.endpoint_disabled",
            _("Webhook endpoint disabled"),
            _("A webhook endpoint kept failing and was disabled."),
            audience="webhooks.manage",
        ),
        Kind(
            "onboarding.step_due_soon",
            _("Onboarding step due soon"),
            _("An onboarding step is due in the next few days."),
            # Partner admins (their steps) and the staff who own partners (manual steps): who receives it.
            audience="partners.edit_profile",
        ),
        Kind(
            "onboarding.step_overdue",
            _("Onboarding step overdue"),
            _("A required onboarding step of a partner you own (or that has no owner) is past its due date."),
            audience="onboarding.complete_manual_step",
        ),
        Kind(
            "onboarding.escalated",
            _("Onboarding stalled"),
            _("A partner's onboarding has made no progress for a while."),
            audience="onboarding.complete_manual_step",
        ),
        Kind(
            "onboarding.completed",
            _("Onboarding completed"),
            _("A partner you own completed every required onboarding step."),
            audience="onboarding.complete_manual_step",
        ),
        Kind(
            "agreement.acceptance_requested",
            _("Agreement to accept"),
            _("A new version of a program agreement needs your organization's acceptance by a deadline."),
            audience="agreements.accept",
        ),
        Kind(
            "agreement.reminder",
            _("Agreement acceptance reminder"),
            _("A reminder, 7 days and 1 day before the deadline, of an agreement your organization has not accepted."),
            audience="agreements.accept",
        ),
        Kind(
            "agreement.overdue",
            _("Agreement acceptance overdue"),
            _("Partners you own (or that have no owner) did not accept a program agreement by its deadline."),
            audience="partners.manage",
        ),
        Kind(
            "deal.submitted",
            _("Deal registrations to review"),
            _("A partner you own (or any partner, when it has no owner) submitted a deal registration."),
            audience="deals.review",
        ),
        Kind(
            "deal.info_provided",
            _("Answers about deal registrations"),
            _("A partner answered your question about a deal registration."),
            audience="deals.review",
        ),
        Kind(
            "deal.extension_requested",
            _("Protection extension requests"),
            _("A partner asked for more protection on an approved deal."),
            audience="deals.review",
        ),
        Kind(
            "deal.review_due",
            _("Deal review due soon"),
            _("A deal registration's review SLA ends within a few hours."),
            audience="deals.review",
        ),
        Kind(
            "deal.review_overdue",
            _("Deal review overdue"),
            _("A deal registration was not decided within the review SLA (escalation)."),
            audience="deals.review",
        ),
        Kind(
            "deal.assigned",
            _("Deals assigned to you"),
            _("You were assigned to a partner's deal for co-sell."),
            audience="deals.view_all",
        ),
        Kind(
            "deal.approved",
            _("Deal registration approved"),
            _("Your deal registration was approved, with the date its protection ends."),
            audience="deals.register",
        ),
        Kind(
            "deal.rejected",
            _("Deal registration turned down"),
            _("Your deal registration was turned down, with the reason."),
            audience="deals.register",
        ),
        Kind(
            "deal.info_requested",
            _("Questions about your deals"),
            _("A channel manager needs more information about your deal registration."),
            audience="deals.register",
        ),
        Kind(
            "deal.expiring",
            _("Deal protection ending"),
            _("The protection of your approved deal ends soon."),
            audience="deals.register",
        ),
        Kind(
            "deal.expired",
            _("Deal protection ended"),
            _("Your approved deal was not closed before its protection ended."),
            audience="deals.register",
        ),
        Kind(
            "deal.extension_decided",
            _("Extension requests decided"),
            _("Your request for more protection was approved or declined."),
            audience="deals.register",
        ),
        Kind(
            "deal.closed",
            _("Deals closed or withdrawn for you"),
            _("The vendor (or its CRM) marked your deal won or lost, or withdrew it."),
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
