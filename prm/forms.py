from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.geography import Region, country_choices
from prm.i18n import language_choices, time_zone_choices
from prm.models import Tenant, partner_organization_model
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role, least_privileged_role


class BootstrapForm:
    """Adds Bootstrap classes to widgets, and marks fields with errors, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-describedby"] = f"id_{name}-error"


def country_field(*, label, help_text=""):
    """A select of countries by name (ISO 3166-1 codes as values), in the reader's language."""
    return forms.ChoiceField(label=label, required=False, help_text=help_text)


def set_country_choices(field) -> None:
    """Fill a country_field's choices at form creation, so names follow the active language."""
    field.choices = [("", "—"), *country_choices()]


def regions_field(*, label, help_text=""):
    """Ticks for the sales regions (prm.geography.Region)."""
    return forms.MultipleChoiceField(
        label=label, required=False, help_text=help_text, choices=Region.choices, widget=forms.CheckboxSelectMultiple
    )


NOT_A_TIME_ZONE = gettext_lazy("“%(value)s” is not a time zone. Choose one from the list, such as Europe/Berlin.")
NOT_A_LANGUAGE = gettext_lazy("Choose one of the offered languages.")


def language_field(*, label, blank_label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=lambda: [("", blank_label), *language_choices()],
        error_messages={"invalid_choice": NOT_A_LANGUAGE},
    )


def time_zone_field(*, label, blank_label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=lambda: [("", blank_label), *time_zone_choices()],
        error_messages={"invalid_choice": NOT_A_TIME_ZONE},
    )


class TenantSettingsForm(BootstrapForm, forms.ModelForm):
    logo = forms.FileField(required=False, help_text=gettext_lazy("PNG or JPEG, at most 512 KB."))
    remove_logo = forms.BooleanField(required=False, label=gettext_lazy("Remove the current logo"))
    default_language = language_field(
        label=gettext_lazy("Default language"),
        blank_label=gettext_lazy("English"),
        help_text=gettext_lazy("For members who have not chosen a language and whose browser names none we offer."),
    )
    default_time_zone = time_zone_field(
        label=gettext_lazy("Default time zone"),
        blank_label="UTC",
        help_text=gettext_lazy("Dates and times are shown in it to members who have not chosen their own."),
    )

    class Meta:
        model = Tenant
        fields = [
            "program_name",
            "primary_colour",
            "require_mfa_for_staff",
            "require_mfa_for_partners",
            "default_language",
            "default_time_zone",
        ]
        labels = {
            "program_name": gettext_lazy("Program name"),
            "primary_colour": gettext_lazy("Primary colour"),
            "require_mfa_for_staff": gettext_lazy("Require two-factor authentication for staff"),
            "require_mfa_for_partners": gettext_lazy("Require two-factor authentication for partner users"),
        }
        widgets = {"primary_colour": forms.TextInput(attrs={"type": "color", "class": "form-control-color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it (an older page) leaves the partners' policy as it is.
        self.fields["require_mfa_for_partners"].required = False


class InvitationForm(BootstrapForm, forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    partner_organization = forms.ModelChoiceField(
        label=gettext_lazy("Partner organization"),
        queryset=partner_organization_model().unscoped.none(),
        required=False,
    )

    def __init__(self, *args, roles, partner_organizations, fixed_organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_organization = fixed_organization
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]
        self.fields["role"].initial = least_privileged_role(roles)
        if partner_organizations is None:
            del self.fields["partner_organization"]
        else:
            field = self.fields["partner_organization"]
            field.queryset = partner_organizations
            # A program may have thousands of partners: the select holds only the chosen one, and the page's
            # search box (htmx, partners/options/) fills it with matches. Validation still uses the queryset.
            chosen = partner_organizations.filter(pk=self.data.get("partner_organization") or None).first()
            field.widget = forms.Select(
                choices=[("", _("Search above, then choose"))] + ([(chosen.pk, chosen.name)] if chosen else []),
                attrs={"class": "form-select"},
            )

    def clean(self):
        cleaned = super().clean()
        # The page fixes the organization; a submission naming another one was tampered with: refuse it rather
        # than silently inviting into the fixed organization.
        named = self.data.get("partner_organization", "")
        if self.fixed_organization is not None and named not in ("", str(self.fixed_organization.pk)):
            raise forms.ValidationError(
                _("You can invite people only into %(organization)s.") % {"organization": self.fixed_organization}
            )
        # A staff role with a partner organization chosen: the role was most likely left as preselected (the
        # analyst), which would give the partner's person a staff login reading every partner's data.
        if cleaned.get("role") in STAFF_ROLES and cleaned.get("partner_organization") is not None:
            self.add_error(
                "role",
                _("%(role)s is a staff role: choose a partner role to invite someone of %(organization)s.")
                % {"role": Role(cleaned["role"]).label, "organization": cleaned["partner_organization"]},
            )
        return cleaned


class MembershipForm(BootstrapForm, forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    is_active = forms.BooleanField(required=False, label=gettext_lazy("Active"))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        same_side = STAFF_ROLES if membership.role in STAFF_ROLES else PARTNER_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in same_side]


class AcceptInvitationForm(BootstrapForm, forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    password1 = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, min_length=10)
    password2 = forms.CharField(label=gettext_lazy("Password (again)"), widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class ProfileForm(BootstrapForm, forms.ModelForm):
    language = language_field(label=gettext_lazy("Language"), blank_label=gettext_lazy("Your browser's language"))
    time_zone = time_zone_field(
        label=gettext_lazy("Time zone"),
        blank_label=gettext_lazy("The program's time zone"),
        help_text=gettext_lazy("Dates and times are shown in this zone, with its name."),
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "language", "time_zone"]
