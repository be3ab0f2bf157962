"""Forms of recruitment: the public application, decisions, criteria and the auto rule. They check shapes; the
services check the rules (and name the field at fault)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import CompanySize, IppAttribute, IppOperator, RevenueBand
from partners.services.application_decisions import REASON_MAX_LENGTH
from partners.services.applications import MESSAGE_MAX_LENGTH
from prm.forms import BootstrapForm, country_field, regions_field, set_country_choices
from prm.geography import Region
from prm.i18n import lazy_format

# The honeypot: a field people never see (hidden by the page's style, skipped by keyboard and screen readers)
# and bots fill in. Its name looks like one worth filling.
HONEYPOT_FIELD = "homepage"


class ApplicationForm(BootstrapForm, forms.Form):
    company_name = forms.CharField(max_length=200, label=_("Company name"))
    legal_name = forms.CharField(max_length=200, required=False, label=_("Legal name"), help_text=_("If it differs."))
    website = forms.CharField(max_length=200, required=False, label=_("Website"), help_text="https://acme.com")
    contact_first_name = forms.CharField(max_length=100, label=_("First name"))
    contact_last_name = forms.CharField(max_length=100, required=False, label=_("Last name"))
    contact_email = forms.EmailField(
        max_length=254, label=_("Work email"), help_text=_("We send a confirmation link here.")
    )
    contact_phone = forms.CharField(max_length=40, required=False, label=_("Phone"))
    contact_job_title = forms.CharField(max_length=100, required=False, label=_("Job title"))
    partner_type = forms.ChoiceField(label=_("What kind of partner are you?"))
    country = country_field(label=_("Country"), help_text=_("Where your headquarters are."))
    regions = regions_field(label=_("Regions you sell into"))
    industries = forms.CharField(required=False, label=_("Industries you serve"), help_text=_("Separate with commas."))
    company_size = forms.ChoiceField(choices=[("", "—"), *CompanySize.choices], required=False, label=_("Company size"))
    annual_revenue_band = forms.ChoiceField(
        choices=[("", "—"), *RevenueBand.choices], required=False, label=_("Annual revenue")
    )
    customer_count = forms.IntegerField(min_value=0, max_value=2_147_483_647, required=False, label=_("Customers"))
    certifications = forms.CharField(
        required=False,
        label=_("Certifications"),
        help_text=_("Vendor or industry certifications, separated by commas."),
    )
    message = forms.CharField(
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        label=_("Anything else we should know?"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    homepage = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, partner_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].choices = [("", _("Choose…")), *partner_types]
        set_country_choices(self.fields["country"])
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def visible_fields_for_page(self):
        return [field for field in self if field.name != HONEYPOT_FIELD]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def application_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != HONEYPOT_FIELD}


class ApproveForm(BootstrapForm, forms.Form):
    partner_name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Partner name"),
        help_text=_("Empty: the company name of the application."),
    )
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, required=False, label=_("Note (optional)"))


class DeclineForm(BootstrapForm, forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Why?"),
        help_text=_("Kept for your team and sent with the event; the applicant gets a polite email without it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CriterionForm(BootstrapForm, forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=200, required=False, help_text=_("Empty: written from the rule.")
    )
    attribute = forms.ChoiceField(choices=IppAttribute.choices, label=_("Looks at"))
    operator = forms.ChoiceField(choices=IppOperator.choices, label=_("Compares"))
    value = forms.CharField(
        max_length=2000,
        label=_("Value"),
        help_text=lazy_format(
            _(
                "A list separated by commas for “is one of” / “includes any of”; a number (customers) or a size or "
                "revenue band for “is at least” / “is at most”. Regions: %(regions)s. Countries: two-letter codes "
                "such as DE. Sizes: %(sizes)s. Revenue bands: %(bands)s."
            ),
            regions=", ".join(Region.values),
            sizes=", ".join(CompanySize.values),
            bands=", ".join(RevenueBand.values),
        ),
    )
    weight = forms.IntegerField(
        label=_("Weight"), min_value=1, max_value=100, initial=10, help_text=_("Points it is worth (1–100).")
    )

    @classmethod
    def initial_for(cls, criterion) -> dict:
        value = criterion.value
        return {
            "label": criterion.label,
            "attribute": criterion.attribute,
            "operator": criterion.operator,
            "value": ", ".join(str(v) for v in value) if isinstance(value, list) else value,
            "weight": criterion.weight,
        }


class RecruitmentSettingsForm(BootstrapForm, forms.Form):
    is_open = forms.BooleanField(required=False, label=_("Take applications on the public page"))
    auto_approve_at = forms.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        label=_("Approve automatically at a score of at least"),
        help_text=_("Empty: never automatically."),
    )
    auto_decline_below = forms.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        label=_("Decline automatically below a score of"),
        help_text=_("Empty: never automatically."),
    )
