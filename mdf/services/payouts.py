"""Payouts: approved claims queue as payable; finance marks them paid one by one (with a reference), or gathers
them into a batch, exports the batch's payout file for the ERP and confirms it. Paying moves the claim's approved
amount from payable to paid — one ledger transaction per claim, under a key, so a repeated confirmation or a
retried ERP call pays once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mdf.models import AccountKind, Claim, ClaimStatus, Fund, PayoutBatch, TransactionKind
from mdf.services.common import check_claim_transition, claim_payload, lock_claim, partner_people, tell, user_of
from mdf.services.ledger import allocation_accounts, ledger_post
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.policy import Actor

REFERENCE_MAX = PayoutBatch._meta.get_field("reference").max_length
BATCH_LIMIT = 10_000


def _pay(*, actor: Actor, claim: Claim, reference: str, batch: PayoutBatch | None = None) -> Claim:
    """Pay one locked, approved claim (payable → paid) and record it."""
    accounts = allocation_accounts(claim.allocation_id)
    amount = claim.approved_amount
    ledger_post(
        fund=claim.fund,
        kind=TransactionKind.PAY,
        lines=[(accounts[AccountKind.PAYABLE], -amount), (accounts[AccountKind.PAID], amount)],
        actor=actor,
        memo=_("Claim %(invoice)s paid (%(reference)s)") % {"invoice": claim.invoice_number, "reference": reference},
        fund_request=claim.fund_request,
        claim=claim,
        payout_batch=batch,
        idempotency_key=f"mdf:claim:{claim.pk}:pay",
    )
    now = timezone.now()
    claim.status = ClaimStatus.PAID
    claim.paid_at = now
    claim.paid_by = user_of(actor)
    claim.payout_reference = reference
    if batch is not None:
        claim.payout_batch = batch
    claim.save()
    record_event(
        "mdf.claim.paid",
        subject=claim,
        payload=claim_payload(
            claim, payout_reference=reference, payout_batch_id=claim.payout_batch_id, paid_at=now.isoformat()
        ),
        actor=actor,
    )
    tell(
        partner_people(claim.partner_organization_id, prefer_user_id=claim.claimed_by_id),
        kind="mdf.claim.paid",
        title=lazy_format(
            gettext_lazy("Claim %(invoice)s paid: %(amount)s %(currency)s"),
            invoice=claim.invoice_number,
            amount=str(claim.approved_amount),
            currency=claim.currency,
        ),
    )
    return claim


def _reference(value, *, field: str = "reference", required: bool = True) -> str:
    return clean_text(
        value,
        field=field,
        max_length=REFERENCE_MAX,
        required=_("Give the payout reference (from the bank or the ERP).") if required else "",
    )


@transaction.atomic
def claim_pay(*, actor: Actor, claim: Claim, reference: str) -> Claim:
    """Mark one approved claim paid with the payment's reference. Paying a claim already paid changes nothing
    (an ERP retrying its call)."""
    claim = lock_claim(claim)
    policy.require(actor, "mdf.pay", claim)
    reference = _reference(reference)
    if claim.status == ClaimStatus.PAID:
        return claim
    check_claim_transition(claim, ClaimStatus.PAID)
    return _pay(actor=actor, claim=claim, reference=reference, batch=claim.payout_batch)


@transaction.atomic
def payout_batch_create(*, actor: Actor, fund: Fund, reference: str = "", claim_ids=None) -> PayoutBatch:
    """Gather the fund's approved claims not yet in a batch (all of them, or those named) into a new batch."""
    policy.require(actor, "mdf.pay", fund)
    reference = _reference(reference, required=False)
    if not reference:
        reference = f"MDF-{timezone.localdate():%Y%m%d}-{PayoutBatch.objects.count() + 1:04d}"
    if PayoutBatch.objects.filter(reference=reference).exists():
        raise ValidationFailed(_("Another payout batch has this reference."), field="reference")
    claims = Claim.objects.select_for_update().filter(fund=fund, status=ClaimStatus.APPROVED, payout_batch__isnull=True)
    if claim_ids is not None:
        claims = claims.filter(pk__in=list(claim_ids))
    ids = list(claims.order_by("approved_at", "id").values_list("id", flat=True)[:BATCH_LIMIT])
    if not ids:
        raise ValidationFailed(_("No approved claims are waiting for payout."), field="claims")
    batch = PayoutBatch(reference=reference, fund=fund, created_by=user_of(actor))
    try:
        with transaction.atomic():
            batch.save(force_insert=True)
    except IntegrityError:
        # Another batch took this reference since the check (two people creating batches at once).
        raise ValidationFailed(_("Another payout batch has this reference."), field="reference") from None
    Claim.objects.filter(pk__in=ids).update(payout_batch=batch, updated_at=timezone.now())
    return batch


@transaction.atomic
def payout_batch_confirm(*, actor: Actor, batch: PayoutBatch) -> PayoutBatch:
    """The batch was paid: each of its claims still payable is paid (one ledger transaction each, under the
    claim's key), under the batch's reference. Confirming again pays nothing twice."""
    policy.require(actor, "mdf.pay", batch.fund)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("fund", "fund_request")
        .filter(payout_batch=batch, status=ClaimStatus.APPROVED)
        .order_by("id")
    )
    for claim in claims:
        _pay(actor=actor, claim=claim, reference=batch.reference, batch=batch)
    if batch.confirmed_at is None:
        batch.confirmed_at = timezone.now()
        batch.confirmed_by = user_of(actor)
        batch.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    return batch


@transaction.atomic
def payout_batch_remove_claim(*, actor: Actor, batch: PayoutBatch, claim: Claim) -> Claim:
    """Take an unpaid claim out of an unconfirmed batch (it queues again)."""
    policy.require(actor, "mdf.pay", batch.fund)
    claim = lock_claim(claim)
    if claim.payout_batch_id != batch.pk or claim.status != ClaimStatus.APPROVED:
        raise ValidationFailed(_("Only an unpaid claim of this batch can be taken out."), field="claim")
    claim.payout_batch = None
    claim.save(update_fields=["payout_batch", "updated_at"])
    return claim
