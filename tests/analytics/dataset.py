"""The small fixed dataset every metric test computes by hand (docs/analytics.md's definitions).

Base currency USD; 1 EUR = 1.10 USD; GBP has no rate. Period 1 Jan – 30 Jun 2026.

Partners: Alpha (VAR, EMEA), Bravo (reseller, NA), Charlie (VAR, EMEA, no cost at all).

Won in the period (closed amount, shares):
  1. Alpha's, 10,000 USD, submitted 11 Jan, won 10 Feb (30 days): Alpha sourced 100 %.
  2. Bravo's, 20,000 EUR = 22,000 USD, submitted 5 Mar, won 15 Mar (10 days): Bravo sourced 60 % (13,200),
     Alpha influenced 40 % (8,800).
  3. Charlie's, 5,000 USD, submitted 1 Apr, won 20 Apr (19 days): Charlie sourced 100 %.
  6. Bravo's, 1,000 GBP, won 1 Feb, never submitted (imported): no rate, left out of every sum.
Lost in the period: 4. Alpha's, 1 May.
Before the period: 5. Alpha's 7,000 USD won 20 Dec 2025; 9. Bravo's 20,000 USD won 10 Nov 2025.
Open, submitted in the period: 7. Alpha's, approved, 4,000 USD, proposal, Alpha sourced 100 %;
  8. Charlie's, submitted, 1,000 EUR = 1,100 USD, qualified, Charlie sourced 50 % (550), Bravo influenced 50 % (550).

Costs: Alpha 2,000 USD (15 Jan, incentives) + 1,000 EUR = 1,100 USD (1 Mar, MDF) = 3,100; Bravo 5,000 USD (1 Feb);
  Alpha 9,999 USD on 1 Dec 2025 (before the period). Charlie: none.

Starts and first deals: Alpha onboarding started 3 Jan, agreement accepted 5 Jan → start 3 Jan; first registered
  11 Jan (8 days), first won 10 Feb (38 days). Bravo onboarding started 1 Feb; first registered 21 Feb (20), first won
  15 Mar (42). Charlie agreement accepted 10 Feb; first registered 1 Apr (50); no won stamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from analytics.models import ExchangeRate, PartnerCost
from analytics.selectors.base import Scope
from dealreg.models import AttributionRole, DealStatus
from partners.models import AgreementAcceptance, PartnerOrganization
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, StaffFactory, UserFactory, make_agreement
from tests.tiering.metrics_factories import DealParticipantFactory, DealRegistrationFactory, PartnerOnboardingFactory

START, END = date(2026, 1, 1), date(2026, 6, 30)
SOURCED, INFLUENCED = AttributionRole.SOURCED, AttributionRole.INFLUENCED


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@dataclass
class Dataset:
    tenant: object
    alpha: PartnerOrganization
    bravo: PartnerOrganization
    charlie: PartnerOrganization
    owner: object

    def scope(self, **filters) -> Scope:
        return Scope(start=START, end=END, **filters)


def deal(tenant, partner, *, status, amount, currency="USD", closed=None, submitted=None, stage="qualified", shares=()):
    registration = DealRegistrationFactory(
        tenant=tenant,
        partner_organization=partner,
        status=status,
        amount=Decimal(amount),
        currency=currency,
        closed_amount=Decimal(amount) if status == DealStatus.WON else None,
        closed_at=closed,
        submitted_at=noon(submitted) if submitted else None,
        stage=stage,
    )
    for participant, role, share in shares or [(partner, SOURCED, 100)]:
        DealParticipantFactory(
            tenant=tenant, registration=registration, partner_organization=participant, role=role, share=Decimal(share)
        )
    return registration


def cost(tenant, partner, day, amount, currency="USD", kind="incentives"):
    with tenant_context(tenant):
        return PartnerCost.objects.create(
            partner_organization=partner, period_start=day, kind=kind, amount=Decimal(amount), currency=currency
        )


def build(tenant) -> Dataset:
    owner = StaffFactory(tenant=tenant, role="channel_manager")
    alpha = PartnerOrganizationFactory(
        tenant=tenant, name="Alpha Networks", partner_type="var", region="EMEA", owner=owner.user, tier="Gold"
    )
    bravo = PartnerOrganizationFactory(tenant=tenant, name="Bravo Systems", partner_type="reseller", region="NA")
    charlie = PartnerOrganizationFactory(tenant=tenant, name="Charlie Cloud", partner_type="var", region="EMEA")
    with tenant_context(tenant):
        ExchangeRate.objects.create(currency="EUR", rate=Decimal("1.10"))
    won, lost = DealStatus.WON, DealStatus.LOST
    deal(tenant, alpha, status=won, amount="10000", closed=date(2026, 2, 10), submitted=date(2026, 1, 11))
    deal(
        tenant,
        bravo,
        status=won,
        amount="20000",
        currency="EUR",
        closed=date(2026, 3, 15),
        submitted=date(2026, 3, 5),
        shares=[(bravo, SOURCED, 60), (alpha, INFLUENCED, 40)],
    )
    deal(tenant, charlie, status=won, amount="5000", closed=date(2026, 4, 20), submitted=date(2026, 4, 1))
    deal(tenant, alpha, status=lost, amount="3000", closed=date(2026, 5, 1), submitted=date(2026, 4, 2))
    deal(tenant, alpha, status=won, amount="7000", closed=date(2025, 12, 20), submitted=date(2025, 12, 1))
    deal(tenant, bravo, status=won, amount="1000", currency="GBP", closed=date(2026, 2, 1))
    deal(
        tenant,
        alpha,
        status=DealStatus.APPROVED,
        amount="4000",
        submitted=date(2026, 6, 1),
        stage="proposal",
    )
    deal(
        tenant,
        charlie,
        status=DealStatus.SUBMITTED,
        amount="1000",
        currency="EUR",
        submitted=date(2026, 6, 10),
        shares=[(charlie, SOURCED, 50), (bravo, INFLUENCED, 50)],
    )
    deal(tenant, bravo, status=won, amount="20000", closed=date(2025, 11, 10), submitted=date(2025, 11, 1))

    cost(tenant, alpha, date(2026, 1, 15), "2000")
    cost(tenant, alpha, date(2026, 3, 1), "1000", "EUR", kind="mdf")
    cost(tenant, bravo, date(2026, 2, 1), "5000", kind="support")
    cost(tenant, alpha, date(2025, 12, 1), "9999")

    PartnerOnboardingFactory(tenant=tenant, partner_organization=alpha, started_at=noon(date(2026, 1, 3)))
    PartnerOnboardingFactory(tenant=tenant, partner_organization=bravo, started_at=noon(date(2026, 2, 1)))
    _agreement, version = make_agreement(tenant)
    with tenant_context(tenant):
        for partner, day in ((alpha, date(2026, 1, 5)), (charlie, date(2026, 2, 10))):
            acceptance = AgreementAcceptance.objects.create(
                version=version, partner_organization=partner, user=UserFactory(), text="x", text_sha256="0" * 64
            )
            AgreementAcceptance.objects.filter(pk=acceptance.pk).update(accepted_at=noon(day))
        stamps = {
            alpha: (date(2026, 1, 11), date(2026, 2, 10)),
            bravo: (date(2026, 2, 21), date(2026, 3, 15)),
            charlie: (date(2026, 4, 1), None),
        }
        for partner, (registered, won_on) in stamps.items():
            PartnerOrganization.objects.filter(pk=partner.pk).update(
                first_deal_registered_at=noon(registered), first_deal_won_at=noon(won_on) if won_on else None
            )
    return Dataset(tenant, alpha, bravo, charlie, owner)
