"""The demo program's market development funds, made through the services as people would: a half-year fund
allocated by tier (and by hand to partners without a tier benefit), a co-op fund accrued from last half-year's won
deals, and fund requests and claims in every state — a webinar claimed, partly approved and paid in a payout batch,
a claim waiting for review with its leads, an approved claim waiting for payout, requests waiting, sent back,
turned down, a draft. Idempotent: a second run finds the fund and changes nothing."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mdf.declarations import EVENT_TYPES
from mdf.models import ActivityType, Fund, ProofKind
from mdf.services import allocation_rules, claims, funds, payouts, requests
from partners.selectors import partners_in_program
from prm.demo import PARTNER_USERS, STAFF, demo_member
from prm.errors import DomainError
from prm.models import Event
from prm.roles import Role

logger = logging.getLogger("mdf.demo")

FUND_NAME = "FY2027 H1 Market Development Fund"
COOP_NAME = "FY2027 Co-op Fund"
# A minimal, valid PDF: the invoices of the demo claims (each made distinct, so none is flagged as a duplicate).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LEADS = """email,first_name,last_name,company,country
j.meyer@stadtwerke-nord.example,Jonas,Meyer,Stadtwerke Nord,DE
a.fischer@klinikum-elbe.example,Anna,Fischer,Klinikum Elbe,DE
s.dubois@transalp-logistique.example,Sophie,Dubois,Transalp Logistique,FR
m.jansen@havenbank.example,Marco,Jansen,Havenbank,NL
e.novak@moravia-steel.example,Eva,Novák,Moravia Steel,CZ
"""


def _invoice(name: str, marker: str):
    return (ProofKind.INVOICE, SimpleUploadedFile(name, PDF + f"% {marker}\n".encode(), "application/pdf"))


def _people():
    staff = {role: demo_member(email, first, last, role) for email, first, last, role in STAFF}
    partner_people = {}
    by_name = {p.name: p for p in partners_in_program()}
    # The partner's marketer asks for funds where there is one, else its admin.
    preference = {Role.PARTNER_MARKETING: 0, Role.PARTNER_ADMIN: 1}
    for email, first, last, role, organization in sorted(PARTNER_USERS, key=lambda p: preference.get(p[3], 9)):
        if organization in by_name and role in preference:
            partner_people.setdefault(organization, demo_member(email, first, last, role, by_name[organization]))
    return staff, partner_people, by_name


def seed_mdf(tenant, admin) -> None:
    if Fund.objects.filter(name=FUND_NAME).exists():
        return
    staff, people, partners = _people()
    marketing, channel, finance = staff[Role.MARKETING], staff[Role.CHANNEL_MANAGER], staff[Role.FINANCE]
    today = timezone.localdate()
    currency = tenant.base_currency or "USD"
    fund = funds.fund_create(
        actor=admin,
        name=FUND_NAME,
        period_start=today - timedelta(days=60),
        period_end=today + timedelta(days=120),
        currency=currency,
        total=Decimal("150000"),
        claim_deadline=today + timedelta(days=165),
        reimbursement_share=Decimal("50"),
        claim_tolerance_percent=Decimal("5"),
        expiry_days=45,
        approval_threshold=Decimal("10000"),
    )
    # The budget: each partner's tier benefit, plus 150,000 for partners without one and reallocation later.
    tiers = allocation_rules.allocate_by_tier(actor=admin, fund=fund, dry_run=True)
    if tiers.lines:
        funds.fund_add_budget(actor=admin, fund=fund, amount=tiers.total, memo="Tier benefits")
        allocation_rules.allocate_by_tier(actor=admin, fund=fund)
    allocated = set(fund.allocations.values_list("partner_organization_id", flat=True))
    launch_budgets = (15000, 12000, 10000, 8000, 8000, 6000, 5000, 5000, 5000, 5000)
    for partner, amount in zip(list(partners.values())[:10], launch_budgets, strict=False):
        if partner.pk not in allocated:
            funds.allocate(
                actor=admin, fund=fund, partner_organization_id=partner.pk, amount=amount, note="Launch budget"
            )
    coop = funds.fund_create(
        actor=admin,
        name=COOP_NAME,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=335),
        currency=currency,
        total=Decimal("120000"),
        claim_deadline=today + timedelta(days=365),
        reimbursement_share=Decimal("100"),
    )
    allocation_rules.coop_accrue(
        actor=admin, fund=coop, percent="1.5", period_start=today - timedelta(days=183), period_end=today
    )

    def request(partner_name, actor, *, activity, title, cost, asked, days=7, length=1, leads=0, pipeline=0):
        partner = partners[partner_name]
        start = today + timedelta(days=days)
        fund_request = requests.fund_request_create(
            actor=actor,
            fund=fund,
            partner_organization_id=partner.pk,
            activity_type=activity,
            title=title,
            description=title,
            start_date=start,
            end_date=start + timedelta(days=length),
            planned_cost=Decimal(cost),
            requested_amount=Decimal(asked),
            expected_leads=leads,
            expected_pipeline=Decimal(pipeline),
        )
        return fund_request

    northwind, bluefjord = "Northwind Secure Solutions", "Bluefjord IT"
    others = [name for name in partners if name not in (northwind, bluefjord)]
    if northwind not in partners or northwind not in people:
        logger.warning("Demo MDF requests skipped: the demo partners are missing.")
        return
    mia = people[northwind]
    try:
        # Northwind's webinar: approved, claimed the same day it ran, partly approved, paid in a batch.
        webinar = request(
            northwind,
            mia,
            activity=ActivityType.WEBINAR,
            title="Zero-trust for hospitals: live webinar",
            cost="9000",
            asked="4500",
            days=0,
            leads=60,
            pipeline=240000,
        )
        requests.fund_request_submit(actor=mia, fund_request=webinar)
        requests.fund_request_approve(actor=marketing, fund_request=webinar)
        claim = claims.claim_submit(
            actor=mia,
            fund_request=webinar,
            actual_cost="8400",
            claimed_amount="4200",
            invoice_number="NW-2027-0142",
            files=[_invoice("webinar-platform-invoice.pdf", "webinar")],
            leads_csv=LEADS.encode(),
        )
        claims.claim_approve(
            actor=marketing, claim=claim, amount="3900", note="The speaker's travel is not reimbursable."
        )
        batch = payouts.payout_batch_create(actor=finance, fund=fund, reference=f"MDF-PAY-{today:%Y%m}-01")
        payouts.payout_batch_confirm(actor=finance, batch=batch)

        # Northwind's roadshow: approved, claim waiting for review.
        roadshow = request(
            northwind,
            mia,
            activity=ActivityType.EVENT,
            title="Nordic SOC roadshow (Oslo, Stockholm)",
            cost="16000",
            asked="8000",
            days=0,
            length=2,
            leads=120,
            pipeline=600000,
        )
        requests.fund_request_submit(actor=mia, fund_request=roadshow)
        requests.fund_request_approve(actor=marketing, fund_request=roadshow, amount="7000")
        claims.claim_submit(
            actor=mia,
            fund_request=roadshow,
            actual_cost="15200",
            claimed_amount="7000",
            invoice_number="NW-2027-0177",
            files=[_invoice("roadshow-venue-invoice.pdf", "roadshow")],
            leads_csv=LEADS.encode(),
        )

        # Northwind's digital campaign: waiting for review.
        campaign = request(
            northwind,
            mia,
            activity=ActivityType.DIGITAL_CAMPAIGN,
            title="LinkedIn campaign: ransomware readiness assessment",
            cost="6000",
            asked="3000",
            days=21,
            length=30,
            leads=80,
            pipeline=300000,
        )
        requests.fund_request_submit(actor=mia, fund_request=campaign)

        if bluefjord in partners and bluefjord in people:
            henrik = people[bluefjord]
            # Bluefjord: a draft, and a syndication claimed and approved, waiting for payout.
            request(
                bluefjord,
                henrik,
                activity=ActivityType.TRAINING,
                title="Firewall hardening workshop for municipal IT",
                cost="3000",
                asked="1500",
                days=30,
            )
            syndication = request(
                bluefjord,
                henrik,
                activity=ActivityType.CONTENT_SYNDICATION,
                title="Whitepaper syndication: OT security in utilities",
                cost="5000",
                asked="2500",
                days=0,
                length=14,
                leads=150,
            )
            requests.fund_request_submit(actor=henrik, fund_request=syndication)
            requests.fund_request_approve(actor=marketing, fund_request=syndication)
            approved_claim = claims.claim_submit(
                actor=henrik,
                fund_request=syndication,
                actual_cost="5000",
                claimed_amount="2500",
                invoice_number="BF-INV-3391",
                files=[_invoice("syndication-invoice.pdf", "syndication")],
            )
            claims.claim_approve(actor=marketing, claim=approved_claim)

        # Partners without portal users in the demo: the channel manager asks on their behalf (so marketing decides).
        for name, decide in zip(others[:3], ("reject", "changes", "approve"), strict=False):
            fund_request = request(
                name,
                channel,
                activity=ActivityType.EVENT if decide != "changes" else ActivityType.CO_INNOVATION,
                title={
                    "reject": "Golf day for prospective customers",
                    "changes": "Joint SASE reference architecture",
                    "approve": "Customer security breakfast",
                }[decide],
                cost="4000",
                asked="2000",
                days=14,
            )
            requests.fund_request_submit(actor=channel, fund_request=fund_request)
            if decide == "reject":
                requests.fund_request_reject(
                    actor=marketing,
                    fund_request=fund_request,
                    reason="Hospitality events are outside the program's MDF guidelines.",
                )
            elif decide == "changes":
                requests.fund_request_request_changes(
                    actor=marketing,
                    fund_request=fund_request,
                    note="Split the engineering effort from the launch event and give expected leads.",
                )
            else:
                requests.fund_request_approve(actor=marketing, fund_request=fund_request)
    except DomainError as exc:  # the demo's data changed under it: keep what was seeded, say why
        logger.warning("Demo MDF seeding stopped early: %s", exc.message)
    # The demo's history is history: its events count as relayed (no webhook or e-mail storm on the first run).
    Event.objects.filter(type__in=EVENT_TYPES, relayed_at__isnull=True).update(relayed_at=timezone.now())
