"""Writing courses (enablement.services.authoring): drafts, publishing, versions that learners keep, modules and
lessons, ordering, and refusals that name the field and store nothing."""

import pytest

from enablement.models import (
    CourseModule,
    CourseVersion,
    CourseVersionStatus,
    Enrollment,
    Lesson,
    LessonKind,
    Quiz,
)
from enablement.services import authoring
from enablement.services.authoring import CourseDetails, LessonInput
from partners.models import CustomPartnerType, PartnerType
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.enablement.authoring_factories import (
    add_text,
    add_video,
    author_of,
    draft_course,
    first_module_of,
    published_course,
)
from tests.enablement.factories import EnrollmentFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant():
    return TenantFactory(slug="academy", name="Academy Networks")


@pytest.fixture
def author(tenant):
    return author_of(tenant)


def versions_of(course):
    with tenant_context(course.tenant):
        return list(CourseVersion.objects.filter(course=course).order_by("number"))


def lessons_of(version):
    with tenant_context(version.tenant):
        return list(Lesson.objects.filter(module__version=version).order_by("module__position", "position"))


def test_a_new_course_is_draft_version_one_with_a_first_module_and_its_audience(tenant, author):
    with tenant_context(tenant):
        CustomPartnerType.objects.create(key="oem", label="OEM")
    course = draft_course(
        author,
        title="  Selling the firewall ",
        partner_types=[PartnerType.SYSTEM_INTEGRATOR, "oem"],
        roles=[Role.PARTNER_SALES],
        regions="EMEA, APAC, EMEA",
        tiers=["Gold"],
    )
    [version] = versions_of(course)
    assert (version.number, version.status, version.title) == (1, CourseVersionStatus.DRAFT, "Selling the firewall")
    assert course.current_version_id is None
    assert course.audience_partner_types == ["system_integrator", "oem"]
    assert course.audience_roles == ["partner_sales"]
    assert course.audience_regions == ["EMEA", "APAC"]
    with tenant_context(tenant):
        assert CourseModule.objects.filter(version=version).count() == 1


def test_an_audience_region_is_spelled_like_the_partners_region(tenant, author):
    PartnerOrganizationFactory(tenant=tenant, region="EMEA")
    course = draft_course(author, regions="emea")
    assert course.audience_regions == ["EMEA"]


@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({"partner_types": ["banana"]}, "audience_partner_types"),
        ({"roles": [Role.TENANT_ADMIN]}, "audience_roles"),
        ({"regions": ["x" * 40]}, "audience_regions"),
    ],
)
def test_an_unknown_audience_code_is_refused_on_its_field_and_no_course_is_made(tenant, author, audience, field):
    with pytest.raises(ValidationFailed) as refused:
        draft_course(author, **audience)
    assert refused.value.field == field
    with tenant_context(tenant):
        assert not CourseVersion.objects.exists()


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "Ok", "passing_grade": 101}, "passing_grade"),
        ({"title": "Ok", "estimated_minutes": 0}, "estimated_minutes"),
    ],
)
def test_course_details_are_checked(tenant, author, details, field):
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        authoring.course_create(actor=author, details=CourseDetails(**details))
    assert refused.value.field == field


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ANALYST])
def test_staff_who_do_not_write_courses_are_refused(tenant, role):
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        authoring.course_create(actor=StaffFactory(tenant=tenant, role=role), details=CourseDetails(title="Nope"))


def test_a_partner_user_cannot_write_courses(tenant):
    partner = PartnerOrganizationFactory(tenant=tenant)
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        authoring.course_create(
            actor=PartnerUserFactory(tenant=tenant, partner_organization=partner), details=CourseDetails(title="No")
        )


def test_publishing_makes_the_draft_current_and_records_course_published(tenant, author):
    course = published_course(author)
    [version] = versions_of(course)
    assert version.status == CourseVersionStatus.PUBLISHED and version.published_by == author.user
    assert course.current_version_id == version.pk
    with tenant_context(tenant):
        [event] = Event.objects.filter(type="course.published")
    assert event.payload == {
        "course_id": course.pk,
        "course_version": 1,
        "title": course.title,
        "previous_version": None,
    }


def test_a_draft_without_lessons_cannot_be_published(tenant, author):
    course = draft_course(author)
    with tenant_context(tenant), pytest.raises(ValidationFailed, match="at least one lesson"):
        authoring.course_publish(actor=author, course=course)
    assert versions_of(course)[0].status == CourseVersionStatus.DRAFT


