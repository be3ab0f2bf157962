"""Forms of the agreement pages. They only shape the input: the services decide (and name the field at fault)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners import selectors
from partners.services.agreements import BODY_MAX_LENGTH, NAME_MAX_LENGTH
from prm.forms import BootstrapForm

EVERY_PARTNER = ("", _("Every partner"))

BODY_HELP = _(
    "Plain text. A blank line starts a new paragraph; lines starting with #, ## or ### are headings, lines "
    "starting with - or 1. are lists, **bold** and *italic* work. HTML is shown as typed, never run."
)


class AgreementForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH, help_text=_("E.g. Partner program agreement."))
    partner_type = forms.ChoiceField(
        required=False, label=_("Applies to"), help_text=_("Every partner, or only the partners of one type.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].choices = [EVERY_PARTNER, *selectors.partner_type_choices()]


class AgreementVersionForm(BootstrapForm, forms.Form):
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=BODY_HELP,
        error_messages={"required": _("Write the agreement's text.")},
    )


class AgreementPublishForm(BootstrapForm, forms.Form):
    reaccept_by = forms.DateField(
        label=_("Accept by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Partners are asked to accept this version by this day (default: in 30 days). Reminders go out "
            "7 days and 1 day before it."
        ),
    )
