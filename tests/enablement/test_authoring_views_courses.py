"""The authoring pages as authors use them: the course list, creating a course, the editor with its lessons,
drag-and-drop and keyboard reordering (HTMX), publishing and editing into a new version, the learner-view preview;
refusals that name the field and store nothing; who may open them; constant query counts."""

import re

import pytest
from django.urls import reverse

from enablement.models import Course, CourseVersionStatus, Lesson, LessonFile, LessonProgress
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.authoring_factories import (
    PNG,
    add_file,
    add_text,
    add_video,
    author_of,
    draft_course,
    first_module_of,
    published_course,
    upload,
)
from tests.enablement.factories import EnrollmentFactory
from tests.factories import StaffFactory, TenantFactory
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(tenant):
    return author_of(tenant, role=Role.MARKETING, user__first_name="Ada", user__last_name="Author")


@pytest.fixture
def client_as(client):
    return lambda membership: login(client, membership)


def url(name, *args):
    return reverse(name, args=["acme", *args])


def lesson_titles(course, version_number=None):
    with tenant_context(course.tenant):
        lessons = Lesson.objects.filter(module__version__course=course)
        if version_number:
            lessons = lessons.filter(module__version__number=version_number)
        return list(lessons.order_by("module__position", "position").values_list("title", flat=True))


def test_the_course_list_shows_drafts_and_published_courses_with_versions_and_enrolled_counts(
    client_as, tenant, author, partner_admin
):
    published = published_course(author, title="Firewall essentials")
    draft_course(author, title="SD-WAN for sellers")
    with tenant_context(tenant):
        version = published.current_version
    EnrollmentFactory(tenant=tenant, course=published, course_version=version, membership=partner_admin)
    response = client_as(author).get(url("authoring_courses"))
    assert response.status_code == 200
    rows = {row.split("</td>")[0]: row for row in response.content.decode().split('<td><a href="')[1:]}
    firewall = next(row for key, row in rows.items() if "Firewall essentials" in key)
    sdwan = next(row for key, row in rows.items() if "SD-WAN for sellers" in key)
    assert "v1" in firewall and '<td class="text-end">1</td>' in firewall
    assert "v1 draft" in sdwan and "Not yet" in sdwan


def test_an_author_creates_a_course_and_lands_in_its_editor(client_as, tenant, author):
    response = client_as(author).post(
        url("authoring_course_create"),
        {
            "title": "Zero trust for partners",
            "summary": "What to tell customers.",
            "estimated_minutes": "45",
            "passing_grade": "70",
            "audience_partner_types": ["system_integrator"],
            "audience_roles": ["partner_sales"],
            "audience_regions": "EMEA",
        },
    )
    with tenant_context(tenant):
        course = Course.objects.get()
        version = course.versions.get()
    assert response.status_code == 302 and response.url == url("authoring_course", course.pk)
    assert (version.passing_grade, version.estimated_minutes) == (70, 45)
    assert course.audience_partner_types == ["system_integrator"] and course.audience_regions == ["EMEA"]
    page = client_as(author).get(response.url).content.decode()
    assert "Draft: version 1" in page and "Module 1" in page


def test_a_course_without_a_title_is_refused_on_the_title_field(client_as, tenant, author):
    response = client_as(author).post(url("authoring_course_create"), {"title": " ", "passing_grade": "200"})
    assert response.status_code == 400
    assert 'id="id_title-error"' in response.content.decode()
    with tenant_context(tenant):
        assert not Course.objects.exists()


def test_a_text_lesson_with_a_script_is_refused_on_the_text_field_and_not_stored(client_as, tenant, author):
    course = draft_course(author)
    module = first_module_of(course)
    add_url = url("authoring_lesson_add", course.pk, module.pk, "text")
    response = client_as(author).post(add_url, {"title": "Welcome", "body": "Hi <script>alert(1)</script>"})
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r'id="id_body-error">Lessons cannot run scripts', body)
    response = client_as(author).post(add_url, {"title": "Welcome", "body": "[Win a prize](javascript:alert(1))"})
    assert response.status_code == 400 and "could run code in the learner" in response.content.decode()
    assert lesson_titles(course) == []


def test_a_file_lesson_with_a_wrongly_typed_or_oversized_file_is_refused_and_nothing_is_stored(
    client_as, tenant, author, settings
):
    course = draft_course(author)
    module = first_module_of(course)
    add_url = url("authoring_lesson_add", course.pk, module.pk, "file")
    response = client_as(author).post(add_url, {"title": "Price list", "file": upload("prices.pdf", PNG)})
    assert response.status_code == 400
    assert re.search(r'id="id_file-error">The file&#x27;s content is not what its name says', response.content.decode())
    settings.ENABLEMENT_FILE_MAX_BYTES = 10
    response = client_as(author).post(add_url, {"title": "Price list", "file": upload("card.png", PNG)})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    with tenant_context(tenant):
        assert not LessonFile.objects.exists() and not Lesson.objects.exists()


def test_a_video_from_a_host_not_allowed_is_refused_on_the_address(client_as, author):
    course = draft_course(author)
    module = first_module_of(course)
    response = client_as(author).post(
        url("authoring_lesson_add", course.pk, module.pk, "video"),
        {"title": "Tour", "video_url": "https://videos.evil.example/tour"},
    )
    assert response.status_code == 400
    assert re.search(r'id="id_video_url-error">Videos can come from', response.content.decode())