def test_editing_a_published_course_copies_it_into_a_new_draft_keeping_each_lessons_key(tenant, author):
    course = published_course(author, lessons=("One", "Two"))
    v1 = versions_of(course)[0]
    with tenant_context(tenant):
        draft = authoring.course_draft_create(actor=author, course=course)
        # A second click continues the same draft.
        assert authoring.course_draft_create(actor=author, course=course).pk == draft.pk
    assert (draft.number, draft.status, draft.title) == (2, CourseVersionStatus.DRAFT, v1.title)
    old, new = lessons_of(v1), lessons_of(draft)
    assert [(lesson.key, lesson.title, lesson.body_html) for lesson in old] == [
        (lesson.key, lesson.title, lesson.body_html) for lesson in new
    ]
    assert {lesson.pk for lesson in old}.isdisjoint({lesson.pk for lesson in new})


def test_a_learner_in_progress_keeps_version_one_when_version_two_is_published(tenant, author):
    course = published_course(author, lessons=("One", "Two"))
    v1 = versions_of(course)[0]
    partner = PartnerOrganizationFactory(tenant=tenant)
    learner = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    enrollment = EnrollmentFactory(tenant=tenant, course=course, course_version=v1, membership=learner)
    assert enrollment.course_version_id == v1.pk
    with tenant_context(tenant):
        draft = authoring.course_draft_create(actor=author, course=course)
        changed = lessons_of(draft)[0]
        authoring.lesson_update(actor=author, lesson=changed, data=LessonInput(title="One, revised", body="New text"))
        authoring.course_publish(actor=author, course=course)
        course.refresh_from_db()
        enrollment = Enrollment.objects.get(pk=enrollment.pk)
        v1.refresh_from_db()
    assert course.current_version_id == draft.pk
    assert v1.status == CourseVersionStatus.RETIRED
    assert enrollment.course_version_id == v1.pk
    assert [lesson.title for lesson in lessons_of(v1)] == ["One", "Two"]
    assert [lesson.title for lesson in lessons_of(draft)] == ["One, revised", "Two"]


def test_the_published_version_is_never_edited(tenant, author):
    course = published_course(author)
    lesson = lessons_of(versions_of(course)[0])[0]
    with tenant_context(tenant):
        with pytest.raises(InvalidTransition):
            authoring.lesson_update(actor=author, lesson=lesson, data=LessonInput(title="Sneaky", body="x"))
        with pytest.raises(InvalidTransition):
            authoring.module_add(actor=author, course=course, title="Another module")
        # With a draft open, the published version's rows are still refused.
        authoring.course_draft_create(actor=author, course=course)
        with pytest.raises(InvalidTransition):
            authoring.lesson_delete(actor=author, lesson=lesson)
    assert lessons_of(versions_of(course)[0])[0].title == lesson.title


def test_a_draft_can_be_discarded_but_not_a_course_only_version(tenant, author):
    course = published_course(author)
    with tenant_context(tenant):
        authoring.course_draft_create(actor=author, course=course)
        authoring.course_draft_discard(actor=author, course=course)
    assert [v.status for v in versions_of(course)] == [CourseVersionStatus.PUBLISHED]
    fresh_course = draft_course(author, title="Never published")
    with tenant_context(tenant), pytest.raises(InvalidTransition):
        authoring.course_draft_discard(actor=author, course=fresh_course)


def test_lessons_are_reordered_by_a_full_order_or_one_step_at_a_time(tenant, author):
    course = draft_course(author)
    module = first_module_of(course)
    first, second, third = (add_text(author, module, title=t) for t in ("A", "B", "C"))
    with tenant_context(tenant):
        authoring.lessons_reorder(actor=author, module=module, lesson_ids=[str(third.pk), str(first.pk), second.pk])
        assert [lesson.title for lesson in lessons_of(module.version)] == ["C", "A", "B"]
        authoring.lesson_move(actor=author, lesson=Lesson.objects.get(pk=second.pk), direction="up")
        assert [lesson.title for lesson in lessons_of(module.version)] == ["C", "B", "A"]
        # The first stays first when moved up.
        authoring.lesson_move(actor=author, lesson=Lesson.objects.get(pk=third.pk), direction="up")
        assert [lesson.title for lesson in lessons_of(module.version)] == ["C", "B", "A"]


