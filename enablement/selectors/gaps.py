"""Courses that close a skilling gap: what tiering shows a partner's person when its next tier needs more certified
people or more completed courses."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Exists, OuterRef, Q

from enablement.models import CertificationCourse, Course, Enrollment, EnrollmentStatus
from enablement.selectors.catalogue import audience_of, courses_for


def courses_closing_gaps(
    *,
    actor,
    certification_ids: Collection[int] | None = None,
    course_ids: Collection[int] | None = None,
    limit: int = 3,
) -> list[Course]:
    """Published courses the member may see and has not completed that lead to the certifications named (their
    required courses) or are among the courses named. None asks for nothing of that kind; an empty collection means
    any active certification, or any course. One query."""
    wanted = Q(pk__in=[])
    if certification_ids is not None:
        links = CertificationCourse.objects.filter(certification__active=True)
        if certification_ids:
            links = links.filter(certification_id__in=list(certification_ids))
        wanted |= Q(pk__in=links.values("course_id"))
    if course_ids is not None:
        wanted |= Q(pk__in=list(course_ids)) if course_ids else Q()
    completed = Enrollment.objects.filter(
        course_id=OuterRef("pk"), user_id=actor.user_id, status=EnrollmentStatus.COMPLETED
    )
    return list(
        courses_for(audience_of(actor)).filter(wanted).exclude(Exists(completed)).order_by("title", "id")[:limit]
    )
