"""Funds and allocations: budgeting a fund, allocating it to partners by hand, reallocating between partners or back
to the fund. Every amount moves as a ledger transaction; none allocates more than the fund has unallocated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from mdf.models import AccountKind, Allocation, AllocationSource, Fund, FundStatus, TransactionKind
from mdf.services.common import user_of
from mdf.services.ledger import (
    allocation_accounts,
    allocation_accounts_create,
    fund_accounts,
    fund_accounts_create,
    ledger_post,
    locked_accounts,
    require_available,
)
from partners.selectors import PartnerStatus, partner_get
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.money import MAX_AMOUNT, clean_amount, clean_currency
from prm.policy import Actor

NAME_MAX = Fund._meta.get_field("name").max_length
NOTE_MAX = Allocation._meta.get_field("note").max_length


def _percent(value, *, field: str, label: str, minimum: Decimal, maximum: Decimal) -> Decimal:
    amount = clean_amount(value, field=field, positive=False, label=label)
    if amount < minimum or amount > maximum:
        raise ValidationFailed(
            _("%(label)s must be between %(min)s and %(max)s.") % {"label": label, "min": minimum, "max": maximum},
            field=field,
        )
    return amount


def _date(value, *, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(_("%(label)s must be a date (YYYY-MM-DD).") % {"label": label}, field=field) from None


def check_currency(fund: Fund, currency, *, field: str = "currency") -> None:
    """An amount given with a currency must be in the fund's."""
    if currency in (None, ""):
        return
    code = clean_currency(currency, field=field)
    if code != fund.currency:
        raise ValidationFailed(
            _("The fund is in %(fund)s: give the amount in %(fund)s, not %(code)s.")
            % {"fund": fund.currency, "code": code},
            field=field,
        )


@transaction.atomic
def fund_create(
    *,
    actor: Actor,
    name: str,
    period_start,
    period_end,
    currency: str,
    total,
    claim_deadline,
    reimbursement_share=Decimal("50"),
    claim_tolerance_percent=Decimal("0"),
    expiry_days: int = 60,
    review_sla_business_days: int = 2,
    payout_overdue_days: int = 30,
    approval_threshold=None,
) -> Fund:
    """A fund and its budget: its total moves from the funding source to the fund's unallocated account."""
    policy.require(actor, "mdf.manage")
    name = clean_text(name, field="name", max_length=NAME_MAX, required=_("Give the fund a name."))
    start = _date(period_start, field="period_start", label=_("The fiscal period's start"))
    end = _date(period_end, field="period_end", label=_("The fiscal period's end"))
    if end < start:
        raise ValidationFailed(_("The fiscal period ends before it starts."), field="period_end")
    deadline = _date(claim_deadline, field="claim_deadline", label=_("The claim deadline"))
    if deadline < start:
        raise ValidationFailed(_("The claim deadline is before the fiscal period starts."), field="claim_deadline")
    total = clean_amount(total, field="total", label=_("The total"))
    threshold = None
    if approval_threshold not in (None, ""):
        threshold = clean_amount(approval_threshold, field="approval_threshold", label=_("The approval threshold"))
    for value, field in ((expiry_days, "expiry_days"), (payout_overdue_days, "payout_overdue_days")):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3650:
            raise ValidationFailed(_("Give a number of days between 0 and 3650."), field=field)
    if not isinstance(review_sla_business_days, int) or not 1 <= review_sla_business_days <= 30:
        raise ValidationFailed(_("Give a number of business days between 1 and 30."), field="review_sla_business_days")
    fund = Fund(
        name=name,
        period_start=start,
        period_end=end,
        currency=clean_currency(currency),
        total=total,
        claim_deadline=deadline,
        reimbursement_share=_percent(
            reimbursement_share,
            field="reimbursement_share",
            label=_("The reimbursement share"),
            minimum=Decimal("0.01"),
            maximum=Decimal("100"),
        ),
        claim_tolerance_percent=_percent(
            claim_tolerance_percent,
            field="claim_tolerance_percent",
            label=_("The claim tolerance"),
            minimum=Decimal("0"),
            maximum=Decimal("100"),
        ),
        expiry_days=expiry_days,
        review_sla_business_days=review_sla_business_days,
        payout_overdue_days=payout_overdue_days,
        approval_threshold=threshold,
        created_by=user_of(actor),
    )
    fund.save(force_insert=True)
    accounts = fund_accounts_create(fund)
    ledger_post(
        fund=fund,
        kind=TransactionKind.FUND,
        lines=[(accounts[AccountKind.FUNDING_SOURCE], -total), (accounts[AccountKind.FUND_UNALLOCATED], total)],
        actor=actor,
        memo=_("Budget of %(fund)s") % {"fund": fund.name},
        field="total",
    )
    return fund


