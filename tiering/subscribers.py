"""Event subscribers of the tiering app (imported at start-up by tiering.apps).

What may change a partner's metrics (a won deal, a certification earned or expired, a course completed) queues one
recalculation of that partner a few minutes later; further events within those minutes queue nothing more (the
recalculation reads everything then). Tier changes notify the partner's admins and its channel manager. Handlers
are idempotent: a repeated relay queues nothing new inside the debounce window, and notifications are per event."""

from dealreg.declarations import DEAL_WON
from enablement.declarations import (
    CERTIFICATION_AWARDED,
    CERTIFICATION_EXPIRED,
    CERTIFICATION_REVOKED,
    COURSE_COMPLETED,
)
from prm.events import subscribe
from prm.models import Event
from tiering.declarations import TIER_AT_RISK, TIER_CHANGED
from tiering.services import notifications
from tiering.services.on_demand import partner_recalculation_queue


@subscribe(DEAL_WON, CERTIFICATION_AWARDED, CERTIFICATION_EXPIRED, CERTIFICATION_REVOKED, COURSE_COMPLETED)
def queue_partner_recalculation(event: Event) -> None:
    """The partner's metrics may have changed: recalculate its tier soon (debounced)."""
    partner_id = (event.payload or {}).get("partner_organization_id")
    if partner_id:
        partner_recalculation_queue(partner_id=int(partner_id))


@subscribe(TIER_CHANGED, TIER_AT_RISK)
def notify_tier_change(event: Event) -> None:
    """The partner's admins and its channel manager hear of a new tier, or of a tier at risk and what is missing."""
    notifications.tier_change_notify(event)
