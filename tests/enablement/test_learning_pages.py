"""The learner's pages: enrolling from the catalogue, a course's outline with each lesson's status, a lesson marked
done, previous/next, resume from "My learning", completing the course, taking it again; someone else's enrollment
is a 404 (another person, another organization, another tenant)."""

import pytest
from django.core.files.base import ContentFile

from enablement.models import EnrollmentStatus, LessonFile, LessonKind
from enablement.services.enrollments import enrollment_self_enroll
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.factories import LessonFactory, QuizFactory
from tests.enablement.learning_support import enrollments_of, events_of, make_program, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program()


def enroll(program, member=None, course=None):
    with tenant_context(program.tenant):
        return enrollment_self_enroll(actor=member or program.seller, course=course or program.everyone)


def test_a_partner_enrolls_from_the_catalogue_and_lands_on_the_course(client, program):
    login(client, program.seller)
    page = client.get(url("learning_catalogue", program.tenant)).content.decode()
    assert "Platform fundamentals" in page and "Enroll" in page
    response = client.post(url("learning_enroll", program.tenant, program.everyone.pk))
    [enrollment] = enrollments_of(program.tenant, program.seller.user)
    assert response.status_code == 302 and response.url == url("learning_course", program.tenant, enrollment.pk)
    page = client.get(response.url).content.decode()
    assert "Why partners win" in page and "Pricing basics" in page and "Start" in page
    # The catalogue now shows the learner's status and a way back in.
    page = client.get(url("learning_catalogue", program.tenant)).content.decode()
    assert 'data-testid="my-status"' in page and "Continue" in page


