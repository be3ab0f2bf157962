"""The course catalogue: which published courses a person (or a partner-bound API key) may see, in one query.

A course's audience is four lists — partner types, tiers, regions, roles — each empty for "everyone". A partner's
person sees a course when every list is empty or names their partner's type, tier and (home) region and their own
role. Staff and the program's own API keys see every course. The test is SQL on the array columns
(`'{}'` or `@> ARRAY[value]`), so the catalogue is one query whatever the number of courses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from enablement.models import Course, CourseModule, CourseVersion, CourseVersionStatus, Enrollment, Lesson


@dataclass(frozen=True)
class Audience:
    """What a course's audience is compared with. `role` is None for an API key (no person: any role)."""

    partner_type: str
    tier: str
    region: str
    role: str | None


def audience_of(actor) -> Audience | None:
    """The audience a member or API key belongs to; None for staff and the program's own keys (every course)."""
    if actor is None or not actor.is_partner_role:
        return None
    audience = audience_of_partner(actor.partner_organization)
    if getattr(actor, "user", None) is None:
        return audience
    return Audience(audience.partner_type, audience.tier, audience.region, role=actor.role)


def audience_of_partner(partner) -> Audience:
    """A partner organization's audience, for any of its people (role left open): what may be assigned to them."""
    return Audience(partner_type=partner.partner_type, tier=partner.tier or "", region=partner.region or "", role=None)


def audience_q(audience: Audience | None, prefix: str = "") -> Q:
    """The condition "this course (or learning path) is for `audience`" (nothing to test when None)."""
    condition = Q()
    if audience is None:
        return condition
    values = {
        "audience_partner_types": audience.partner_type,
        "audience_tiers": audience.tier,
        "audience_regions": audience.region,
        "audience_roles": audience.role,
    }
    for field, value in values.items():
        if value is None:
            continue
        # An empty value (a partner with no tier yet) matches only the courses that do not ask for one.
        match = Q(**{f"{prefix}{field}": []})
        if value:
            match |= Q(**{f"{prefix}{field}__contains": [value]})
        condition &= match
    return condition


def published_courses() -> QuerySet[Course]:
    """Courses offered to learners: a published current version, not archived."""
    return Course.objects.filter(current_version__isnull=False, archived=False)


def courses_for(audience: Audience | None) -> QuerySet[Course]:
    """The published courses this audience may see (every one when None), current version joined."""
    return published_courses().filter(audience_q(audience)).select_related("current_version")


def is_course_for(course: Course, audience: Audience | None) -> bool:
    """One course's audience test, in Python (a course already loaded)."""
    if audience is None:
        return True
    pairs = (
        (course.audience_partner_types, audience.partner_type),
        (course.audience_tiers, audience.tier),
        (course.audience_regions, audience.region),
        (course.audience_roles, audience.role),
    )
    return all(value is None or not wanted or value in wanted for wanted, value in pairs)


def _latest_enrollment(user_id: int):
    return Enrollment.objects.filter(course_id=OuterRef("pk"), user_id=user_id).order_by("-cycle")


def catalogue(*, audience: Audience | None, user=None, search: str = "") -> QuerySet[Course]:
    """The catalogue page: courses the audience may see, each with its current version, lesson count and — for a
    learner — their latest enrollment's id and status (one query, whatever the number of courses)."""
    lessons = (
        Lesson.objects.filter(module__version_id=OuterRef("current_version_id"))
        .order_by()
        .values("module__version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = courses_for(audience).annotate(
        lesson_count=Coalesce(Subquery(lessons, output_field=IntegerField()), Value(0))
    )
    if user is not None:
        latest = _latest_enrollment(user.pk)
        queryset = queryset.annotate(
            my_enrollment_id=Subquery(latest.values("pk")[:1]),
            my_status=Subquery(latest.values("status")[:1]),
        )
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search)
            | Q(current_version__title__icontains=search)
            | Q(current_version__summary__icontains=search)
        )
    return queryset.order_by("title", "id")


def course_for(*, course_id: int, audience: Audience | None) -> Course | None:
    """A published course by id, when the audience may see it (None otherwise: the page answers 404)."""
    return courses_for(audience).filter(pk=course_id).first()


def course_outline(version: CourseVersion) -> list[CourseModule]:
    """A version's modules, each with its lessons in order (two queries)."""
    lessons = Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id"))
    return list(CourseModule.objects.filter(version=version).order_by("position", "id").prefetch_related(lessons))


def course_api_queryset(*, audience: Audience | None) -> QuerySet[Course]:
    """Courses for the API: those the audience may see, each with its published versions and its current version's
    modules and lessons (a constant number of queries for a page of courses)."""
    versions = CourseVersion.objects.filter(
        status__in=(CourseVersionStatus.PUBLISHED, CourseVersionStatus.RETIRED)
    ).order_by("-number")
    lessons = Lesson.objects.order_by("position", "id")
    modules = CourseModule.objects.order_by("position", "id").prefetch_related(Prefetch("lessons", queryset=lessons))
    return courses_for(audience).prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="published_versions"),
        Prefetch("current_version__modules", queryset=modules),
    )
