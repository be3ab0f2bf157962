"""A learner's progress through a course: the result of each lesson, and the course's completion.

Every kind of lesson ends here: a text, video or file lesson the learner marks done, a quiz attempt graded on the
server, a SCORM package's committed status. A course is completed when every required lesson is completed and the
weighted grade of its graded lessons (Lesson.weight × score) reaches the version's passing grade; completing it
records `course.completed` (once per enrollment), which onboarding steps and certifications wait for.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enablement.declarations import COURSE_COMPLETED
from enablement.models import (
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    LessonProgressStatus,
)
from prm.errors import ValidationFailed
from prm.events import record_event

GRADED_KINDS = ("quiz", "scorm")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CourseGrade:
    required_done: bool
    # The weighted score of the graded lessons that have one (None: the course has no graded lesson with a score).
    score: Decimal | None
    passed: bool


def _locked_enrollment(enrollment: Enrollment) -> Enrollment:
    # Two results at once (two tabs, a SCORM commit and a quiz) are recorded one after the other, so the course is
    # completed, and its event recorded, exactly once.
    return Enrollment.objects.select_for_update().select_related("course_version").get(pk=enrollment.pk)


def _check_lesson(enrollment: Enrollment, lesson: Lesson) -> None:
    if lesson.module.version_id != enrollment.course_version_id:
        raise ValidationFailed(_("This lesson is not part of the course version you are taking."), field="lesson")
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise ValidationFailed(_("This enrollment was withdrawn."), field="enrollment")


def lesson_start(*, enrollment: Enrollment, lesson: Lesson, at=None) -> LessonProgress:
    """The learner opened a lesson: where "Resume" will bring them; the enrollment is in progress from now."""
    at = at or timezone.now()
    with transaction.atomic():
        enrollment = _locked_enrollment(enrollment)
        _check_lesson(enrollment, lesson)
        progress, _created = LessonProgress.objects.get_or_create(
            enrollment=enrollment, lesson=lesson, defaults={"started_at": at}
        )
        _touch(enrollment, lesson, at)
        return progress


def lesson_result_record(
    *,
    enrollment: Enrollment,
    lesson: Lesson,
    completed: bool,
    passed: bool | None = None,
    score: Decimal | None = None,
    at=None,
) -> LessonProgress:
    """Record a lesson's result and complete the course when that was the last thing missing.

    `passed` is None for lessons without a pass mark; False marks a graded lesson not passed (yet). A lesson once
    completed stays completed and keeps its best score: a worse later attempt never takes progress away.
    """
    at = at or timezone.now()
    if score is not None and not (0 <= score <= HUNDRED):
        raise ValidationFailed(_("A score is a percentage between 0 and 100."), field="score")
    with transaction.atomic():
        enrollment = _locked_enrollment(enrollment)
        _check_lesson(enrollment, lesson)
        progress, _created = LessonProgress.objects.select_for_update().get_or_create(
            enrollment=enrollment, lesson=lesson, defaults={"started_at": at}
        )
        if score is not None and (progress.score is None or score > progress.score):
            progress.score = score
        if progress.status != LessonProgressStatus.COMPLETED:
            if completed and passed is not False:
                progress.status = LessonProgressStatus.COMPLETED
                progress.completed_at = at
            elif passed is False:
                progress.status = LessonProgressStatus.FAILED
        progress.save()
        # One write of the enrollment for both: where to resume, and the course's grade (or completion).
        _complete_if_done(enrollment, at, touched=_touch(enrollment, lesson, at, save=False))
        return progress


def _touch(enrollment: Enrollment, lesson: Lesson, at, *, save: bool = True) -> list[str]:
    """Set where "Resume" leads (and start the enrollment); returns the fields set, saved unless `save` is False."""
    fields = {"last_lesson": lesson}
    if enrollment.status == EnrollmentStatus.ENROLLED:
        fields.update(status=EnrollmentStatus.IN_PROGRESS, started_at=at)
    for name, value in fields.items():
        setattr(enrollment, name, value)
    if save:
        enrollment.save(update_fields=[*fields, "updated_at"])
    return list(fields)


def course_grade(enrollment: Enrollment) -> CourseGrade:
    """Where the enrollment stands against its version's rules (two queries)."""
    lessons = list(
        Lesson.objects.filter(module__version_id=enrollment.course_version_id).values_list(
            "id", "kind", "required", "weight"
        )
    )
    results = {
        lesson_id: (status, score)
        for lesson_id, status, score in LessonProgress.objects.filter(enrollment=enrollment)
        .values_list("lesson_id", "status", "score")
        .order_by()
    }
    required_done = all(
        results.get(lesson_id, ("", None))[0] == LessonProgressStatus.COMPLETED
        for lesson_id, _kind, required, _weight in lessons
        if required
    )
    graded = [
        (weight, results[lesson_id][1])
        for lesson_id, kind, _required, weight in lessons
        if kind in GRADED_KINDS and weight and results.get(lesson_id, ("", None))[1] is not None
    ]
    if not graded:
        return CourseGrade(required_done=required_done, score=None, passed=required_done)
    total_weight = sum(weight for weight, _s in graded)
    score = (sum(weight * score for weight, score in graded) / total_weight).quantize(Decimal("0.01"))
    passed = required_done and score >= enrollment.course_version.passing_grade
    return CourseGrade(required_done=required_done, score=score, passed=passed)


def _complete_if_done(enrollment: Enrollment, at, *, touched: list[str] = ()) -> None:
    """Grade the enrollment and complete it when it passes; `touched`: fields already set, saved with it."""
    if enrollment.status == EnrollmentStatus.COMPLETED:
        enrollment.save(update_fields=[*touched, "updated_at"])
        return
    grade = course_grade(enrollment)
    enrollment.score = grade.score
    if not grade.passed:
        enrollment.save(update_fields=[*dict.fromkeys([*touched, "score"]), "updated_at"])
        return
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.completed_at = at
    enrollment.save(update_fields=[*dict.fromkeys([*touched, "status", "completed_at", "score"]), "updated_at"])
    record_event(
        COURSE_COMPLETED,
        subject=enrollment,
        payload={
            "partner_organization_id": enrollment.partner_organization_id,
            "user_id": enrollment.user_id,
            "course_id": enrollment.course_id,
            "course_version": enrollment.course_version.number,
            "enrollment_id": enrollment.pk,
            "score": str(grade.score) if grade.score is not None else None,
        },
        actor=enrollment.user,
    )
