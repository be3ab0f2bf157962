"""What analytics brings to the platform: its policy rules, its API resource and routes, its pages and navigation
(the program dashboard and partner costs for staff, the partner's own scorecard in the portal) and demo data
(collected by `prm.registry` at start-up)."""

from django.utils.translation import gettext_lazy as _

from prm.registry import NavigationEntry, PartnerPanel
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

RULES: dict[str, frozenset[str]] = {
    # The program dashboard, every partner's scorecard, the metrics API: staff, analysts included (read-only).
    "analytics.view_all": STAFF_ROLES,
    # "Our scorecard" in the portal: a partner's own figures, the only ones its people see.
    "analytics.view_own": PARTNER_ROLES,
    # A scorecard through the API: staff any partner's, a partner (or a partner-bound key) its own.
    "analytics.view": STAFF_ROLES | PARTNER_ROLES,
    # Partner costs and exchange rates: read by staff, written by tenant admins and finance.
    "analytics.costs.view": STAFF_ROLES,
    "analytics.costs.manage": frozenset({Role.TENANT_ADMIN, Role.FINANCE}),
}

API_RESOURCES = ("analytics",)
API_ROUTE_MODULES: tuple[str, ...] = ("analytics.api.costs", "analytics.api.metrics")

PAGE_URLS = "analytics.urls"

NAVIGATION = [
    NavigationEntry(
        _("Analytics"),
        "analytics_dashboard",
        "analytics.view_all",
        icon="bi-graph-up",
        order=170,
        testid="nav-analytics",
    ),
    NavigationEntry(
        _("Our scorecard"),
        "analytics_my_scorecard",
        "analytics.view_own",
        icon="bi-speedometer2",
        order=186,
        testid="nav-my-scorecard",
    ),
]


def _partner_panel(request, partner) -> dict:
    # A link, no query: the scorecard computes the figures.
    return {"partner_id": partner.pk}


PARTNER_PANELS = [PartnerPanel("analytics/partials/partner_panel.html", "analytics.view_all", _partner_panel, 40)]


def seed_demo(tenant, admin) -> None:
    from analytics.demo import seed_costs

    seed_costs(tenant, admin)
