"""Reads of certifications and awards, tenant-scoped and prefetched; `certified_people_by_partner` is what other apps
(tiering) count certified people with."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from enablement.models import (
    AwardStatus,
    Certification,
    CertificationAward,
    CertificationCourse,
    Enrollment,
    EnrollmentStatus,
)
from prm import policy

EXPIRING_WINDOWS = (30, 60, 90)


def valid_at(as_of: datetime) -> Q:
    """Awards valid at `as_of`: made by then, not yet expired, and not revoked (or revoked later). A renewed award
    counts until it was replaced, which distinct people per partner absorbs."""
    return (
        Q(awarded_at__lte=as_of)
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=as_of))
        & (~Q(status=AwardStatus.REVOKED) | Q(revoked_at__gt=as_of))
    )


def certified_people_by_partner(
    *, as_of: datetime | None = None, certification_ids=None, partner_ids=None
) -> dict[int, int]:
    """Partner organization id -> how many of its people hold a valid certification (of `certification_ids`, when
    given) at `as_of` (default now). Expired and revoked awards do not count; a person certified twice counts once.
    One grouped query, whatever the number of awards."""
    awards = CertificationAward.objects.filter(valid_at(as_of or timezone.now()))
    if certification_ids is not None:
        awards = awards.filter(certification_id__in=list(certification_ids))
    if partner_ids is not None:
        awards = awards.filter(partner_organization_id__in=list(partner_ids))
    rows = (
        awards.order_by()
        .values("partner_organization_id")
        .annotate(people=Count("user_id", distinct=True))
        .values_list("partner_organization_id", "people")
    )
    return dict(rows)


def _valid_now(now: datetime) -> Q:
    return Q(status=AwardStatus.ACTIVE) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def certification_list(*, include_inactive: bool = True) -> QuerySet[Certification]:
    """Every certification with its requirements and how many people hold it now (three queries)."""
    now = timezone.now()
    queryset = (
        Certification.objects.select_related("final_exam")
        .prefetch_related(
            Prefetch("required_courses", queryset=CertificationCourse.objects.select_related("course").order_by("id"))
        )
        .annotate(
            holders=Count(
                "awards__user",
                distinct=True,
                filter=Q(awards__status=AwardStatus.ACTIVE)
                & (Q(awards__expires_at__isnull=True) | Q(awards__expires_at__gt=now)),
            )
        )
        .order_by("name", "id")
    )
    return queryset if include_inactive else queryset.filter(active=True)


def certification_get(*, certification_id) -> Certification | None:
    return certification_list().filter(pk=certification_id).first()


AWARD_STATES = ("valid", "expired", "revoked", "renewed")


def awards_in_state(queryset: QuerySet, state: str, now: datetime | None = None) -> QuerySet:
    """Narrow awards to one of AWARD_STATES (anything else: all)."""
    now = now or timezone.now()
    if state == "valid":
        return queryset.filter(_valid_now(now))
    if state == "expired":
        return queryset.filter(status=AwardStatus.ACTIVE, expires_at__lte=now)
    if state in (AwardStatus.REVOKED, AwardStatus.RENEWED):
        return queryset.filter(status=state)
    return queryset


def awards(
    *,
    certification_id=None,
    partner_organization_id=None,
    user_id=None,
    state: str = "",
    now: datetime | None = None,
) -> QuerySet[CertificationAward]:
    """Awards with what their rows show (certification, holder, partner) joined, newest first."""
    queryset = CertificationAward.objects.select_related("certification", "user", "partner_organization").order_by(
        "-awarded_at", "-id"
    )
    if certification_id is not None:
        queryset = queryset.filter(certification_id=certification_id)
    if partner_organization_id is not None:
        queryset = queryset.filter(partner_organization_id=partner_organization_id)
    if user_id is not None:
        queryset = queryset.filter(user_id=user_id)
    return awards_in_state(queryset, state, now)


def award_get(*, award_id) -> CertificationAward | None:
    return (
        CertificationAward.objects.select_related(
            "certification", "user", "partner_organization", "revoked_by", "renewal_of"
        )
        .prefetch_related(
            Prefetch(
                "certification__required_courses",
                queryset=CertificationCourse.objects.select_related("course").order_by("id"),
            )
        )
        .filter(pk=award_id)
        .first()
    )


def award_visible_to(membership, award: CertificationAward | None) -> bool:
    """Staff see every award; a partner admin their organization's people's; anyone their own."""
    if award is None or membership is None or not membership.is_active:
        return False
    if policy.can(membership, "learning.view_all"):
        return True
    if membership.user_id == award.user_id and membership.partner_organization_id == award.partner_organization_id:
        return True
    return policy.can(membership, "learning.view_team", award)


def award_by_code(*, code: str) -> CertificationAward | None:
    """The award a public verification link names (its unguessable code), with what the page shows."""
    if not code or len(code) > 64:
        return None
    return CertificationAward.objects.select_related("certification").filter(verification_code=code).first()


def renewal_of_award(award: CertificationAward) -> CertificationAward | None:
    return CertificationAward.objects.filter(renewal_of=award).order_by("-awarded_at").first()


def certifications_to_earn(*, user_id: int) -> list[dict]:
    """Active certifications the learner holds no valid award of, each with its required courses and whether the
    learner's current cycle of each is completed (three queries)."""
    now = timezone.now()
    held = CertificationAward.objects.filter(_valid_now(now), certification=OuterRef("pk"), user_id=user_id)
    certifications = list(
        Certification.objects.filter(active=True)
        .exclude(Exists(held))
        .prefetch_related(
            Prefetch("required_courses", queryset=CertificationCourse.objects.select_related("course").order_by("id"))
        )
        .order_by("name", "id")
    )
    course_ids = {link.course_id for cert in certifications for link in cert.required_courses.all()}
    current: dict[int, str] = {}
    rows = (
        Enrollment.objects.filter(user_id=user_id, course_id__in=course_ids)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .order_by("course_id", "-cycle")
        .values_list("course_id", "status")
    )
    for course_id, status in rows:
        current.setdefault(course_id, status)
    return [
        {
            "certification": cert,
            "courses": [
                {"course": link.course, "done": current.get(link.course_id) == EnrollmentStatus.COMPLETED}
                for link in cert.required_courses.all()
            ],
        }
        for cert in certifications
    ]