@transaction.atomic
def fund_add_budget(*, actor: Actor, fund: Fund, amount, currency: str | None = None, memo: str = "") -> Fund:
    """More budget for a fund (funding source → unallocated); the fund's total follows."""
    policy.require(actor, "mdf.manage", fund)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    check_currency(fund, currency)
    amount = clean_amount(amount, field="amount")
    if fund.total + amount > MAX_AMOUNT:
        raise ValidationFailed(_("The amount is too large."), field="amount")
    accounts = fund_accounts(fund.pk)
    ledger_post(
        fund=fund,
        kind=TransactionKind.FUND,
        lines=[(accounts[AccountKind.FUNDING_SOURCE], -amount), (accounts[AccountKind.FUND_UNALLOCATED], amount)],
        actor=actor,
        memo=memo or _("Budget added"),
    )
    fund.total += amount
    fund.save(update_fields=["total", "updated_at"])
    return fund


def _active_fund(fund: Fund) -> Fund:
    if fund.status != FundStatus.ACTIVE:
        raise ValidationFailed(_("The fund is closed."), field="fund")
    return fund


def allocation_for(*, fund: Fund, partner_organization_id: int, source: str, note: str = "") -> Allocation:
    """The partner's allocation of the fund, created (with its accounts) the first time."""
    allocation = Allocation.objects.filter(fund=fund, partner_organization_id=partner_organization_id).first()
    if allocation is not None:
        return allocation
    allocation = Allocation(fund=fund, partner_organization_id=partner_organization_id, source=source, note=note)
    allocation.save(force_insert=True)
    allocation.fund = fund
    allocation_accounts_create(allocation)
    return allocation


def _partner(partner_organization_id, *, field: str = "partner_organization"):
    partner = partner_get(partner_id=partner_organization_id) if isinstance(partner_organization_id, int) else None
    if partner is None:
        raise ValidationFailed(_("Choose one of the program's partners."), field=field)
    if partner.status == PartnerStatus.OFFBOARDED:
        raise ValidationFailed(_("%(partner)s has left the program.") % {"partner": partner.name}, field=field)
    return partner


def allocate(
    *,
    actor: Actor,
    fund: Fund,
    partner_organization_id: int,
    amount,
    currency: str | None = None,
    source: str = AllocationSource.MANUAL,
    note: str = "",
    idempotency_key: str = "",
) -> Allocation:
    """Allocate part of the fund to a partner (unallocated → the partner's available), adding to what it has.
    Never more than the fund has unallocated."""
    policy.require(actor, "mdf.manage", fund)
    with transaction.atomic():
        _active_fund(fund)
        check_currency(fund, currency)
        amount = clean_amount(amount, field="amount")
        if source not in AllocationSource.values:
            raise ValidationFailed(_("Choose how the allocation was made."), field="source")
        note = clean_text(note, field="note", max_length=NOTE_MAX)
        partner = _partner(partner_organization_id)
        allocation = allocation_for(fund=fund, partner_organization_id=partner.pk, source=source, note=note)
        unallocated = fund_accounts(fund.pk)[AccountKind.FUND_UNALLOCATED]
        require_available(unallocated, amount, field="amount")
        ledger_post(
            fund=fund,
            kind=TransactionKind.ALLOCATE,
            lines=[(unallocated, -amount), (allocation_accounts(allocation.pk)[AccountKind.AVAILABLE], amount)],
            actor=actor,
            memo=note or _("Allocated to %(partner)s") % {"partner": partner.name},
            idempotency_key=idempotency_key,
        )
        return allocation


