"""SCORM reads: packages for staff, a learner's own SCORM lesson and its items' attempts, files for delivery.
Every read is scoped to the current tenant (the managers), and a learner's reads to their own enrollment."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from enablement.models import (
    CourseModule,
    CourseVersionStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    ScormAttempt,
    ScormPackage,
    ScormSco,
)


def package_list() -> QuerySet[ScormPackage]:
    return ScormPackage.objects.annotate(item_count=Count("scos")).order_by("-created_at", "-id")


def package_get(*, package_id) -> ScormPackage | None:
    return ScormPackage.objects.filter(pk=package_id).prefetch_related("scos").first()


def package_for_delivery(*, package_id: int) -> ScormPackage | None:
    return ScormPackage.objects.filter(pk=package_id).only("id", "tenant_id", "storage_key", "scorm_version").first()


def scos_of(package: ScormPackage) -> list[ScormSco]:
    return list(ScormSco.objects.filter(package=package).order_by("position", "id"))


def draft_modules() -> QuerySet[CourseModule]:
    """Modules a package can be added to: those of draft course versions (published versions are not edited)."""
    return (
        CourseModule.objects.filter(version__status=CourseVersionStatus.DRAFT)
        .select_related("version__course")
        .order_by("version__course__title", "version__course_id", "position", "id")
    )


def draft_module_get(*, module_id) -> CourseModule | None:
    return draft_modules().filter(pk=module_id).first()


def learner_lesson(*, membership, enrollment_id, lesson_id) -> tuple[Enrollment, Lesson] | None:
    """The member's own enrollment and one of its SCORM lessons, or None: another learner's enrollment, a lesson
    of another course version, or a withdrawn enrollment is not there for them."""
    user = getattr(membership, "user", None)
    if user is None or membership.partner_organization_id is None:
        return None
    enrollment = (
        Enrollment.objects.filter(
            pk=enrollment_id, user=user, partner_organization_id=membership.partner_organization_id
        )
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("course", "course_version")
        .first()
    )
    if enrollment is None:
        return None
    lesson = (
        Lesson.objects.filter(pk=lesson_id, module__version_id=enrollment.course_version_id, kind=LessonKind.SCORM)
        .select_related("scorm_package", "module")
        .first()
    )
    return (enrollment, lesson) if lesson is not None else None


def attempts_of(*, enrollment: Enrollment, lesson: Lesson) -> dict[int, ScormAttempt]:
    """Each item's attempt in this enrollment, by item id (one query)."""
    return {a.sco_id: a for a in ScormAttempt.objects.filter(enrollment=enrollment, lesson=lesson).order_by("number")}
