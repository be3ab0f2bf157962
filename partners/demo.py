"""The demo program's recruitment, agreement and onboarding: an ideal partner profile with applications waiting
in the queue, a published program agreement most partners accepted, and onboarding plans running for the
partners still onboarding. Run through the services, inside the demo tenant, once (seed_demo is idempotent)."""

import random
from datetime import timedelta

from django.utils import timezone

from partners import services
from partners.models import (
    Agreement,
    AgreementAcceptance,
    IppCriterion,
    OnboardingPlan,
    PartnerApplication,
    PartnerOnboarding,
    PartnerOrganization,
    PartnerStatus,
)
from partners.services.agreements import text_sha256
from partners.services.onboarding import onboarding_start
from partners.services.onboarding_plans import onboarding_plan_ensure_default
from prm.demo import PARTNER_USERS, demo_member
from prm.models import Membership

PARTNERS = [
    ("Northwind Secure Solutions", "var", "US", "NA"),
    ("Bluefjord IT", "msp", "NO", "EMEA"),
    ("Cascade Network Integrators", "system_integrator", "US", "NA"),
    ("Harbourline Technologies", "reseller", "GB", "EMEA"),
    ("Kestrel Cyber Defense", "msp", "US", "NA"),
    ("Meridian Data Systems", "var", "CA", "NA"),
    ("Atlas Distribution Group", "distributor", "DE", "EMEA"),
    ("Sakura Net Solutions", "reseller", "JP", "APAC"),
    ("Outback Managed Security", "msp", "AU", "APAC"),
    ("Lumen Cloud Partners", "system_integrator", "SG", "APAC"),
    ("Andes Conectividad", "reseller", "CL", "LATAM"),
    ("Iguazu Sistemas", "var", "BR", "LATAM"),
    ("Rheinwerk Security GmbH", "system_integrator", "DE", "EMEA"),
    ("Lyon Réseaux Sécurisés", "var", "FR", "EMEA"),
    ("Baltic Shield", "msp", "LT", "EMEA"),
    ("Summit Referral Network", "referral", "US", "NA"),
    ("Vantage Point Advisors", "referral", "GB", "EMEA"),
    ("Ironclad Software", "isv", "US", "NA"),
    ("Polaris Identity", "isv", "SE", "EMEA"),
    ("Copperleaf Networks", "reseller", "US", "NA"),
    ("Granite State IT", "msp", "US", "NA"),
    ("Mumbai Secure Infra", "system_integrator", "IN", "APAC"),
    ("Tasman Tech Distribution", "distributor", "NZ", "APAC"),
    ("Zephyr Wireless", "var", "ES", "EMEA"),
    ("Orca Threat Labs", "isv", "CA", "NA"),
    ("Pinnacle Compliance Group", "system_integrator", "US", "NA"),
    ("Nairobi Digital Shield", "reseller", "KE", "EMEA"),
    ("Cairo Netguard", "var", "EG", "EMEA"),
    ("Monterrey Redes", "msp", "MX", "LATAM"),
    ("Helix Data Protection", "msp", "IE", "EMEA"),
    ("Redwood Channel Partners", "reseller", "US", "NA"),
    ("Silverline Consulting", "referral", "AU", "APAC"),
]
OTHER_STATUSES = ["onboarding", "onboarding", "suspended", "applied"]

IDEAL_PARTNER_PROFILE = [
    ("Sells managed security", "partner_type", "in", ["msp", "system_integrator", "var"], 25),
    ("Works in our growth regions", "regions", "any", ["EMEA", "APAC"], 20),
    ("Serves regulated industries", "industries", "any", ["Banking", "Healthcare", "Public sector"], 20),
    ("Large enough to deliver", "company_size", "gte", "51-200", 15),
    ("Established customer base", "customer_count", "gte", 50, 20),
]

