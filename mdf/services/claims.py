"""Claims: after the activity the partner claims against its approved request, with proof of performance (and
optionally the leads it brought); marketing approves fully or in part, turns it down or asks for more proof.

The claimable amount is min(approved × (1 + the fund's tolerance), actual cost × the fund's reimbursement share),
less what other claims on the request already hold. A claim needs an approved request, comes before the fund's
claim deadline, and the activity must have started after its pre-approval. The same invoice number or invoice
file elsewhere in the program, and claims that add up above the fund's approval threshold while each stays below
it, are flagged for the reviewer. Whoever claimed, or asked for the funds, never decides the claim.

An approval spends in one ledger transaction: the approved part moves from committed to payable; on the last claim
(`is_final`, the default) the rest of the commitment returns to available, on an earlier one the part refused.
Above the commitment (within the tolerance) the difference comes from available. A rejection leaves the
commitment where it is: the partner may claim again until the request expires or is cancelled.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg.services.sla import add_business_days
from mdf.models import (
    COUNTED_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    AccountKind,
    Claim,
    ClaimStatus,
    FundRequest,
    ProofFile,
    ProofKind,
    RequestStatus,
    TransactionKind,
)
from mdf.services.common import (
    api_key_id_of,
    check_claim_transition,
    check_may_request_for,
    check_segregation_for_claim,
    claim_payload,
    lock_claim,
    lock_request,
    partner_people,
    reviewers,
    tell,
    user_of,
)
from mdf.services.funds import check_currency
from mdf.services.ledger import allocation_accounts, ledger_post, require_available
from mdf.services.proof import check_proof_files, leads_store, parse_leads_csv, proof_files_store
from mdf.services.requests import percent_text, reimbursable, request_commitment
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.money import CENT, clean_amount
from prm.policy import Actor

INVOICE_MAX = Claim._meta.get_field("invoice_number").max_length
TEXT_MAX = 5000
ZERO = Decimal("0.00")


def invoice_key(invoice_number: str) -> str:
    """How invoice numbers are compared for duplicates: without case or spaces ("inv 2027-001" = "INV2027-001")."""
    return "".join(invoice_number.split()).upper()[:100]


def _held_by_other_claims(fund_request: FundRequest, *, exclude_pk: int | None = None) -> Decimal:
    """What the request's other claims hold: the claimed amount of those open, the approved amount of those
    approved or paid (a rejected claim holds nothing)."""
    claims = fund_request.claims.filter(status__in=COUNTED_CLAIM_STATUSES)
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    totals = claims.aggregate(
        open=Coalesce(Sum("claimed_amount", filter=Q(status__in=OPEN_CLAIM_STATUSES)), ZERO),
        decided=Coalesce(Sum("approved_amount", filter=~Q(status__in=OPEN_CLAIM_STATUSES)), ZERO),
    )
    return totals["open"] + totals["decided"]


def claim_limit(fund_request: FundRequest, *, actual_cost: Decimal, exclude_pk: int | None = None) -> Decimal:
    """The most this claim may ask: min(approved × (1 + tolerance), actual cost × share) less what the request's
    other claims hold."""
    fund = fund_request.fund
    with_tolerance = (fund_request.approved_amount * (1 + fund.claim_tolerance_percent / Decimal(100))).quantize(CENT)
    held = _held_by_other_claims(fund_request, exclude_pk=exclude_pk)
    return max(ZERO, min(with_tolerance - held, reimbursable(fund, actual_cost)))


def _flags(claim: Claim, hashes: list[str]) -> list[dict]:
    """What the reviewer should look at: the same invoice number or invoice file in another claim of the program,
    and claims on one request split to stay under the fund's approval threshold."""
    flags = []
    same_number = (
        Claim.objects.filter(invoice_key=claim.invoice_key)
        .exclude(pk=claim.pk)
        .order_by("id")
        .values_list("id", flat=True)[:10]
    )
    if same_number:
        flags.append({"kind": "duplicate_invoice_number", "claim_ids": list(same_number)})
    if hashes:
        same_file = (
            ProofFile.objects.filter(sha256__in=hashes)
            .exclude(claim_id=claim.pk)
            .order_by("claim_id")
            .values_list("claim_id", flat=True)
            .distinct()[:10]
        )
        if same_file:
            flags.append({"kind": "duplicate_file", "claim_ids": list(same_file)})
    threshold = claim.fund.approval_threshold
    if threshold is not None and claim.claimed_amount < threshold:
        others = list(
            claim.fund_request.claims.filter(status__in=COUNTED_CLAIM_STATUSES)
            .exclude(pk=claim.pk)
            .values_list("id", "claimed_amount")
        )
        total = claim.claimed_amount + sum((amount for _pk, amount in others), ZERO)
        if others and total > threshold and all(amount < threshold for _pk, amount in others):
            flags.append({"kind": "split", "claim_ids": [pk for pk, _amount in others], "total": str(total)})
    return flags


