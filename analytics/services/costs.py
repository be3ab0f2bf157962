"""Partner costs: recorded by hand, from a CSV file (dry run first, every bad cell reported by row and column,
nothing written unless every row is good) or through the API. Tenant admins and finance only."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics.models import CostSource, PartnerCost
from analytics.services.cleaning import clean_cost
from partners.selectors import partners_by_id
from prm import policy
from prm.errors import ValidationFailed
from prm.policy import Actor

COST_FIELDS = ("partner_organization", "period_start", "period_end", "kind", "amount", "currency", "note")
# The import's columns: `partner` is the partner's id (as the export and the API name it).
COST_COLUMNS = ("partner", "period_start", "period_end", "kind", "amount", "currency", "note")
REQUIRED_COST_COLUMNS = ("partner", "period_start", "kind", "amount", "currency")
MAX_IMPORT_ROWS = 10_000


def _user(actor):
    return getattr(actor, "user", None)


@transaction.atomic
def cost_create(*, actor: Actor, source: str = CostSource.MANUAL, **values) -> PartnerCost:
    """Record one cost of the program for one partner. Every field is checked (field-named errors) before writing."""
    policy.require(actor, "analytics.costs.manage")
    cleaned = clean_cost(values, source=source)
    return PartnerCost.objects.create(**cleaned, created_by=_user(actor))


@transaction.atomic
def cost_update(*, actor: Actor, cost: PartnerCost, **values) -> PartnerCost:
    """Change a cost's fields (those given; the others keep their value). Its source stays what it was."""
    policy.require(actor, "analytics.costs.manage", cost)
    current = {field: getattr(cost, field) for field in COST_FIELDS}
    current.update({field: value for field, value in values.items() if field in COST_FIELDS})
    cleaned = clean_cost(current, source=cost.source)
    for field, value in cleaned.items():
        setattr(cost, field, value)
    cost.save()
    return cost


@transaction.atomic
def cost_delete(*, actor: Actor, cost: PartnerCost) -> None:
    policy.require(actor, "analytics.costs.manage", cost)
    if cost.source == CostSource.MDF:
        raise ValidationFailed(_("A cost created by an MDF payout follows the payout: it cannot be deleted."))
    cost.delete()


# CSV import -------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CostRowError:
    row: int  # the file's row number as a spreadsheet shows it (the header is row 1); 0 for the whole file
    column: str
    message: str


@dataclasses.dataclass
class CostImportPlan:
    to_create: list[PartnerCost] = dataclasses.field(default_factory=list)
    errors: list[CostRowError] = dataclasses.field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


class CostImportRejected(ValidationFailed):
    """The file has bad rows: nothing was written. `errors` lists every one."""

    def __init__(self, errors: list[CostRowError]):
        message = ngettext(
            "%(count)s problem in the file: nothing was imported.",
            "%(count)s problems in the file: nothing was imported.",
            len(errors),
        ) % {"count": len(errors)}
        super().__init__(message, field="file")
        self.errors = errors


_COLUMN_OF = {"partner_organization": "partner"}


def costs_import_check(*, rows: list[dict[str, str]]) -> CostImportPlan:
    """Validate every row of a cost import without writing: each bad row is reported with its row number and the
    column at fault. The partners are looked up in one query."""
    plan = CostImportPlan()
    if len(rows) > MAX_IMPORT_ROWS:
        message = _("At most %(limit)s rows per file.") % {"limit": number_format(MAX_IMPORT_ROWS, force_grouping=True)}
        plan.errors.append(CostRowError(0, "file", message))
        return plan
    ids = set()
    for raw in rows:
        try:
            ids.add(int((raw.get("partner") or "").strip()))
        except ValueError:
            pass
    partners = partners_by_id(partner_ids=ids)
    for index, raw in enumerate(rows):
        line = index + 2
        values = {column: raw.get(column) or "" for column in COST_COLUMNS}
        partner_text = values.pop("partner").strip()
        partner = partners.get(int(partner_text)) if partner_text.isdigit() else None
        if partner is None:
            message = (
                _("There is no partner %(id)s in this program.") % {"id": partner_text[:20]}
                if partner_text
                else _("Name the partner by its id.")
            )
            plan.errors.append(CostRowError(line, "partner", message))
            continue
        try:
            cleaned = clean_cost({**values, "partner_organization": partner}, source=CostSource.CSV)
        except ValidationFailed as error:
            plan.errors.append(CostRowError(line, _COLUMN_OF.get(error.field, error.field or "file"), error.message))
            continue
        plan.to_create.append(PartnerCost(**cleaned))
    return plan


@transaction.atomic
def costs_import(*, actor: Actor, rows: list[dict[str, str]]) -> int:
    """Import costs from CSV rows, all or nothing: validated again inside the transaction (the dry run may be
    stale); any bad row means nothing is written (CostImportRejected lists every one). One bulk insert."""
    policy.require(actor, "analytics.costs.manage")
    plan = costs_import_check(rows=rows)
    if not plan.is_clean:
        raise CostImportRejected(plan.errors)
    user = _user(actor)
    for cost in plan.to_create:
        cost.created_by = user
    PartnerCost.objects.bulk_create(plan.to_create, batch_size=1000)
    return len(plan.to_create)


# MDF payouts ------------------------------------------------------------------------------------------------------


@transaction.atomic
def cost_record_mdf_payout(
    *, actor: Actor, claim_reference: str, partner_id: int, amount, currency: str, paid_on
) -> PartnerCost:
    """The cost an MDF payout adds (source `mdf`, kind "MDF paid"), once per claim: the claim's reference is the
    cost's `source_reference`, unique per tenant, so a redelivered `mdf.claim.paid` event finds the cost it already
    added instead of adding another. For the `mdf.claim.paid` subscriber, once mdf declares that event."""
    policy.require(actor, "analytics.costs.manage")
    existing = PartnerCost.objects.filter(source=CostSource.MDF, source_reference=str(claim_reference)).first()
    if existing is not None:
        return existing
    cleaned = clean_cost(
        {
            "partner_organization": partner_id,
            "period_start": paid_on,
            "kind": "mdf",
            "amount": amount,
            "currency": currency,
            "note": _("MDF claim %(claim)s paid") % {"claim": claim_reference},
        },
        source=CostSource.MDF,
    )
    return PartnerCost.objects.create(**cleaned, source_reference=str(claim_reference))
