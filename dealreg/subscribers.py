"""Event subscribers of deal registration (imported at start-up by dealreg.apps): a partner that leaves the program
leaves its deal registrations.

Handlers run in the relay's transaction, each in its own savepoint, and are idempotent (a relay that crashes is
repeated): only registrations still open or protected are withdrawn, and the offboarding record gets its note once.
"""

from dealreg.services.offboarding import deals_end_for_offboarded_partner
from partners.declarations import PARTNER_OFFBOARDED
from prm.events import subscribe
from prm.models import Event
from prm.policy import ProgramActor


@subscribe(PARTNER_OFFBOARDED)
def end_registrations_of_offboarded_partner(event: Event) -> None:
    """Drafts and registrations in review are withdrawn; protections end; the vendor's sellers are told. The
    program acts on its own rules (ProgramActor), following the offboarding."""
    deals_end_for_offboarded_partner(actor=ProgramActor(event.tenant_id), partner_organization_id=int(event.subject_id))