@transaction.atomic
def claim_submit(
    *,
    actor: Actor,
    fund_request: FundRequest,
    actual_cost,
    claimed_amount,
    invoice_number: str,
    files=(),
    leads_csv=None,
    currency: str | None = None,
    is_final: bool = True,
    note: str = "",
) -> Claim:
    """Claim against an approved request, with proof (`files`: (kind, upload) pairs, at least one invoice) and
    optionally a leads CSV. Field-named errors; nothing is written or stored when any input is refused."""
    fund_request = lock_request(fund_request)
    check_may_request_for(actor, fund_request)
    fund = fund_request.fund
    if fund_request.status != RequestStatus.APPROVED:
        raise ValidationFailed(
            _("Claims are made on an approved fund request; this one is %(status)s.")
            % {"status": RequestStatus(fund_request.status).label},
            field="fund_request",
        )
    today = timezone.localdate()
    if today > fund.claim_deadline:
        raise ValidationFailed(
            _("The fund's claim deadline (%(date)s) has passed.") % {"date": fund.claim_deadline.isoformat()},
            field="fund_request",
        )
    if fund_request.approved_at and fund_request.start_date < timezone.localdate(fund_request.approved_at):
        raise ValidationFailed(
            _("The activity started before its pre-approval: it cannot be claimed."), field="fund_request"
        )
    check_currency(fund, currency)
    actual_cost = clean_amount(actual_cost, field="actual_cost", label=_("The actual cost"))
    claimed = clean_amount(claimed_amount, field="claimed_amount", label=_("The claimed amount"))
    invoice_number = clean_text(
        invoice_number, field="invoice_number", max_length=INVOICE_MAX, required=_("Give the invoice number.")
    )
    note = clean_text(note, field="note", max_length=TEXT_MAX)
    limit = claim_limit(fund_request, actual_cost=actual_cost)
    if claimed > limit:
        raise ValidationFailed(
            _(
                "At most %(limit)s %(currency)s can be claimed: the approved amount (%(approved)s, within the fund's "
                "tolerance), %(share)s%% of the actual cost, less what other claims on this activity hold."
            )
            % {
                "limit": limit,
                "currency": fund.currency,
                "approved": fund_request.approved_amount,
                "share": percent_text(fund.reimbursement_share),
            },
            field="claimed_amount",
        )
    checked = check_proof_files(list(files or []))
    if not any(item.kind == ProofKind.INVOICE for item in checked):
        raise ValidationFailed(_("Attach the invoice (PDF or image)."), field="files")
    leads = parse_leads_csv(leads_csv) if leads_csv is not None else []
    now = timezone.now()
    claim = Claim(
        fund_request=fund_request,
        fund=fund,
        allocation_id=fund_request.allocation_id,
        partner_organization_id=fund_request.partner_organization_id,
        actual_cost=actual_cost,
        claimed_amount=claimed,
        currency=fund.currency,
        invoice_number=invoice_number,
        invoice_key=invoice_key(invoice_number),
        is_final=bool(is_final),
        note=note,
        leads_count=len(leads),
        claimed_by=user_of(actor),
        claimed_by_api_key_id=api_key_id_of(actor),
        submitted_at=now,
        review_due_at=add_business_days(now, fund.review_sla_business_days),
    )
    claim.save(force_insert=True)
    claim.fund_request = fund_request
    claim.flags = _flags(claim, [item.sha256 for item in checked])
    if claim.flags:
        claim.save(update_fields=["flags", "updated_at"])
    leads_store(claim=claim, leads=leads)
    record_event("mdf.claim.submitted", subject=claim, payload=claim_payload(claim), actor=actor)
    tell(
        reviewers(),
        kind="mdf.claim.submitted",
        title=lazy_format(gettext_lazy("Claim to review: %(title)s"), title=fund_request.title),
    )
    # Stored last: a refusal above leaves no file behind (and a failure here removes what was stored).
    proof_files_store(claim=claim, files=checked, uploaded_by=user_of(actor))
    return claim


