"""Input cleaners of partner costs, shared by the form, the CSV import and the API: each refuses with a message
naming its field."""

from __future__ import annotations

from datetime import date

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from analytics.models import CostKind, CostSource
from partners.selectors import partners_by_id
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.money import clean_amount, clean_currency


def clean_partner(value, *, field: str = "partner_organization"):
    """A partner of the current tenant, by id (an object already looked up through the scope passes as it is)."""
    if hasattr(value, "pk"):
        return value
    try:
        partner_id = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("Name the partner by its id."), field=field) from None
    partner = partners_by_id(partner_ids=[partner_id]).get(partner_id)
    if partner is None:
        raise ValidationFailed(_("There is no partner %(id)s in this program.") % {"id": partner_id}, field=field)
    return partner


def clean_day(value, *, field: str, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise ValidationFailed(_("Enter a date (YYYY-MM-DD)."), field=field)
        return None
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise ValidationFailed(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text[:20]}, field=field)
    return day


def clean_kind(value, *, field: str = "kind") -> str:
    kind = (value or "").strip().lower() if isinstance(value, str) else ""
    if kind not in CostKind.values:
        raise ValidationFailed(
            _("Choose a kind of cost: %(kinds)s.") % {"kinds": ", ".join(CostKind.values)}, field=field
        )
    return kind


def clean_cost(values: dict, *, source: str = CostSource.MANUAL) -> dict:
    """Every field of a cost, cleaned; the first bad one is refused naming it."""
    period_start = clean_day(values.get("period_start"), field="period_start")
    period_end = clean_day(values.get("period_end"), field="period_end", required=False)
    if period_end is not None and period_end < period_start:
        raise ValidationFailed(_("The period cannot end before it starts."), field="period_end")
    return {
        "partner_organization": clean_partner(values.get("partner_organization")),
        "period_start": period_start,
        "period_end": period_end,
        "kind": clean_kind(values.get("kind")),
        "amount": clean_amount(values.get("amount"), field="amount", label=_("The amount")),
        "currency": clean_currency(values.get("currency")),
        "note": clean_text(values.get("note") or "", field="note", max_length=500),
        "source": source,
    }
