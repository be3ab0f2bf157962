"""Enablement figures per partner organization for tiering: each one grouped query for every partner of the tenant
(or the ones named), whatever their number. Partners with nothing to count are absent. (Certified people are counted
by `certifications.certified_people_by_partner`.)"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from enablement.models import Enrollment, EnrollmentStatus


def completed_courses_by_partner(*, as_of: datetime, course_ids=None, partner_ids=None) -> dict[int, int]:
    """Partner organization id -> how many distinct courses (of `course_ids`, when given) its people had completed
    by `as_of`. A course completed by several of its people, or again in a later cycle, counts once."""
    completed = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED, completed_at__lte=as_of)
    if course_ids is not None:
        completed = completed.filter(course_id__in=list(course_ids))
    if partner_ids is not None:
        completed = completed.filter(partner_organization_id__in=list(partner_ids))
    rows = (
        completed.order_by()
        .values("partner_organization_id")
        .annotate(courses=Count("course_id", distinct=True))
        .values_list("partner_organization_id", "courses")
    )
    return dict(rows)