@transaction.atomic
def claim_add_proof(*, actor: Actor, claim: Claim, files=(), leads_csv=None, note: str = "") -> Claim:
    """The partner answers a request for more proof: more files (and leads); the claim goes back for review."""
    claim = lock_claim(claim)
    check_may_request_for(actor, claim)
    check_claim_transition(claim, ClaimStatus.SUBMITTED)
    checked = check_proof_files(list(files or []))
    if not checked and leads_csv is None:
        raise ValidationFailed(_("Attach the proof that was asked for."), field="files")
    note = clean_text(note, field="note", max_length=TEXT_MAX)
    leads = parse_leads_csv(leads_csv) if leads_csv is not None else []
    claim.status = ClaimStatus.SUBMITTED
    # The review clock starts again with the new proof.
    claim.review_due_at = add_business_days(timezone.now(), claim.fund.review_sla_business_days)
    if note:
        claim.note = f"{claim.note}\n\n{note}".strip()[:TEXT_MAX]
    claim.leads_count += leads_store(claim=claim, leads=leads)
    hashes = [item.sha256 for item in checked] + list(claim.files.values_list("sha256", flat=True))
    claim.flags = _flags(claim, hashes)
    claim.save()
    proof_files_store(claim=claim, files=checked, uploaded_by=user_of(actor))
    tell(
        reviewers(),
        kind="mdf.claim.submitted",
        title=lazy_format(gettext_lazy("More proof for a claim: %(invoice)s"), invoice=claim.invoice_number),
    )
    return claim


def _tell_partner(claim: Claim, title, body="") -> None:
    tell(
        partner_people(claim.partner_organization_id, prefer_user_id=claim.claimed_by_id),
        kind="mdf.claim.decided",
        title=title,
        body=body,
    )


def _decide(*, actor: Actor, claim: Claim, to: str) -> tuple[Claim, FundRequest]:
    claim = lock_claim(claim)
    fund_request = lock_request(claim.fund_request_id)
    policy.require(actor, "mdf.review", claim)
    check_segregation_for_claim(actor, claim, fund_request)
    check_claim_transition(claim, to)
    return claim, fund_request


