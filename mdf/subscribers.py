"""Event subscribers of market development funds (imported at start-up by mdf.apps): a partner that leaves the
program leaves its funds.

Handlers run in the relay's transaction, each in its own savepoint, and are idempotent (a relay that crashes is
repeated): only requests still open are cancelled, only balances still there are returned.
"""

from mdf.services.offboarding import mdf_end_for_offboarded_partner
from partners.declarations import PARTNER_OFFBOARDED
from prm.events import subscribe
from prm.models import Event
from prm.policy import ProgramActor


@subscribe(PARTNER_OFFBOARDED)
def end_funds_of_offboarded_partner(event: Event) -> None:
    """Drafts and requests in review are cancelled; approved requests not yet claimed are cancelled and their
    commitments released; what is left available on the partner's allocations returns to the funds. Approved claims
    are still paid. The program acts on its own rules (ProgramActor), following the offboarding."""
    mdf_end_for_offboarded_partner(actor=ProgramActor(event.tenant_id), partner_organization_id=int(event.subject_id))
