"""Event subscribers of the analytics app (imported at start-up by analytics.apps).

An MDF payout is a cost of the program for that partner: `mdf.claim.paid` records it (kind "MDF paid", source
`mdf`) once per claim — a redelivered event finds the cost it already added (`cost_record_mdf_payout`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.services import cost_record_mdf_payout
from mdf.declarations import CLAIM_PAID
from prm.events import subscribe
from prm.models import Event
from prm.policy import ProgramActor


@subscribe(CLAIM_PAID)
def record_mdf_payout_cost(event: Event) -> None:
    """The paid claim's approved amount becomes the partner's cost on the day it was paid."""
    payload = event.payload or {}
    amount = payload.get("approved_amount") or payload.get("claimed_amount")
    partner_id = payload.get("partner_organization_id")
    if not amount or not partner_id or not payload.get("claim_id"):
        return
    paid_at = parse_datetime(payload.get("paid_at") or "") or event.occurred_at
    cost_record_mdf_payout(
        actor=ProgramActor(event.tenant_id),
        claim_reference=str(payload["claim_id"]),
        partner_id=int(partner_id),
        amount=amount,
        currency=payload.get("currency") or "",
        paid_on=timezone.localdate(paid_at),
    )