def expiring_counts(*, now: datetime | None = None, partner_organization_id=None) -> dict[int, int]:
    """Valid awards expiring within 30, 60 and 90 days (each window includes the shorter ones), in one query."""
    now = now or timezone.now()
    awards_ = CertificationAward.objects.filter(_valid_now(now), expires_at__isnull=False)
    if partner_organization_id is not None:
        awards_ = awards_.filter(partner_organization_id=partner_organization_id)
    counts = awards_.aggregate(
        **{f"d{days}": Count("id", filter=Q(expires_at__lte=now + timedelta(days=days))) for days in EXPIRING_WINDOWS}
    )
    return {days: counts[f"d{days}"] for days in EXPIRING_WINDOWS}


def expiring_awards(*, now: datetime | None = None, days: int = 90) -> QuerySet[CertificationAward]:
    now = now or timezone.now()
    return (
        CertificationAward.objects.filter(_valid_now(now), expires_at__lte=now + timedelta(days=days))
        .select_related("certification", "user", "partner_organization")
        .order_by("expires_at", "id")
    )


def awards_for_api() -> QuerySet[CertificationAward]:
    return CertificationAward.objects.select_related("certification", "user", "partner_organization").order_by("id")


def certifications_for_api() -> QuerySet[Certification]:
    return Certification.objects.prefetch_related(
        Prefetch("required_courses", queryset=CertificationCourse.objects.order_by("id"))
    ).order_by("id")
