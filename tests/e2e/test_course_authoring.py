"""An author writes a course in the browser: a text lesson and a video lesson, reordered by dragging and from the
keyboard, previewed as a learner, published, then edited — a version 2 draft appears while version 1 stays published."""

import re

import pytest
from playwright.sync_api import expect

from enablement.models import CourseVersion, CourseVersionStatus, Lesson
from prm.tenancy import tenant_context

pytestmark = pytest.mark.e2e


def lesson_titles(page):
    return page.get_by_test_id("lesson-title")


def test_an_author_writes_reorders_publishes_and_edits_a_course(page, sign_in, tenant, tenant_admin, screenshot):
    sign_in(page.context, tenant_admin.user)
    page.goto(f"/t/{tenant.slug}/console/")
    page.locator("#mainNav").get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_role("link", name="New course").click()

    page.get_by_label("Title").fill("Firewall essentials for partners")
    page.get_by_label("Summary").fill("What every partner seller needs to know about the firewall.")
    page.get_by_label("System integrator").check()
    page.get_by_label("Partner sales").check()
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_test_id("course-state")).to_have_text(re.compile(r"Draft: version 1"))

    # A text lesson: Markdown, rendered when saved.
    page.get_by_role("link", name="Text").click()
    page.get_by_label("Title").fill("Why partners win")
    page.get_by_label("Text", exact=True).fill("# Why partners win\n\nPartners who **know** the product win.")
    page.get_by_role("button", name="Add lesson").click()

    # A video lesson: a YouTube watch address, kept as the privacy-friendly player's.
    page.get_by_role("link", name="Video").click()
    page.get_by_label("Title").fill("Product tour")
    page.get_by_label("Video address").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page.get_by_role("button", name="Add lesson").click()
    expect(lesson_titles(page)).to_have_text(["Why partners win", "Product tour"])

    # Drag the video above the text lesson: the new order is saved through HTMX.
    rows = page.get_by_test_id("lesson-row")
    # Both rows in view first: a drag that has to scroll the page moves the pointer off what it grabbed.
    page.get_by_test_id("module").first.scroll_into_view_if_needed()
    rows.nth(1).locator(".bi-grip-vertical").drag_to(rows.nth(0))
    expect(lesson_titles(page)).to_have_text(["Product tour", "Why partners win"])
    screenshot(page, "course-authoring-editor")

    # The keyboard does the same with the arrow buttons; the moved lesson keeps the focus.
    page.get_by_role("button", name="Move “Why partners win” up").focus()
    page.keyboard.press("Enter")
    expect(lesson_titles(page)).to_have_text(["Why partners win", "Product tour"])
    expect(page.get_by_role("button", name="Move “Why partners win” down")).to_be_focused()
    page.reload()
    expect(lesson_titles(page)).to_have_text(["Why partners win", "Product tour"])

    # The learner's view, read-only.
    page.get_by_role("link", name="Preview as a learner").click()
    expect(page.get_by_test_id("preview-banner")).to_contain_text("Nothing you do here is recorded")
    expect(page.get_by_test_id("lesson-text").locator("strong")).to_have_text("know")
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_test_id("lesson-video").locator("iframe")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    page.get_by_role("link", name="Back to the editor").click()

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_test_id("course-state")).to_have_text(re.compile(r"Published: version 1"))
    expect(page.get_by_role("button", name="Edit course")).to_be_visible()

    # Editing the published course opens a version 2 draft; version 1 stays what learners take.
    page.get_by_role("button", name="Edit course").click()
    state = page.get_by_test_id("course-state")
    expect(state).to_contain_text("Published: version 1")
    expect(state).to_contain_text("Draft: version 2")
    expect(page.get_by_test_id("course-versions")).to_contain_text("Version 2")
    expect(lesson_titles(page)).to_have_text(["Why partners win", "Product tour"])

    with tenant_context(tenant):
        versions = dict(CourseVersion.objects.values_list("number", "status"))
        keys = {
            number: list(
                Lesson.objects.filter(module__version__number=number).order_by("position").values_list("key", flat=True)
            )
            for number in versions
        }
    assert versions == {1: CourseVersionStatus.PUBLISHED, 2: CourseVersionStatus.DRAFT}
    assert keys[1] == keys[2]
