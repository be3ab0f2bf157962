"""Known data for the metric tests: registrations in any status with their partners on the deal, completed
enrollments, certification awards and onboardings, written as the services leave them (no events, no relay)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from dealreg.models import AttributionRole, DealParticipant, DealRegistration, DealStatus
from enablement.models import CertificationAward, EnrollmentStatus
from partners.models import OnboardingStatus, PartnerOnboarding, PartnerOrganization
from prm.tenancy import tenant_context
from tests.enablement.factories import CertificationFactory, CourseFactory, EnrollmentFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, TenantOwnedFactory


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


class DealRegistrationFactory(TenantOwnedFactory):
    class Meta:
        model = DealRegistration

    partner_organization = factory.SubFactory(PartnerOrganizationFactory, tenant=factory.SelfAttribute("..tenant"))
    customer_name = factory.Sequence(lambda n: f"Customer {n} GmbH")
    amount = Decimal("10000.00")
    currency = "USD"
    expected_close_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class DealParticipantFactory(TenantOwnedFactory):
    class Meta:
        model = DealParticipant

    registration = factory.SubFactory(DealRegistrationFactory, tenant=factory.SelfAttribute("..tenant"))
    partner_organization = factory.LazyAttribute(lambda o: o.registration.partner_organization)
    role = AttributionRole.SOURCED
    share = Decimal("100")


def won_deal(partner, amount, closed_at: date, *, currency="USD", shares=None) -> DealRegistration:
    """A registration of `partner` won on `closed_at` for `amount`; `shares` are (partner, role, share) triples for
    the partners on the deal (default: the registering partner sourced all of it)."""
    registration = DealRegistrationFactory(
        tenant=partner.tenant,
        partner_organization=partner,
        status=DealStatus.WON,
        amount=Decimal(amount),
        closed_amount=Decimal(amount),
        closed_at=closed_at,
        currency=currency,
    )
    for participant, role, share in shares or [(partner, AttributionRole.SOURCED, 100)]:
        DealParticipantFactory(
            tenant=partner.tenant,
            registration=registration,
            partner_organization=participant,
            role=role,
            share=Decimal(share),
        )
    return registration


def lost_deal(partner, closed_at: date) -> DealRegistration:
    registration = DealRegistrationFactory(
        tenant=partner.tenant, partner_organization=partner, status=DealStatus.LOST, closed_at=closed_at
    )
    DealParticipantFactory(tenant=partner.tenant, registration=registration)
    return registration


def protected_deal(partner, amount, protected_until: date, *, currency="USD", status=DealStatus.APPROVED):
    registration = DealRegistrationFactory(
        tenant=partner.tenant,
        partner_organization=partner,
        status=status,
        amount=Decimal(amount),
        currency=currency,
        protected_until=protected_until,
    )
    DealParticipantFactory(tenant=partner.tenant, registration=registration)
    return registration


def completed_course(membership, course, completed_at: datetime, *, cycle=1, status=EnrollmentStatus.COMPLETED):
    """An enrollment of `membership` (a partner user) in `course`, completed at `completed_at`."""
    return EnrollmentFactory(
        tenant=membership.tenant,
        membership=membership,
        course=course,
        cycle=cycle,
        status=status,
        enrolled_at=completed_at - timedelta(days=1),
        started_at=completed_at - timedelta(days=1),
        completed_at=completed_at if status == EnrollmentStatus.COMPLETED else None,
    )


def award(membership, certification, awarded_at: datetime) -> CertificationAward:
    """A valid award of `certification` to `membership` (expires a year later)."""
    with tenant_context(membership.tenant):
        return CertificationAward.objects.create(
            tenant=membership.tenant,
            certification=certification,
            user=membership.user,
            partner_organization=membership.partner_organization,
            recipient_name=membership.user.get_full_name(),
            awarded_at=awarded_at,
            expires_at=awarded_at + timedelta(days=365),
            award_key=f"{certification.pk}:{membership.user_id}:{awarded_at.isoformat()}",
        )


class PartnerOnboardingFactory(TenantOwnedFactory):
    class Meta:
        model = PartnerOnboarding

    partner_organization = factory.SubFactory(PartnerOrganizationFactory, tenant=factory.SelfAttribute("..tenant"))
    plan_name = "Welcome to the program"
    status = OnboardingStatus.IN_PROGRESS
    started_at = factory.LazyFunction(timezone.now)
    last_progress_at = factory.LazyAttribute(lambda o: o.completed_at or o.started_at)
    completed_at = None


def onboarded(partner, started_at: datetime, completed_at: datetime) -> PartnerOnboarding:
    return PartnerOnboardingFactory(
        tenant=partner.tenant,
        partner_organization=partner,
        status=OnboardingStatus.COMPLETED,
        started_at=started_at,
        completed_at=completed_at,
    )


def created_on(partner, created_at: datetime):
    """Backdate a partner's creation (auto_now_add sets it on insert)."""
    with tenant_context(partner.tenant):
        PartnerOrganization.objects.filter(pk=partner.pk).update(created_at=created_at)


def busy_partners(tenant, count: int, as_of: date) -> list:
    """`count` partners with something for every metric to count: won, lost and protected deals, a shared won deal,
    a completed course, a certification, a completed onboarding, an activation date."""
    course = CourseFactory(tenant=tenant)
    certification = CertificationFactory(tenant=tenant)
    partners = [
        PartnerOrganizationFactory(tenant=tenant, activated_at=at_noon(as_of - timedelta(days=100)))
        for _ in range(count)
    ]
    for index, partner in enumerate(partners):
        helper = partners[(index + 1) % count]
        won_deal(
            partner,
            "1000",
            as_of - timedelta(days=10),
            shares=[(partner, AttributionRole.SOURCED, 60), (helper, AttributionRole.INFLUENCED, 40)],
        )
        lost_deal(partner, as_of - timedelta(days=5))
        protected_deal(partner, "500", as_of + timedelta(days=30))
        person = PartnerUserFactory(tenant=tenant, partner_organization=partner)
        completed_course(person, course, at_noon(as_of - timedelta(days=3)))
        award(person, certification, at_noon(as_of - timedelta(days=3)))
        onboarded(partner, at_noon(as_of - timedelta(days=90)), at_noon(as_of - timedelta(days=60)))
    return partners
