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
    Product,
    RejectionReason,
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
        fields = {"created_at": created}
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
            registration=registration, product=product, quantity=quantity, unit_price=product.list_price
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
