"""Completed courses: distinct courses finished by a partner's people by the end of the day."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enablement.models import EnrollmentStatus
from prm.tenancy import tenant_context
from tests.enablement.factories import CourseFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, TenantFactory
from tests.tiering.metrics_factories import at_noon, completed_course
from tiering.metrics import MetricScope, compute_metrics

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)


def completed_courses(tenant, **scope):
    with tenant_context(tenant):
        return compute_metrics(["completed_courses"], MetricScope(as_of=AS_OF, **scope))["completed_courses"]


def test_completed_courses_counts_each_course_once_per_partner_by_the_end_of_the_day(tenant):
    northwind = PartnerOrganizationFactory(tenant=tenant, name="Northwind")
    contoso = PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    ada, grace = (PartnerUserFactory(tenant=tenant, partner_organization=northwind) for _ in range(2))
    linus = PartnerUserFactory(tenant=tenant, partner_organization=contoso)
    selling, securing, deploying, pricing = (CourseFactory(tenant=tenant) for _ in range(4))
    last_instant = timezone.make_aware(datetime.combine(AS_OF, time.max))

    completed_course(ada, selling, at_noon(AS_OF - timedelta(days=200)))
    completed_course(ada, selling, at_noon(AS_OF - timedelta(days=20)), cycle=2)  # again, to renew: still one
    completed_course(grace, selling, at_noon(AS_OF - timedelta(days=5)))  # a colleague too: still one
    completed_course(grace, securing, last_instant)
    completed_course(grace, deploying, last_instant + timedelta(microseconds=1))  # the next day
    completed_course(ada, pricing, at_noon(AS_OF - timedelta(days=1)), status=EnrollmentStatus.IN_PROGRESS)
    completed_course(linus, pricing, at_noon(AS_OF - timedelta(days=1)))

    assert completed_courses(tenant) == {northwind.pk: Decimal(2), contoso.pk: Decimal(1)}
    assert completed_courses(tenant, options={"course_ids": [securing.pk, pricing.pk]}) == {
        northwind.pk: Decimal(1),
        contoso.pk: Decimal(1),
    }
    assert completed_courses(tenant, options={"course_ids": [deploying.pk]}) == {}
    assert completed_courses(tenant, partner_ids=[contoso.pk]) == {contoso.pk: Decimal(1)}


def test_the_day_is_the_programs_whoever_asks(tenant):
    los_angeles = TenantFactory(slug="pacific", default_time_zone="America/Los_Angeles")
    evening_in_california = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)  # 30 June, 20:00 in Los Angeles
    for program in (tenant, los_angeles):
        person = PartnerUserFactory(tenant=program)
        completed_course(person, CourseFactory(tenant=program), evening_in_california)

    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):  # a reader far away changes nothing
        assert completed_courses(tenant) == {}  # already 1 July in UTC, the default
        assert list(completed_courses(los_angeles).values()) == [Decimal(1)]
