"""Helpers of the learning tests: a program with a reseller and an ISV, their people, and courses for different
audiences, each with a few text lessons (rows created in the tenant's context)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from enablement.models import Enrollment, LessonKind
from partners.models import PartnerType
from prm.models import Event, Notification
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.enablement.factories import CourseFactory, LessonFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory


@dataclass
class Program:
    tenant: object
    reseller: object
    isv: object
    seller: object  # the reseller's sales person
    reseller_admin: object
    isv_admin: object
    staff: object
    everyone: object  # a course for every partner
    isv_only: object  # a course for ISVs only
    lessons: list  # the "everyone" course's three text lessons, in order


def make_program(slug="learnco") -> Program:
    tenant = TenantFactory(slug=slug, name="Learn Co")
    reseller = PartnerOrganizationFactory(tenant=tenant, name="Resellers Inc", partner_type=PartnerType.RESELLER)
    isv = PartnerOrganizationFactory(tenant=tenant, name="Softworks ISV", partner_type=PartnerType.ISV)
    seller = PartnerUserFactory(
        tenant=tenant, partner_organization=reseller, role=Role.PARTNER_SALES, user__first_name="Sam"
    )
    reseller_admin = PartnerUserFactory(tenant=tenant, partner_organization=reseller, user__first_name="Rita")
    isv_admin = PartnerUserFactory(tenant=tenant, partner_organization=isv, user__first_name="Ivan")
    staff = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    everyone = CourseFactory(tenant=tenant, title="Platform fundamentals")
    isv_only = CourseFactory(tenant=tenant, title="Building on the ISV API", audience_partner_types=[PartnerType.ISV])
    lessons = [
        LessonFactory(tenant=tenant, course=everyone, title=title, position=index)
        for index, title in enumerate(["Why partners win", "The product family", "Pricing basics"], start=1)
    ]
    return Program(tenant, reseller, isv, seller, reseller_admin, isv_admin, staff, everyone, isv_only, lessons)


def course(tenant, *, title, lessons=("Lesson one",), **fields):
    """A published course with text lessons (`lessons` titles) and the given audience fields."""
    made = CourseFactory(tenant=tenant, title=title, **fields)
    for index, lesson_title in enumerate(lessons, start=1):
        LessonFactory(tenant=tenant, course=made, title=lesson_title, position=index, kind=LessonKind.TEXT)
    return made


def enrollments_of(tenant, user, course=None) -> list[Enrollment]:
    with tenant_context(tenant):
        rows = Enrollment.objects.filter(user=user).order_by("course_id", "cycle")
        if course is not None:
            rows = rows.filter(course=course)
        return list(rows)


def events_of(tenant, event_type: str) -> list[Event]:
    with tenant_context(tenant):
        return list(Event.objects.filter(type=event_type).order_by("pk"))


def notifications_of(tenant, user, kind: str) -> list[Notification]:
    with tenant_context(tenant):
        return list(Notification.objects.filter(user=user, kind=kind).order_by("pk"))


def url(name: str, tenant, *args) -> str:
    return reverse(name, args=[tenant.slug, *args])
