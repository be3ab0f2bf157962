"""API key pages for tenant admins: the keys of the program, the form that creates one and shows it once, and
revocation. The keys themselves are made and revoked by prm.api.keys (the command uses the same service)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from prm.api import selectors
from prm.api.forms import ApiKeyForm
from prm.api.keys import api_key_create, api_key_revoke
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error

# The service names `expires_at`; the form asks for a date.
FORM_FIELDS = {"expires_at": "expires_on"}


class ApiKeysView(TenantView):
    permission = "api_keys.manage"

    def get(self, request):
        return self.render_page(ApiKeyForm())

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                api_key, raw_key = api_key_create(
                    actor=request.membership,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    partner_organization=form.cleaned_data["partner_organization"],
                    expires_at=form.expires_at(),
                )
            except DomainError as error:
                field = FORM_FIELDS.get(error.field, error.field)
                add_domain_error(form, type(error)(error.message, field=field))
            else:
                # Shown on this response only (not after a redirect, not kept anywhere): nothing may cache it.
                response = render(request, "api/api_key_created.html", {"api_key": api_key, "raw_key": raw_key})
                add_never_cache_headers(response)
                return response
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"api_keys": selectors.api_key_list(), "form": form}
        return render(self.request, "api/api_keys.html", context, status=status)


class ApiKeyRevokeView(TenantView):
    """POST `api_key=<id>`: the key stops working at once. htmx swaps the key's row; a plain form redirects."""

    permission = "api_keys.manage"

    def post(self, request):
        api_key = self.check_object(selectors.api_key_get(api_key_id=request.POST.get("api_key")))
        api_key = api_key_revoke(actor=request.membership, api_key=api_key)
        if request.htmx:
            api_key = selectors.api_key_get(api_key_id=api_key.pk)
            return render(request, "api/partials/api_key_row.html", {"api_key": api_key})
        messages.success(
            request,
            _("The key “%(name)s” (%(prefix)s…) is revoked.") % {"name": api_key.name, "prefix": api_key.prefix},
        )
        return redirect("api_keys", request.tenant.slug)
