"""Reads of learners' progress: my enrollments, one enrollment with its lessons' status, a partner's team, learning
paths with progress, the recommended next course, enrollment rules. Each is a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from enablement.models import (
    Course,
    Enrollment,
    EnrollmentRule,
    EnrollmentStatus,
    LearningPath,
    LearningPathCourse,
    Lesson,
    LessonProgress,
    LessonProgressStatus,
)
from enablement.selectors.catalogue import Audience, audience_q, courses_for

OPEN_STATUSES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS)


def _count(queryset, group: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        Value(0),
    )


def with_progress(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Enrollments with their version's lesson count, the lessons completed, and whether a later cycle exists."""
    lessons = Lesson.objects.filter(module__version_id=OuterRef("course_version_id"))
    done = LessonProgress.objects.filter(enrollment_id=OuterRef("pk"), status=LessonProgressStatus.COMPLETED)
    later = Enrollment.objects.filter(
        course_id=OuterRef("course_id"), user_id=OuterRef("user_id"), cycle__gt=OuterRef("cycle")
    )
    return queryset.annotate(
        lessons_total=_count(lessons, "module__version_id"),
        lessons_done=_count(done, "enrollment_id"),
        is_latest=~Exists(later),
    ).select_related("course", "course_version", "last_lesson")


def percent(enrollment) -> int:
    if enrollment.status == EnrollmentStatus.COMPLETED:
        return 100
    total = getattr(enrollment, "lessons_total", 0)
    return int(100 * enrollment.lessons_done / total) if total else 0


@dataclass
class MyLearning:
    in_progress: list = field(default_factory=list)
    assigned: list = field(default_factory=list)
    not_started: list = field(default_factory=list)
    completed: list = field(default_factory=list)


def my_learning(*, user) -> MyLearning:
    """A learner's enrollments in the current program, grouped for "My learning" (one query): in progress (last
    touched first), assigned and not started (soonest due first), self-enrolled not started, completed (latest
    first)."""
    rows = with_progress(Enrollment.objects.filter(user=user).exclude(status=EnrollmentStatus.WITHDRAWN))
    mine = MyLearning()
    today = timezone.localdate()
    for enrollment in rows.order_by("-updated_at", "-id"):
        enrollment.percent = percent(enrollment)
        enrollment.overdue = enrollment.is_open() and enrollment.due_on is not None and enrollment.due_on < today
        if enrollment.status == EnrollmentStatus.COMPLETED:
            mine.completed.append(enrollment)
        elif enrollment.status == EnrollmentStatus.IN_PROGRESS:
            mine.in_progress.append(enrollment)
        elif enrollment.due_on is not None:
            mine.assigned.append(enrollment)
        else:
            mine.not_started.append(enrollment)
    mine.assigned.sort(key=lambda e: (e.due_on, e.pk))
    mine.completed.sort(key=lambda e: (e.completed_at, e.pk), reverse=True)
    return mine


def enrollment_of_learner(*, enrollment_id: int, user) -> Enrollment | None:
    """The learner's own enrollment (None for anyone else's: a 404), with its course and version."""
    return (
        with_progress(Enrollment.objects.filter(pk=enrollment_id, user=user))
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .first()
    )


def lesson_statuses(enrollment: Enrollment) -> dict[int, LessonProgress]:
    """The enrollment's progress rows by lesson id (one query)."""
    return {row.lesson_id: row for row in LessonProgress.objects.filter(enrollment=enrollment)}


def lesson_of(enrollment: Enrollment, lesson_id: int) -> Lesson | None:
    """A lesson of the enrollment's version (None when the id names another version's or another tenant's)."""
    return (
        Lesson.objects.filter(pk=lesson_id, module__version_id=enrollment.course_version_id)
        .select_related("module", "file")
        .first()
    )


def lesson_sequence(enrollment: Enrollment) -> list[tuple[int, str, str]]:
    """(id, title, kind) of every lesson of the version, in the order a learner takes them (one query)."""
    return list(
        Lesson.objects.filter(module__version_id=enrollment.course_version_id)
        .order_by("module__position", "module_id", "position", "id")
        .values_list("pk", "title", "kind")
    )


def resume_lesson_id(enrollment: Enrollment, sequence, statuses) -> int | None:
    """Where "Resume" goes: the last lesson opened when it is not done yet, else the first lesson not done."""
    if enrollment.last_lesson_id and enrollment.last_lesson_id in {pk for pk, _t, _k in sequence}:
        last = statuses.get(enrollment.last_lesson_id)
        if last is None or last.status != LessonProgressStatus.COMPLETED:
            return enrollment.last_lesson_id
    for pk, _title, _kind in sequence:
        row = statuses.get(pk)
        if row is None or row.status != LessonProgressStatus.COMPLETED:
            return pk
    return enrollment.last_lesson_id or (sequence[0][0] if sequence else None)


# A partner's team ------------------------------------------------------------------------------------------------