def test_the_catalogue_search_narrows_the_courses_and_answers_htmx_with_the_results_alone(client, program):
    login(client, program.isv_admin)
    response = client.get(url("learning_catalogue", program.tenant), {"q": "isv api"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Building on the ISV API" in page and "Platform fundamentals" not in page
    assert "<html" not in page


def test_a_lesson_marked_done_moves_on_and_the_course_completes_with_the_last_one(client, program):
    enrollment = enroll(program)
    login(client, program.seller)
    first, second, third = program.lessons
    page = client.get(url("learning_lesson", program.tenant, enrollment.pk, first.pk)).content.decode()
    assert "Because they <strong>know</strong> the product." in page
    assert "Lesson 1 of 3" in page and "Mark as done" in page and 'rel="next"' in page and 'rel="prev"' not in page
    response = client.post(url("learning_lesson", program.tenant, enrollment.pk, first.pk))
    assert response.url == url("learning_lesson", program.tenant, enrollment.pk, second.pk)
    page = client.get(url("learning_course", program.tenant, enrollment.pk)).content.decode()
    assert page.count('data-lesson-status="completed"') == 1 and 'data-percent="33"' in page
    for lesson in (second, third):
        response = client.post(url("learning_lesson", program.tenant, enrollment.pk, lesson.pk))
    assert response.url == url("learning_course", program.tenant, enrollment.pk)
    [done] = enrollments_of(program.tenant, program.seller.user)
    assert done.status == EnrollmentStatus.COMPLETED
    assert len(events_of(program.tenant, "course.completed")) == 1
    page = client.get(response.url).content.decode()
    assert 'data-testid="course-completed"' in page and "Take again" in page


def test_my_learning_resumes_at_the_last_lesson_opened(client, program):
    enrollment = enroll(program)
    login(client, program.seller)
    client.get(url("learning_lesson", program.tenant, enrollment.pk, program.lessons[1].pk))
    page = client.get(url("learning_home", program.tenant)).content.decode()
    resume = url("learning_lesson", program.tenant, enrollment.pk, program.lessons[1].pk)
    assert 'data-testid="in-progress"' in page and f'href="{resume}" data-testid="resume"' in page


def test_taking_a_course_again_from_its_page(client, program):
    enrollment = enroll(program)
    login(client, program.seller)
    for lesson in program.lessons:
        client.post(url("learning_lesson", program.tenant, enrollment.pk, lesson.pk))
    response = client.post(url("learning_retake", program.tenant, enrollment.pk))
    first, second = enrollments_of(program.tenant, program.seller.user)
    assert response.url == url("learning_course", program.tenant, second.pk) and second.cycle == 2
    page = client.get(url("learning_home", program.tenant)).content.decode()
    assert "Not started" in page and "Completed" in page


def test_a_quiz_lesson_links_to_its_player_and_cannot_be_marked_done_here(client, program):
    quiz = LessonFactory(
        tenant=program.tenant, course=program.everyone, kind=LessonKind.QUIZ, quiz=QuizFactory(tenant=program.tenant)
    )
    enrollment = enroll(program)
    login(client, program.seller)
    page = client.get(url("learning_lesson", program.tenant, enrollment.pk, quiz.pk)).content.decode()
    assert "Mark as done" not in page
    client.post(url("learning_lesson", program.tenant, enrollment.pk, quiz.pk))
    with tenant_context(program.tenant):
        assert not enrollment.lesson_progress.filter(lesson=quiz, status="completed").exists()


def test_a_video_lesson_plays_only_from_an_allowed_host_in_a_sandboxed_frame(client, program):
    good = LessonFactory(
        tenant=program.tenant,
        course=program.everyone,
        kind=LessonKind.VIDEO,
        video_url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        body_html="",
    )
    bad = LessonFactory(
        tenant=program.tenant,
        course=program.everyone,
        kind=LessonKind.VIDEO,
        video_url="https://evil.example/embed/1",
        body_html="",
    )
    enrollment = enroll(program)
    login(client, program.seller)
    page = client.get(url("learning_lesson", program.tenant, enrollment.pk, good.pk)).content.decode()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page and "sandbox=" in page
    page = client.get(url("learning_lesson", program.tenant, enrollment.pk, bad.pk)).content.decode()
    assert "evil.example" not in page and "cannot be shown" in page


def test_a_file_lesson_is_downloaded_only_by_an_enrolled_learner(client, program):
    with tenant_context(program.tenant):
        stored = LessonFile(name="price-list.pdf", content_type="application/pdf", size=9)
        stored.file.save("learn-test-price-list.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        stored.save()
    lesson = LessonFactory(tenant=program.tenant, course=program.everyone, kind=LessonKind.FILE, file=stored)
    enrollment = enroll(program)
    login(client, program.seller)
    response = client.get(url("learning_lesson_file", program.tenant, enrollment.pk, lesson.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    # A text lesson has no file; a colleague cannot use my enrollment.
    assert (
        client.get(url("learning_lesson_file", program.tenant, enrollment.pk, program.lessons[0].pk)).status_code == 404
    )
    login(client, program.reseller_admin)
    assert client.get(url("learning_lesson_file", program.tenant, enrollment.pk, lesson.pk)).status_code == 404


def test_someone_elses_enrollment_is_a_404_for_a_colleague_another_organization_and_another_tenant(client, program):
    enrollment = enroll(program)
    other = make_program(slug="elsewhere")
    lesson = program.lessons[0]
    for who, tenant in (
        (program.reseller_admin, program.tenant),
        (program.isv_admin, program.tenant),
        (other.seller, other.tenant),
    ):
        login(client, who)
        assert client.get(url("learning_course", tenant, enrollment.pk)).status_code == 404
        assert client.get(url("learning_lesson", tenant, enrollment.pk, lesson.pk)).status_code == 404
        assert client.post(url("learning_lesson", tenant, enrollment.pk, lesson.pk)).status_code == 404
        assert client.post(url("learning_retake", tenant, enrollment.pk)).status_code == 404
    with tenant_context(program.tenant):
        assert not enrollment.lesson_progress.exists()


def test_a_lesson_of_another_course_is_a_404_within_my_enrollment(client, program):
    enrollment = enroll(program)
    stranger = LessonFactory(tenant=program.tenant, course=program.isv_only)
    login(client, program.seller)
    assert client.get(url("learning_lesson", program.tenant, enrollment.pk, stranger.pk)).status_code == 404


def test_staff_browse_the_catalogue_without_an_enroll_button(client, program):
    login(client, program.staff)
    page = client.get(url("learning_catalogue", program.tenant)).content.decode()
    assert "Building on the ISV API" in page and "Platform fundamentals" in page
    assert 'action="/t/learnco/learning/courses/' not in page
    assert client.get(url("learning_home", program.tenant)).status_code == 404


def test_the_paths_page_shows_progress_and_enrolls_in_the_courses_not_taken_yet(client, program):
    from enablement.models import LearningPath, LearningPathCourse
    from tests.enablement.learning_support import course

    second = course(program.tenant, title="Selling services")
    with tenant_context(program.tenant):
        path = LearningPath.objects.create(title="New seller", published=True)
        LearningPathCourse.objects.create(path=path, course=program.everyone, position=1)
        LearningPathCourse.objects.create(path=path, course=second, position=2)
        isv_path = LearningPath.objects.create(title="ISV builders", published=True, audience_partner_types=["isv"])
        LearningPathCourse.objects.create(path=isv_path, course=program.isv_only, position=1)
    enrollment = enroll(program)
    login(client, program.seller)
    for lesson in program.lessons:
        client.post(url("learning_lesson", program.tenant, enrollment.pk, lesson.pk))
    page = client.get(url("learning_paths", program.tenant)).content.decode()
    assert "New seller" in page and "ISV builders" not in page
    assert "1 of 2 courses" in page and "Enroll in the rest" in page
    response = client.post(url("learning_path_start", program.tenant, path.pk))
    assert response.status_code == 302
    assert [e.course_id for e in enrollments_of(program.tenant, program.seller.user)] == [
        program.everyone.pk,
        second.pk,
    ]
    page = client.get(url("learning_paths", program.tenant)).content.decode()
    assert "Enroll in the rest" not in page and "Start this path" not in page
    # A path not for me does not exist for me.
    assert client.post(url("learning_path_start", program.tenant, isv_path.pk)).status_code == 404


def test_a_search_with_a_nul_byte_is_answered_not_a_server_error(client, program):
    login(client, program.seller)
    response = client.get(url("learning_catalogue", program.tenant), {"q": "Platform\x00"})
    assert response.status_code == 200 and "Platform fundamentals" in response.content.decode()