def claim_approve(*, actor: Actor, claim: Claim, amount=None, currency: str | None = None, note: str = "") -> Claim:
    """Approve the claim fully or in part (see the module's docstring for what moves); it queues for payout."""
    with transaction.atomic():
        claim, fund_request = _decide(actor=actor, claim=claim, to=ClaimStatus.APPROVED)
        fund = claim.fund
        check_currency(fund, currency)
        approved = (
            claim.claimed_amount
            if amount in (None, "")
            else clean_amount(amount, field="amount", label=_("The approved amount"))
        )
        if approved > claim.claimed_amount:
            raise ValidationFailed(
                _("Approve at most the claimed amount (%(amount)s %(currency)s).")
                % {"amount": claim.claimed_amount, "currency": fund.currency},
                field="amount",
            )
        note = clean_text(note, field="note", max_length=TEXT_MAX)
        others_open = fund_request.claims.filter(status__in=OPEN_CLAIM_STATUSES).exclude(pk=claim.pk).exists()
        commitment = request_commitment(fund_request)
        from_commitment = min(approved, commitment)
        from_available = approved - from_commitment
        if claim.is_final and not others_open:
            release = commitment - from_commitment
        else:
            release = min(claim.claimed_amount - approved, commitment - from_commitment)
        accounts = allocation_accounts(claim.allocation_id)
        require_available(accounts[AccountKind.AVAILABLE], from_available, field="amount")
        memo = _("Claim %(invoice)s approved") % {"invoice": claim.invoice_number}
        ledger_post(
            fund=fund,
            kind=TransactionKind.SPEND,
            lines=[
                (accounts[AccountKind.COMMITTED], -(from_commitment + release)),
                (accounts[AccountKind.AVAILABLE], release - from_available),
                (accounts[AccountKind.PAYABLE], approved),
            ],
            actor=actor,
            memo=memo,
            fund_request=fund_request,
            claim=claim,
            idempotency_key=f"mdf:claim:{claim.pk}:spend",
        )
        now = timezone.now()
        claim.status = ClaimStatus.APPROVED
        claim.approved_amount = approved
        claim.approved_at = claim.decided_at = now
        claim.decided_by = user_of(actor)
        claim.decision_note = note
        claim.save()
        if claim.is_final and not others_open:
            fund_request.status = RequestStatus.CLAIMED
            fund_request.closed_at = now
            fund_request.save(update_fields=["status", "closed_at", "updated_at"])
        record_event("mdf.claim.approved", subject=claim, payload=claim_payload(claim), actor=actor)
        _tell_partner(
            claim,
            lazy_format(
                gettext_lazy("Claim %(invoice)s approved: %(amount)s %(currency)s to be paid"),
                invoice=claim.invoice_number,
                amount=str(approved),
                currency=claim.currency,
            ),
            note,
        )
        return claim


@transaction.atomic
def claim_reject(*, actor: Actor, claim: Claim, reason: str) -> Claim:
    """Turn the claim down with a reason. The request's commitment stays: the partner may claim again until the
    request expires or is cancelled."""
    claim, _request = _decide(actor=actor, claim=claim, to=ClaimStatus.REJECTED)
    reason = clean_text(reason, field="reason", max_length=TEXT_MAX, required=_("Say why the claim is turned down."))
    claim.status = ClaimStatus.REJECTED
    claim.rejection_reason = reason
    claim.decided_at = timezone.now()
    claim.decided_by = user_of(actor)
    claim.save()
    record_event("mdf.claim.rejected", subject=claim, payload=claim_payload(claim, reason=reason), actor=actor)
    _tell_partner(
        claim, lazy_format(gettext_lazy("Claim %(invoice)s turned down"), invoice=claim.invoice_number), reason
    )
    return claim


@transaction.atomic
def claim_request_proof(*, actor: Actor, claim: Claim, note: str) -> Claim:
    """Ask the partner for more proof; the claim waits for it."""
    claim, _request = _decide(actor=actor, claim=claim, to=ClaimStatus.PROOF_REQUESTED)
    note = clean_text(note, field="note", max_length=TEXT_MAX, required=_("Say what proof is missing."))
    claim.status = ClaimStatus.PROOF_REQUESTED
    claim.decision_note = note
    claim.decided_at = timezone.now()
    claim.decided_by = user_of(actor)
    claim.save()
    _tell_partner(
        claim, lazy_format(gettext_lazy("More proof needed for claim %(invoice)s"), invoice=claim.invoice_number), note
    )
    return claim
