import csv
import io

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import CompanySize
from partners.services import IGNORED_EXPORT_COLUMNS, IMPORT_COLUMNS, REQUIRED_IMPORT_COLUMNS
from prm.forms import BootstrapForm, country_field, regions_field, set_country_choices
from prm.geography import Region
from prm.i18n import lazy_format

IMPORT_MAX_BYTES = getattr(settings, "PRM_PARTNER_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
CSV_CONTENT_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/x-csv"}


def _list_text(values) -> str:
    return "; ".join(values or [])


class PartnerProfileForm(BootstrapForm, forms.Form):
    """The profile fields a partner keeps up to date itself. Lists are typed one per line or separated by ';'."""

    legal_name = forms.CharField(label=gettext_lazy("Legal name"), max_length=200, required=False)
    website = forms.CharField(label=gettext_lazy("Website"), max_length=200, required=False, help_text="https://…")
    email_domains = forms.CharField(
        label=gettext_lazy("Email domains"),
        required=False,
        help_text=gettext_lazy("Domains your people's email addresses use, separated by ';' (acme.com; acme.de)."),
    )
    country = country_field(label=gettext_lazy("Country"))
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        choices=[("", "—"), *Region.choices],
        help_text=gettext_lazy("Where your headquarters are."),
    )
    regions = regions_field(label=gettext_lazy("Sales regions"), help_text=gettext_lazy("Regions you sell into."))
    industries = forms.CharField(
        label=gettext_lazy("Industries"), required=False, help_text=gettext_lazy("Separated by ';'.")
    )
    company_size = forms.ChoiceField(
        label=gettext_lazy("Company size"), choices=[("", "—"), *CompanySize.choices], required=False
    )
    customer_count = forms.IntegerField(min_value=0, required=False, label=gettext_lazy("Number of customers"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_country_choices(self.fields["country"])

    @classmethod
    def initial_for(cls, partner) -> dict:
        return {
            "legal_name": partner.legal_name,
            "website": partner.website,
            "email_domains": _list_text(partner.email_domains),
            "country": partner.country,
            "region": partner.region,
            "regions": [region for region in partner.regions or [] if region in Region.values],
            "industries": _list_text(partner.industries),
            "company_size": partner.company_size,
            "customer_count": partner.customer_count,
        }


class ContactForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    job_title = forms.CharField(label=gettext_lazy("Job title"), max_length=100, required=False)
    is_primary = forms.BooleanField(required=False, label=gettext_lazy("Primary contact"))


class PartnerImportForm(BootstrapForm, forms.Form):
    """A CSV file of partners: UTF-8 (a byte-order mark is fine), comma-separated, a header row naming columns."""

    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=lazy_format(
            gettext_lazy("UTF-8 CSV, at most %(megabytes)s MB. Required columns: name, partner_type."),
            megabytes=IMPORT_MAX_BYTES // (1024 * 1024),
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
        self.rows = parse_partner_csv(text)
        self.raw = data
        return upload


def parse_partner_csv(text: str) -> list[dict[str, str]]:
    """Rows of an import file as {column: text}; a bad header is a ValidationError for the whole file."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            raise forms.ValidationError(_("The file is empty."))
        header = [column.strip().lower() for column in header]
        missing = [column for column in REQUIRED_IMPORT_COLUMNS if column not in header]
        if missing:
            raise forms.ValidationError(
                _("The header row lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
        unknown = [c for c in header if c and c not in IMPORT_COLUMNS and c not in IGNORED_EXPORT_COLUMNS]
        if unknown:
            raise forms.ValidationError(
                _("Unknown column(s): %(unknown)s. Columns: %(columns)s.")
                % {"unknown": ", ".join(unknown), "columns": ", ".join(IMPORT_COLUMNS)}
            )
        duplicated = sorted({c for c in header if c and header.count(c) > 1})
        if duplicated:
            raise forms.ValidationError(_("Column(s) named twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
        records = list(reader)
        # Blank lines at the end are not rows; one in the middle is (so row numbers match the spreadsheet's).
        while records and not any(cell.strip() for cell in records[-1]):
            records.pop()
        return [
            {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header) if column}
            for cells in records
        ]
    except csv.Error as exc:
        raise forms.ValidationError(_("This is not a readable CSV file (%(error)s).") % {"error": exc}) from exc
