"""A partner user's learning: enroll from the catalogue, read a text lesson and mark it done, come back through
"My learning" to resume, finish the course — on a desktop and on a phone (no sideways scrolling)."""

import re

import pytest
from playwright.sync_api import expect

from enablement.models import EnrollmentStatus, LessonKind
from prm.tenancy import tenant_context
from tests.enablement.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.e2e

PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def course(tenant):
    made = CourseFactory(tenant=tenant, title="Selling the Sentinel platform")
    LessonFactory(
        tenant=tenant,
        course=made,
        title="Why partners win",
        position=1,
        body_html="<h2>Why partners win</h2><p>Because they <strong>know</strong> the product.</p>",
    )
    LessonFactory(
        tenant=tenant,
        course=made,
        title="A tour of the console",
        position=2,
        kind=LessonKind.VIDEO,
        video_url="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        body_html="",
    )
    return made


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def click_below_the_video(page, target):
    # The video is a cross-site frame, which Chromium hit-tests with the compositor's last frame: a click sent the
    # moment the page was scrolled to the button went to the video where the button had just been.
    target.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    target.click()


def take_the_course(page, tenant, screenshot, *, suffix="", phone=False):
    # The video player's host answers locally: these machines have no internet, and a test needs none.
    page.context.route(
        re.compile(r"^https://www\.youtube-nocookie\.com/"),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>The player</p>"),
    )
    page.goto(f"/t/{tenant.slug}/portal/")
    card = page.get_by_test_id("learning-card")
    expect(card).to_contain_text("Selling the Sentinel platform")
    card.get_by_role("link", name="View the course").click()
    expect(page.get_by_role("heading", name="Selling the Sentinel platform", level=1)).to_be_visible()
    page.get_by_role("link", name="Catalogue").click()
    expect(page).to_have_url(re.compile(r"/learning/catalogue/$"))
    course_card = page.get_by_test_id("course-card").filter(has_text="Selling the Sentinel platform")
    if phone:
        assert no_sideways_scroll(page), "the catalogue fits the phone"
    screenshot(page, f"learning-catalogue{suffix}")
    course_card.get_by_role("button", name="Enroll").click()

    # The course page: its outline and a Start button.
    expect(page.get_by_test_id("course-progress")).to_have_attribute("data-percent", "0")
    page.get_by_test_id("resume").click()
    expect(page.get_by_role("heading", name="Why partners win", level=1)).to_be_visible()
    expect(page.locator(".lesson-text strong")).to_have_text("know")
    if phone:
        assert no_sideways_scroll(page), "the lesson fits the phone"
    screenshot(page, f"learning-lesson{suffix}")
    page.get_by_role("button", name="Mark as done").click()
    # On to the next lesson (the video), which is where "Resume" brings the learner back.
    expect(page.get_by_role("heading", name="A tour of the console", level=1)).to_be_visible()
    expect(page.locator("iframe[sandbox]")).to_have_count(1)

    page.get_by_role("link", name="My learning").first.click()
    in_progress = page.get_by_test_id("in-progress")
    expect(in_progress).to_contain_text("Selling the Sentinel platform")
    expect(in_progress).to_contain_text("1 of 2 lessons")
    if phone:
        assert no_sideways_scroll(page), "My learning fits the phone"
    screenshot(page, f"learning-my-learning{suffix}")
    in_progress.get_by_test_id("resume").click()
    expect(page.get_by_role("heading", name="A tour of the console", level=1)).to_be_visible()
    click_below_the_video(page, page.get_by_role("button", name="Mark as done"))

    # Completing the course relays its event to every subscriber before the page answers (Celery eager here).
    expect(page.get_by_test_id("course-completed")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("course-progress")).to_have_attribute("data-percent", "100")
    expect(page.locator('[data-lesson-status="completed"]')).to_have_count(2)
    if phone:
        assert no_sideways_scroll(page), "the course page fits the phone"
    screenshot(page, f"learning-course-completed{suffix}")


def test_a_partner_user_enrolls_reads_a_lesson_resumes_and_completes_the_course(
    page, sign_in, tenant, partner_admin, course, screenshot
):
    sign_in(page.context, partner_admin.user)
    take_the_course(page, tenant, screenshot)
    with tenant_context(tenant):
        [enrollment] = course.enrollments.all()
    assert enrollment.status == EnrollmentStatus.COMPLETED and enrollment.user_id == partner_admin.user_id


@pytest.mark.browser_context_args(viewport=PHONE_375, is_mobile=True, has_touch=True)
def test_the_same_journey_on_a_phone_without_sideways_scrolling(
    page, sign_in, tenant, partner_admin, course, screenshot
):
    sign_in(page.context, partner_admin.user)
    take_the_course(page, tenant, screenshot, suffix="-phone", phone=True)
    with tenant_context(tenant):
        assert course.enrollments.get().status == EnrollmentStatus.COMPLETED
