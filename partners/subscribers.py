"""Event subscribers of the partners app (imported at start-up by partners.apps): onboarding reacts to events, and
deal registration's events stamp a partner's time to value.

Handlers run in the relay's transaction and are idempotent (a relay that crashes is repeated): starting an
onboarding is a no-op when one runs already, only open steps are completed, each once, and a time-to-value stamp
keeps the earliest time.
"""

from partners.services import onboarding, time_to_value
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


@subscribe(*time_to_value.FIRST_DEAL_STAMPS)
def stamp_time_to_value(event: Event) -> None:
    """A partner's first submitted and first won deal registration are its time-to-value milestones (kept once)."""
    time_to_value.partner_stamp_first_deal_from_event(event)
