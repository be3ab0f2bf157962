"""Event subscribers of the partners app (imported at start-up by partners.apps): onboarding reacts to events.

Handlers run in the relay's transaction and are idempotent (a relay that crashes is repeated): starting an
onboarding is a no-op when one runs already, and only open steps are completed, each once.
"""

from partners.services import onboarding
from prm.events import subscribe
from prm.models import Event


@subscribe("partner.approved", "partner.reactivated")
def start_onboarding(event: Event) -> None:
    """An approved partner (or one reactivated into onboarding) starts its type's plan."""
    onboarding.onboarding_start_from_event(event)


@subscribe("partner.offboarded")
def cancel_onboarding(event: Event) -> None:
    """A partner that leaves the program stops its onboarding: no more reminders or escalations."""
    onboarding.onboarding_cancel_for_partner(partner_id=int(event.subject_id), reason="partner offboarded")


@subscribe("*")
def complete_onboarding_steps(event: Event) -> None:
    """Any event that concerns a partner may complete its open onboarding steps (their event type and condition)."""
    onboarding.onboarding_steps_complete_from_event(event)
