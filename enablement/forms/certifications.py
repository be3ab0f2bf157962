"""Forms of the certification pages. They only shape the input: the services decide (and name the field at fault)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enablement.models import Course, Quiz
from enablement.services.certifications import (
    DESCRIPTION_MAX_LENGTH,
    MAX_VALIDITY_MONTHS,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    VALIDITY_CHOICES,
)
from prm.forms import BootstrapForm


class CertificationForm(BootstrapForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("E.g. Certified Firewall Seller."),
        error_messages={"required": _("Name the certification.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What a holder can do; shown on the certificate's verification page and in the Open Badge."),
    )
    courses = forms.TypedMultipleChoiceField(
        label=_("Required courses"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Each completed in the learner's current cycle. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    final_exam = forms.TypedChoiceField(
        label=_("Final exam (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A quiz the learner must pass on top of the courses."),
    )
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"),
        required=False,
        min_value=1,
        max_value=MAX_VALIDITY_MONTHS,
        help_text=_("Empty: never expires. Holders are reminded 60, 30 and 7 days before it ends."),
    )
    active = forms.BooleanField(label=_("Awarded to learners who meet the requirements"), required=False, initial=True)

    def __init__(self, *args, certification=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The courses on offer, and those the certification requires already even if archived since.
        available = Q(archived=False)
        if certification is not None:
            available |= Q(pk__in=[link.course_id for link in certification.required_courses.all()])
        courses = Course.objects.filter(available).order_by("title", "id").values_list("pk", "title")
        self.fields["courses"].choices = list(courses)
        quizzes = Quiz.objects.order_by("title", "id").values_list("pk", "title")
        self.fields["final_exam"].choices = [("", _("No final exam")), *quizzes]


class CertificationEditForm(CertificationForm):
    apply_to_existing = forms.ChoiceField(
        label=_("If the validity changes, it applies…"),
        required=False,
        choices=VALIDITY_CHOICES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons, not a text box: BootstrapForm styles every other widget as a form control.
        self.fields["apply_to_existing"].widget.attrs["class"] = "form-check-input"


class AwardRevokeForm(BootstrapForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why it is revoked.")},
        help_text=_("Kept with the award and sent in the certification.revoked event."),
    )
