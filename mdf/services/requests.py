"""Fund requests (pre-approvals): a partner asks before it spends; marketing approves (committing the amount on
the partner's allocation), approves less, turns it down with a reason or asks for changes. An approved request
not claimed within the fund's expiry days after the activity ended expires (nightly) and its commitment returns.

Segregation of duties: whoever asked — the partner's person, a staff member acting for the partner, an API key —
never decides. Every decision locks the request's row and checks its status inside the transaction.
"""

from __future__ import annotations

import logging
import secrets
import string
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealreg.services.sla import add_business_days
from mdf.models import (
    EDITABLE_REQUEST_STATUSES,
    OPEN_CLAIM_STATUSES,
    AccountKind,
    ActivityType,
    Allocation,
    Fund,
    FundRequest,
    FundStatus,
    LedgerEntry,
    RequestStatus,
    TransactionKind,
)
from mdf.services.common import (
    api_key_id_of,
    check_may_request_for,
    check_request_transition,
    check_segregation_for_request,
    lock_request,
    partner_people,
    request_payload,
    reviewers,
    tell,
    user_of,
)
from mdf.services.funds import check_currency
from mdf.services.ledger import allocation_accounts, ledger_post, require_available
from partners.selectors import PartnerStatus, partner_get
from prm import policy
from prm.cleaning import clean_text
from prm.errors import DomainError, PermissionDenied, ValidationFailed
from prm.events import record_event
from prm.i18n import lazy_format
from prm.money import CENT, clean_amount
from prm.policy import Actor, ProgramActor

logger = logging.getLogger(__name__)

TITLE_MAX = FundRequest._meta.get_field("title").max_length
CODE_MAX = FundRequest._meta.get_field("campaign_code").max_length
TEXT_MAX = 5000
CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_CHARACTERS = frozenset(CODE_ALPHABET + "-_")


# Reads the services share --------------------------------------------------------------------------------------