APPLICATIONS = [
    {
        "company_name": "Fjordline Managed Security",
        "website": "https://www.fjordline-security.com",
        "contact_first_name": "Ingrid",
        "contact_last_name": "Solberg",
        "contact_email": "ingrid.solberg@fjordline-security.com",
        "contact_job_title": "Managing director",
        "partner_type": "msp",
        "country": "NO",
        "regions": ["EMEA"],
        "industries": ["Banking", "Energy"],
        "company_size": "51-200",
        "customer_count": 140,
        "message": "We run a 24/7 SOC for Nordic banks and want to add Sentinel firewalls to it.",
    },
    {
        "company_name": "Pacific Rim Integrators",
        "website": "https://pacificrim-integrators.com",
        "contact_first_name": "Kenji",
        "contact_last_name": "Watanabe",
        "contact_email": "kenji@pacificrim-integrators.com",
        "partner_type": "system_integrator",
        "country": "JP",
        "regions": ["APAC"],
        "industries": ["Manufacturing"],
        "company_size": "201-1000",
        "customer_count": 60,
    },
    {
        "company_name": "Main Street Computers",
        "website": "https://mainstreetcomputers.com",
        "contact_first_name": "Bob",
        "contact_last_name": "Kowalski",
        "contact_email": "bob@mainstreetcomputers.com",
        "partner_type": "reseller",
        "country": "US",
        "regions": ["NA"],
        "company_size": "1-10",
        "customer_count": 12,
    },
    {
        "company_name": "Helvetia Cyber Advisors",
        "website": "https://helvetia-cyber.com",
        "contact_first_name": "Luca",
        "contact_last_name": "Brunner",
        "contact_email": "luca.brunner@helvetia-cyber.com",
        "partner_type": "referral",
        "country": "CH",
        "regions": ["EMEA"],
        "industries": ["Banking", "Insurance"],
        "company_size": "11-50",
        "customer_count": 35,
    },
]

AGREEMENT_TEXT = """# Sentinel Partner Program Agreement

1. **Scope.** The partner may market, resell and support Sentinel products in its territories.
2. **Deal registration.** Registered and approved opportunities are protected for 90 days.
3. **Brand use.** The partner follows the Sentinel brand guidelines in all co-marketing.
4. **Confidentiality.** Price lists, roadmaps and deal information stay confidential.
5. **Term.** One year, renewed automatically unless either side gives 60 days' notice.
"""


def seed_partner_organizations() -> dict[str, PartnerOrganization]:
    """The demo's 32 partners of every type across regions (most active, a few onboarding, suspended or applied),
    and the partner users of prm.demo.PARTNER_USERS."""
    existing = {p.name: p for p in PartnerOrganization.objects.all()}
    rng = random.Random(7)  # the same demo every time
    new = []
    for name, partner_type, country, region in PARTNERS:
        if name not in existing:
            status = PartnerStatus.ACTIVE if rng.random() < 0.75 else rng.choice(OTHER_STATUSES)
            if name in {"Northwind Secure Solutions", "Bluefjord IT"}:
                status = PartnerStatus.ACTIVE
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
            new.append(
                PartnerOrganization(
                    name=name,
                    partner_type=partner_type,
                    status=status,
                    country=country,
                    region=region,
                    website=f"https://www.{slug}.example",
                )
            )
    for partner in PartnerOrganization.objects.bulk_create(new):
        existing[partner.name] = partner
    for email, first, last, role, organization in PARTNER_USERS:
        demo_member(email, first, last, role, existing[organization])
    return existing


def seed_partner_program(tenant, admin: Membership) -> None:
    """The demo's partners and partner users, recruitment, the program agreement and onboarding (inside the demo
    tenant's context)."""
    seed_partner_organizations()
    if not IppCriterion.objects.exists():
        for label, attribute, operator, value, weight in IDEAL_PARTNER_PROFILE:
            services.criterion_create(
                actor=admin, label=label, attribute=attribute, operator=operator, value=value, weight=weight
            )
    if not PartnerApplication.objects.exists():
        for data in APPLICATIONS:
            services.application_create(actor=admin, **data)
    if not Agreement.objects.exists():
        _seed_agreement(admin)
    if not OnboardingPlan.objects.exists():
        onboarding_plan_ensure_default()
    running = set(PartnerOnboarding.objects.values_list("partner_organization_id", flat=True))
    for partner in PartnerOrganization.objects.filter(status=PartnerStatus.ONBOARDING).exclude(pk__in=running):
        onboarding_start(partner=partner)


def _seed_agreement(admin: Membership) -> None:
    agreement = services.agreement_create(actor=admin, name="Sentinel Partner Program Agreement")
    version = services.agreement_version_create(actor=admin, agreement=agreement, body=AGREEMENT_TEXT)
    version = services.agreement_version_publish(
        actor=admin, version=version, reaccept_by=timezone.localdate() + timedelta(days=30)
    )
    # Bluefjord's admin accepted it last week; Northwind's admin has it waiting, so the demo shows the banner.
    now = timezone.now()
    for membership in Membership.objects.filter(role="partner_admin", partner_organization__name="Bluefjord IT"):
        acceptance = AgreementAcceptance.objects.create(
            version=version,
            partner_organization_id=membership.partner_organization_id,
            user=membership.user,
            ip_address="203.0.113.10",
            text=version.body,
            text_sha256=text_sha256(version.body),
        )
        AgreementAcceptance.objects.filter(pk=acceptance.pk).update(accepted_at=now - timedelta(days=6))
