"""Partner costs (staff): the list with its filters, adding a cost by hand, deleting one, the CSV import with a dry
run, and the exchange rates every report converts with. Reading: staff; writing: tenant admins and finance."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analytics import selectors, services
from analytics.forms import CostImportForm, ExchangeRateForm, PartnerCostForm, parse_cost_csv
from analytics.models import CostKind
from prm import policy
from prm.errors import DomainError
from prm.views import TenantView, add_domain_error

PAGE_SIZE = 50


class CostListView(TenantView):
    permission = "analytics.costs.view"

    def get(self, request):
        return self.render_page(PartnerCostForm() if self.can_manage() else None)

    def post(self, request):
        if not self.can_manage():
            return self.render_page(None, status=403)
        form = PartnerCostForm(request.POST)
        if form.is_valid():
            try:
                services.cost_create(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Cost recorded."))
                return redirect("analytics_costs", request.tenant.slug)
        return self.render_page(form, status=400)

    def can_manage(self) -> bool:
        return policy.can(self.request.membership, "analytics.costs.manage")

    def render_page(self, form, *, status=200):
        request = self.request
        kind = request.GET.get("kind", "")
        kind = kind if kind in CostKind.values else ""
        try:
            partner_id = int(request.GET.get("partner") or 0) or None
        except ValueError:
            partner_id = None
        page = Paginator(selectors.cost_list(partner_id=partner_id, kind=kind), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            "form": form,
            "page": page,
            "costs": list(page.object_list),
            "kinds": CostKind.choices,
            "kind": kind,
            "partner_id": partner_id,
            "can_manage": self.can_manage(),
        }
        return render(request, "analytics/costs.html", context, status=status)


class CostDeleteView(TenantView):
    permission = "analytics.costs.manage"

    def post(self, request, cost_id):
        cost = self.check_object(selectors.cost_get(cost_id=cost_id))
        try:
            services.cost_delete(actor=request.membership, cost=cost)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Cost deleted."))
        return redirect("analytics_costs", request.tenant.slug)


IMPORT_SESSION_KEY = "analytics_cost_import"
IMPORT_TTL_SECONDS = 30 * 60


class CostImportView(TenantView):
    """Upload a CSV of costs, see every bad row (the dry run writes nothing), then confirm a clean file. Between the
    two the file stays on the server (cache, under a random token also kept in the session)."""

    permission = "analytics.costs.manage"

    def _cache_key(self, token: str) -> str:
        return f"analytics-cost-import:{self.request.tenant.pk}:{self.request.membership.pk}:{token}"

    def get(self, request):
        return self.render_page(CostImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = CostImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        plan = services.costs_import_check(rows=form.rows)
        token = None
        if plan.is_clean and form.rows:
            token = secrets.token_urlsafe(24)
            cache.set(self._cache_key(token), form.raw, IMPORT_TTL_SECONDS)
            request.session[IMPORT_SESSION_KEY] = {"token": token}
        status = 200 if plan.is_clean else 400
        return self.render_page(CostImportForm(), plan=plan, rows=len(form.rows), token=token, status=status)

    def confirm(self, request):
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        raw = (
            cache.get(self._cache_key(token))
            if token and secrets.compare_digest(token, stored.get("token", ""))
            else None
        )
        if raw is None:
            messages.warning(request, _("That upload has expired or was already imported: upload the file again."))
            return redirect("analytics_cost_import", request.tenant.slug)
        rows = parse_cost_csv(raw.decode("utf-8-sig"))
        try:
            created = services.costs_import(actor=request.membership, rows=rows)
        except services.CostImportRejected as rejected:
            plan = services.CostImportPlan(errors=rejected.errors)
            return self.render_page(CostImportForm(), plan=plan, rows=len(rows), status=400, stale=True)
        finally:
            cache.delete(self._cache_key(token))
            request.session.pop(IMPORT_SESSION_KEY, None)
        message = ngettext("Imported %(count)s cost.", "Imported %(count)s costs.", created) % {
            "count": number_format(created, force_grouping=True)
        }
        messages.success(request, message)
        return redirect("analytics_costs", request.tenant.slug)

    def render_page(self, form, *, status=200, plan=None, rows=0, token=None, stale=False):
        context = {
            "form": form,
            "plan": plan,
            "rows": rows,
            "token": token,
            "stale": stale,
            "columns": services.COST_COLUMNS,
            "required_columns": services.REQUIRED_COST_COLUMNS,
            "kinds": CostKind.values,
            "max_rows": services.MAX_IMPORT_ROWS,
        }
        return render(self.request, "analytics/cost_import.html", context, status=status)


class ExchangeRatesView(TenantView):
    permission = "analytics.costs.view"

    def get(self, request):
        return self.render_page(ExchangeRateForm() if self.can_manage() else None)

    def post(self, request):
        if not self.can_manage():
            return self.render_page(None, status=403)
        form = ExchangeRateForm(request.POST)
        if form.is_valid():
            try:
                services.exchange_rate_set(actor=request.membership, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Exchange rate saved."))
                return redirect("analytics_rates", request.tenant.slug)
        return self.render_page(form, status=400)

    def can_manage(self) -> bool:
        return policy.can(self.request.membership, "analytics.costs.manage")

    def render_page(self, form, *, status=200):
        context = {"form": form, "rates": list(selectors.exchange_rates()), "can_manage": self.can_manage()}
        return render(self.request, "analytics/rates.html", context, status=status)
