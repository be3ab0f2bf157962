"""Event subscribers of the enablement app (imported at start-up by enablement.apps).

Handlers run in the relay's transaction, each in its own savepoint, and are idempotent (a relay that crashes is
repeated): an award's key is derived from the completions it rests on, and the database allows one award per key;
enrolling someone already enrolled changes nothing.
"""

from enablement.declarations import COURSE_COMPLETED
from enablement.services import certifications
from enablement.services.enrollments import enrollments_for_new_member
from prm.events import subscribe
from prm.models import Event, Membership


@subscribe(COURSE_COMPLETED)
def award_certifications(event: Event) -> None:
    """A completed course may be the last requirement of a certification: award it (once)."""
    certifications.certifications_award_from_event(event)


@subscribe("invitation.accepted")
def enroll_new_member_by_rules(event: Event) -> None:
    """A person who joins a partner is enrolled by the enrollment rules that match them."""
    membership_id = (event.payload or {}).get("membership_id")
    membership = (
        Membership.objects.select_related("user", "partner_organization").filter(pk=membership_id).first()
        if membership_id
        else None
    )
    if membership is not None:
        enrollments_for_new_member(membership=membership)
