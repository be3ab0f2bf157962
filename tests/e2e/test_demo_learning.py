"""The demo's SCORM package plays in real Chromium: the first partner login `make run` prints resumes the zero trust
course on it, reads the content page, answers the check on the second page, and the lesson and the course are
completed from what the package reported."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from enablement.models import Enrollment, EnrollmentStatus, LessonKind, LessonProgress, LessonProgressStatus
from prm.models import Membership, Tenant
from prm.tenancy import tenant_context
from tests.enablement.scorm_factories import use_private_storage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_demo_partner_admin_plays_the_demo_scorm_package_to_the_end(page, sign_in, settings, tmp_path):
    use_private_storage(settings, tmp_path)
    call_command("seed_demo", verbosity=0)
    tenant = Tenant.objects.get(slug="demo")
    with tenant_context(tenant):
        olivia = Membership.objects.select_related("user").get(user__email="partner.admin@northwind.example")
        enrollment = Enrollment.objects.get(user=olivia.user, last_lesson__kind=LessonKind.SCORM)
        lesson = enrollment.last_lesson
    sign_in(page.context, olivia.user)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"/t/demo/learning/enrollments/{enrollment.pk}/lessons/{lesson.pk}/scorm/")

    package = page.frame_locator("#scorm-frame")
    expect(package.locator("h1")).to_have_text("Segmenting a branch office")
    expect(package.locator("#state")).to_have_text("Progress is saved.")
    package.get_by_role("button", name="Check your understanding").click()
    expect(package.locator("h1")).to_have_text("Check your understanding")
    expect(package.locator("#state")).to_have_text("Progress is saved.")
    package.get_by_label("What its user's policy allows, inspected").check()
    package.get_by_label("Only its management server").check()
    package.get_by_label("Users and workloads").check()
    package.get_by_role("button", name="Submit my answers").click()

    expect(package.locator("#state")).to_have_text("Passed: 3 of 3 right (100%).")
    expect(page.get_by_test_id("scorm-lesson-status")).to_have_text("This lesson is completed.")
    with tenant_context(tenant):
        progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
        assert (progress.status, progress.score) == (LessonProgressStatus.COMPLETED, 100)
        assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.COMPLETED
    page.goto("about:blank")
    assert errors == []