def team_enrollments(*, members) -> dict[int, list[Enrollment]]:
    """The enrollments of these members (open and completed, latest cycle of each course), by user id (one query)."""
    user_ids = [member.user_id for member in members]
    rows = with_progress(
        Enrollment.objects.filter(user_id__in=user_ids).exclude(status=EnrollmentStatus.WITHDRAWN)
    ).order_by("status", "due_on", "-updated_at")
    by_user = defaultdict(list)
    for enrollment in rows:
        if enrollment.is_latest:
            enrollment.percent = percent(enrollment)
            by_user[enrollment.user_id].append(enrollment)
    return by_user


# Learning paths ----------------------------------------------------------------------------------------------------


def paths_for(*, audience: Audience | None, user=None) -> list[LearningPath]:
    """Published learning paths the audience may see, each with its steps (courses the audience may see, in order)
    and, for a learner, each step's latest enrollment and the path's progress (three queries)."""
    visible = courses_for(audience)
    steps = LearningPathCourse.objects.filter(course__in=visible.values("pk")).select_related(
        "course", "course__current_version"
    )
    paths = list(
        LearningPath.objects.filter(audience_q(audience), published=True)
        .prefetch_related(Prefetch("steps", queryset=steps.order_by("position", "id")))
        .order_by("title", "id")
    )
    latest = {}
    if user is not None:
        course_ids = {step.course_id for path in paths for step in path.steps.all()}
        for enrollment in Enrollment.objects.filter(user=user, course_id__in=course_ids).order_by("course_id", "cycle"):
            latest[enrollment.course_id] = enrollment
    for path in paths:
        path.rows = [{"step": step, "enrollment": latest.get(step.course_id)} for step in path.steps.all()]
        path.total = len(path.rows)
        path.completed = sum(
            1 for row in path.rows if row["enrollment"] and row["enrollment"].status == EnrollmentStatus.COMPLETED
        )
        path.percent = int(100 * path.completed / path.total) if path.total else 0
        path.not_enrolled = sum(1 for row in path.rows if row["enrollment"] is None)
    return [path for path in paths if path.rows]


# The recommended next course -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    course: Course
    # Why this one: "path" (next in a learning path), "assigned", "audience" (made for the partner's type or the
    # person's role), "colleagues" (colleagues completed it) or "new".
    reason: str
    path_title: str = ""
    colleagues: int = 0
    enrollment: Enrollment | None = None


def recommended_next(*, audience: Audience | None, user, partner_organization_id: int) -> Recommendation | None:
    """The course a partner's person should take next: one assigned to them and not started (soonest due first),
    else the next course of a learning path for them, else a course they have not taken, preferring those made for
    their partner type or role, then those most of their colleagues completed. (Tiering will add "gaps toward the
    next tier".) Two queries."""
    assigned = (
        Enrollment.objects.filter(user=user, status=EnrollmentStatus.ENROLLED, due_on__isnull=False)
        .select_related("course", "course_version")
        .order_by("due_on", "pk")
        .first()
    )
    if assigned is not None:
        return Recommendation(course=assigned.course, reason="assigned", enrollment=assigned)
    taken = Enrollment.objects.filter(course_id=OuterRef("pk"), user=user)
    colleagues = Enrollment.objects.filter(
        course_id=OuterRef("pk"), partner_organization_id=partner_organization_id, status=EnrollmentStatus.COMPLETED
    ).exclude(user=user)
    paths = LearningPathCourse.objects.filter(
        Q(audience_q(audience, prefix="path__")), course_id=OuterRef("pk"), path__published=True
    ).order_by("position", "pk")
    targeted = ~Q(audience_partner_types=[]) | ~Q(audience_roles=[])
    candidate = (
        courses_for(audience)
        .exclude(Exists(taken))
        .annotate(
            colleagues_completed=_count(colleagues, "course_id"),
            path_position=Subquery(paths.values("position")[:1]),
            path_title=Subquery(paths.values("path__title")[:1]),
            targeted=Case(When(targeted, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by(
            Coalesce("path_position", Value(1_000_000)),
            "-targeted",
            "-colleagues_completed",
            "title",
            "id",
        )
        .first()
    )
    if candidate is None:
        return None
    if candidate.path_position is not None:
        reason = "path"
    elif candidate.targeted:
        reason = "audience"
    elif candidate.colleagues_completed:
        reason = "colleagues"
    else:
        reason = "new"
    return Recommendation(
        course=candidate,
        reason=reason,
        path_title=candidate.path_title or "",
        colleagues=candidate.colleagues_completed,
    )


def resume_enrollment(*, user) -> Enrollment | None:
    """The enrollment the learner touched last and has not finished (the portal's "Resume")."""
    return (
        Enrollment.objects.filter(user=user, status=EnrollmentStatus.IN_PROGRESS)
        .select_related("course", "course_version", "last_lesson")
        .order_by("-updated_at", "-pk")
        .first()
    )


# Enrollment rules ------------------------------------------------------------------------------------------------


def rule_list() -> QuerySet[EnrollmentRule]:
    return EnrollmentRule.objects.select_related("course", "created_by").order_by("-created_at", "-id")


def rule_get(*, rule_id: int) -> EnrollmentRule | None:
    return rule_list().filter(pk=rule_id).first()


def enrollment_api_queryset() -> QuerySet[Enrollment]:
    """Enrollments for the API (the viewset narrows them to the actor), with progress."""
    return with_progress(Enrollment.objects.all()).select_related("user", "course_version").order_by("pk")
