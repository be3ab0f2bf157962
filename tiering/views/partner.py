"""The partner's tier page ("My tier") and its portal card. The partner is always the member's own organization:
no id in the URL, so no address can show another partner's tier."""

from __future__ import annotations

from django.shortcuts import render

from prm.tenancy import current_tenant
from prm.views import TenantView
from tiering.explain import format_value
from tiering.selectors import tier_assessments_for, tier_benefits_for, tier_standing_for
from tiering.selectors.progress import courses_closing_the_gap, tier_progress_for
from tiering.selectors.staff import tier_metric_trends
from tiering.views.charts import sparkline

# The page shows the last assessments only; the full history is the staff view's.
ASSESSMENTS_SHOWN = 10


def tier_page_context(*, partner_id: int, actor) -> dict:
    """What "My tier" shows to the member, in a fixed number of queries whatever the partner's history, with the
    courses that would close the next tier's skilling gap for them."""
    standing = tier_standing_for(partner_id=partner_id)
    progress = tier_progress_for(partner_id=partner_id) if standing else None
    return {
        "standing": standing,
        "benefits": tier_benefits_for(partner_id=partner_id),
        "progress": progress,
        "metric_rows": metric_rows(progress, partner_id=partner_id),
        "gap_courses": courses_closing_the_gap(progress, actor=actor),
        "assessments": list(tier_assessments_for(partner_id=partner_id)[:ASSESSMENTS_SHOWN]),
    }


def metric_rows(progress, *, partner_id: int) -> list[dict]:
    """Each metric of the progress with its trend over the last assessments as a sparkline (one query)."""
    if progress is None or not progress.metrics:
        return []
    trends = tier_metric_trends(partner_id=partner_id)
    currency = current_tenant().base_currency
    return [
        {
            "metric": metric,
            "trend": sparkline(
                trends.get(metric.source, []),
                lambda value, key=metric.metric_key: format_value(key, value, currency),
            ),
        }
        for metric in progress.metrics
    ]


class MyTierView(TenantView):
    permission = "tiering.view_own"

    def get(self, request):
        context = tier_page_context(partner_id=request.membership.partner_organization_id, actor=request.membership)
        return render(request, "tiering/my_tier.html", context)


def portal_card_context(request) -> dict:
    """The portal home page's tier card: the tier held, the one line of what the next one needs, and the course that
    would close its skilling gap first."""
    partner_id = request.membership.partner_organization_id
    standing = tier_standing_for(partner_id=partner_id)
    progress = tier_progress_for(partner_id=partner_id) if standing else None
    gap_courses = courses_closing_the_gap(progress, actor=request.membership, limit=1)
    return {"standing": standing, "progress": progress, "gap_course": gap_courses[0] if gap_courses else None}
