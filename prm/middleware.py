"""Resolves the tenant — from `/t/<slug>/…` for pages, from the API key (or `X-Tenant`) for `/api/` — and runs
the view inside that tenant's transaction.

It is the last middleware and calls the view itself from `process_view`, so the view, its template rendering
and every query it makes run inside `tenant_context()`: scoped managers work, row-level security sees the
tenant, and an exception rolls the whole request back. A user who is not a member of the tenant gets 404.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from prm.api.keys import ApiKeyActor, find_key, tenant_of_key
from prm.api.problems import problem_response
from prm.i18n import activate_for_request
from prm.models import Tenant
from prm.selectors import membership_for
from prm.tenancy import tenant_context

TENANT_KWARG = "tenant_slug"
API_PREFIX = "/api/"


def tenant_public(view):
    """Mark a tenant view that anonymous visitors and non-members may open (public program pages)."""
    view.tenant_public = True
    return view


def _flag(view_func, name: str) -> bool:
    return (
        getattr(view_func, name, False)
        or getattr(getattr(view_func, "cls", None), name, False)
        or getattr(getattr(view_func, "view_class", None), name, False)
    )


def _run_view(request, view_func, view_args, view_kwargs):
    # Render inside the tenant's transaction: templates and serializers may still query.
    response = view_func(request, *view_args, **view_kwargs)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def _mfa_message(membership) -> str:
    if membership.is_staff_role:
        return _("%(program)s requires two-factor authentication for staff.")
    return _("%(program)s requires two-factor authentication for partner users.")


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        request.api_key = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if TENANT_KWARG in view_kwargs:
            return self._page(request, view_func, view_args, view_kwargs)
        if request.path_info.startswith(API_PREFIX) and not _flag(view_func, "api_public"):
            return self._api(request, view_func, view_args, view_kwargs)
        return None

    def _page(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop(TENANT_KWARG)
        tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
        if tenant is None:
            raise Http404(_("There is no partner program at this address."))
        is_public = _flag(view_func, "tenant_public")
        with tenant_context(tenant):
            membership = membership_for(user=request.user, tenant=tenant)
            if membership is None and not is_public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                # Same answer as an unknown address, and no branding: a non-member learns nothing.
                raise Http404(_("There is no partner program at this address."))
            request.tenant, request.membership = tenant, membership
            activate_for_request(request, tenant)  # the program's default language and zone apply from here
            if self._must_enrol_mfa(request):
                messages.warning(request, _mfa_message(membership) % {"program": tenant.display_name})
                return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
            return _run_view(request, view_func, view_args, view_kwargs)

    def _api(self, request, view_func, view_args, view_kwargs):
        """/api/v1/: the tenant comes from the API key, or from `X-Tenant` for the portal's signed-in users."""
        authorization = request.headers.get("Authorization", "")
        if authorization:
            scheme, _space, raw = authorization.partition(" ")
            raw = raw.strip()
            tenant = tenant_of_key(raw) if scheme.lower() == "bearer" else None
            refused = problem_response(
                401,
                _("The API key is missing, malformed, unknown, revoked or expired."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
            if tenant is None:
                return refused
            # One transaction for the key's check and the request: the key is looked up under its own tenant.
            with tenant_context(tenant):
                api_key = find_key(raw)
                if api_key is None:
                    return refused
                request.tenant, request.api_key, request.membership = tenant, api_key, ApiKeyActor(api_key)
                activate_for_request(request, tenant)
                return _run_view(request, view_func, view_args, view_kwargs)
        if not request.user.is_authenticated:
            return problem_response(
                401,
                _("Send an API key as 'Authorization: Bearer <key>', or sign in."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        slug = request.headers.get("X-Tenant", "")
        tenant = Tenant.objects.filter(slug=slug, is_active=True).first() if slug else None
        if tenant is None:
            return problem_response(404, _("Name your program in the X-Tenant header (its slug)."))
        with tenant_context(tenant):
            membership = membership_for(user=request.user, tenant=tenant)
            if membership is None:
                return problem_response(404, _("There is no partner program at this address."))
            request.tenant, request.membership = tenant, membership
            activate_for_request(request, tenant)
            # The session is the same sign-in as the pages': the program's two-factor policy holds here too.
            if self._must_enrol_mfa(request):
                detail = _(
                    "Two-factor set-up required: %(program)s asks you to sign in with an authenticator app. "
                    "Set it up at %(url)s, then try again."
                ) % {"program": tenant.display_name, "url": reverse("mfa_activate_totp")}
                return problem_response(403, detail, kind="mfa-setup-required")
            return _run_view(request, view_func, view_args, view_kwargs)

    @staticmethod
    def _must_enrol_mfa(request) -> bool:
        membership = request.membership
        if membership is None or not request.tenant.requires_mfa_of(membership):
            return False
        return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
