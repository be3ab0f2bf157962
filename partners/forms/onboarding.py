"""Forms of the onboarding pages. They parse input; the services decide (and name the field at fault)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import OnboardingStepKind
from partners.services.cleaning import MAX_DUE_OFFSET_DAYS
from partners.services.documents import ALLOWED_LABEL, MAX_DOCUMENT_BYTES
from prm.forms import BootstrapForm
from prm.i18n import lazy_format


class PlanForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    partner_type = forms.ChoiceField(
        required=False,
        label=_("Partner type"),
        help_text=_(
            "The partners this plan is for. “Default plan” covers every type that has no active plan of its own."
        ),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active (new onboardings use it)"))

    def __init__(self, *args, partner_types, with_active=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].choices = [("", _("Default plan (every other type)")), *partner_types]
        if not with_active:
            del self.fields["is_active"]


class StepForm(BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=OnboardingStepKind.choices, label=_("Done when"))
    completion_event = forms.CharField(
        required=False,
        max_length=64,
        label=_("Completion event"),
        help_text=_("Empty: the kind's event. Required for “Done when an event happens”, e.g. webinar.attended."),
    )
    condition = forms.CharField(
        required=False,
        label=_("Condition on the event"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "font-monospace", "placeholder": '{"course_id": 12}'}),
        help_text=_("Optional JSON object: every key must be in the event's payload with this value."),
    )
    required = forms.BooleanField(required=False, initial=True, label=_("Required to finish onboarding"))
    due_offset_days = forms.IntegerField(
        min_value=0, max_value=MAX_DUE_OFFSET_DAYS, initial=14, label=_("Due (days after the start)")
    )

    @classmethod
    def initial_for(cls, step) -> dict:
        return {
            "title": step.title,
            "description": step.description,
            "kind": step.kind,
            "completion_event": step.completion_event,
            "condition": json.dumps(step.condition) if step.condition else "",
            "required": step.required,
            "due_offset_days": step.due_offset_days,
        }


class DocumentUploadForm(BootstrapForm, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What it is, such as “W-9 tax form” or “Insurance certificate”."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=lazy_format(
            _("%(types)s, at most %(megabytes)s MB."),
            types=ALLOWED_LABEL,
            megabytes=MAX_DOCUMENT_BYTES // (1024 * 1024),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx"}),
    )


class OnboardingSettingsForm(BootstrapForm, forms.Form):
    reminder_days_before = forms.IntegerField(
        min_value=0, max_value=60, label=_("Remind partners this many days before a step is due")
    )
    stalled_after_days = forms.IntegerField(
        min_value=1, max_value=365, label=_("Escalate a plan with no progress for this many days")
    )