@transaction.atomic
def reallocate(
    *,
    actor: Actor,
    allocation: Allocation,
    amount,
    to_allocation: Allocation | None = None,
    to_partner_organization_id: int | None = None,
    currency: str | None = None,
    memo: str = "",
) -> Allocation | None:
    """Move what a partner has available to another partner of the same fund, or back to the fund (no target).
    Only available money moves: committed and approved amounts stay. Returns the receiving allocation (None: the
    fund)."""
    fund = allocation.fund
    policy.require(actor, "mdf.manage", fund)
    check_currency(fund, currency)
    amount = clean_amount(amount, field="amount")
    target = to_allocation
    if target is None and to_partner_organization_id is not None:
        _active_fund(fund)
        partner = _partner(to_partner_organization_id, field="to_partner_organization")
        target = allocation_for(fund=fund, partner_organization_id=partner.pk, source=AllocationSource.MANUAL)
    if target is not None and (target.fund_id != fund.pk or target.pk == allocation.pk):
        raise ValidationFailed(_("Choose another partner of the same fund."), field="to_partner_organization")
    source_account = allocation_accounts(allocation.pk)[AccountKind.AVAILABLE]
    target_account = (
        allocation_accounts(target.pk)[AccountKind.AVAILABLE]
        if target is not None
        else fund_accounts(fund.pk)[AccountKind.FUND_UNALLOCATED]
    )
    require_available(locked_accounts(source_account.pk)[source_account.pk], amount, field="amount")
    ledger_post(
        fund=fund,
        kind=TransactionKind.REALLOCATE,
        lines=[(source_account, -amount), (target_account, amount)],
        actor=actor,
        memo=memo or (_("Reallocated to another partner") if target is not None else _("Returned to the fund")),
    )
    return target


@transaction.atomic
def fund_update(*, actor: Actor, fund: Fund, **changes) -> Fund:
    """Change a fund's rules: name, claim deadline, reimbursement share, claim tolerance, expiry, review SLA and
    payout days, approval threshold. Its currency and period stay; its total changes only by `fund_add_budget`.
    New rules apply to what happens next (requests already approved keep their amounts)."""
    policy.require(actor, "mdf.manage", fund)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    allowed = {
        "name",
        "claim_deadline",
        "reimbursement_share",
        "claim_tolerance_percent",
        "expiry_days",
        "review_sla_business_days",
        "payout_overdue_days",
        "approval_threshold",
    }
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(_("This cannot be changed on a fund."), field=unknown[0])
    if "name" in changes:
        fund.name = clean_text(changes["name"], field="name", max_length=NAME_MAX, required=_("Give the fund a name."))
    if "claim_deadline" in changes:
        deadline = _date(changes["claim_deadline"], field="claim_deadline", label=_("The claim deadline"))
        if deadline < fund.period_start:
            raise ValidationFailed(_("The claim deadline is before the fiscal period starts."), field="claim_deadline")
        fund.claim_deadline = deadline
    if "reimbursement_share" in changes:
        fund.reimbursement_share = _percent(
            changes["reimbursement_share"],
            field="reimbursement_share",
            label=_("The reimbursement share"),
            minimum=Decimal("0.01"),
            maximum=Decimal("100"),
        )
    if "claim_tolerance_percent" in changes:
        fund.claim_tolerance_percent = _percent(
            changes["claim_tolerance_percent"],
            field="claim_tolerance_percent",
            label=_("The claim tolerance"),
            minimum=Decimal("0"),
            maximum=Decimal("100"),
        )
    for name, low, high in (
        ("expiry_days", 0, 3650),
        ("payout_overdue_days", 0, 3650),
        ("review_sla_business_days", 1, 30),
    ):
        if name in changes:
            value = changes[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValidationFailed(
                    _("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high}, field=name
                )
            setattr(fund, name, value)
    if "approval_threshold" in changes:
        value = changes["approval_threshold"]
        fund.approval_threshold = (
            None
            if value in (None, "")
            else clean_amount(value, field="approval_threshold", label=_("The approval threshold"))
        )
    fund.save()
    return fund


@transaction.atomic
def fund_close(*, actor: Actor, fund: Fund) -> Fund:
    """Close a fund: no new allocations, requests or approvals; approved requests may still be claimed until the
    claim deadline, and approved claims are still paid."""
    policy.require(actor, "mdf.manage", fund)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.status != FundStatus.CLOSED:
        fund.status = FundStatus.CLOSED
        fund.save(update_fields=["status", "updated_at"])
    return fund
