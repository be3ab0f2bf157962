from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View

from prm import policy, registry, selectors, services
from prm.errors import DomainError, InvalidTransition
from prm.events import selectors as event_selectors
from prm.forms import AcceptInvitationForm, InvitationForm, MembershipForm, ProfileForm, TenantSettingsForm
from prm.i18n import activate_for_request
from prm.models import Invitation, invitation_ttl_hours, partner_organization_model
from prm.policy import INVITABLE_ROLES
from prm.roles import PARTNER_ROLES


def add_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal on the form, beside the field it names when the form has that field."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class TenantView(View):
    """A page inside a tenant. `permission` names the policy action; without it the page is a 404."""

    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not policy.can(request.membership, self.permission):
            raise Http404(_("Page not found."))
        return super().dispatch(request, *args, **kwargs)

    def url(self, name, *args):
        return reverse(name, args=[self.request.tenant.slug, *args])

    def check_object(self, obj, action=None):
        if obj is None or not policy.can(self.request.membership, action or self.permission, obj):
            raise Http404(_("Page not found."))
        return obj


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    tenants = selectors.tenants_of_user(user=request.user)
    if len(tenants) == 1:
        return redirect("tenant_home", tenants[0].slug)
    return render(request, "prm/home.html", {"tenants": tenants})


