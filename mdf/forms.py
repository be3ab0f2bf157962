"""Forms of the MDF pages. They check the shape of the input (numbers, dates, files); the rules (within the fund's
period, at most the reimbursable share, claimable amounts, proof types) are the services', whose refusals the views
put back beside the field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mdf.models import ActivityType, ProofKind
from prm.forms import BootstrapForm

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _date_field(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class FundRequestForm(BootstrapForm, forms.Form):
    fund = forms.TypedChoiceField(label=_("Fund"), coerce=int)
    activity_type = forms.ChoiceField(label=_("Activity type"), choices=ActivityType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = _date_field(_("Start date"))
    end_date = _date_field(_("End date"))
    planned_cost = forms.DecimalField(label=_("Planned cost"), **MONEY)
    requested_amount = forms.DecimalField(label=_("Requested amount"), **MONEY)
    expected_leads = forms.IntegerField(label=_("Expected leads"), min_value=0, required=False, initial=0)
    expected_pipeline = forms.DecimalField(label=_("Expected pipeline"), required=False, initial=0, **MONEY)
    campaign_code = forms.CharField(
        label=_("Campaign code"),
        max_length=40,
        required=False,
        help_text=_("Name it on the deals this activity brings; one is made up when left empty."),
    )

    def __init__(self, *args, funds=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].choices = [(f.pk, f"{f.name} ({f.currency})") for f in funds]
        if editing:
            del self.fields["fund"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("fund", None)
        data["expected_leads"] = data.get("expected_leads") or 0
        data["expected_pipeline"] = data.get("expected_pipeline") or 0
        return data


class ClaimForm(BootstrapForm, forms.Form):
    actual_cost = forms.DecimalField(label=_("Actual cost"), **MONEY)
    claimed_amount = forms.DecimalField(label=_("Claimed amount"), **MONEY)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=100)
    invoice = forms.FileField(label=_("Invoice (PDF, PNG or JPEG)"))
    proof = forms.FileField(
        label=_("Other proof of performance (photos, attendee list…)"),
        required=False,
        widget=forms.ClearableFileInput(),
    )
    leads_csv = forms.FileField(
        label=_("Leads (CSV)"),
        required=False,
        help_text=_("Columns email and company; first_name, last_name and country are optional."),
    )
    is_final = forms.BooleanField(label=_("This is the last claim for the activity"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def files_for_service(self) -> list:
        files = [(ProofKind.INVOICE, self.cleaned_data["invoice"])]
        if self.cleaned_data.get("proof"):
            files.append((ProofKind.OTHER, self.cleaned_data["proof"]))
        return files


class AddProofForm(BootstrapForm, forms.Form):
    proof = forms.FileField(label=_("Proof file"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProofKind.choices, initial=ProofKind.OTHER)
    leads_csv = forms.FileField(label=_("Leads (CSV)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class RequestDecisionForm(BootstrapForm, forms.Form):
    DECISIONS = [
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("changes", _("Request changes")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    amount = forms.DecimalField(
        label=_("Approved amount"), required=False, help_text=_("Leave empty to approve what was asked."), **MONEY
    )
    note = forms.CharField(
        label=_("Reason or note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimDecisionForm(BootstrapForm, forms.Form):
    DECISIONS = [
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("proof", _("Request more proof")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    amount = forms.DecimalField(
        label=_("Approved amount"), required=False, help_text=_("Leave empty to approve the whole claim."), **MONEY
    )
    note = forms.CharField(
        label=_("Reason or note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BulkDecisionForm(BootstrapForm, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason (to reject)"), required=False, max_length=5000)


class AllocateForm(BootstrapForm, forms.Form):
    partner_organization = forms.TypedChoiceField(label=_("Partner"), coerce=int)
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_organization"].choices = [(p.pk, p.name) for p in partners]


class AllocationImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns partner_external_id or partner, amount, note."))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)


class PayForm(BootstrapForm, forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class BatchForm(BootstrapForm, forms.Form):
    fund = forms.TypedChoiceField(label=_("Fund"), coerce=int)
    reference = forms.CharField(label=_("Batch reference"), max_length=100, required=False)

    def __init__(self, *args, funds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].choices = [(f.pk, f.name) for f in funds]
