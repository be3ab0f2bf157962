"""The demo program's deal registration: rules of engagement, a product catalogue, the vendor's CRM accounts and
deals in every status, with plausible customers, amounts and dates. Written straight to the tables (the demo's
history, not live use cases: no notifications or webhooks fire for it); once (seed_demo is idempotent)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dealreg.matching import match_keys
from dealreg.models import (
    AttributionRole,
    CrmAccount,
    CrmOpportunity,
    DealActivity,
    DealActivityKind,
    DealLineItem,
    DealParticipant,
    DealRegistration,
    DealStage,
    DealStatus,
    DealType,
    EngagementRules,
    InfluenceClaim,
    InfluenceClaimStatus,
    Product,
    RejectionReason,
    RevenueType,
)
from partners.selectors import PartnerStatus, partner_list
from partners.services.time_to_value import partner_stamp_first_deal
from prm.domains import registrable_domain
from prm.models import Membership

PRODUCTS = [
    ("SN-FW-1200", "Sentinel Firewall 1200", "Firewalls", "8900.00"),
    ("SN-FW-3400", "Sentinel Firewall 3400", "Firewalls", "24500.00"),
    ("SN-EDR-100", "Sentinel EDR (100 seats, 1 year)", "Endpoint", "6200.00"),
    ("SN-ZTNA-250", "Sentinel Zero Trust Access (250 users, 1 year)", "Access", "11250.00"),
    ("SN-SOC-MDR", "Sentinel Managed Detection & Response (1 year)", "Services", "36000.00"),
]

CUSTOMERS = [
    ("Greenfield Regional Hospital", "greenfield-health.example", "US"),
    ("Hanseatic Shipping GmbH", "hanseatic-shipping.example", "DE"),
    ("Bank of the Fjords ASA", "fjordbank.example", "NO"),
    ("Maple Leaf Credit Union", "mapleleafcu.example", "CA"),
    ("Sydney Harbour Logistics Pty Ltd", "harbourlogistics.example", "AU"),
    ("Osaka Precision Manufacturing K.K.", "osaka-precision.example", "JP"),
    ("Andean Mining S.A.", "andeanmining.example", "CL"),
    ("Lisbon Metro Transit", "lisbonmetro.example", "PT"),
    ("Riverside School District", "riverside-schools.example", "US"),
    ("Nordic Energy Grid AB", "nordicgrid.example", "SE"),
    ("Thames Valley Insurance plc", "thamesvalley-insurance.example", "GB"),
    ("Cape Town Retail Group", "capetownretail.example", "ZA"),
    ("Singapore Port Authority", "sgport.example", "SG"),
    ("Lyon Biotech SAS", "lyonbiotech.example", "FR"),
    ("Great Lakes Manufacturing Inc.", "greatlakesmfg.example", "US"),
    ("Mumbai Financial Services Ltd", "mumbaifinserv.example", "IN"),
]

# The vendor's direct accounts: registering one of these meets a direct-sales conflict.
CRM_ACCOUNTS = [
    ("SF-0001", "Contoso Pharmaceuticals", "contoso-pharma.example", "US", "Rachel Kim"),
    ("SF-0002", "Fabrikam Airlines", "fabrikam-air.example", "US", "Rachel Kim"),
    ("SF-0003", "Tailspin Toys Ltd", "tailspintoys.example", "GB", "Oliver Grant"),
    ("SF-0004", "Wide World Importers", "wideworldimporters.example", "NL", "Oliver Grant"),
    ("SF-0005", "Adventure Works Cycles", "adventure-works.example", "DE", "Sven Maier"),
]

# A year of won deals, so the demo's partners land in different tiers of the default program (tiering/demo.py):
# partner -> its won deals as (product, quantity[, days since it closed]). Two partners well past Platinum's revenue
# and deal count, four past Gold's, eight past Silver's (each tier also wants certified people: enablement/demo.py
# gives them). Harbourline sold enough for Silver but its certified people lapsed weeks ago (Silver at risk); Iguazu
# sold less and has no one certified (Registered).
WON_HISTORY = {
    "Northwind Secure Solutions": [
        ("SN-SOC-MDR", 3), ("SN-FW-3400", 4), ("SN-SOC-MDR", 2), ("SN-FW-3400", 3),
        ("SN-ZTNA-250", 6), ("SN-SOC-MDR", 2), ("SN-FW-1200", 6), ("SN-EDR-100", 5),
    ],
    "Cascade Network Integrators": [
        ("SN-SOC-MDR", 4), ("SN-FW-3400", 4), ("SN-SOC-MDR", 2), ("SN-ZTNA-250", 5),
        ("SN-FW-3400", 2), ("SN-SOC-MDR", 2), ("SN-EDR-100", 6), ("SN-FW-1200", 4),
    ],
    "Bluefjord IT": [("SN-SOC-MDR", 2), ("SN-ZTNA-250", 3), ("SN-EDR-100", 4)],
    "Kestrel Cyber Defense": [("SN-SOC-MDR", 3), ("SN-EDR-100", 3), ("SN-ZTNA-250", 2), ("SN-FW-1200", 2)],
    "Meridian Data Systems": [("SN-FW-3400", 3), ("SN-FW-1200", 3), ("SN-EDR-100", 2)],
    "Rheinwerk Security GmbH": [("SN-FW-3400", 5), ("SN-SOC-MDR", 2), ("SN-ZTNA-250", 2)],
    "Atlas Distribution Group": [("SN-FW-1200", 4), ("SN-EDR-100", 2)],
    "Sakura Net Solutions": [("SN-ZTNA-250", 3)],
    "Outback Managed Security": [("SN-SOC-MDR", 1), ("SN-EDR-100", 1)],
    "Lumen Cloud Partners": [("SN-FW-3400", 1), ("SN-EDR-100", 1)],
    "Andes Conectividad": [("SN-FW-1200", 5)],
    "Copperleaf Networks": [("SN-FW-1200", 3)],
    "Zephyr Wireless": [("SN-ZTNA-250", 2), ("SN-EDR-100", 1)],
    "Granite State IT": [("SN-SOC-MDR", 2)],
    "Harbourline Technologies": [("SN-FW-3400", 2, 200)],  # closed 200 days ago: Silver before its people lapsed
    "Iguazu Sistemas": [("SN-ZTNA-250", 2)],
}  # fmt: skip

# (status, days since registration) — every status of the lifecycle, several times.
STATUSES = [
    (DealStatus.DRAFT, 1),
    (DealStatus.SUBMITTED, 1),
    (DealStatus.SUBMITTED, 3),
    (DealStatus.UNDER_REVIEW, 2),
    (DealStatus.INFO_REQUESTED, 4),
    (DealStatus.APPROVED, 12),
    (DealStatus.APPROVED, 40),
    (DealStatus.APPROVED, 80),
    (DealStatus.REJECTED, 20),
    (DealStatus.WON, 70),
    (DealStatus.WON, 120),
    (DealStatus.LOST, 95),
    (DealStatus.EXPIRED, 150),
    (DealStatus.WITHDRAWN, 30),
    (DealStatus.APPROVED, 25),
    (DealStatus.SUBMITTED, 0),
]


def seed_deal_registration(tenant, admin: Membership) -> None:
    """Rules, catalogue, CRM accounts and demo registrations for the demo tenant (inside its context)."""
    EngagementRules.objects.get_or_create(
        tenant=tenant,
        defaults={"minimum_amount": Decimal("5000"), "auto_approve_max_amount": Decimal("25000"), "notes": ""},
    )
    if not Product.objects.exists():
        Product.objects.bulk_create(
            Product(sku=sku, name=name, family=family, list_price=Decimal(price), currency="USD")
            for sku, name, family, price in PRODUCTS
        )
    if not CrmAccount.objects.exists():
        for external_id, name, domain, country, owner in CRM_ACCOUNTS:
            account = CrmAccount.objects.create(
                external_id=external_id,
                name=name,
                website=f"https://{domain}",
                domain=registrable_domain(domain),
                country=country,
                owner_name=owner,
                is_customer=True,
                match_keys=match_keys(name, domain),
            )
            CrmOpportunity.objects.create(
                external_id=f"OPP-{external_id}",
                account=account,
                name=f"{name} — network refresh",
                customer_name=name,
                domain=account.domain,
                country=country,
                amount=Decimal("180000"),
                currency="USD",
                stage="Proposal",
                owner_name=owner,
                match_keys=account.match_keys,
            )
    if not DealRegistration.objects.exists():
        _seed_registrations(admin)
        _seed_won_history(tenant, admin)
        _seed_attribution(tenant, admin)


# Revenue types of the demo's deals, from their deal type: renewals of one-year subscriptions, expansions over two
# years; new business states no recurring value. Partner-delivered service: the managed detection & response lines.
REVENUE_TYPES = {
    DealType.NEW: RevenueType.NEW,
    DealType.UPSELL: RevenueType.EXPANSION,
    DealType.RENEWAL: RevenueType.RENEWAL,
}
SERVICE_SKU = "SN-SOC-MDR"


def _recurring(deal_type: str, amount: Decimal) -> dict:
    """revenue_type, term_months and annual_recurring_value of a demo deal of this type and amount."""
    revenue_type = REVENUE_TYPES[deal_type]
    if revenue_type == RevenueType.RENEWAL:
        return {"revenue_type": revenue_type, "term_months": 12, "annual_recurring_value": amount}
    if revenue_type == RevenueType.EXPANSION:
        yearly = (amount / 2).quantize(Decimal("0.01"))
        return {"revenue_type": revenue_type, "term_months": 24, "annual_recurring_value": yearly}
    return {"revenue_type": revenue_type}


def _seed_registrations(admin: Membership) -> None:
    rng = random.Random(11)  # the same demo every time
    today = timezone.localdate()
    now = timezone.now()
    products = list(Product.objects.all())
    partners = list(partner_list(status=PartnerStatus.ACTIVE))
    northwind = next(p for p in partners if p.name.startswith("Northwind"))
    sellers = {m.partner_organization_id: m.user for m in Membership.objects.filter(partner_organization__isnull=False)}
    for index, (status, days_ago) in enumerate(STATUSES):
        customer, domain, country = CUSTOMERS[index % len(CUSTOMERS)]
        partner = northwind if index % 3 == 0 else partners[(index * 7) % len(partners)]
        created = now - timedelta(days=days_ago, hours=rng.randint(1, 8))
        product = products[index % len(products)]
        quantity = rng.randint(1, 6)
        amount = product.list_price * quantity
        registration = DealRegistration.objects.create(
            partner_organization=partner,
            registered_by=sellers.get(partner.pk),
            status=status,
            customer_name=customer,
            customer_website=f"https://www.{domain}",
            customer_domain=registrable_domain(domain),
            customer_country=country,
            contact_name=rng.choice(["Alex Morgan", "Sam Patel", "Jordan Lee", "Chris Novak", "Taylor Brooks"]),
            contact_email=f"it.director@{domain}",
            title=f"{customer.split()[0]} {product.family.lower()} project",
            amount=amount,
            currency="USD",
            expected_close_date=today + timedelta(days=rng.randint(20, 120)),
            stage=rng.choice(DealStage.values),
            deal_type=rng.choice(DealType.values),
            description="Replacing end-of-life firewalls across the customer's sites.",
            match_keys=match_keys(customer, domain),
        )
        fields = {"created_at": created, **_recurring(registration.deal_type, amount)}
        if status != DealStatus.DRAFT:
            fields |= {"submitted_at": created, "review_due_at": created + timedelta(days=2)}
        if status in (DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED):
            approved = created + timedelta(days=1)
            fields |= {
                "approved_at": approved,
                "decided_at": approved,
                "decided_by": admin.user,
                "protected_until": approved.date() + timedelta(days=90),
            }
        if status == DealStatus.REJECTED:
            fields |= {
                "decided_at": created + timedelta(days=1),
                "decided_by": admin.user,
                "rejection_reason": RejectionReason.DIRECT_SALES,
                "decision_note": "Our enterprise team has been working this account since spring.",
            }
        if status == DealStatus.WON:
            fields |= {"closed_amount": amount, "closed_at": today - timedelta(days=rng.randint(3, 20))}
        if status == DealStatus.LOST:
            fields |= {"closed_at": today - timedelta(days=5), "lost_reason": "The customer chose a competitor."}
        DealRegistration.objects.filter(pk=registration.pk).update(**fields)
        DealLineItem.objects.create(
            registration=registration,
            product=product,
            quantity=quantity,
            unit_price=product.list_price,
            partner_delivered_service=product.sku == SERVICE_SKU,
        )
        DealParticipant.objects.create(
            registration=registration, partner_organization=partner, role=AttributionRole.SOURCED, share=100
        )
        DealActivity.objects.create(
            registration=registration,
            kind=DealActivityKind.CREATED,
            actor=sellers.get(partner.pk),
            to_status=DealStatus.DRAFT,
        )
        if status == DealStatus.INFO_REQUESTED:
            DealActivity.objects.create(
                registration=registration,
                kind=DealActivityKind.INFO_REQUESTED,
                actor=admin.user,
                from_status=DealStatus.SUBMITTED,
                to_status=status,
                message="Who is the economic buyer, and is a competitor in the evaluation?",
            )
    partner_stamp_first_deal(partner_id=northwind.pk, stamp="first_deal_registered_at", when=now - timedelta(days=150))


def _seed_won_history(tenant, admin: Membership) -> None:
    """The deals `WON_HISTORY` names, registered, approved and won over the last year (closed 10 to 340 days ago:
    inside the programs' 12-month window), in the tenant's base currency, each sourced wholly by its partner. Written
    in bulk (a few queries whatever the number of deals), so the tenant is set here rather than by save()."""
    rng = random.Random(13)  # the same demo every time
    today = timezone.localdate()
    now = timezone.now()
    products = {product.sku: product for product in Product.objects.all()}
    partners = {partner.name: partner for partner in partner_list() if partner.name in WON_HISTORY}
    sellers = {m.partner_organization_id: m.user for m in Membership.objects.filter(partner_organization__isnull=False)}
    deals = []
    for name, won in WON_HISTORY.items():
        if name in partners:
            deals += [(partners[name], products[sku], quantity, days) for sku, quantity, *days in won]
    registrations = []
    for index, (partner, product, quantity, days) in enumerate(deals):
        customer, domain, country = CUSTOMERS[index % len(CUSTOMERS)]
        amount = product.list_price * quantity
        closed = today - timedelta(days=rng.randint(10, 340) if not days else days[0])
        created = now - (today - closed) - timedelta(days=rng.randint(30, 90), hours=rng.randint(1, 8))
        approved = created + timedelta(days=1)
        registrations.append(
            DealRegistration(
                tenant=tenant,
                partner_organization=partner,
                registered_by=sellers.get(partner.pk),
                status=DealStatus.WON,
                customer_name=customer,
                customer_website=f"https://www.{domain}",
                customer_domain=registrable_domain(domain),
                customer_country=country,
                contact_name=rng.choice(["Alex Morgan", "Sam Patel", "Jordan Lee", "Chris Novak", "Taylor Brooks"]),
                contact_email=f"it.director@{domain}",
                title=f"{customer.split()[0]} {product.family.lower()} project",
                amount=amount,
                currency=tenant.base_currency,
                expected_close_date=closed,
                stage=DealStage.COMMIT,
                deal_type=rng.choice(DealType.values),
                description="Replacing end-of-life firewalls across the customer's sites.",
                match_keys=match_keys(customer, domain),
                submitted_at=created,
                review_due_at=created + timedelta(days=2),
                approved_at=approved,
                decided_at=approved,
                decided_by=admin.user,
                protected_until=approved.date() + timedelta(days=90),
                closed_amount=amount,
                closed_at=closed,
            )
        )
    for registration in registrations:
        for name, value in _recurring(registration.deal_type, registration.amount).items():
            setattr(registration, name, value)
    registrations = DealRegistration.objects.bulk_create(registrations)
    # bulk_create stamps created_at now; the history's dates are set after.
    for registration in registrations:
        registration.created_at = registration.submitted_at
    DealRegistration.objects.bulk_update(registrations, ["created_at"])
    DealLineItem.objects.bulk_create(
        DealLineItem(
            tenant=tenant,
            registration=registration,
            product=product,
            quantity=quantity,
            unit_price=product.list_price,
            # Every other managed detection & response deal is run by the partner itself.
            partner_delivered_service=product.sku == SERVICE_SKU and index % 2 == 0,
        )
        for index, (registration, (_partner, product, quantity, _days)) in enumerate(
            zip(registrations, deals, strict=True)
        )
    )
    DealParticipant.objects.bulk_create(
        DealParticipant(
            tenant=tenant,
            registration=registration,
            partner_organization=registration.partner_organization,
            role=AttributionRole.SOURCED,
            share=100,
        )
        for registration in registrations
    )
    # The timeline as it happened: registered when created, won on the day it closed.
    timeline, stamps = [], []
    for registration in registrations:
        won_at = now - (today - registration.closed_at)
        for kind, from_status, to_status, when in (
            (DealActivityKind.CREATED, "", DealStatus.DRAFT, registration.created_at),
            (DealActivityKind.WON, DealStatus.APPROVED, DealStatus.WON, won_at),
        ):
            stamps.append(when)
            timeline.append(
                DealActivity(
                    tenant=tenant,
                    registration=registration,
                    kind=kind,
                    actor=registration.registered_by,
                    from_status=from_status,
                    to_status=to_status,
                )
            )
    timeline = DealActivity.objects.bulk_create(timeline)
    for activity, when in zip(timeline, stamps, strict=True):
        activity.created_at = when
    DealActivity.objects.bulk_update(timeline, ["created_at"])


def _seed_attribution(tenant, admin: Membership) -> None:
    """Multi-partner deals: partners that influenced other partners' deals (won and open) and one of the vendor's
    CRM opportunities, with their shares, an accepted influence claim, and one claim waiting for a channel manager.
    Northwind (the demo's partner login) influenced an approved deal of another partner, so its portal lists that
    deal as shared."""
    partners = {partner.name: partner for partner in partner_list()}
    northwind = partners.get("Northwind Secure Solutions")
    bluefjord = partners.get("Bluefjord IT")
    if not all((northwind, bluefjord)):
        return
    now = timezone.now()
    participants = []
    # A won deal shared: Bluefjord ran the managed-detection pilot on Northwind's first win of the demo, so Northwind
    # keeps 75% of it as sourced and Bluefjord has 25% as influenced (the demo's won deals keep 100% in all: its tier
    # figures stay those of the won history).
    first_win = (
        DealRegistration.objects.filter(partner_organization=northwind, status=DealStatus.WON).order_by("id").first()
    )
    if first_win is not None:
        DealParticipant.objects.filter(registration=first_win, partner_organization=northwind).update(
            share=Decimal("75")
        )
        participants.append(
            DealParticipant(
                tenant=tenant,
                registration=first_win,
                partner_organization=bluefjord,
                role=AttributionRole.INFLUENCED,
                share=Decimal("25"),
                added_by=admin.user,
            )
        )
    # An open, approved deal of another partner that Northwind influenced: the demo's partner login sees it shared.
    approved = (
        DealRegistration.objects.filter(status=DealStatus.APPROVED)
        .exclude(partner_organization__in=[northwind, bluefjord])
        .order_by("id")
    )
    shared = approved.first()
    if shared is not None:
        participants.append(
            DealParticipant(
                tenant=tenant,
                registration=shared,
                partner_organization=northwind,
                role=AttributionRole.INFLUENCED,
                share=Decimal("25"),
                added_by=admin.user,
            )
        )
        InfluenceClaim.objects.create(
            partner_organization=northwind,
            customer_name=shared.customer_name,
            customer_website=shared.customer_website,
            customer_domain=shared.customer_domain,
            customer_country=shared.customer_country,
            activity="Ran the proof of concept of the zero-trust gateway with the customer's network team.",
            evidence="PoC report signed off by the customer's CISO.",
            status=InfluenceClaimStatus.ACCEPTED,
            registration=shared,
            share=Decimal("25"),
            decided_by=admin.user,
            decided_at=now - timedelta(days=3),
            decision_reason="Confirmed with the account team.",
        )
    # One of the vendor's own opportunities, influenced by Bluefjord.
    opportunity = CrmOpportunity.objects.order_by("id").first()
    if opportunity is not None:
        participants.append(
            DealParticipant(
                tenant=tenant,
                crm_opportunity=opportunity,
                partner_organization=bluefjord,
                role=AttributionRole.INFLUENCED,
                share=Decimal("30"),
                added_by=admin.user,
            )
        )
    DealParticipant.objects.bulk_create(participants)
    # Waiting for a decision: Bluefjord claims influence on another partner's approved deal.
    other = approved.exclude(pk=getattr(shared, "pk", None)).first()
    if other is not None:
        InfluenceClaim.objects.create(
            partner_organization=bluefjord,
            customer_name=other.customer_name,
            customer_website=other.customer_website,
            customer_domain=other.customer_domain,
            customer_country=other.customer_country,
            activity="Introduced the vendor to the customer's IT director and ran the discovery workshop.",
            evidence_url="https://bluefjord.example/workshops/discovery-notes",
        )
