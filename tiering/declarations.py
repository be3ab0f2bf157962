"""What tiering brings to the platform: its policy rules, event types, notification kinds, the partner's tier page
with its navigation entry and portal card, the staff's tier pages with their navigation entry, console card and the
partner page's tier panel, and demo data (collected by `prm.registry` at start-up)."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.kinds import Kind
from prm.registry import ConsoleCard, EventType, NavigationEntry, PartnerPanel, PortalCard
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

MANAGERS = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER})

RULES: dict[str, frozenset[str]] = {
    # A partner's tier, benefits, progress and history: staff any partner's, a partner its own.
    "tiering.view": STAFF_ROLES | PARTNER_ROLES,
    # "My tier" and the portal's tier card: a partner's own organization, the only one its people see.
    "tiering.view_own": PARTNER_ROLES,
    # The programs, the distribution, upcoming changes and the what-if simulation.
    "tiering.view_all": STAFF_ROLES,
    "tiering.manage": frozenset({Role.TENANT_ADMIN}),
    "tiering.override": MANAGERS,
    "tiering.recalculate": MANAGERS,
}

API_RESOURCES = ("tiers",)
API_ROUTE_MODULES: tuple[str, ...] = ("tiering.api.programs", "tiering.api.partner_tiers")

_TIER = {
    "partner_organization_id": "the partner",
    "tier": "the tier held after the change (name), empty for none",
    "tier_id": "",
    "previous_tier": "the tier held before (name), empty for none",
    "change": "entered, promoted, demoted, overridden or at_risk",
}

TIER_CHANGED = EventType(
    "partner.tier_changed", _("A partner's tier changed (promotion, demotion after grace, or an override)."), _TIER
)
TIER_AT_RISK = EventType(
    "partner.tier_at_risk",
    _("A partner no longer qualifies for its tier and will be demoted after the grace period unless it qualifies."),
    {**_TIER, "demotion_due": "YYYY-MM-DD", "missing": "what is missing, in words"},
)

EVENT_TYPES = [TIER_CHANGED, TIER_AT_RISK]

NOTIFICATION_KINDS = [
    Kind(
        "partner.tier_changed",
        _("Tier changes"),
        _("A partner's tier changed: yours, or one you own as channel manager."),
        audience="tiering.view",
    ),
    Kind(
        "partner.tier_at_risk",
        _("Tier at risk"),
        _("A partner no longer qualifies for its tier: what is missing, and when the grace period ends."),
        audience="tiering.view",
    ),
]

PAGE_URLS = "tiering.urls"

NAVIGATION = [
    NavigationEntry(_("Tiers"), "tier_overview", "tiering.view_all", icon="bi-award", order=70, testid="nav-tiers"),
    NavigationEntry(_("My tier"), "my_tier", "tiering.view_own", icon="bi-award", order=185, testid="nav-my-tier"),
]


def _console_tiers(request) -> dict:
    from tiering.selectors.staff import tier_console_summary

    return tier_console_summary()


CONSOLE_CARDS = [ConsoleCard("tiering/partials/console_card.html", "tiering.view_all", _console_tiers, 25)]


def _partner_tier(request, partner) -> dict:
    """The staff partner page's tier panel: the tier held, at risk or not, linking to the tier history (one query)."""
    from tiering.selectors import tier_standing_for

    return {"partner": partner, "standing": tier_standing_for(partner_id=partner.pk)}


PARTNER_PANELS = [PartnerPanel("tiering/partials/partner_tier_panel.html", "tiering.view_all", _partner_tier, 25)]


def _portal_tier(request) -> dict:
    from tiering.views.partner import portal_card_context

    return portal_card_context(request)


PORTAL_CARDS = [PortalCard("tiering/partials/portal_card.html", "tiering.view_own", _portal_tier, 15)]


def seed_demo(tenant, admin) -> None:
    from tiering.demo import seed_tiers

    seed_tiers(tenant, admin)
