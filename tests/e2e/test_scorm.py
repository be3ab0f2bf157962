"""A learner plays a SCORM package in real Chromium: the package (sandboxed, with an opaque origin) finds the
runtime through the bridge, initializes, commits and finishes; the lesson is completed, and a relaunch resumes
from the stored data."""

import re
import time

import pytest
from playwright.sync_api import expect

from enablement.models import EnrollmentStatus, LessonProgress, LessonProgressStatus, ScormAttempt
from prm.tenancy import tenant_context
from tests.enablement.factories import EnrollmentFactory
from tests.enablement.scorm_factories import scorm12_files, scorm_lesson, use_private_storage

pytestmark = pytest.mark.e2e


def wait_for(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def commit_count(tenant, enrollment) -> int:
    with tenant_context(tenant):
        return sum(ScormAttempt.objects.filter(enrollment=enrollment).values_list("commit_count", flat=True))


def test_learner_completes_a_scorm_12_lesson_and_resumes_it(page, sign_in, tenant, partner_admin, settings, tmp_path):
    use_private_storage(settings, tmp_path)
    lesson = scorm_lesson(tenant, scorm12_files())
    enrollment = EnrollmentFactory(tenant=tenant, course=lesson.module.version.course, membership=partner_admin)
    sign_in(page.context, partner_admin.user)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"/t/{tenant.slug}/learning/enrollments/{enrollment.pk}/lessons/{lesson.pk}/scorm/")

    package = page.frame_locator("#scorm-frame")
    expect(package.locator("h1")).to_have_text("Firewall basics")
    # LMSInitialize, LMSGetValue (nothing to resume), LMSSetValue and LMSCommit went through the bridge.
    expect(package.locator("#state")).to_have_text("started")
    expect(page.locator("#scorm-message")).to_have_text("Your progress is saved.")

    package.get_by_role("button", name="Finish the lesson").click()

    expect(package.locator("#state")).to_have_text("finished")
    expect(page.get_by_test_id("scorm-lesson-status")).to_have_text("This lesson is completed.")
    with tenant_context(tenant):
        progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
        assert (progress.status, progress.score) == (LessonProgressStatus.COMPLETED, 90)
        assert enrollment.__class__.objects.get(pk=enrollment.pk).status == EnrollmentStatus.COMPLETED

    # LMSFinish's last commit goes by sendBeacon (text/plain); it carries the session time.
    def beacon_arrived():
        with tenant_context(tenant):
            attempt = ScormAttempt.objects.get(enrollment=enrollment)
        return attempt.cmi["core"].get("session_time") == "00:02:30"

    assert wait_for(beacon_arrived)

    # The package initializes again on the same page (as a multi-page SCO does): a new session from where it ended.
    commits = commit_count(tenant, enrollment)
    package.locator("body").evaluate("() => start()")
    expect(package.locator("#state")).to_have_text("resumed: page=2")
    assert wait_for(lambda: commit_count(tenant, enrollment) > commits)

    page.reload()
    expect(package.locator("#state")).to_have_text("resumed: page=2")
    expect(page.locator("#scorm-message")).to_have_text("Your progress is saved.")
    # Leaving the page ends the session: its last commit arrives by beacon (and the test ends with no request open).
    commits = commit_count(tenant, enrollment)
    page.goto("about:blank")
    assert wait_for(lambda: commit_count(tenant, enrollment) > commits)
    assert errors == []


def test_scorm_2004_items_flow_from_one_to_the_next_on_a_separate_content_origin(
    page, sign_in, tenant, partner_admin, settings, tmp_path, live_server
):
    from enablement.models import ScormSco
    from tests.enablement.scorm_factories import scorm2004_files

    use_private_storage(settings, tmp_path)
    # The page is on localhost; the package on 127.0.0.1: another origin, with no cookie of the site.
    settings.CONTENT_ORIGIN = live_server.url.replace("localhost", "127.0.0.1")
    lesson = scorm_lesson(tenant, scorm2004_files(), title="Threat defence")
    enrollment = EnrollmentFactory(tenant=tenant, course=lesson.module.version.course, membership=partner_admin)
    with tenant_context(tenant):
        quiz = ScormSco.objects.get(package=lesson.scorm_package, identifier="sco-quiz")
    sign_in(page.context, partner_admin.user)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"/t/{tenant.slug}/learning/enrollments/{enrollment.pk}/lessons/{lesson.pk}/scorm/")

    package = page.frame_locator("#scorm-frame")
    on_content_origin = re.compile(f"^{re.escape(settings.CONTENT_ORIGIN)}/")
    expect(page.get_by_test_id("scorm-frame")).to_have_attribute("src", on_content_origin)
    expect(package.locator("h1")).to_have_text("Introduction")
    expect(package.locator("#query")).to_have_text("?lang=en&chapter=1")
    expect(package.locator("#state")).to_have_text("started ab-initio")
    toc = page.get_by_test_id("scorm-toc")
    expect(toc.locator('[data-sco="sco-intro"] [data-status]')).to_have_text("In progress")

    # Terminate with adl.nav.request=continue: the player goes on to the next item.
    package.get_by_role("button", name="Finish").click()
    page.wait_for_url(f"**?sco={quiz.pk}")
    expect(package.locator("h1")).to_have_text("Check your knowledge")
    expect(toc.locator('[data-sco="sco-intro"] [data-status]')).to_have_text("Passed")
    package.get_by_role("button", name="Finish").click()

    expect(package.locator("body")).to_have_text("NGFW")  # the glossary, an asset, opened last
    expect(toc.locator('[data-sco="glossary"] [data-status]')).to_have_text("Completed")
    with tenant_context(tenant):
        progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert (progress.status, progress.score) == (LessonProgressStatus.COMPLETED, 90)
    assert errors == []
