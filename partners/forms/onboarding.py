"""Forms of the onboarding pages. They parse input; the services decide (and name the field at fault)."""

import json

from django import forms

from partners.models import OnboardingStepKind
from partners.services.cleaning import MAX_DUE_OFFSET_DAYS
from partners.services.documents import ALLOWED_LABEL, MAX_DOCUMENT_BYTES
from prm.forms import BootstrapForm


class PlanForm(BootstrapForm, forms.Form):
    name = forms.CharField(max_length=200)
    partner_type = forms.ChoiceField(
        required=False,
        label="Partner type",
        help_text="The partners this plan is for. “Default plan” covers every type that has no active plan of its own.",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active (new onboardings use it)")

    def __init__(self, *args, partner_types, with_active=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].choices = [("", "Default plan (every other type)"), *partner_types]
        if not with_active:
            del self.fields["is_active"]


class StepForm(BootstrapForm, forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=OnboardingStepKind.choices, label="Done when")
    completion_event = forms.CharField(
        required=False,
        max_length=64,
        label="Completion event",
        help_text="Empty: the kind's event. Required for “Done when an event happens”, e.g. webinar.attended.",
    )
    condition = forms.CharField(
        required=False,
        label="Condition on the event",
        widget=forms.Textarea(attrs={"rows": 2, "class": "font-monospace", "placeholder": '{"course_id": 12}'}),
        help_text="Optional JSON object: every key must be in the event's payload with this value.",
    )
    required = forms.BooleanField(required=False, initial=True, label="Required to finish onboarding")
    due_offset_days = forms.IntegerField(
        min_value=0, max_value=MAX_DUE_OFFSET_DAYS, initial=14, label="Due (days after the start)"
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
    title = forms.CharField(max_length=200, help_text="What it is, such as “W-9 tax form” or “Insurance certificate”.")
    file = forms.FileField(
        help_text=f"{ALLOWED_LABEL}, at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx"}),
    )


class OnboardingSettingsForm(BootstrapForm, forms.Form):
    reminder_days_before = forms.IntegerField(
        min_value=0, max_value=60, label="Remind partners this many days before a step is due"
    )
    stalled_after_days = forms.IntegerField(
        min_value=1, max_value=365, label="Escalate a plan with no progress for this many days"
    )
