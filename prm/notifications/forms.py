from django import forms

from prm.forms import BootstrapForm


class NotificationPreferencesForm(BootstrapForm, forms.Form):
    """One "email me" checkbox per kind of notification that can reach the member (in-app is always on)."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {self.field_name(kind.key): kind for kind in kinds}
        for name, kind in self.kinds.items():
            self.fields[name] = forms.BooleanField(
                required=False,
                label=kind.label,
                help_text=kind.description,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    @staticmethod
    def field_name(key: str) -> str:
        return "email_" + key.replace(".", "__")

    def email_by_kind(self) -> dict[str, bool]:
        return {kind.key: self.cleaned_data[name] for name, kind in self.kinds.items()}
