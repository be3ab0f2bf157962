"""The staff's tier pages: the overview (distribution chart, programs, upcoming changes), a partner's tier history with
overrides and "Recalculate now", and the what-if simulation. Thin: reads through tiering's selectors, writes through
its services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.selectors import partner_get, partners_by_id
from prm import policy
from prm.errors import DomainError
from prm.tenancy import current_tenant
from prm.views import TenantView, add_domain_error
from tiering.forms import TierOverrideForm, WhatIfForm
from tiering.selectors import tier_assessments_for, tier_get, tier_overrides_for, tier_standing_for
from tiering.selectors.programs import program_for_type, program_specs
from tiering.selectors.progress import tier_progress_for
from tiering.selectors.staff import (
    CLOSE_TO_PROMOTION,
    assessment_checks_shown,
    bars_for,
    metric_values_shown,
    tier_names,
    tier_program_names,
    tier_programs_overview,
    tier_upcoming_changes,
)
from tiering.selectors.what_if import tier_what_if
from tiering.services.on_demand import partner_tier_recalculate
from tiering.services.programs import tier_override_create, tier_override_end

UPCOMING_PAGE_SIZE = 20
ASSESSMENTS_PAGE_SIZE = 20
MOVES_PAGE_SIZE = 50


class TierOverviewView(TenantView):
    """The tier distribution as a chart, the programs with their tiers, criteria and benefits, and upcoming changes:
    partners at risk and partners close to promotion, each linking to its tier history. A fixed number of queries."""

    permission = "tiering.view_all"

    def get(self, request):
        upcoming = tier_upcoming_changes()
        context = {
            "programs": tier_programs_overview(no_tier_label=_("No tier")),
            "at_risk": Paginator(upcoming.at_risk, UPCOMING_PAGE_SIZE).get_page(request.GET.get("risk_page")),
            "close": Paginator(upcoming.close_to_promotion, UPCOMING_PAGE_SIZE).get_page(request.GET.get("close_page")),
            "close_percent": int(CLOSE_TO_PROMOTION * 100),
        }
        return render(request, "tiering/staff/overview.html", context)


def _partner_program(partner):
    return program_for_type(program_specs(), partner.partner_type)


class PartnerTierView(TenantView):
    """A partner's tier history for staff: its standing and progress, its assessments newest first (metric values,
    criteria met or missed, result, change, the stored explanation), its overrides, and the override form."""

    permission = "tiering.view_all"

    def get_partner(self, partner_id):
        return self.check_object(partner_get(partner_id=partner_id), "tiering.view")

    def get(self, request, partner_id):
        partner = self.get_partner(partner_id)
        program = _partner_program(partner)
        return self.render_page(partner, TierOverrideForm(tiers=program.tiers if program else ()))

    def render_page(self, partner, form, status=200):
        request = self.request
        currency = current_tenant().base_currency
        page = Paginator(tier_assessments_for(partner_id=partner.pk), ASSESSMENTS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        names = tier_names()
        rows = [
            {
                "assessment": assessment,
                "values": metric_values_shown(assessment.metric_values, currency),
                "checks": assessment_checks_shown(assessment, names, currency),
            }
            for assessment in page
        ]
        context = {
            "partner": partner,
            "standing": tier_standing_for(partner_id=partner.pk),
            "progress": tier_progress_for(partner_id=partner.pk),
            "page": page,
            "rows": rows,
            "overrides": list(tier_overrides_for(partner_id=partner.pk)),
            "form": form,
            "can_override": policy.can(request.membership, "tiering.override", partner),
            "can_recalculate": policy.can(request.membership, "tiering.recalculate", partner),
            "today": timezone.localdate(),
        }
        return render(request, "tiering/staff/partner_tier.html", context, status=status)


class TierOverrideCreateView(PartnerTierView):
    """Hold the partner at a tier of its program until a date, with a reason (`tier_override_create`)."""

    permission = "tiering.override"
    http_method_names = ["post"]

    def post(self, request, partner_id):
        partner = self.get_partner(partner_id)
        program = _partner_program(partner)
        form = TierOverrideForm(request.POST, tiers=program.tiers if program else ())
        if form.is_valid():
            tier = tier_get(tier_id=form.cleaned_data["tier"], program_id=program.id)
            try:
                tier_override_create(
                    actor=request.membership,
                    partner=partner,
                    tier=tier,
                    reason=form.cleaned_data["reason"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                until = date_format(form.cleaned_data["ends_on"], "DATE_FORMAT")
                message = _("%(partner)s holds %(tier)s until %(date)s.")
                messages.success(request, message % {"partner": partner.name, "tier": tier.name, "date": until})
                return redirect("partner_tier", request.tenant.slug, partner.pk)
        return self.render_page(partner, form, status=400)


class TierOverrideEndView(PartnerTierView):
    """End an override now (`tier_override_end`): the metrics decide again."""

    permission = "tiering.override"
    http_method_names = ["post"]

    def post(self, request, partner_id, override_id):
        partner = self.get_partner(partner_id)
        override = tier_overrides_for(partner_id=partner.pk).filter(pk=override_id).first()
        self.check_object(override, "tiering.override")
        try:
            tier_override_end(actor=request.membership, override=override)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The override has ended: the partner's metrics decide its tier again."))
        return redirect("partner_tier", request.tenant.slug, partner.pk)


class PartnerTierRecalculateView(PartnerTierView):
    """ "Recalculate now": the one-partner recalculation, at once."""

    permission = "tiering.recalculate"
    http_method_names = ["post"]

    def post(self, request, partner_id):
        partner = self.get_partner(partner_id)
        run = partner_tier_recalculate(actor=request.membership, partner=partner)
        if run.assessed:
            messages.success(request, _("Recalculated: a new assessment is recorded."))
        else:
            messages.info(request, _("Recalculated: nothing changed since the last assessment."))
        return redirect("partner_tier", request.tenant.slug, partner.pk)


class TierWhatIfView(TenantView):
    """Change a program's thresholds (points, pass marks, bands) and see which partners would move and the new
    distribution: `tier_what_if`, which reads only. A GET form: a simulation changes nothing."""

    permission = "tiering.view_all"

    def get(self, request):
        specs = sorted(program_specs().values(), key=lambda spec: spec.id)
        names = dict(tier_names())
        chosen = request.GET.get("program")
        program = next((spec for spec in specs if str(spec.id) == chosen), None) if chosen else None
        program_error = bool(chosen) and program is None
        program = program or (specs[0] if specs else None)
        program_names = tier_program_names()
        context = {
            "program_choices": [(spec.id, program_names.get(spec.id, "")) for spec in specs],
            "program": program,
            "program_error": program_error,
            "result": None,
        }
        if program is None:
            return render(request, "tiering/staff/what_if.html", context)
        submitted = "run" in request.GET and not program_error
        form = WhatIfForm(request.GET if submitted else None, program=program)
        context["form"] = form
        if submitted and form.is_valid():
            changes = form.changes()
            result = tier_what_if(program_id=program.id, **changes)
            labels = [(None, _("No tier"))] + [(tier.id, tier.name) for tier in program.tiers]
            moves = Paginator(result.moves, MOVES_PAGE_SIZE).get_page(request.GET.get("page"))
            partners = partners_by_id(partner_ids=[move.partner_id for move in moves])
            context.update(
                result=result,
                changed=sum(len(values) for values in changes.values()),
                current_bars=bars_for(labels, result.current),
                simulated_bars=bars_for(labels, result.simulated),
                moves=moves,
                move_rows=[
                    {
                        "move": move,
                        "partner": partners.get(move.partner_id),
                        "current": names.get(move.current_tier_id, _("No tier")),
                        "simulated": names.get(move.simulated_tier_id, _("No tier")),
                    }
                    for move in moves
                ],
                query=_query_without_page(request),
            )
        return render(request, "tiering/staff/what_if.html", context, status=400 if submitted and form.errors else 200)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
