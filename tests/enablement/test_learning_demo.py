"""The demo program's learning: courses for different partner types, paths, a rule, and people part-way through."""

import pytest
from django.core.management import call_command

from enablement.models import Course, Enrollment, EnrollmentRule, EnrollmentStatus, LearningPath
from prm.models import Tenant
from prm.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_the_demo_has_courses_paths_and_progress_and_seeding_twice_adds_nothing():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    with tenant_context(Tenant.objects.get(slug="demo")):
        assert Course.objects.filter(current_version__isnull=False).count() == 5
        assert Course.objects.get(title="Building on the Sentinel API").audience_partner_types == ["isv"]
        assert LearningPath.objects.filter(published=True).count() == 2
        assert EnrollmentRule.objects.count() == 1
        northwind = Enrollment.objects.filter(partner_organization__name="Northwind Secure Solutions")
        assert northwind.filter(status=EnrollmentStatus.COMPLETED).count() == 2
        assert northwind.filter(status=EnrollmentStatus.IN_PROGRESS).count() == 2
        assert northwind.filter(due_on__isnull=False, status=EnrollmentStatus.ENROLLED).count() == 1
