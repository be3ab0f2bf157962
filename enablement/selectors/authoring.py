"""Reads of the authoring pages: the staff course list, a course's version being edited with its modules and
lessons, enrollment rules and learning paths. Every read is of the current tenant (its manager and row-level
security) and runs a fixed number of queries whatever the number of courses, modules or lessons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from enablement.models import (
    Course,
    CourseModule,
    CourseVersion,
    CourseVersionStatus,
    Enrollment,
    EnrollmentRule,
    EnrollmentStatus,
    LearningPath,
    LearningPathCourse,
    Lesson,
)
from partners.selectors import partner_queryset

# A program has a handful of tiers and regions; more than this is free text nobody reads in a hint.
MAX_SUGGESTED = 50


def _count(queryset) -> Coalesce:
    return Coalesce(Subquery(queryset.values("n"), output_field=IntegerField()), 0)


def courses_for_authoring(*, search: str = "", show_archived: bool = False) -> QuerySet[Course]:
    """Every course with its published version, its draft's number and how many people are enrolled (not withdrawn),
    in one query."""
    drafts = CourseVersion.objects.filter(course=OuterRef("pk"), status=CourseVersionStatus.DRAFT)
    enrolled = (
        Enrollment.objects.filter(course=OuterRef("pk"))
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .order_by()
        .values("course")
        .annotate(n=Count("id"))
    )
    queryset = (
        Course.objects.select_related("current_version")
        .annotate(
            draft_number=Subquery(drafts.values("number")[:1]),
            draft_title=Subquery(drafts.values("title")[:1]),
            enrolled_count=_count(enrolled),
        )
        .order_by("title", "id")
    )
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(versions__title__icontains=search)).distinct()
    if not show_archived:
        queryset = queryset.filter(archived=False)
    return queryset


def course_get(*, course_id: int) -> Course | None:
    return Course.objects.select_related("current_version").filter(pk=course_id).first()


def course_choices() -> QuerySet[Course]:
    """Courses an enrollment rule or a learning path may name: the tenant's courses that are not archived."""
    return Course.objects.filter(archived=False).order_by("title", "id")


def _lessons() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("file", "quiz", "scorm_package").order_by("position", "id")


def version_with_content(*, version_id: int) -> CourseVersion | None:
    """A version with its modules and their lessons (the lessons' file, quiz and package joined): three queries."""
    modules = CourseModule.objects.order_by("position", "id").prefetch_related(Prefetch("lessons", queryset=_lessons()))
    return (
        CourseVersion.objects.select_related("course", "published_by")
        .prefetch_related(Prefetch("modules", queryset=modules))
        .filter(pk=version_id)
        .first()
    )


@dataclass(frozen=True)
class CourseEditor:
    course: Course
    # The version the editor shows: the draft when there is one, else the published one (read-only).
    version: CourseVersion | None
    versions: list[CourseVersion]

    @property
    def editable(self) -> bool:
        return self.version is not None and self.version.status == CourseVersionStatus.DRAFT

    @property
    def draft(self) -> CourseVersion | None:
        return next((v for v in self.versions if v.status == CourseVersionStatus.DRAFT), None)


def course_editor(*, course: Course) -> CourseEditor:
    """What the course editor shows: every version (newest first), and the draft — or, without one, the published
    version — with its modules and lessons."""
    versions = list(CourseVersion.objects.filter(course=course).select_related("published_by").order_by("-number"))
    shown = next((v for v in versions if v.status == CourseVersionStatus.DRAFT), None)
    shown_id = shown.pk if shown else course.current_version_id
    version = version_with_content(version_id=shown_id) if shown_id else None
    return CourseEditor(course=course, version=version, versions=versions)


def editable_version(*, course: Course) -> CourseVersion | None:
    """The course's draft, or None."""
    return CourseVersion.objects.filter(course=course, status=CourseVersionStatus.DRAFT).first()


def module_get(*, course: Course, module_id: int) -> CourseModule | None:
    return CourseModule.objects.select_related("version").filter(pk=module_id, version__course=course).first()


def lesson_get(*, course: Course, lesson_id: int) -> Lesson | None:
    return (
        Lesson.objects.select_related("module__version", "file", "quiz", "scorm_package")
        .filter(pk=lesson_id, module__version__course=course)
        .first()
    )


def lesson_for_download(*, lesson_id: int) -> Lesson | None:
    """A file lesson with its file and version (for `lesson_file_download`)."""
    return (
        Lesson.objects.select_related("file", "module__version__course")
        .filter(pk=lesson_id, file__isnull=False)
        .first()
    )


def is_enrolled_in_version(*, user_id: int, version_id: int) -> bool:
    """Whether a person takes (or took) this course version: enrolled in it and not withdrawn."""
    return (
        Enrollment.objects.filter(user_id=user_id, course_version_id=version_id)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .exists()
    )


def audience_values() -> dict[str, list[str]]:
    """The tiers and regions partners have today, to suggest (and to spell) a course's or path's audience."""
    partners = partner_queryset()

    def distinct(field):
        values = partners.exclude(**{field: ""}).order_by(field).values_list(field, flat=True).distinct()
        return list(values[:MAX_SUGGESTED])

    return {"tiers": distinct("tier"), "regions": distinct("region")}


def enrollment_rules() -> QuerySet[EnrollmentRule]:
    return EnrollmentRule.objects.select_related("course", "course__current_version").order_by("course__title", "id")


def enrollment_rule_get(*, rule_id: int) -> EnrollmentRule | None:
    return enrollment_rules().filter(pk=rule_id).first()


def learning_paths() -> QuerySet[LearningPath]:
    steps = LearningPathCourse.objects.filter(path=OuterRef("pk")).order_by().values("path").annotate(n=Count("id"))
    return LearningPath.objects.annotate(course_count=_count(steps)).order_by("title", "id")


def learning_path_get(*, path_id: int) -> LearningPath | None:
    steps = LearningPathCourse.objects.select_related("course", "course__current_version").order_by("position", "id")
    return LearningPath.objects.prefetch_related(Prefetch("steps", queryset=steps)).filter(pk=path_id).first()


def learning_path_step_get(*, path: LearningPath, step_id: int) -> LearningPathCourse | None:
    return LearningPathCourse.objects.filter(path=path, pk=step_id).first()