def request_commitment(fund_request: FundRequest) -> Decimal:
    """What of the request's approval is still committed (its commit, less what claims spent and releases
    returned): the sum of its entries on the committed account."""
    total = LedgerEntry.objects.filter(
        transaction__fund_request=fund_request, account__kind=AccountKind.COMMITTED
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def percent_text(value: Decimal) -> str:
    """50.00 → "50", 12.50 → "12.5" (never "5E+1")."""
    return format(value.normalize(), "f")


def reimbursable(fund: Fund, cost: Decimal) -> Decimal:
    """The fund's share of a cost, rounded down to the cent (never more than the share)."""
    return (cost * fund.reimbursement_share / Decimal(100)).quantize(CENT, rounding=ROUND_DOWN)


# Input ---------------------------------------------------------------------------------------------------------


def _date(value, *, field: str, label) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(_("%(label)s must be a date (YYYY-MM-DD).") % {"label": label}, field=field) from None


def _count(value, *, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give a whole number."), field=field) from None
    if number < 0 or number > 10_000_000:
        raise ValidationFailed(_("Give a whole number between 0 and 10,000,000."), field=field)
    return number


def _campaign_code(value, *, exclude_pk: int | None = None) -> str:
    code = clean_text(value, field="campaign_code", max_length=CODE_MAX).upper()
    if not code:
        return ""
    if not set(code) <= CODE_CHARACTERS:
        raise ValidationFailed(
            _("A campaign code has letters, digits, hyphens and underscores only."), field="campaign_code"
        )
    taken = FundRequest.objects.filter(campaign_code=code)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationFailed(_("Another fund request uses this campaign code."), field="campaign_code")
    return code


def _new_campaign_code() -> str:
    while True:
        code = "MDF-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not FundRequest.objects.filter(campaign_code=code).exists():
            return code


def _clean_request(fund: Fund, data: dict) -> dict:
    """The request's fields, checked: field-named errors, the requested amount capped by the fund's share."""
    if data.get("activity_type") not in ActivityType.values:
        raise ValidationFailed(_("Choose the kind of activity."), field="activity_type")
    title = clean_text(data.get("title"), field="title", max_length=TITLE_MAX, required=_("Give the activity a title."))
    description = clean_text(data.get("description"), field="description", max_length=TEXT_MAX)
    start = _date(data.get("start_date"), field="start_date", label=_("The start date"))
    end = _date(data.get("end_date"), field="end_date", label=_("The end date"))
    if end < start:
        raise ValidationFailed(_("The activity ends before it starts."), field="end_date")
    if start < fund.period_start or end > fund.period_end:
        raise ValidationFailed(
            _("The activity must take place within the fund's fiscal period (%(start)s to %(end)s).")
            % {"start": fund.period_start.isoformat(), "end": fund.period_end.isoformat()},
            field="start_date" if start < fund.period_start else "end_date",
        )
    check_currency(fund, data.get("currency"))
    planned_cost = clean_amount(data.get("planned_cost"), field="planned_cost", label=_("The planned cost"))
    requested = clean_amount(data.get("requested_amount"), field="requested_amount", label=_("The requested amount"))
    cap = reimbursable(fund, planned_cost)
    if requested > cap:
        raise ValidationFailed(
            _("The fund reimburses at most %(share)s%% of the planned cost: ask for %(cap)s %(currency)s or less.")
            % {"share": percent_text(fund.reimbursement_share), "cap": cap, "currency": fund.currency},
            field="requested_amount",
        )
    pipeline = clean_amount(
        data.get("expected_pipeline") or 0, field="expected_pipeline", positive=False, label=_("The pipeline")
    )
    return {
        "activity_type": data["activity_type"],
        "title": title,
        "description": description,
        "start_date": start,
        "end_date": end,
        "planned_cost": planned_cost,
        "requested_amount": requested,
        "expected_leads": _count(data.get("expected_leads"), field="expected_leads"),
        "expected_pipeline": pipeline,
    }


def _allocation_of(fund: Fund, partner_organization_id: int) -> Allocation:
    allocation = Allocation.objects.filter(fund=fund, partner_organization_id=partner_organization_id).first()
    if allocation is None:
        raise ValidationFailed(_("The partner has no allocation in this fund."), field="fund")
    return allocation


# The partner's side ----------------------------------------------------------------------------------------------


@transaction.atomic
def fund_request_create(
    *,
    actor: Actor,
    fund: Fund,
    partner_organization_id: int,
    activity_type: str,
    title: str,
    start_date,
    end_date,
    planned_cost,
    requested_amount,
    description: str = "",
    currency: str | None = None,
    expected_leads=0,
    expected_pipeline=0,
    campaign_code: str = "",
) -> FundRequest:
    """A draft request against the partner's allocation of the fund (a campaign code is made up when none is
    given). Partners for their own organization; reviewers on a partner's behalf (they cannot decide it then)."""
    partner = partner_get(partner_id=partner_organization_id) if isinstance(partner_organization_id, int) else None
    if partner is None:
        raise PermissionDenied(_("You do not have access to this."))
    check_may_request_for(actor, partner)
    if partner.status == PartnerStatus.OFFBOARDED:
        raise ValidationFailed(_("The partner has left the program."), field="partner_organization")
    if fund.status != FundStatus.ACTIVE:
        raise ValidationFailed(_("The fund is closed."), field="fund")
    allocation = _allocation_of(fund, partner.pk)
    fields = _clean_request(
        fund,
        {
            "activity_type": activity_type,
            "title": title,
            "description": description,
            "start_date": start_date,
            "end_date": end_date,
            "planned_cost": planned_cost,
            "requested_amount": requested_amount,
            "currency": currency,
            "expected_leads": expected_leads,
            "expected_pipeline": expected_pipeline,
        },
    )
    code = _campaign_code(campaign_code) or _new_campaign_code()
    fund_request = FundRequest(
        fund=fund,
        allocation=allocation,
        partner_organization=partner,
        currency=fund.currency,
        campaign_code=code,
        requested_by=user_of(actor),
        requested_by_api_key_id=api_key_id_of(actor),
        **fields,
    )
    try:
        with transaction.atomic():
            fund_request.save(force_insert=True)
    except IntegrityError:
        raise ValidationFailed(_("Another fund request uses this campaign code."), field="campaign_code") from None
    return fund_request


@transaction.atomic
def fund_request_update(*, actor: Actor, fund_request: FundRequest, **changes) -> FundRequest:
    """Change a draft, or a request sent back for changes."""
    fund_request = lock_request(fund_request)
    check_may_request_for(actor, fund_request)
    if fund_request.status not in EDITABLE_REQUEST_STATUSES:
        raise ValidationFailed(_("Only a draft or a request sent back for changes can be changed."), field="status")
    allowed = {
        "activity_type",
        "title",
        "description",
        "start_date",
        "end_date",
        "planned_cost",
        "requested_amount",
        "currency",
        "expected_leads",
        "expected_pipeline",
        "campaign_code",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here."), field=sorted(unknown)[0])
    current = {name: getattr(fund_request, name) for name in allowed if name not in ("currency", "campaign_code")}
    fields = _clean_request(fund_request.fund, {**current, **changes})
    if "campaign_code" in changes:
        code = _campaign_code(changes["campaign_code"], exclude_pk=fund_request.pk)
        fund_request.campaign_code = code or fund_request.campaign_code
    for name, value in fields.items():
        setattr(fund_request, name, value)
    fund_request.save()
    return fund_request


@transaction.atomic
def fund_request_submit(*, actor: Actor, fund_request: FundRequest) -> FundRequest:
    """Send the request for review; the review SLA (the fund's business days) starts."""
    fund_request = lock_request(fund_request)
    check_may_request_for(actor, fund_request)
    check_request_transition(fund_request, RequestStatus.SUBMITTED)
    # A request sent back is checked again: the fund's rules may have changed, the dates passed.
    _clean_request(fund_request.fund, {f: getattr(fund_request, f) for f in _FIELDS})
    now = timezone.now()
    fund_request.status = RequestStatus.SUBMITTED
    fund_request.submitted_at = now
    fund_request.submitted_by = user_of(actor)
    fund_request.submitted_by_api_key_id = api_key_id_of(actor)
    fund_request.review_due_at = add_business_days(now, fund_request.fund.review_sla_business_days)
    fund_request.save()
    record_event("mdf.request.submitted", subject=fund_request, payload=request_payload(fund_request), actor=actor)
    tell(
        reviewers(),
        kind="mdf.request.submitted",
        title=lazy_format(gettext_lazy("Fund request to review: %(title)s"), title=fund_request.title),
    )
    return fund_request


_FIELDS = (
    "activity_type",
    "title",
    "description",
    "start_date",
    "end_date",
    "planned_cost",
    "requested_amount",
    "expected_leads",
    "expected_pipeline",
)


# The reviewer's side ---------------------------------------------------------------------------------------------


def _decided(fund_request: FundRequest, actor: Actor, status: str) -> None:
    fund_request.status = status
    fund_request.decided_by = user_of(actor)
    fund_request.decided_at = timezone.now()


def _tell_partner(fund_request: FundRequest, title, body="") -> None:
    tell(
        partner_people(fund_request.partner_organization_id, prefer_user_id=fund_request.requested_by_id),
        kind="mdf.request.decided",
        title=title,
        body=body,
    )


def fund_request_approve(
    *, actor: Actor, fund_request: FundRequest, amount=None, currency: str | None = None, note: str = ""
) -> FundRequest:
    """Approve the request, for the requested amount or less: the amount moves from the partner's available to
    committed. Refused, with nothing written, when the allocation has not that much available — also when two
    approvals race for it (the database's balance check decides)."""
    with transaction.atomic():
        fund_request = lock_request(fund_request)
        policy.require(actor, "mdf.review", fund_request)
        check_segregation_for_request(actor, fund_request)
        check_request_transition(fund_request, RequestStatus.APPROVED)
        fund = fund_request.fund
        if fund.status != FundStatus.ACTIVE:
            raise ValidationFailed(_("The fund is closed."), field="fund")
        check_currency(fund, currency)
        approved = (
            fund_request.requested_amount
            if amount in (None, "")
            else clean_amount(amount, field="amount", label=_("The approved amount"))
        )
        if approved > fund_request.requested_amount:
            raise ValidationFailed(
                _("Approve at most the requested amount (%(amount)s %(currency)s).")
                % {"amount": fund_request.requested_amount, "currency": fund.currency},
                field="amount",
            )
        if fund_request.start_date < timezone.localdate():
            raise ValidationFailed(
                _("The activity started before this approval: funds are approved before an activity takes place."),
                field="start_date",
            )
        note = clean_text(note, field="note", max_length=TEXT_MAX)
        accounts = allocation_accounts(fund_request.allocation_id)
        require_available(accounts[AccountKind.AVAILABLE], approved, field="amount")
        ledger_post(
            fund=fund,
            kind=TransactionKind.COMMIT,
            lines=[(accounts[AccountKind.AVAILABLE], -approved), (accounts[AccountKind.COMMITTED], approved)],
            actor=actor,
            memo=_("Approved: %(title)s") % {"title": fund_request.title},
            fund_request=fund_request,
            idempotency_key=f"mdf:request:{fund_request.pk}:commit",
        )
        _decided(fund_request, actor, RequestStatus.APPROVED)
        fund_request.approved_amount = approved
        fund_request.approved_at = fund_request.decided_at
        fund_request.decision_note = note
        fund_request.save()
        record_event("mdf.request.approved", subject=fund_request, payload=request_payload(fund_request), actor=actor)
        _tell_partner(
            fund_request,
            lazy_format(gettext_lazy("Fund request approved: %(title)s"), title=fund_request.title),
            note,
        )
        return fund_request


@transaction.atomic
def fund_request_reject(*, actor: Actor, fund_request: FundRequest, reason: str) -> FundRequest:
    """Turn the request down, with a reason the partner reads."""
    fund_request = lock_request(fund_request)
    policy.require(actor, "mdf.review", fund_request)
    check_segregation_for_request(actor, fund_request)
    check_request_transition(fund_request, RequestStatus.REJECTED)
    reason = clean_text(reason, field="reason", max_length=TEXT_MAX, required=_("Say why the request is turned down."))
    _decided(fund_request, actor, RequestStatus.REJECTED)
    fund_request.rejection_reason = reason
    fund_request.closed_at = fund_request.decided_at
    fund_request.save()
    record_event(
        "mdf.request.rejected", subject=fund_request, payload=request_payload(fund_request, reason=reason), actor=actor
    )
    _tell_partner(
        fund_request, lazy_format(gettext_lazy("Fund request turned down: %(title)s"), title=fund_request.title), reason
    )
    return fund_request


@transaction.atomic
def fund_request_request_changes(*, actor: Actor, fund_request: FundRequest, note: str) -> FundRequest:
    """Send the request back to the partner with what to change; the partner changes and submits it again."""
    fund_request = lock_request(fund_request)
    policy.require(actor, "mdf.review", fund_request)
    check_segregation_for_request(actor, fund_request)
    check_request_transition(fund_request, RequestStatus.CHANGES_REQUESTED)
    note = clean_text(note, field="note", max_length=TEXT_MAX, required=_("Say what the partner should change."))
    _decided(fund_request, actor, RequestStatus.CHANGES_REQUESTED)
    fund_request.decision_note = note
    fund_request.review_due_at = None
    fund_request.save()
    _tell_partner(
        fund_request, lazy_format(gettext_lazy("Changes asked for: %(title)s"), title=fund_request.title), note
    )
    return fund_request


def release_commitment(*, actor: Actor, fund_request: FundRequest, memo: str, key: str = "") -> Decimal:
    """Return what is still committed for the request to the partner's available (nothing when nothing is)."""
    left = request_commitment(fund_request)
    if left <= 0:
        return Decimal("0.00")
    accounts = allocation_accounts(fund_request.allocation_id)
    ledger_post(
        fund=fund_request.fund,
        kind=TransactionKind.RELEASE,
        lines=[(accounts[AccountKind.COMMITTED], -left), (accounts[AccountKind.AVAILABLE], left)],
        actor=actor,
        memo=memo,
        fund_request=fund_request,
        idempotency_key=key,
    )
    return left


@transaction.atomic
def fund_request_cancel(*, actor: Actor, fund_request: FundRequest, reason: str = "") -> FundRequest:
    """Cancel a request (the partner's or a reviewer's decision). An approved one releases what is still committed;
    one with a claim waiting for review cannot be cancelled until the claim is decided."""
    fund_request = lock_request(fund_request)
    check_may_request_for(actor, fund_request)
    check_request_transition(fund_request, RequestStatus.CANCELLED)
    reason = clean_text(reason, field="reason", max_length=TEXT_MAX)
    if fund_request.claims.filter(status__in=OPEN_CLAIM_STATUSES).exists():
        raise ValidationFailed(_("A claim on this request waits for review: it is decided first."), field="status")
    if fund_request.status == RequestStatus.APPROVED:
        release_commitment(
            actor=actor,
            fund_request=fund_request,
            memo=_("Cancelled: %(title)s") % {"title": fund_request.title},
            key=f"mdf:request:{fund_request.pk}:cancel",
        )
    fund_request.status = RequestStatus.CANCELLED
    fund_request.closed_at = timezone.now()
    if reason:
        fund_request.decision_note = reason
    fund_request.save()
    return fund_request


# Expiry (nightly) ------------------------------------------------------------------------------------------------


def expiry_due(fund_request: FundRequest, today: date) -> bool:
    return (today - fund_request.end_date).days > fund_request.fund.expiry_days


@transaction.atomic
def fund_request_expire(*, actor: Actor | None = None, fund_request: FundRequest, today: date | None = None):
    """An approved activity not claimed within the fund's expiry days after it ended expires: what is still
    committed returns to the partner's available. Idempotent; a request with a claim waiting for review is left
    alone (the claim is decided first). Returns the released amount, or None when the request does not expire."""
    today = today or timezone.localdate()
    fund_request = lock_request(fund_request)
    actor = actor or ProgramActor(fund_request.tenant_id)
    if fund_request.status != RequestStatus.APPROVED or not expiry_due(fund_request, today):
        return None
    if fund_request.claims.filter(status__in=OPEN_CLAIM_STATUSES).exists():
        return None
    released = release_commitment(
        actor=actor,
        fund_request=fund_request,
        memo=_("Expired unclaimed: %(title)s") % {"title": fund_request.title},
        key=f"mdf:request:{fund_request.pk}:expire",
    )
    fund_request.status = RequestStatus.EXPIRED
    fund_request.closed_at = timezone.now()
    fund_request.save()
    record_event(
        "mdf.request.expired",
        subject=fund_request,
        payload=request_payload(fund_request, released=str(released)),
        actor=actor,
    )
    _tell_partner(
        fund_request,
        lazy_format(gettext_lazy("Fund request expired unclaimed: %(title)s"), title=fund_request.title),
    )
    return released


def fund_requests_expire_due(*, today: date | None = None) -> int:
    """The nightly expiry of the current tenant: every approved request past its fund's expiry. Returns how many
    expired. Each request in its own savepoint: one refused (logged) does not hold back the others."""
    today = today or timezone.localdate()
    candidates = list(
        FundRequest.objects.filter(status=RequestStatus.APPROVED, end_date__lt=today)
        .select_related("fund")
        .order_by("id")
    )
    expired = 0
    for fund_request in candidates:
        if not expiry_due(fund_request, today):
            continue
        try:
            if fund_request_expire(fund_request=fund_request, today=today) is not None:
                expired += 1
        except DomainError as exc:
            logger.warning("MDF request %s not expired: %s", fund_request.pk, exc.message)
    return expired
