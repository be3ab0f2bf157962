"""The isolation world's deal registrations and CRM records:
objects of tenant A (organization X's where they belong to a partner).

Influence (dealreg/views/influence.py, dealreg/api/influence.py): organization X's pending influence claim (its
customer carries X's marker) and X as an influencing partner of tenant A's CRM opportunity. Y takes part in none of
X's deals, so X's registration stays a 404 for Y's people. The role harness's declarations of these routes are at
the end of this module (`register_role_harness`), added to tests/security/pages.py's and api_routes.py's tables.
"""

# URL parameter -> the object's id, for page routes (served by __getattr__ below).
_OBJECT_KWARGS = {
    "deal_id": lambda w: w.deal_x.pk,
    "extension_id": lambda w: w.deal_extension_x.pk,
    "claim_id": lambda w: w.influence_claim_x.pk,
}
# Router basename -> the object's id, for API detail routes (served by __getattr__ below).
_API_OBJECTS = {
    "deal": lambda w: w.deal_x.pk,
    "crm-account": lambda w: w.crm_account_a.pk,
    "crm-opportunity": lambda w: w.crm_opportunity_a.pk,
    "influence-claim": lambda w: w.influence_claim_x.pk,
    "opportunity-influencer": lambda w: w.opportunity_influencer_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    from datetime import timedelta

    from django.utils import timezone

    from dealreg.models import DealExtensionRequest, DealRegistration, DealStatus
    from dealreg.services.screening import match_keys

    today = timezone.localdate()
    # An approved registration of organization X, protected, with a pending extension request: its customer and
    # texts carry X's marker so any leak shows.
    world.deal_x = DealRegistration.objects.create(
        partner_organization=world.org_x,
        registered_by=world.member_x.user,
        status=DealStatus.APPROVED,
        customer_name="Xylophone Secure Customer",
        customer_website="xylophone-customer.example",
        customer_domain="xylophone-customer.example",
        contact_email="xavier@xylophone.example",
        title="Xylophone Secure firewall refresh",
        amount=125000,
        currency="USD",
        expected_close_date=today + timedelta(days=60),
        submitted_at=timezone.now(),
        approved_at=timezone.now(),
        decided_at=timezone.now(),
        protected_until=today + timedelta(days=90),
        match_keys=match_keys("Xylophone Secure Customer", "xylophone-customer.example"),
    )
    world.deal_extension_x = DealExtensionRequest.objects.create(
        registration=world.deal_x, reason="Xylophone Secure needs a board approval", days=30
    )
    # The vendor's CRM records (tenant A's, no partner's): partners never see them, so their texts carry X's marker
    # too — organization Y's key (and any partner) must not read them anywhere.
    from dealreg.matching import match_keys as crm_match_keys
    from dealreg.models import CrmAccount, CrmOpportunity

    world.crm_account_a = CrmAccount.objects.create(
        external_id="crm-xylophone-1",
        name="Xylophone Secure Direct Account",
        website="https://www.xylophone-direct.com",
        domain="xylophone-direct.com",
        owner_email="xavier@xylophone.example",
        match_keys=crm_match_keys("Xylophone Secure Direct Account", "xylophone-direct.com"),
    )
    world.crm_opportunity_a = CrmOpportunity.objects.create(
        external_id="crm-xylophone-opp-1",
        account=world.crm_account_a,
        name="Xylophone Secure direct renewal",
        customer_name="Xylophone Secure Direct Account",
        domain="xylophone-direct.com",
        stage="negotiation",
        match_keys=crm_match_keys("Xylophone Secure Direct Account", "xylophone-direct.com"),
    )

    # Influence: X claims influence on a deal of a customer carrying X's marker; X influenced tenant A's CRM
    # opportunity (staff only read it).
    from dealreg.models import AttributionRole, DealParticipant, InfluenceClaim

    world.influence_claim_x = InfluenceClaim.objects.create(
        partner_organization=world.org_x,
        claimed_by=world.member_x.user,
        customer_name="Xylophone Secure Influenced Customer",
        customer_domain="xylophone-influenced.example",
        activity="Xylophone Secure ran the proof of concept",
    )
    world.opportunity_influencer_x = DealParticipant.objects.create(
        crm_opportunity=world.crm_opportunity_a,
        partner_organization=world.org_x,
        role=AttributionRole.INFLUENCED,
        share=20,
    )


def register_role_harness() -> None:
    """How the role harnesses walk the influence routes and which new body fields carry no id (kept with this
    area's world; tests/security/pages.py and api_routes.py hold the other areas')."""
    from tests.security import api_routes, pages
    from tests.security.walk import EVERYONE, MANAGERS, PARTNERS, STAFF, Id, may

    # Registration form: revenue type, term, ARV, campaign code; a line's partner-delivered service tick. Influence
    # claims: what the partner did and its evidence. The queue's decision: `target` is a suggestion's
    # "registration:<id>" or "crm_opportunity:<id>", resolved in the tenant like `registration` (declared as an Id).
    pages.PLAIN_FIELDS.update(
        {
            "revenue_type", "term_months", "annual_recurring_value", "campaign_code", "partner_service_*",
            "activity", "evidence", "evidence_url", "target",
        }
    )  # fmt: skip
    api_routes.PLAIN_FIELDS.update(
        {
            "revenue_type", "term_months", "annual_recurring_value", "campaign_code", "partner_delivered_service",
            "activity", "evidence", "evidence_url",
        }
    )  # fmt: skip
    deal_target = {
        "registration": Id("deal"),
        "crm_opportunity": Id("crm_opportunity_external_id"),
        "share": "10",
    }
    pages.PAGES.update(
        {
            # A partner's own claims (no object in the address): every partner role claims (302); staff 404.
            "influence_claims": pages.Page(
                get=may(PARTNERS, 200),
                post=may(PARTNERS, 302),
                body={"customer_name": "Harness Customer", "activity": "Harness activity"},
            ),
            "influence_queue": pages.Page(get=may(MANAGERS, 200)),
            # The other side's partner and deal: unknown in this tenant (400).
            "influence_add": pages.Page(
                post=may(MANAGERS, 400), body={"partner_organization": Id("partner"), **deal_target}
            ),
            "influence_claim_decide": pages.Page(post=may(MANAGERS, 400), body={"decision": "accept", **deal_target}),
        }
    )
    claim = {"customer_name": "Harness Customer", "activity": "Harness activity"}
    api_routes.API.update(
        {
            "api:deal-influencers": api_routes.Api(
                body={"partner_organization": Id("partner"), "share": "10"}, post=may(MANAGERS, 400)
            ),
            # Staff read every claim; a partner its own (201 when it claims; staff keys do not claim: 403).
            "api:influence-claim-list": api_routes.Api(body=claim, get=may(EVERYONE, 200), post=may(PARTNERS, 201)),
            "api:influence-claim-detail": api_routes.Api(get=may(EVERYONE, 200)),
            "api:influence-claim-accept": api_routes.Api(body=deal_target, post=may(MANAGERS, 400)),
            "api:influence-claim-decline": api_routes.Api(body={"reason": "Harness"}, post=may(MANAGERS, 200)),
            # The vendor's CRM opportunities: staff only.
            "api:opportunity-influencer-list": api_routes.Api(
                body={"crm_opportunity": Id("crm_opportunity_external_id"), "partner_organization": Id("partner")}
                | {"share": "10"},
                get=may(STAFF, 200),
                post=may(MANAGERS, 400),
            ),
            "api:opportunity-influencer-detail": api_routes.Api(get=may(STAFF, 200)),
        }
    )


def __getattr__(name):
    """OBJECT_KWARGS and API_OBJECTS, read by the harness once tests/security/conftest.py has defined what
    tests/security/walk.py imports from it: the first read also adds this area's role-harness declarations
    (register_role_harness; importing pages.py while conftest.py imports this module would be circular)."""
    if name in ("OBJECT_KWARGS", "API_OBJECTS"):
        register_role_harness()
        return _OBJECT_KWARGS if name == "OBJECT_KWARGS" else _API_OBJECTS
    raise AttributeError(name)
