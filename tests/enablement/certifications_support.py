"""Helpers of the certification tests: a program with a certification, learners who complete its courses (as the
progress service would leave them), and the relay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from enablement.models import AttemptStatus, CertificationAward, EnrollmentStatus, QuizAttempt
from enablement.services import certifications as services
from prm.events import record_event
from prm.tenancy import tenant_context
from tests.enablement.factories import CertificationFactory, CourseFactory, EnrollmentFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory
from tests.partners.onboarding_support import relay


@dataclass
class Program:
    tenant: object
    partner: object
    learner: object
    admin: object
    courses: list
    certification: object


def program(slug="certco", *, courses=2, validity_months=12, **certification) -> Program:
    tenant = TenantFactory(slug=slug, name=f"{slug.title()} Security")
    partner = PartnerOrganizationFactory(tenant=tenant, name="Northwind Secure")
    learner = PartnerUserFactory(
        tenant=tenant,
        partner_organization=partner,
        role="partner_sales",
        user__first_name="Ada",
        user__last_name="Byron",
    )
    admin = StaffFactory(tenant=tenant)
    course_list = [CourseFactory(tenant=tenant, title=f"Course {n + 1}") for n in range(courses)]
    cert = CertificationFactory(
        tenant=tenant, courses=course_list, validity_months=validity_months, name="Certified Seller", **certification
    )
    return Program(tenant, partner, learner, admin, course_list, cert)


def complete(p: Program, course, membership=None, *, at: datetime | None = None, cycle: int = 1, emit=True):
    """A completed enrollment of the learner in `course` (cycle `cycle`), and its `course.completed` event relayed
    (the progress service records it)."""
    membership = membership or p.learner
    at = at or timezone.now()
    enrollment = EnrollmentFactory(
        tenant=p.tenant,
        course=course,
        membership=membership,
        cycle=cycle,
        status=EnrollmentStatus.COMPLETED,
        enrolled_at=at,
        started_at=at,
        completed_at=at,
    )
    if emit:
        with tenant_context(p.tenant):
            record_event(
                "course.completed",
                subject=enrollment,
                payload={
                    "partner_organization_id": membership.partner_organization_id,
                    "user_id": membership.user_id,
                    "course_id": course.pk,
                    "course_version": 1,
                    "enrollment_id": enrollment.pk,
                    "score": None,
                },
            )
        relay(p.tenant)
    return enrollment


def certify(p: Program, membership=None, *, at: datetime | None = None, cycle: int = 1) -> CertificationAward:
    """Complete every course of the certification; return the award it earned."""
    membership = membership or p.learner
    for course in p.courses:
        complete(p, course, membership, at=at, cycle=cycle)
    return awards_of(p, membership)[0]


def awards_of(p: Program, membership=None) -> list[CertificationAward]:
    """The learner's awards, newest first."""
    membership = membership or p.learner
    with tenant_context(p.tenant):
        return list(
            CertificationAward.objects.filter(user=membership.user)
            .select_related("certification", "user")
            .order_by("-awarded_at", "-id")
        )


def pass_exam(p: Program, quiz, membership=None, *, at=None) -> QuizAttempt:
    membership = membership or p.learner
    at = at or timezone.now()
    with tenant_context(p.tenant):
        number = QuizAttempt.objects.filter(quiz=quiz, user=membership.user).count() + 1
        return QuizAttempt.objects.create(
            quiz=quiz,
            user=membership.user,
            partner_organization=membership.partner_organization,
            number=number,
            status=AttemptStatus.SUBMITTED,
            started_at=at,
            submitted_at=at,
            score=100,
            passed=True,
        )


def revoke(p: Program, award, reason="Exam answers were shared") -> CertificationAward:
    with tenant_context(p.tenant):
        return services.certification_award_revoke(actor=p.admin, award=award, reason=reason)
