"""Forms of the learning pages: assigning a course to a partner's person. They parse input; the services decide
(whether the person may be assigned by this actor, whether the course is offered to them, the due date)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import BootstrapForm


class AssignForm(BootstrapForm, forms.Form):
    user = forms.TypedChoiceField(coerce=int, label=_("Person"))
    course = forms.TypedChoiceField(coerce=int, label=_("Course"))
    due_on = forms.DateField(
        required=False,
        label=_("Due on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. Reminders go out 3 days before and on the day."),
    )

    def __init__(self, *args, people, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *people]
        self.fields["course"].choices = [("", "—"), *courses]
