import csv
import io

from django import forms
from django.conf import settings

from partners.models import CompanySize
from partners.services import IGNORED_EXPORT_COLUMNS, IMPORT_COLUMNS, REQUIRED_IMPORT_COLUMNS
from prm.forms import BootstrapForm

IMPORT_MAX_BYTES = getattr(settings, "PRM_PARTNER_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
CSV_CONTENT_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/x-csv"}


def _list_text(values) -> str:
    return "; ".join(values or [])


class PartnerProfileForm(BootstrapForm, forms.Form):
    """The profile fields a partner keeps up to date itself. Lists are typed one per line or separated by ';'."""

    legal_name = forms.CharField(max_length=200, required=False)
    website = forms.CharField(max_length=200, required=False, help_text="https://…")
    email_domains = forms.CharField(
        required=False, help_text="Domains your people's email addresses use, separated by ';' (acme.com; acme.de)."
    )
    country = forms.CharField(max_length=2, required=False, help_text="Two-letter ISO code, e.g. DE.")
    region = forms.CharField(max_length=32, required=False)
    regions = forms.CharField(
        required=False, help_text="Regions you sell into, separated by ';'.", label="Sales regions"
    )
    industries = forms.CharField(required=False, help_text="Separated by ';'.")
    company_size = forms.ChoiceField(choices=[("", "—"), *CompanySize.choices], required=False)
    customer_count = forms.IntegerField(min_value=0, required=False, label="Number of customers")

    @classmethod
    def initial_for(cls, partner) -> dict:
        return {
            "legal_name": partner.legal_name,
            "website": partner.website,
            "email_domains": _list_text(partner.email_domains),
            "country": partner.country,
            "region": partner.region,
            "regions": _list_text(partner.regions),
            "industries": _list_text(partner.industries),
            "company_size": partner.company_size,
            "customer_count": partner.customer_count,
        }


class ContactForm(BootstrapForm, forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    job_title = forms.CharField(max_length=100, required=False)
    is_primary = forms.BooleanField(required=False, label="Primary contact")


class PartnerImportForm(BootstrapForm, forms.Form):
    """A CSV file of partners: UTF-8 (a byte-order mark is fine), comma-separated, a header row naming columns."""

    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV, at most {IMPORT_MAX_BYTES // (1024 * 1024)} MB. Required columns: name, partner_type.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {IMPORT_MAX_BYTES // (1024 * 1024)} MB.")
        name = (upload.name or "").lower()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if not name.endswith(".csv") or (content_type and content_type not in CSV_CONTENT_TYPES):
            raise forms.ValidationError("Upload a .csv file.")
        data = upload.read()
        if b"\x00" in data:
            raise forms.ValidationError("This is not a text file: upload a CSV file.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file is not UTF-8 text: save it as “CSV UTF-8”.") from exc
        self.rows = parse_partner_csv(text)
        self.raw = data
        return upload


def parse_partner_csv(text: str) -> list[dict[str, str]]:
    """Rows of an import file as {column: text}; a bad header is a ValidationError for the whole file."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            raise forms.ValidationError("The file is empty.")
        header = [column.strip().lower() for column in header]
        missing = [column for column in REQUIRED_IMPORT_COLUMNS if column not in header]
        if missing:
            raise forms.ValidationError(f"The header row lacks the column(s): {', '.join(missing)}.")
        unknown = [c for c in header if c and c not in IMPORT_COLUMNS and c not in IGNORED_EXPORT_COLUMNS]
        if unknown:
            raise forms.ValidationError(
                f"Unknown column(s): {', '.join(unknown)}. Columns: {', '.join(IMPORT_COLUMNS)}."
            )
        duplicated = sorted({c for c in header if c and header.count(c) > 1})
        if duplicated:
            raise forms.ValidationError(f"Column(s) named twice: {', '.join(duplicated)}.")
        records = list(reader)
        # Blank lines at the end are not rows; one in the middle is (so row numbers match the spreadsheet's).
        while records and not any(cell.strip() for cell in records[-1]):
            records.pop()
        return [
            {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header) if column}
            for cells in records
        ]
    except csv.Error as exc:
        raise forms.ValidationError(f"This is not a readable CSV file ({exc}).") from exc
