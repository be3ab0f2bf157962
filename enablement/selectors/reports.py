"""The staff learning reports: per course and per partner — enrolled, in progress, completed, pass rate, average
score, median time to complete — certified people per partner and certifications expiring soon.

Every figure is a grouped query (set-based, a constant number of queries whatever the number of learners):
- enrolled: enrollments not withdrawn (each cycle of a course counts once);
- pass rate: of the graded quiz attempts submitted in the group's enrollments, the share that passed;
- average score: the course grade of completed enrollments;
- median time to complete: from the first lesson opened (else the enrollment) to completion, PostgreSQL's
  `percentile_cont(0.5)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Aggregate, Avg, Count, DurationField, F, Q, QuerySet
from django.db.models.functions import Coalesce

from enablement.models import AttemptStatus, Course, Enrollment, EnrollmentStatus, QuizAttempt
from enablement.selectors.certifications import certified_people_by_partner

GRADED = (AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT)


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass
class Row:
    key: int
    label: str
    enrolled: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    attempts: int = 0
    passed_attempts: int = 0
    average_score: Decimal | None = None
    median_time: timedelta | None = None
    certified: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.attempts:
            return None
        return (Decimal(100) * self.passed_attempts / self.attempts).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def completion_rate(self) -> Decimal | None:
        if not self.enrolled:
            return None
        return (Decimal(100) * self.completed / self.enrolled).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def median_days(self) -> Decimal | None:
        if self.median_time is None:
            return None
        return (Decimal(self.median_time.total_seconds()) / 86_400).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _enrollments() -> QuerySet[Enrollment]:
    return Enrollment.objects.exclude(status=EnrollmentStatus.WITHDRAWN).order_by()


_STATS = {
    "enrolled": Count("id"),
    "not_started": Count("id", filter=Q(status=EnrollmentStatus.ENROLLED)),
    "in_progress": Count("id", filter=Q(status=EnrollmentStatus.IN_PROGRESS)),
    "completed": Count("id", filter=Q(status=EnrollmentStatus.COMPLETED)),
    "average_score": Avg("score", filter=Q(status=EnrollmentStatus.COMPLETED)),
    "median_time": Median(
        F("completed_at") - Coalesce("started_at", "enrolled_at"),
        filter=Q(status=EnrollmentStatus.COMPLETED, completed_at__isnull=False),
    ),
}


def _attempt_stats(group: str, keys=None) -> dict[int, tuple[int, int]]:
    """Group key -> (graded attempts, passed attempts), for attempts made in an enrollment."""
    attempts = QuizAttempt.objects.filter(enrollment__isnull=False, status__in=GRADED)
    if keys is not None:
        attempts = attempts.filter(**{f"{group}__in": list(keys)})
    rows = (
        attempts.order_by()
        .values(group)
        .annotate(total=Count("id"), passed=Count("id", filter=Q(passed=True)))
        .values_list(group, "total", "passed")
    )
    return {key: (total, passed) for key, total, passed in rows}


def _row(key, label, stats: dict, attempts: dict) -> Row:
    total, passed = attempts.get(key, (0, 0))
    score = stats.get("average_score")
    return Row(
        key=key,
        label=label,
        enrolled=stats.get("enrolled", 0),
        not_started=stats.get("not_started", 0),
        in_progress=stats.get("in_progress", 0),
        completed=stats.get("completed", 0),
        attempts=total,
        passed_attempts=passed,
        average_score=Decimal(score).quantize(Decimal("0.1"), ROUND_HALF_UP) if score is not None else None,
        median_time=stats.get("median_time"),
    )


def course_rows() -> list[Row]:
    """One row per course (archived ones too when they have learners), by title: three queries."""
    stats = {row.pop("course_id"): row for row in _enrollments().values("course_id").annotate(**_STATS)}
    attempts = _attempt_stats("enrollment__course_id")
    courses = Course.objects.filter(Q(archived=False) | Q(pk__in=list(stats))).order_by("title", "id")
    return [_row(course.pk, course.title, stats.get(course.pk, {}), attempts) for course in courses]


def partner_rows_queryset() -> QuerySet:
    """Partners with learners, by name, with their enrollment figures (one grouped query; page it, then call
    `partner_rows`)."""
    return (
        _enrollments()
        .values("partner_organization_id", "partner_organization__name")
        .annotate(**_STATS)
        .order_by("partner_organization__name", "partner_organization_id")
    )


def partner_rows(stats_rows) -> list[Row]:
    """Rows for a page of `partner_rows_queryset()` (or all of it), with attempts and certified people (two more
    queries, whatever the page's size)."""
    stats_rows = list(stats_rows)
    keys = [row["partner_organization_id"] for row in stats_rows]
    attempts = _attempt_stats("partner_organization_id", keys)
    certified = certified_people_by_partner(partner_ids=keys)
    rows = []
    for stats in stats_rows:
        key = stats["partner_organization_id"]
        row = _row(key, stats["partner_organization__name"], stats, attempts)
        row.certified = certified.get(key, 0)
        rows.append(row)
    return rows


def totals() -> Row:
    """The program's totals (the median and average over every completion, not over the rows): two queries."""
    overall = _enrollments().aggregate(**_STATS)
    attempts = QuizAttempt.objects.filter(enrollment__isnull=False, status__in=GRADED).aggregate(
        total=Count("id"), passed=Count("id", filter=Q(passed=True))
    )
    return _row(0, "", overall, {0: (attempts["total"], attempts["passed"])})


def chart(rows: list[Row], *, limit: int = 12) -> dict:
    """The chart's data: the rows with the most learners, their enrolled, in progress and completed counts."""
    top = sorted((row for row in rows if row.enrolled), key=lambda row: (-row.enrolled, row.label))[:limit]
    return {
        "labels": [row.label for row in top],
        "not_started": [row.not_started for row in top],
        "in_progress": [row.in_progress for row in top],
        "completed": [row.completed for row in top],
    }