class TenantHomeView(TenantView):
    """`/t/<slug>/`: members go to the console or the portal; visitors who are not signed in see the program's
    branded front page (sign in, and what the apps offer the public: `prm.registry.PublicLink`, such as "Apply to
    become a partner"). A signed-in non-member gets the same 404 as an unknown address."""

    permission = "tenant.view"
    tenant_public = True

    def dispatch(self, request, *args, **kwargs):
        if request.membership is None:
            if not request.user.is_authenticated:
                return self.front_page(request)
            # As for any other page of a program one is not in: the unknown address's answer, without branding.
            request.tenant = None
            raise Http404(_("There is no partner program at this address."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if policy.can(request.membership, "console.view"):
            return redirect("console", request.tenant.slug)
        return redirect("portal", request.tenant.slug)

    def front_page(self, request):
        tenant = request.tenant
        links = [
            {"label": link.label, "url": reverse(link.url_name, args=[tenant.slug]), "testid": link.testid}
            for link in registry.public_links()
            if link.shown(tenant)
        ]
        login_url = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
        return render(request, "prm/front_page.html", {"links": links, "login_url": login_url})


class ConsoleView(TenantView):
    permission = "console.view"

    def get(self, request):
        cards = [
            {"template": card.template, "context": card.context(request)}
            for card in registry.console_cards()
            if policy.can(request.membership, card.permission)
        ]
        return render(request, "prm/console.html", {"cards": cards})


class PortalView(TenantView):
    permission = "portal.view"

    def get(self, request):
        organization = request.membership.partner_organization
        colleagues = selectors.members_list(partner_organization_id=organization.pk).filter(is_active=True)
        cards = [
            {"template": card.template, "context": card.context(request)}
            for card in registry.portal_cards()
            if policy.can(request.membership, card.permission)
        ]
        context = {"organization": organization, "colleagues": colleagues, "cards": cards}
        return render(request, "prm/portal.html", context)


class SettingsView(TenantView):
    permission = "tenant.manage_settings"

    def get(self, request):
        return self.render_page(TenantSettingsForm(instance=request.tenant))

    def post(self, request):
        form = TenantSettingsForm(request.POST, request.FILES, instance=request.tenant)
        if form.is_valid():
            try:
                services.tenant_settings_update(
                    actor=request.membership,
                    program_name=form.cleaned_data["program_name"],
                    primary_colour=form.cleaned_data["primary_colour"],
                    require_mfa_for_staff=form.cleaned_data["require_mfa_for_staff"],
                    require_mfa_for_partners=form.cleaned_data["require_mfa_for_partners"] or None,
                    default_language=form.cleaned_data["default_language"],
                    default_time_zone=form.cleaned_data["default_time_zone"],
                    logo=form.cleaned_data.get("logo"),
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Program settings saved."))
                return redirect("tenant_settings", request.tenant.slug)
        request.tenant.refresh_from_db()
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"form": form, "history": selectors.history_for(self.request.tenant)}
        if policy.can(self.request.membership, "events.view_failures"):
            context["failed_handlers"] = event_selectors.open_failure_count()
        return render(self.request, "prm/settings.html", context, status=status)


class LogoView(View):
    """The program's logo: branding, shown on its public pages too (the front page, the application form)."""

    tenant_public = True

    def get(self, request):
        if not request.tenant.logo:
            raise Http404(_("No logo."))
        content_type = "image/png" if request.tenant.logo.name.endswith(".png") else "image/jpeg"
        response = FileResponse(request.tenant.logo.open("rb"), content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


def _invitation_form(request, data=None, fixed_organization=None):
    """An invitation form offering the roles the actor may grant; no organization choice when it is fixed."""
    membership = request.membership
    roles = INVITABLE_ROLES.get(membership.role, frozenset())
    if fixed_organization is not None:
        roles = roles & PARTNER_ROLES
    organizations = None if fixed_organization else partner_organization_model().objects.order_by("name")
    return InvitationForm(data, roles=roles, partner_organizations=organizations, fixed_organization=fixed_organization)


class InvitationFormMixin:
    """Pages that show an invitation form also take its POST; the policy decides what the actor may grant."""

    def invitation_organization(self, **kwargs):
        """The organization the invitee joins when the page fixes it; None lets the form choose."""
        if self.request.membership.is_partner_role:
            return self.request.membership.partner_organization
        return None

    def post(self, request, **kwargs):
        if not policy.can(request.membership, "partner_team.invite"):
            raise Http404(_("Page not found."))
        form = _invitation_form(request, request.POST, fixed_organization=self.invitation_organization(**kwargs))
        if form.is_valid():
            organization = self.invitation_organization(**kwargs) or form.cleaned_data.get("partner_organization")
            try:
                invitation, _token = services.invitation_create(
                    actor=request.membership,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    partner_organization=organization,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                hours = invitation_ttl_hours()
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. It expires in %(hours)s hours.")
                    % {"email": invitation.email, "hours": hours},
                )
                return redirect(request.path)
        return self.render_page(form, status=400, **kwargs)


class MembersView(InvitationFormMixin, TenantView):
    permission = "members.view"

    def get(self, request):
        return self.render_page(_invitation_form(request))

    def render_page(self, form, status=200):
        context = {
            "members": selectors.members_list(),
            "invitations": selectors.invitations_list(),
            "form": form,
        }
        return render(self.request, "prm/members.html", context, status=status)


class PartnerTeamView(InvitationFormMixin, TenantView):
    permission = "partner_team.view"

    def get(self, request):
        return self.render_page(_invitation_form(request, fixed_organization=request.membership.partner_organization))

    def render_page(self, form, status=200):
        org_id = self.request.membership.partner_organization_id
        context = {
            "organization": self.request.membership.partner_organization,
            "members": selectors.members_list(partner_organization_id=org_id),
            "invitations": selectors.invitations_list(partner_organization_id=org_id),
            "form": form,
        }
        return render(self.request, "prm/team.html", context, status=status)


class InvitationRevokeView(TenantView):
    permission = "partner_team.invite"

    def post(self, request, invitation_id):
        invitation = Invitation.objects.filter(pk=invitation_id).first()
        if invitation is None or not policy.may_invite(
            request.membership, role=invitation.role, partner_organization_id=invitation.partner_organization_id
        ):
            raise Http404(_("Page not found."))
        try:
            services.invitation_revoke(actor=request.membership, invitation=invitation)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("tenant_home", args=[request.tenant.slug])
        return redirect(next_url)


class MembershipDetailView(TenantView):
    permission = "members.manage"

    def get_membership(self, membership_id):
        membership = selectors.members_list().filter(pk=membership_id).first()
        return self.check_object(membership)

    def get(self, request, membership_id):
        membership = self.get_membership(membership_id)
        form = MembershipForm(
            initial={"role": membership.role, "is_active": membership.is_active}, membership=membership
        )
        return self.render_page(membership, form)

    def post(self, request, membership_id):
        membership = self.get_membership(membership_id)
        form = MembershipForm(request.POST, membership=membership)
        if form.is_valid():
            try:
                services.membership_update(
                    actor=request.membership,
                    membership=membership,
                    role=form.cleaned_data["role"],
                    is_active=form.cleaned_data["is_active"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(member)s updated.") % {"member": membership.user})
                return redirect("membership_detail", request.tenant.slug, membership.pk)
        return self.render_page(membership, form, status=400)

    def render_page(self, membership, form, status=200):
        context = {"member": membership, "form": form, "history": selectors.history_for(membership)}
        return render(self.request, "prm/membership_detail.html", context, status=status)


class AcceptInvitationView(View):
    """The link in an invitation email. Anyone holding the token may open it; only its addressee can use it."""

    tenant_public = True

    def dispatch(self, request, token):
        self.invitation = services.invitation_by_token(token=token)
        if self.invitation is None:
            return self.refuse(_("This invitation link is not valid. Check that you copied the whole link."), 404)
        try:
            services.invitation_check_usable(self.invitation)
        except InvalidTransition as error:
            return self.refuse(error.message, 410)
        if request.membership is not None:
            return self.refuse(_("You are already a member of this program."), 409, signed_in=True)
        return super().dispatch(request, token)

    def refuse(self, message, status, signed_in=False):
        context = {"message": message, "signed_in": signed_in}
        return render(self.request, "prm/invitation_invalid.html", context, status=status)

    def get(self, request, token):
        return self.render_page(AcceptInvitationForm())

    def post(self, request, token):
        if request.user.is_authenticated:
            try:
                services.invitation_accept(invitation=self.invitation, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return self.render_page(AcceptInvitationForm(), status=400)
            return self.welcome()
        if self._account_exists():
            return self.render_page(AcceptInvitationForm(), status=400)
        form = AcceptInvitationForm(request.POST)
        if form.is_valid():
            try:
                membership = services.invitation_accept_as_new_user(
                    invitation=self.invitation,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except DomainError as error:
                add_domain_error(form, error if error.field != "password" else _on_field(error, "password1"))
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                return self.welcome()
        return self.render_page(form, status=400)

    def _account_exists(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(email__iexact=self.invitation.email).exists()

    def welcome(self):
        messages.success(self.request, _("Welcome to %(program)s.") % {"program": self.request.tenant.display_name})
        return redirect("tenant_home", self.request.tenant.slug)

    def render_page(self, form, status=200):
        context = {"invitation": self.invitation, "form": form, "account_exists": self._account_exists()}
        return render(self.request, "prm/invitation_accept.html", context, status=status)


def _on_field(error: DomainError, field: str) -> DomainError:
    return type(error)(error.message, field=field)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        activate_for_request(request)  # the confirmation already speaks the language just chosen
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    context = {"form": form, "tenants": selectors.tenants_of_user(user=request.user), "has_totp": has_totp}
    return render(request, "prm/profile.html", context, status=400 if form.errors else 200)
