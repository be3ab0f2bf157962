"""The dashboard's filters (a GET form: the URL keeps them), a partner cost, an exchange rate and the cost import."""

from __future__ import annotations

import csv
import io
from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.models import CostKind
from analytics.selectors.base import Scope
from analytics.services import COST_COLUMNS, REQUIRED_COST_COLUMNS
from partners.selectors import partner_owner_choices, partner_queryset, partner_type_choices
from prm.forms import BootstrapForm
from prm.geography import Region
from prm.money import currency_choices
from prm.tenancy import current_tenant

IMPORT_MAX_BYTES = getattr(settings, "PRM_COST_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
CSV_CONTENT_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/x-csv"}
# The default period: the last twelve months, this one included.
DEFAULT_MONTHS = 12
# The longest period: ten years (the comparison period before it must still be a date).
MAX_PERIOD_DAYS = 3653


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    month = today.month - (DEFAULT_MONTHS - 1)
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), today


def tier_choices() -> list[tuple[str, str]]:
    """The tiers partners hold now (tiering's cache on the partner), one query."""
    tiers = partner_queryset().exclude(tier="").order_by("tier").values_list("tier", flat=True).distinct()
    return [(tier, tier) for tier in tiers]


class ScopeForm(BootstrapForm, forms.Form):
    """The dashboard's filters. Invalid values are reported and the defaults used instead."""

    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    partner_type = forms.ChoiceField(label=gettext_lazy("Partner type"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), required=False)
    owner = forms.TypedChoiceField(label=gettext_lazy("Channel manager"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, with_partner_filters: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        if with_partner_filters:
            self.fields["partner_type"].choices = every + list(partner_type_choices())
            self.fields["region"].choices = every + list(Region.choices)
            self.fields["tier"].choices = every + tier_choices()
            self.fields["owner"].choices = every + [(str(pk), name) for pk, name in partner_owner_choices()]
        else:
            for name in ("partner_type", "region", "tier", "owner"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            # The previous period of the same length (top and falling partners) must stay a real date.
            self.add_error("end", _("A period covers at most ten years."))
        return cleaned

    def scope(self, *, partner_ids=None) -> Scope:
        default_start, default_end = default_period()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start = data.get("start") or default_start
        end = data.get("end") or (default_end if start <= default_end else start)
        return Scope(
            start=start,
            end=end,
            partner_type=data.get("partner_type") or "",
            region=data.get("region") or "",
            tier=data.get("tier") or "",
            owner_id=data.get("owner") or None,
            partner_ids=partner_ids,
        )


class PartnerCostForm(BootstrapForm, forms.Form):
    """A cost by hand; the service checks every field again (and names the one at fault)."""

    partner_organization = forms.TypedChoiceField(label=gettext_lazy("Partner"), coerce=int)
    period_start = forms.DateField(
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("The cost's day, or the first day of its period."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_end = forms.DateField(
        label=gettext_lazy("Period end"),
        required=False,
        help_text=gettext_lazy("Empty: a one-day cost."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CostKind.choices)
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        partners = partner_queryset().order_by("name").values_list("pk", "name")
        self.fields["partner_organization"].choices = [("", "—"), *partners]
        base = current_tenant().base_currency
        self.fields["currency"].choices = currency_choices(base)
        self.fields["currency"].initial = base


class ExchangeRateForm(BootstrapForm, forms.Form):
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))
    rate = forms.DecimalField(
        label=gettext_lazy("Rate"),
        max_digits=18,
        decimal_places=8,
        help_text=gettext_lazy("How much one unit of this currency is worth in the base currency."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = current_tenant().base_currency
        self.fields["currency"].choices = [choice for choice in currency_choices() if choice[0] != base]


def parse_cost_csv(text: str) -> list[dict[str, str]]:
    """Rows of a cost import as {column: text}; a bad header is a ValidationError for the whole file."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            raise forms.ValidationError(_("The file is empty."))
        header = [column.strip().lower() for column in header]
        missing = [column for column in REQUIRED_COST_COLUMNS if column not in header]
        if missing:
            raise forms.ValidationError(
                _("The header row lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
        unknown = [column for column in header if column and column not in COST_COLUMNS]
        if unknown:
            raise forms.ValidationError(
                _("Unknown column(s): %(unknown)s. Columns: %(columns)s.")
                % {"unknown": ", ".join(unknown), "columns": ", ".join(COST_COLUMNS)}
            )
        rows = []
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue
            rows.append({column: (line[i] if i < len(line) else "") for i, column in enumerate(header) if column})
        return rows
    except csv.Error as exc:
        raise forms.ValidationError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc


class CostImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8 CSV, at most 2 MB. Required columns: partner, period_start, kind, amount, currency."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB.") % {"megabytes": IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        name = (upload.name or "").lower()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if not name.endswith(".csv") or (content_type and content_type not in CSV_CONTENT_TYPES):
            raise forms.ValidationError(_("Upload a .csv file."))
        data = upload.read()
        if b"\x00" in data:
            raise forms.ValidationError(_("This is not a text file: upload a CSV file."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from exc
        self.rows = parse_cost_csv(text)
        self.raw = data
        return upload