@pytest.mark.parametrize("ids", ["none", "not-a-number", "missing-one", "foreign"])
def test_an_order_that_does_not_name_each_lesson_once_is_refused(tenant, author, ids):
    course = draft_course(author)
    module = first_module_of(course)
    lessons = [add_text(author, module, title=t) for t in ("A", "B")]
    other = add_text(author, first_module_of(draft_course(author, title="Other")), title="Elsewhere")
    ids = {
        "none": [],
        "not-a-number": ["first", "second"],
        "missing-one": [lessons[0].pk],
        "foreign": [lessons[0].pk, other.pk],
    }[ids]
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        authoring.lessons_reorder(actor=author, module=module, lesson_ids=ids)
    assert refused.value.field == "lesson"
    assert [lesson.title for lesson in lessons_of(module.version)] == ["A", "B"]


def test_modules_are_reordered_and_a_lesson_can_move_to_another_module(tenant, author):
    course = draft_course(author)
    first = first_module_of(course)
    with tenant_context(tenant):
        second = authoring.module_add(actor=author, course=course, title="Objections")
        authoring.modules_reorder(actor=author, course=course, module_ids=[second.pk, first.pk])
        assert list(CourseModule.objects.filter(version=first.version).values_list("title", flat=True)) == [
            "Objections",
            "Module 1",
        ]
    lesson = add_text(author, first)
    with tenant_context(tenant):
        authoring.lesson_update(actor=author, lesson=lesson, data=LessonInput(title="Moved", body="x"), module=second)
        assert Lesson.objects.get(pk=lesson.pk).module_id == second.pk


def test_a_text_lesson_stores_its_markdown_rendered_and_sanitised(tenant, author):
    lesson = add_text(author, first_module_of(draft_course(author)), body="Read **this** [guide](https://x.example)")
    assert lesson.body_html == (
        '<p>Read <strong>this</strong> <a href="https://x.example" rel="noopener noreferrer nofollow">guide</a></p>\n'
    )


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (LessonKind.TEXT, {"body": "Hi <script>alert(1)</script>"}, "body"),
        (LessonKind.TEXT, {"body": "[Click](javascript:alert(document.cookie))"}, "body"),
        (LessonKind.TEXT, {"body": ""}, "body"),
        (LessonKind.VIDEO, {"video_url": "https://evil.example/watch?v=dQw4w9WgXcQ"}, "video_url"),
        (LessonKind.VIDEO, {"video_url": "javascript:alert(1)"}, "video_url"),
        (LessonKind.FILE, {}, "file"),
        (LessonKind.TEXT, {"body": "ok", "title": ""}, "title"),
    ],
)
def test_bad_lesson_content_is_refused_on_its_field_and_nothing_is_stored(tenant, author, kind, fields, field):
    module = first_module_of(draft_course(author))
    data = LessonInput(**{"title": "A lesson", **fields})
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        authoring.lesson_create(actor=author, module=module, kind=kind, data=data)
    assert refused.value.field == field
    with tenant_context(tenant):
        assert not Lesson.objects.exists()


def test_a_video_lesson_keeps_the_players_address(tenant, author):
    lesson = add_video(author, first_module_of(draft_course(author)), url="https://youtu.be/dQw4w9WgXcQ?t=42")
    assert lesson.video_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42"


def test_a_quiz_lesson_gets_its_own_quiz_and_keeps_it_in_the_next_version(tenant, author):
    course = draft_course(author)
    module = first_module_of(course)
    with tenant_context(tenant):
        lesson = authoring.lesson_create(
            actor=author, module=module, kind=LessonKind.QUIZ, data=LessonInput(title="Check", quiz_title="Check quiz")
        )
        assert Quiz.objects.get(pk=lesson.quiz_id).title == "Check quiz"
        authoring.course_publish(actor=author, course=course)
        course.refresh_from_db()
        draft = authoring.course_draft_create(actor=author, course=course)
    assert lessons_of(draft)[0].quiz_id == lesson.quiz_id


def test_a_scorm_lesson_needs_an_imported_package(tenant, author):
    module = first_module_of(draft_course(author))
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        authoring.lesson_create(actor=author, module=module, kind=LessonKind.SCORM, data=LessonInput(title="Pkg"))
    assert refused.value.field == "scorm_package"


def test_another_tenants_author_cannot_touch_the_course(tenant, author):
    course = draft_course(author)
    stranger = author_of(TenantFactory(slug="elsewhere"))
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        authoring.module_add(actor=stranger, course=course, title="Mine now")
