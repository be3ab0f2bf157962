"""The program dashboard (staff), its CSV exports, a partner's scorecard (staff) and the partner's own scorecard in
the portal (its own organization: no id in the address, so no address shows another partner's figures)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from analytics.forms import ScopeForm
from analytics.models import CostKind
from analytics.selectors.dashboard import partner_recent_costs, partner_scorecard, program_dashboard
from partners.selectors import partner_get
from prm import policy
from prm.templatetags.prm_format import money
from prm.views import TenantView


def csv_safe(value):
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def figure_text(card, currency: str) -> str:
    """A figure as the page shows it: money in the base currency, a percentage, days, or the metric's empty text."""
    value = card.figure.value
    if value is None:
        return str(card.metric.empty_text or "—")
    unit = card.metric.unit
    if unit == "money":
        return money(value, currency)
    if unit == "percent":
        return f"{_number(value)} %"
    if unit == "days":
        return _("%(days)s days") % {"days": _number(value)}
    return _number(value)


def _number(value) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


def chart_data(tables: dict, labels: dict) -> dict:
    """The charts' data, embedded with json_script (numbers as floats: Chart.js draws them, the tables show them)."""
    months = tables.get("revenue_by_month", [])
    data = {
        "revenue": {
            "labels": [row["month"].strftime("%Y-%m") for row in months],
            "sourced": [float(row["sourced"]) for row in months],
            "influenced": [float(row["influenced"]) for row in months],
        },
        "names": labels,
    }
    if "pipeline_by_stage" in tables:
        stages = tables["pipeline_by_stage"]
        data["pipeline"] = {
            "labels": [row["label"] for row in stages],
            "amount": [float(row["amount"]) for row in stages],
        }
        cohorts = tables["ttv_by_cohort"]
        data["ttv"] = {
            "labels": [row["cohort"].strftime("%Y-%m") for row in cohorts],
            "registered": [
                None if r["median_days_to_registered"] is None else float(r["median_days_to_registered"])
                for r in cohorts
            ],
            "won": [None if r["median_days_to_won"] is None else float(r["median_days_to_won"]) for r in cohorts],
        }
        ropi_rows = [row for row in tables["ropi_by_partner"] if row["ropi"] is not None]
        data["ropi"] = {
            "labels": [row["partner"] for row in ropi_rows],
            "ropi": [float(row["ropi"]) for row in ropi_rows],
        }
    return data


def chart_labels() -> dict:
    return {
        "sourced": _("Sourced"),
        "influenced": _("Influenced"),
        "pipeline": _("Pipeline"),
        "registered": _("To first registered deal (days)"),
        "won": _("To first won deal (days)"),
        "ropi": _("ROPI (%)"),
    }


def _with_text(cards, currency):
    for card in cards:
        card.text = figure_text(card, currency)
    return cards


class DashboardView(TenantView):
    permission = "analytics.view_all"

    def get(self, request):
        form = ScopeForm(request.GET or None)
        scope = form.scope()
        data = program_dashboard(scope)
        _with_text(data["cards"], data["base_currency"])
        context = {
            **data,
            "form": form,
            "scope": scope,
            "query": request.GET.urlencode(),
            "charts": chart_data(data["tables"], chart_labels()),
            "kind_choices": CostKind.choices,
            "partner_tables": [
                ("top_partners", _("Top partners by attributed revenue"), data["tables"]["top_partners"]),
                ("falling_partners", _("Falling partners"), data["tables"]["falling_partners"]),
            ],
        }
        return render(request, "analytics/dashboard.html", context)


# CSV exports: one per table of the dashboard --------------------------------------------------------------------

EXPORT_TABLES = {
    "metrics": ("key", "label", "value", "unit", "definition"),
    "revenue_by_month": ("month", "sourced", "influenced"),
    "pipeline_by_stage": ("stage", "deals", "amount"),
    "ttv_by_cohort": ("cohort", "partners", "registered", "won", "median_days_to_registered", "median_days_to_won"),
    "ropi_by_partner": ("partner_id", "partner", "attributed_revenue", "total_cost", "ropi"),
    "top_partners": ("partner_id", "partner", "revenue", "previous", "change"),
    "falling_partners": ("partner_id", "partner", "revenue", "previous", "change"),
    "costs_by_kind": ("kind", "cost"),
}


class DashboardExportView(TenantView):
    """`?table=<name>` with the dashboard's filters: that table as CSV (amounts in the base currency, plain numbers)."""

    permission = "analytics.view_all"

    def get(self, request):
        table = request.GET.get("table", "")
        if table not in EXPORT_TABLES:
            raise Http404(_("Page not found."))
        scope = ScopeForm(request.GET).scope()
        data = program_dashboard(scope)
        columns = EXPORT_TABLES[table]
        if table == "metrics":
            rows = [
                {
                    "key": card.key,
                    "label": card.metric.label,
                    "value": card.figure.value if card.figure.value is not None else (card.metric.empty_text or ""),
                    "unit": card.metric.unit if card.metric.unit != "money" else data["base_currency"],
                    "definition": card.metric.definition,
                }
                for card in data["cards"]
            ]
        else:
            rows = data["tables"][table]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_safe(row.get(column)) for column in columns])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"analytics-{table}-{request.tenant.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Scorecards ------------------------------------------------------------------------------------------------------


def scorecard_context(request, partner) -> dict:
    form = ScopeForm(request.GET or None, with_partner_filters=False)
    scope = form.scope()
    data = partner_scorecard(scope, partner.pk)
    _with_text(data["cards"], data["base_currency"])
    return {
        **data,
        "form": form,
        "scope": scope,
        "partner": partner,
        "charts": chart_data(data["tables"], chart_labels()),
        "kind_choices": CostKind.choices,
    }


class PartnerScorecardView(TenantView):
    permission = "analytics.view_all"

    def get(self, request, partner_id):
        partner = self.check_object(partner_get(partner_id=partner_id))
        context = scorecard_context(request, partner)
        if policy.can(request.membership, "analytics.costs.view"):
            context["costs"] = partner_recent_costs(partner.pk)
        return render(request, "analytics/scorecard.html", context)


class MyScorecardView(TenantView):
    permission = "analytics.view_own"

    def get(self, request):
        partner = self.check_object(partner_get(partner_id=request.membership.partner_organization_id))
        context = scorecard_context(request, partner)
        context["own"] = True
        return render(request, "analytics/scorecard.html", context)
