"""A partner's time to value: when it registered its first deal and when it won its first one. Deal registration
says so through its events (`deal.submitted`, `deal.won`); partners keeps the stamps on the organization."""

from __future__ import annotations

from datetime import datetime

from partners.models import PartnerOrganization
from prm.models import Event

# The event that marks each stamp.
FIRST_DEAL_STAMPS = {
    "deal.submitted": "first_deal_registered_at",
    "deal.won": "first_deal_won_at",
}


def partner_stamp_first_deal(*, partner_id: int, stamp: str, when: datetime) -> bool:
    """Set a time-to-value stamp (FIRST_DEAL_STAMPS) the first time only: one conditional UPDATE, so a repeated event
    (delivery is at least once) or two first deals at once keep the first time written (events are relayed in
    order). True when the stamp was set."""
    if stamp not in FIRST_DEAL_STAMPS.values():
        raise ValueError(f"unknown time-to-value stamp {stamp!r}")
    unset = PartnerOrganization.objects.filter(pk=partner_id, **{f"{stamp}__isnull": True})
    return bool(unset.update(**{stamp: when, "updated_at": when}))


def partner_stamp_first_deal_from_event(event: Event) -> None:
    """The stamp an event marks, at the time the deal was submitted or won (not when the event was relayed)."""
    partner_id = (event.payload or {}).get("partner_organization_id")
    if partner_id:
        partner_stamp_first_deal(partner_id=partner_id, stamp=FIRST_DEAL_STAMPS[event.type], when=event.occurred_at)