def test_lessons_reordered_by_drag_and_drop_answer_htmx_with_the_list_in_its_new_order(client_as, author):
    course = draft_course(author)
    module = first_module_of(course)
    first, second = add_text(author, module, title="First"), add_video(author, module, title="Second")
    response = client_as(author).post(
        url("authoring_lessons_order", course.pk, module.pk),
        {"lesson": [second.pk, first.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="course-modules"') and "<html" not in html
    assert html.index(">Second<") < html.index(">First<")
    assert lesson_titles(course) == ["Second", "First"]


def test_the_keyboard_fallback_moves_a_lesson_with_or_without_a_script(client_as, author):
    course = draft_course(author)
    module = first_module_of(course)
    add_text(author, module, title="First")
    second = add_text(author, module, title="Second")
    move = url("authoring_lesson_move", course.pk, second.pk)
    response = client_as(author).post(move, {"direction": "up"})
    assert response.status_code == 302 and response.url.endswith("#course-modules")
    assert lesson_titles(course) == ["Second", "First"]
    response = client_as(author).post(move, {"direction": "down"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and lesson_titles(course) == ["First", "Second"]
    # The moved lesson's button keeps the focus for the next key press (it is last now: "up").
    assert re.search(r'aria-label="Move “Second” up"', response.content.decode())
    assert "autofocus" in response.content.decode()


def test_publishing_then_editing_opens_a_version_two_draft_while_version_one_stays_published(client_as, tenant, author):
    course = draft_course(author, title="Firewall essentials")
    add_text(author, first_module_of(course), title="Why partners win")
    client = client_as(author)
    response = client.post(url("authoring_course_publish", course.pk))
    assert response.status_code == 302
    page = client.get(url("authoring_course", course.pk)).content.decode()
    assert "Published: version 1" in page and "Draft:" not in page and "Edit course" in page
    client.post(url("authoring_course_draft", course.pk))
    page = client.get(url("authoring_course", course.pk)).content.decode()
    assert "Published: version 1" in page and "Draft: version 2" in page and "Publish version 2" in page
    with tenant_context(tenant):
        statuses = dict(course.versions.values_list("number", "status"))
    assert statuses == {1: CourseVersionStatus.PUBLISHED, 2: CourseVersionStatus.DRAFT}


def test_publishing_an_empty_draft_says_why_it_was_refused(client_as, author):
    course = draft_course(author)
    response = client_as(author).post(url("authoring_course_publish", course.pk), follow=True)
    assert "Add at least one lesson before publishing the course." in response.content.decode()


def test_the_preview_shows_each_kind_of_lesson_as_a_learner_would_and_records_nothing(client_as, tenant, author):
    course = draft_course(author)
    module = first_module_of(course)
    text = add_text(author, module, title="Why", body="Partners **win**.")
    video = add_video(author, module, title="Tour")
    document = add_file(author, module, title="Battle card")
    client = client_as(author)
    page = client.get(url("authoring_course_preview", course.pk)).content.decode()
    assert "Nothing you do here is recorded" in page and "<strong>win</strong>" in page
    assert 'href="{}"'.format(url("authoring_lesson_preview", course.pk, video.pk)) in page
    page = client.get(url("authoring_lesson_preview", course.pk, video.pk)).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in page
    page = client.get(url("authoring_lesson_preview", course.pk, document.pk)).content.decode()
    assert url("lesson_file_download", document.pk) in page
    assert text.pk
    with tenant_context(tenant):
        assert not LessonProgress.objects.exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ANALYST])
def test_staff_who_do_not_write_courses_get_404(client_as, tenant, author, role):
    course = draft_course(author)
    client = client_as(StaffFactory(tenant=tenant, role=role))
    assert client.get(url("authoring_courses")).status_code == 404
    assert client.get(url("authoring_course", course.pk)).status_code == 404


def test_partners_and_other_tenants_get_404(client_as, tenant, author, partner_admin):
    course = draft_course(author)
    assert client_as(partner_admin).get(url("authoring_course", course.pk)).status_code == 404
    other = TenantFactory(slug="globex")
    stranger = author_of(other)
    client = client_as(stranger)
    assert client.get(reverse("authoring_course", args=["globex", course.pk])).status_code == 404
    assert client.get(url("authoring_course", course.pk)).status_code == 404


def test_a_lesson_of_another_course_is_not_found_under_this_course(client_as, author):
    course = draft_course(author)
    other = draft_course(author, title="Other")
    lesson = add_text(author, first_module_of(other))
    assert client_as(author).get(url("authoring_lesson", course.pk, lesson.pk)).status_code == 404


def test_the_course_list_runs_a_fixed_number_of_queries(client_as, tenant, author, partner_admin):
    def grow(count, start):
        for n in range(start, start + count):
            course = published_course(author, title=f"Course {n}", lessons=(f"Lesson {n}",))
            with tenant_context(tenant):
                version = course.current_version
            EnrollmentFactory(tenant=tenant, course=course, course_version=version, membership=partner_admin)
            draft_course(author, title=f"Draft {n}")

    client = client_as(author)
    grow(1, 0)
    before = queries_for(client, url("authoring_courses"))
    grow(4, 1)
    assert queries_for(client, url("authoring_courses")) == before


def test_the_course_editor_runs_a_fixed_number_of_queries(client_as, tenant, author):
    from enablement.services import authoring

    client = client_as(author)
    course = draft_course(author)
    module = first_module_of(course)
    add_text(author, module, title="First")
    before = queries_for(client, url("authoring_course", course.pk))
    for n in range(3):
        add_video(author, module, title=f"Video {n}")
        add_file(author, module, title=f"File {n}")
    with tenant_context(tenant):
        more = authoring.module_add(actor=author, course=course, title="More")
    add_text(author, more, title="Last")
    assert queries_for(client, url("authoring_course", course.pk)) == before
