from django import forms
from django.utils.translation import gettext_lazy as _

from prm import registry
from prm.forms import BootstrapForm


class EndpointForm(BootstrapForm, forms.Form):
    """URL, description and event types of an endpoint. The service checks the URL (http(s), public address)."""

    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/prm", "autocomplete": "off"}),
        help_text=_("An http:// or https:// address on the public internet. https is strongly advised."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, help_text=_("What receives these webhooks.")
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to receive every event. Ctrl/⌘-click to choose several."),
    )
    other_event_types = forms.CharField(
        required=False,
        label=_("Other event types"),
        help_text=_("Comma-separated, such as deal.approved, for event types not listed above."),
    )

    deliver_in_order = forms.BooleanField(
        required=False,
        label=_("Deliver in order"),
        help_text=_(
            "One at a time, in the order the events happened: a delivery waiting for a retry holds back the later "
            "ones. Leave off unless the receiver needs the order: deliveries are faster without it."
        ),
    )

    def __init__(self, *args, current_event_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Every event type the installed apps declare, with what it means; endpoints may also name others (an app
        # that records them later), as long as they are well formed.
        declared = registry.event_types()
        known = sorted(set(declared) | set(current_event_types))
        self.fields["event_types"].choices = [
            (name, f"{name} — {declared[name].description}" if name in declared else name) for name in known
        ]

    def chosen_event_types(self) -> list[str]:
        """The selected and the typed event types together (the service validates and deduplicates them)."""
        typed = self.cleaned_data.get("other_event_types", "").split(",")
        return [*self.cleaned_data.get("event_types", []), *typed]
