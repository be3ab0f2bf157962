"""What deal registration brings to the platform: its policy rules, API resources and routes, event types,
notification kinds, navigation, console card and demo data (collected by `prm.registry` at start-up)."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.kinds import Kind
from prm.registry import ConsoleCard, EventType, NavigationEntry, PartnerPanel
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

REVIEWERS = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER})

RULES: dict[str, frozenset[str]] = {
    # Partners register and follow their own deals; channel managers review them.
    "deals.view": STAFF_ROLES | PARTNER_ROLES,
    "deals.view_all": STAFF_ROLES,
    "deals.register": frozenset({Role.PARTNER_ADMIN, Role.PARTNER_SALES}),
    "deals.review": REVIEWERS,
    "deals.export": REVIEWERS | {Role.ANALYST},
    "deals.manage_rules": frozenset({Role.TENANT_ADMIN}),
    # Partners claim influence on deals they did not register (reviewers accept or decline: deals.review).
    "deals.claim_influence": PARTNER_ROLES,
    "crm.sync": frozenset({Role.TENANT_ADMIN}),
}

API_RESOURCES = ("deals", "crm")
API_ROUTE_MODULES = ("dealreg.api.registrations", "dealreg.api.crm", "dealreg.api.influence")
PAGE_URLS = "dealreg.urls"

# What every deal.* event carries (dealreg.services.common.deal_payload), plus the fields named per type.
_DEAL = {
    "registration_id": "deal registration id",
    "partner_organization_id": "the partner the event concerns",
    "status": "status after the change",
    "customer_name": "",
    "customer_domain": "",
    "amount": "decimal string",
    "currency": "ISO 4217 code",
    "expected_close_date": "YYYY-MM-DD or null",
    "protected_until": "YYYY-MM-DD or null",
    "external_id": "the CRM's id, when synced",
}

DEAL_CREATED = EventType("deal.created", _("A deal registration was saved as a draft."), _DEAL)
DEAL_UPDATED = EventType("deal.updated", _("A deal registration changed."), {**_DEAL, "changed": "field names"})
DEAL_SUBMITTED = EventType(
    "deal.submitted", _("A partner submitted a deal registration for review."), {**_DEAL, "conflict_count": ""}
)
DEAL_APPROVED = EventType("deal.approved", _("A deal registration was approved and is protected."), _DEAL)
DEAL_REJECTED = EventType("deal.rejected", _("A deal registration was turned down."), {**_DEAL, "reason": ""})
DEAL_INFO_REQUESTED = EventType(
    "deal.info_requested", _("A reviewer asked the partner for more information."), {**_DEAL, "question": ""}
)
DEAL_EXTENDED = EventType(
    "deal.extended", _("A deal's protection was extended."), {**_DEAL, "days": "", "extension_id": ""}
)
DEAL_EXPIRED = EventType("deal.expired", _("A deal's protection ended before it closed."), _DEAL)
DEAL_WON = EventType("deal.won", _("A registered deal was won."), {**_DEAL, "closed_at": ""})
DEAL_LOST = EventType("deal.lost", _("A registered deal was lost."), {**_DEAL, "closed_at": ""})
DEAL_WITHDRAWN = EventType(
    "deal.withdrawn", _("A deal registration was withdrawn."), {**_DEAL, "reason": "", "previous_status": ""}
)
_INFLUENCE = {
    "claim_id": "influence claim id (null when staff or the CRM added the partner directly)",
    "partner_organization_id": "the influencing partner",
    "status": "pending, accepted or declined",
    "customer_name": "the customer the partner named",
    "customer_domain": "",
    "registration_id": "the registration it was accepted on, or null",
    "crm_opportunity_id": "the CRM opportunity it was accepted on, or null",
    "share": "percent, decimal string, or null",
}
DEAL_INFLUENCE_CLAIMED = EventType(
    "deal.influence_claimed", _("A partner claimed influence on a deal it did not register."), _INFLUENCE
)
DEAL_INFLUENCE_ACCEPTED = EventType(
    "deal.influence_accepted",
    _(
        "A partner was added to a deal or CRM opportunity as an influencing partner (a claim accepted, or added by "
        "staff or the CRM)."
    ),
    {**_INFLUENCE, "role": "influenced"},
)
DEAL_INFLUENCE_DECLINED = EventType(
    "deal.influence_declined", _("A partner's influence claim was declined."), {**_INFLUENCE, "reason": ""}
)
CRM_ACCOUNTS_SYNCED = EventType(
    "crm.accounts_synced", _("CRM accounts were created or updated through the API."), {"created": "", "updated": ""}
)
CRM_OPPORTUNITIES_SYNCED = EventType(
    "crm.opportunities_synced",
    _("CRM opportunities were created or updated through the API."),
    {"created": "", "updated": ""},
)

EVENT_TYPES = [
    DEAL_CREATED,
    DEAL_UPDATED,
    DEAL_SUBMITTED,
    DEAL_APPROVED,
    DEAL_REJECTED,
    DEAL_INFO_REQUESTED,
    DEAL_EXTENDED,
    DEAL_EXPIRED,
    DEAL_WON,
    DEAL_LOST,
    DEAL_WITHDRAWN,
    DEAL_INFLUENCE_CLAIMED,
    DEAL_INFLUENCE_ACCEPTED,
    DEAL_INFLUENCE_DECLINED,
    CRM_ACCOUNTS_SYNCED,
    CRM_OPPORTUNITIES_SYNCED,
]

NOTIFICATION_KINDS = [
    Kind(
        "deal.submitted",
        _("Deal registrations to review"),
        _("A partner you own (or any partner, when it has no owner) submitted a deal registration."),
        audience="deals.review",
    ),
    Kind(
        "deal.info_provided",
        _("Answers about deal registrations"),
        _("A partner answered your question about a deal registration."),
        audience="deals.review",
    ),
    Kind(
        "deal.extension_requested",
        _("Protection extension requests"),
        _("A partner asked for more protection on an approved deal."),
        audience="deals.review",
    ),
    Kind(
        "deal.review_due",
        _("Deal review due soon"),
        _("A deal registration's review SLA ends within a few hours."),
        audience="deals.review",
    ),
    Kind(
        "deal.review_overdue",
        _("Deal review overdue"),
        _("A deal registration was not decided within the review SLA (escalation)."),
        audience="deals.review",
    ),
    Kind(
        "deal.assigned",
        _("Deals assigned to you"),
        _("You were assigned to a partner's deal for co-sell."),
        audience="deals.view_all",
    ),
    Kind(
        "deal.protection_ended_offboarding",
        _("Protection ended by an offboarding"),
        _(
            "A partner left the program: its protected registration of a customer you sell to (or, when the program "
            "does not know the customer's seller, of a partner you review) ended."
        ),
        audience="deals.view_all",
    ),
    Kind(
        "deal.influence_claimed",
        _("Influence claims to decide"),
        _("A partner you review claimed influence on a deal it did not register."),
        audience="deals.review",
    ),
    Kind(
        "deal.approved",
        _("Deal registration approved"),
        _("Your deal registration was approved, with the date its protection ends."),
        audience="deals.register",
    ),
    Kind(
        "deal.rejected",
        _("Deal registration turned down"),
        _("Your deal registration was turned down, with the reason."),
        audience="deals.register",
    ),
    Kind(
        "deal.info_requested",
        _("Questions about your deals"),
        _("A channel manager needs more information about your deal registration."),
        audience="deals.register",
    ),
    Kind(
        "deal.expiring",
        _("Deal protection ending"),
        _("The protection of your approved deal ends soon."),
        audience="deals.register",
    ),
    Kind(
        "deal.expired",
        _("Deal protection ended"),
        _("Your approved deal was not closed before its protection ended."),
        audience="deals.register",
    ),
    Kind(
        "deal.extension_decided",
        _("Extension requests decided"),
        _("Your request for more protection was approved or declined."),
        audience="deals.register",
    ),
    Kind(
        "deal.closed",
        _("Deals closed or withdrawn for you"),
        _("The vendor (or its CRM) marked your deal won or lost, or withdrew it."),
        audience="deals.register",
    ),
    Kind(
        "deal.influence_decided",
        _("Influence claims decided"),
        _("Your organization's claim of influence on a deal was accepted (with its share) or declined."),
        audience="deals.claim_influence",
    ),
]


def _deals_waiting(request) -> int | None:
    """The Deals badge: registrations waiting for a decision, for those who decide them (no query for others)."""
    from dealreg.selectors import deals_waiting_count
    from prm import policy

    if not policy.can(getattr(request, "membership", None), "deals.review"):
        return None
    return deals_waiting_count()


NAVIGATION = [
    NavigationEntry(
        _("Deals"),
        "deal_list",
        "deals.view_all",
        icon="bi-briefcase",
        order=60,
        testid="nav-deals",
        badge=_deals_waiting,
        badge_testid="nav-deals-waiting",
    ),
    NavigationEntry(
        _("Influence"), "influence_queue", "deals.review", icon="bi-diagram-3", order=61, testid="nav-influence"
    ),
    NavigationEntry(_("Deals"), "deal_list", "portal.view", icon="bi-briefcase", order=150),
    NavigationEntry(
        _("Influence"),
        "influence_claims",
        "deals.claim_influence",
        icon="bi-diagram-3",
        order=151,
        testid="nav-influence-claims",
    ),
]


def _deal_queue(request) -> dict:
    from dealreg.selectors import queue_counts

    return {"deal_queue": queue_counts()}


CONSOLE_CARDS = [ConsoleCard("dealreg/partials/console_card.html", "deals.view_all", _deal_queue, 20)]


def _partner_deals(request, partner) -> dict:
    """The partner page's deal panel: counts by what they wait for and the latest registrations (two queries)."""
    from dealreg.selectors import deal_list, partner_deal_counts

    recent = deal_list(actor=request.membership).filter(partner_organization_id=partner.pk)[:PARTNER_PANEL_DEALS]
    return {
        "partner": partner,
        "counts": partner_deal_counts(partner_organization_id=partner.pk),
        "recent": list(recent),
    }


PARTNER_PANEL_DEALS = 5
PARTNER_PANELS = [PartnerPanel("dealreg/partials/partner_deals_panel.html", "deals.view_all", _partner_deals, 20)]


def seed_demo(tenant, admin) -> None:
    from dealreg.demo import seed_deal_registration

    seed_deal_registration(tenant, admin)
