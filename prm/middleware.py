"""Resolves the tenant from `/t/<slug>/…` and runs the view inside that tenant's transaction.

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

from prm.models import Tenant
from prm.selectors import membership_for
from prm.tenancy import tenant_context

TENANT_KWARG = "tenant_slug"


def tenant_public(view):
    """Mark a tenant view that anonymous visitors and non-members may open (public program pages)."""
    view.tenant_public = True
    return view


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if TENANT_KWARG not in view_kwargs:
            return None
        slug = view_kwargs.pop(TENANT_KWARG)
        tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
        if tenant is None:
            raise Http404("There is no partner program at this address.")
        is_public = getattr(view_func, "tenant_public", False) or getattr(
            getattr(view_func, "view_class", None), "tenant_public", False
        )
        with tenant_context(tenant):
            membership = membership_for(user=request.user, tenant=tenant)
            if membership is None and not is_public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                # Same answer as an unknown address, and no branding: a non-member learns nothing.
                raise Http404("There is no partner program at this address.")
            request.tenant, request.membership = tenant, membership
            if self._must_enrol_mfa(request):
                messages.warning(request, f"{tenant.display_name} requires two-factor authentication for staff.")
                return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    @staticmethod
    def _must_enrol_mfa(request) -> bool:
        membership = request.membership
        if membership is None or not membership.is_staff_role or not request.tenant.require_mfa_for_staff:
            return False
        return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
