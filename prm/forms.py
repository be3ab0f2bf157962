from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from prm.models import Tenant, partner_organization_model
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role


class BootstrapForm:
    """Adds Bootstrap classes to widgets, and marks fields with errors, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
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


class TenantSettingsForm(BootstrapForm, forms.ModelForm):
    logo = forms.FileField(required=False, help_text="PNG or JPEG, at most 512 KB.")
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")

    class Meta:
        model = Tenant
        fields = ["program_name", "primary_colour", "require_mfa_for_staff", "require_mfa_for_partners"]
        labels = {
            "program_name": "Program name",
            "primary_colour": "Primary colour",
            "require_mfa_for_staff": "Require two-factor authentication for staff",
            "require_mfa_for_partners": gettext_lazy("Require two-factor authentication for partner users"),
        }
        widgets = {"primary_colour": forms.TextInput(attrs={"type": "color", "class": "form-control-color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it (an older page) leaves the partners' policy as it is.
        self.fields["require_mfa_for_partners"].required = False


class InvitationForm(BootstrapForm, forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)
    partner_organization = forms.ModelChoiceField(queryset=partner_organization_model().unscoped.none(), required=False)

    def __init__(self, *args, roles, partner_organizations, fixed_organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_organization = fixed_organization
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]
        if partner_organizations is None:
            del self.fields["partner_organization"]
        else:
            field = self.fields["partner_organization"]
            field.queryset = partner_organizations
            # A program may have thousands of partners: the select holds only the chosen one, and the page's
            # search box (htmx, partners/options/) fills it with matches. Validation still uses the queryset.
            chosen = partner_organizations.filter(pk=self.data.get("partner_organization") or None).first()
            field.widget = forms.Select(
                choices=[("", "Search above, then choose")] + ([(chosen.pk, chosen.name)] if chosen else []),
                attrs={"class": "form-select"},
            )

    def clean(self):
        cleaned = super().clean()
        # The page fixes the organization; a submission naming another one was tampered with: refuse it rather
        # than silently inviting into the fixed organization.
        named = self.data.get("partner_organization", "")
        if self.fixed_organization is not None and named not in ("", str(self.fixed_organization.pk)):
            raise forms.ValidationError(f"You can invite people only into {self.fixed_organization}.")
        return cleaned


class MembershipForm(BootstrapForm, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(required=False, label="Active")

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        same_side = STAFF_ROLES if membership.role in STAFF_ROLES else PARTNER_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in same_side]


class AcceptInvitationForm(BootstrapForm, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, min_length=10)
    password2 = forms.CharField(label="Password (again)", widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class ProfileForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name"]
