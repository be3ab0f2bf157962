from datetime import UTC, datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.api.keys import ALL_SCOPES, RESOURCES
from prm.forms import BootstrapForm
from prm.models import partner_organization_model

SCOPE_LABELS = {
    "partners": _("Partner organizations"),
    "members": _("Members"),
    "invitations": _("Invitations"),
    "events": _("Events"),
    "webhooks": _("Webhooks"),
}


def expiry_from_date(day) -> datetime | None:
    """A key with an expiry date stops working at 00:00 UTC that day (the page and the command say so)."""
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


class ApiKeyForm(BootstrapForm, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("After the integration that will use it, e.g. “Salesforce sync”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, scope) for scope in ALL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
    partner_organization = forms.ModelChoiceField(
        queryset=partner_organization_model().unscoped.none(),
        required=False,
        label=_("Bind to a partner organization (optional)"),
        help_text=_("A bound key sees and does only what that partner's admin could."),
    )
    expires_on = forms.DateField(
        required=False,
        label=_("Expires on (optional)"),
        help_text=_("The key stops working at 00:00 UTC on this date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].widget.attrs["class"] = "form-check-input"
        field = self.fields["partner_organization"]
        field.queryset = partner_organization_model().objects.order_by("name")
        # A program may have thousands of partners: the select holds only the chosen one, and the page's search
        # box (htmx, partners/options/) fills it with matches. Validation still uses the queryset.
        chosen_id = self.data.get("partner_organization") or None
        chosen = field.queryset.filter(pk=chosen_id).first() if str(chosen_id or "").isdigit() else None
        field.widget = forms.Select(
            choices=[("", _("Not bound: the key acts as the program"))]
            + ([(chosen.pk, chosen.name)] if chosen else []),
            attrs={"class": "form-select"},
        )

    def scope_rows(self):
        """(resource label, read checkbox, write checkbox) for the template's grid, one row per resource."""
        by_value = {widget.data["value"]: widget for widget in self["scopes"]}
        return [
            (SCOPE_LABELS.get(resource, resource), by_value[f"{resource}:read"], by_value[f"{resource}:write"])
            for resource in RESOURCES
        ]

    def expires_at(self) -> datetime | None:
        return expiry_from_date(self.cleaned_data.get("expires_on"))
