"""Event subscribers of the enablement app (imported at start-up by enablement.apps).

Handlers run in the relay's transaction, each in its own savepoint, and are idempotent (a relay that crashes is
repeated): an award's key is derived from the completions it rests on, and the database allows one award per key.
"""

from enablement.declarations import COURSE_COMPLETED
from enablement.services import certifications
from prm.events import subscribe
from prm.models import Event


@subscribe(COURSE_COMPLETED)
def award_certifications(event: Event) -> None:
    """A completed course may be the last requirement of a certification: award it (once)."""
    certifications.certifications_award_from_event(event)
