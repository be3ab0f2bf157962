"""Allocating a fund in bulk: from a CSV (checked row by row first — a dry run — and all or nothing), by tier (each
partner's tier benefit `mdf_allocation`, from tiering's selectors), by region (an amount per partner of each
region), or as co-op accrual (a percentage of each partner's won revenue in a period, from deal registration's
selectors). Each run is one ledger transaction: the fund's unallocated account pays every partner's available at
once, and never more than the fund has unallocated (checked first, and by the database). Every function returns
its plan; with `dry_run` nothing is written. Rule runs carry an idempotency key, so running the same rule for the
same fund (and period) twice allocates once.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealreg.selectors.metrics import won_revenue_by_partner
from mdf.models import AccountKind, Allocation, AllocationSource, Fund, FundStatus, LedgerTransaction, TransactionKind
from mdf.services.funds import allocation_for
from mdf.services.ledger import accounts_of_allocations, fund_accounts, ledger_post, not_enough
from mdf.services.requests import percent_text
from partners.selectors import PartnerStatus, partners_by_external_id_or_name, partners_in_program
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.money import CENT, clean_amount
from prm.policy import Actor
from tiering.selectors import tier_benefits_by_partner

MAX_ROWS = 10_000
NOTE_MAX = Allocation._meta.get_field("note").max_length


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1; 0 for the whole file
    column: str
    message: str


@dataclasses.dataclass
class AllocationLine:
    partner_id: int
    partner_name: str
    amount: Decimal
    note: str = ""


@dataclasses.dataclass
class AllocationPlan:
    lines: list[AllocationLine] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)
    # True when the same rule already ran for this fund (and period): nothing more is allocated.
    already_done: bool = False
    transaction_id: int | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def is_clean(self) -> bool:
        return not self.errors


class AllocationRejected(ValidationFailed):
    """The file or rule has problems: nothing was allocated. `errors` lists each."""

    def __init__(self, errors: list[RowError]):
        message = ngettext(
            "%(count)s problem: nothing was allocated.", "%(count)s problems: nothing was allocated.", len(errors)
        ) % {"count": len(errors)}
        message += " " + " ".join(
            (_("Row %(row)s, column %(column)s: %(message)s") % e.__dict__) if e.row else e.message for e in errors[:5]
        )
        field = "file" if any(e.row for e in errors) else (errors[0].column if errors else "file")
        super().__init__(message, field=field)
        self.errors = errors


def _check_fund(fund: Fund, plan: AllocationPlan) -> None:
    if fund.status != FundStatus.ACTIVE:
        plan.errors.append(RowError(0, "fund", _("The fund is closed.")))
        return
    unallocated = fund_accounts(fund.pk)[AccountKind.FUND_UNALLOCATED].balance
    if plan.total > unallocated:
        plan.errors.append(
            RowError(
                0,
                "amount",
                _("These allocations add up to %(total)s %(currency)s; the fund has %(left)s unallocated.")
                % {"total": plan.total, "currency": fund.currency, "left": unallocated},
            )
        )


def _post(*, actor: Actor, fund: Fund, plan: AllocationPlan, source: str, memo: str, key: str = "") -> AllocationPlan:
    """Allocate every line of a clean plan in one ledger transaction (allocations created where missing)."""
    if key and LedgerTransaction.objects.filter(idempotency_key=key).exists():
        plan.already_done = True
        plan.lines = []
        return plan
    if not plan.lines:
        return plan
    allocations = [
        allocation_for(fund=fund, partner_organization_id=line.partner_id, source=source, note=line.note)
        for line in plan.lines
    ]
    accounts = accounts_of_allocations(a.pk for a in allocations)
    unallocated = fund_accounts(fund.pk)[AccountKind.FUND_UNALLOCATED]
    by_account: dict[int, tuple] = {}
    for allocation, line in zip(allocations, plan.lines, strict=True):
        account = accounts[allocation.pk][AccountKind.AVAILABLE]
        previous = by_account.get(account.pk, (account, Decimal("0")))[1]
        by_account[account.pk] = (account, previous + line.amount)
    posted = ledger_post(
        fund=fund,
        kind=TransactionKind.ALLOCATE,
        lines=[(unallocated, -plan.total), *by_account.values()],
        actor=actor,
        memo=memo,
        idempotency_key=key,
    )
    plan.transaction_id = posted.pk
    return plan


def _finish(*, actor, fund, plan, source, memo, key, dry_run) -> AllocationPlan:
    _check_fund(fund, plan)
    if not plan.is_clean:
        if dry_run:
            return plan
        raise AllocationRejected(plan.errors)
    if dry_run:
        if key and LedgerTransaction.objects.filter(idempotency_key=key).exists():
            plan.already_done = True
        return plan
    try:
        return _post(actor=actor, fund=fund, plan=plan, source=source, memo=memo, key=key)
    except ValidationFailed as exc:
        if exc.message == not_enough("amount").message:
            raise AllocationRejected([RowError(0, "amount", exc.message)]) from None
        raise


# From a CSV --------------------------------------------------------------------------------------------------------


@transaction.atomic
def allocations_import(
    *, actor: Actor, fund: Fund, rows: list[dict[str, str]], dry_run: bool = False
) -> AllocationPlan:
    """Allocate from CSV rows: `partner_external_id` or `partner` (the name), `amount`, optional `currency` (the
    fund's) and `note`. Every bad cell is reported (row, column, message); with any, nothing is written. A partner
    may appear once per file. `dry_run` checks and returns the plan only."""
    policy.require(actor, "mdf.manage", fund)
    plan = AllocationPlan()
    if len(rows) > MAX_ROWS:
        plan.errors.append(RowError(0, "file", _("At most %(limit)s rows per file.") % {"limit": MAX_ROWS}))
        return _finish(actor=actor, fund=fund, plan=plan, source="", memo="", key="", dry_run=dry_run)
    by_external_id, by_name = partners_by_external_id_or_name()
    seen: dict[int, int] = {}
    for index, raw in enumerate(rows):
        line = index + 2
        raw = {str(k or "").strip().lower(): (v or "") for k, v in raw.items()}
        external_id, name = raw.get("partner_external_id", "").strip(), raw.get("partner", "").strip()
        partner = by_external_id.get(external_id) if external_id else by_name.get(name.casefold()) if name else None
        row_errors = []
        if partner is None:
            column = "partner_external_id" if external_id else "partner"
            message = _("No partner with this external ID or name.") if (external_id or name) else _("Name a partner.")
            row_errors.append(RowError(line, column, message))
        elif partner.pk in seen:
            row_errors.append(
                RowError(line, "partner", _("The partner is also on row %(row)s.") % {"row": seen[partner.pk]})
            )
        elif partner.status == PartnerStatus.OFFBOARDED:
            row_errors.append(RowError(line, "partner", _("The partner has left the program.")))
        try:
            amount = clean_amount(raw.get("amount"), field="amount")
        except ValidationFailed as exc:
            row_errors.append(RowError(line, "amount", exc.message))
            amount = None
        currency = raw.get("currency", "").strip().upper()
        if currency and currency != fund.currency:
            row_errors.append(
                RowError(line, "currency", _("The fund is in %(currency)s.") % {"currency": fund.currency})
            )
        try:
            note = clean_text(raw.get("note"), field="note", max_length=NOTE_MAX)
        except ValidationFailed as exc:
            row_errors.append(RowError(line, "note", exc.message))
            note = ""
        if row_errors:
            plan.errors.extend(row_errors)
            continue
        seen[partner.pk] = line
        plan.lines.append(AllocationLine(partner.pk, partner.name, amount, note))
    if not plan.lines and not plan.errors:
        plan.errors.append(RowError(0, "file", _("The file has no rows.")))
    return _finish(
        actor=actor,
        fund=fund,
        plan=plan,
        source=AllocationSource.CSV,
        memo=_("Allocated from a CSV file"),
        key="",
        dry_run=dry_run,
    )


# By rule -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def allocate_by_tier(*, actor: Actor, fund: Fund, dry_run: bool = False) -> AllocationPlan:
    """Each partner in the program gets its tier's MDF allocation (taken to be in the fund's currency). Once per
    fund."""
    policy.require(actor, "mdf.manage", fund)
    partners = list(partners_in_program())
    benefits = tier_benefits_by_partner(partner_ids=[p.pk for p in partners])
    plan = AllocationPlan()
    for partner in partners:
        amount = benefits[partner.pk].mdf_allocation
        if amount and amount > 0:
            note = _("Tier %(tier)s") % {"tier": benefits[partner.pk].tier_name}
            plan.lines.append(AllocationLine(partner.pk, partner.name, amount.quantize(CENT), note))
    return _finish(
        actor=actor,
        fund=fund,
        plan=plan,
        source=AllocationSource.TIER,
        memo=_("Allocated by tier"),
        key=f"mdf:allocate:tier:{fund.pk}",
        dry_run=dry_run,
    )


@transaction.atomic
def allocate_by_region(*, actor: Actor, fund: Fund, amounts: dict[str, object], dry_run: bool = False):
    """Each partner in the program whose region is named gets that region's amount."""
    policy.require(actor, "mdf.manage", fund)
    plan = AllocationPlan()
    cleaned = {}
    for region, value in (amounts or {}).items():
        try:
            cleaned[str(region)] = clean_amount(value, field="amounts")
        except ValidationFailed as exc:
            plan.errors.append(RowError(0, "amounts", f"{region}: {exc.message}"))
    if not cleaned and not plan.errors:
        plan.errors.append(RowError(0, "amounts", _("Give an amount for at least one region.")))
    for partner in partners_in_program().filter(region__in=list(cleaned)):
        plan.lines.append(AllocationLine(partner.pk, partner.name, cleaned[partner.region], partner.region))
    return _finish(
        actor=actor,
        fund=fund,
        plan=plan,
        source=AllocationSource.REGION,
        memo=_("Allocated by region"),
        key="",
        dry_run=dry_run,
    )


@transaction.atomic
def coop_accrue(
    *,
    actor: Actor,
    fund: Fund,
    percent,
    period_start: date,
    period_end: date,
    attribution: str = "sourced",
    dry_run: bool = False,
) -> AllocationPlan:
    """Co-op accrual: each partner earns `percent` of its won revenue (in the fund's currency, deals closed in the
    period, as deal registration attributes it) — rounded down to the cent. Once per fund and period."""
    policy.require(actor, "mdf.manage", fund)
    plan = AllocationPlan()
    rate = clean_amount(percent, field="percent", label=_("The accrual percentage"))
    if rate > 100:
        raise ValidationFailed(_("The accrual percentage is at most 100."), field="percent")
    if period_end < period_start:
        raise ValidationFailed(_("The period ends before it starts."), field="period_end")
    if attribution not in ("sourced", "influenced"):
        raise ValidationFailed(_("Choose sourced or influenced revenue."), field="attribution")
    revenue = won_revenue_by_partner(
        attribution=attribution, currency=fund.currency, closed_from=period_start, closed_to=period_end
    )
    partners = {p.pk: p for p in partners_in_program().filter(pk__in=list(revenue))}
    for partner_id in sorted(partners):
        amount = (revenue[partner_id] * rate / Decimal(100)).quantize(CENT, rounding=ROUND_DOWN)
        if amount > 0:
            note = _("Co-op %(rate)s%% of %(revenue)s won") % {
                "rate": percent_text(rate),
                "revenue": revenue[partner_id],
            }
            plan.lines.append(AllocationLine(partner_id, partners[partner_id].name, amount, note[:NOTE_MAX]))
    return _finish(
        actor=actor,
        fund=fund,
        plan=plan,
        source=AllocationSource.COOP,
        memo=_("Co-op accrual %(start)s to %(end)s") % {"start": period_start, "end": period_end},
        key=f"mdf:allocate:coop:{fund.pk}:{period_start.isoformat()}:{period_end.isoformat()}:{attribution}",
        dry_run=dry_run,
    )
