"""Reads of onboarding: plans, a partner's onboarding and checklist, every plan's progress, documents.

Each returns a queryset (or object) scoped to the current tenant, with what its page needs loaded in a fixed number
of queries whatever the number of rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import (
    OnboardingPlan,
    OnboardingStatus,
    OnboardingStep,
    OnboardingStepTemplate,
    PartnerDocument,
    PartnerOnboarding,
)
from partners.selectors.program_settings import onboarding_settings

# Filters of the progress page (and their labels): an onboarding's state besides its status.
PROGRESS_STATES = {
    "overdue": _("Overdue"),
    "stalled": _("Stalled"),
    "on_track": _("On track"),
}


def plan_list() -> QuerySet[OnboardingPlan]:
    """Every plan of the tenant with its step counts, active ones first, the default plan first among them."""
    return OnboardingPlan.objects.annotate(
        step_count=Count("steps"), required_count=Count("steps", filter=Q(steps__required=True))
    ).order_by("-is_active", "partner_type", "name", "id")


def plan_get(*, plan_id) -> OnboardingPlan | None:
    return (
        OnboardingPlan.objects.filter(pk=plan_id)
        .prefetch_related(Prefetch("steps", queryset=OnboardingStepTemplate.objects.order_by("position", "id")))
        .first()
    )


def plan_step_get(*, plan_id, step_id) -> OnboardingStepTemplate | None:
    return OnboardingStepTemplate.objects.select_related("plan").filter(plan_id=plan_id, pk=step_id).first()


def _steps_prefetch() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=OnboardingStep.objects.select_related("completed_by", "completed_by_event").order_by("position", "id"),
    )


def onboarding_queryset() -> QuerySet[PartnerOnboarding]:
    """Onboardings with their steps (and who completed them) in two queries: the API list and detail."""
    return PartnerOnboarding.objects.select_related("partner_organization").prefetch_related(_steps_prefetch())


def onboarding_for_partner(*, partner_id: int) -> PartnerOnboarding | None:
    """The partner's onboarding to show: the running one, else the latest (completed or cancelled), with steps."""
    return (
        onboarding_queryset()
        .filter(partner_organization_id=partner_id)
        .order_by(
            # in_progress first, then the newest
            ExpressionWrapper(Q(status=OnboardingStatus.IN_PROGRESS), output_field=BooleanField()).desc(),
            "-started_at",
            "-id",
        )
        .first()
    )


def onboarding_step_get(*, partner_id: int, step_id: int) -> OnboardingStep | None:
    return OnboardingStep.objects.filter(partner_organization_id=partner_id, pk=step_id).first()


def progress_of(steps) -> dict:
    """Progress of a list of steps (already loaded): required done / required, all done / all, percent of the
    required ones (100 when none is required)."""
    required = [s for s in steps if s.required]
    required_done = sum(1 for s in required if s.completed_at)
    return {
        "required": len(required),
        "required_done": required_done,
        "total": len(steps),
        "done": sum(1 for s in steps if s.completed_at),
        "percent": round(100 * required_done / len(required)) if required else 100,
    }


def onboarding_progress(
    *, status: str = OnboardingStatus.IN_PROGRESS, owner_id: int | None = None, state: str = "", now=None
) -> QuerySet[PartnerOnboarding]:
    """Onboardings for the progress page, with counts and the next due step annotated (one query per page):
    `required_total`, `required_done`, `done_before_start` (steps the partner did before the plan started),
    `overdue_count`, `next_due_at`, `next_due_title`, and `is_stalled`."""
    now = now or timezone.now()
    stalled_before = now - timedelta(days=onboarding_settings()["stalled_after_days"])
    open_steps = OnboardingStep.objects.filter(onboarding=OuterRef("pk"), completed_at__isnull=True)
    queryset = (
        PartnerOnboarding.objects.select_related("partner_organization", "partner_organization__owner")
        .annotate(
            required_total=Count("steps", filter=Q(steps__required=True)),
            required_done=Count("steps", filter=Q(steps__required=True, steps__completed_at__isnull=False)),
            done_before_start=Count("steps", filter=Q(steps__completed_at__lte=F("started_at"))),
            overdue_count=Count(
                "steps",
                filter=Q(steps__required=True, steps__completed_at__isnull=True, steps__due_at__lte=now),
            ),
            next_due_at=Min("steps__due_at", filter=Q(steps__completed_at__isnull=True)),
            next_due_title=Subquery(open_steps.order_by("due_at", "position", "id").values("title")[:1]),
            is_stalled=ExpressionWrapper(
                Q(status=OnboardingStatus.IN_PROGRESS, last_progress_at__lte=stalled_before),
                output_field=BooleanField(),
            ),
        )
        .order_by("partner_organization__name", "id")
    )
    if status:
        queryset = queryset.filter(status=status)
    if owner_id:
        queryset = queryset.filter(partner_organization__owner_id=owner_id)
    overdue = Exists(
        OnboardingStep.objects.filter(
            onboarding=OuterRef("pk"), required=True, completed_at__isnull=True, due_at__lte=now
        )
    )
    if state == "overdue":
        queryset = queryset.filter(overdue)
    elif state == "stalled":
        queryset = queryset.filter(status=OnboardingStatus.IN_PROGRESS, last_progress_at__lte=stalled_before)
    elif state == "on_track":
        queryset = queryset.filter(~overdue, status=OnboardingStatus.IN_PROGRESS, last_progress_at__gt=stalled_before)
    return queryset


def onboarding_state_counts(*, owner_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """How many onboardings are on track, overdue, stalled (running), completed and cancelled: one query for the
    chart. A running onboarding both overdue and stalled counts as stalled (the graver)."""
    now = now or timezone.now()
    stalled_before = now - timedelta(days=onboarding_settings()["stalled_after_days"])
    queryset = PartnerOnboarding.objects.all()
    if owner_id:
        queryset = queryset.filter(partner_organization__owner_id=owner_id)
    overdue = Exists(
        OnboardingStep.objects.filter(
            onboarding=OuterRef("pk"), required=True, completed_at__isnull=True, due_at__lte=now
        )
    )
    running = Q(status=OnboardingStatus.IN_PROGRESS)
    stalled = running & Q(last_progress_at__lte=stalled_before)
    counts = queryset.annotate(has_overdue=overdue).aggregate(
        stalled=Count("pk", filter=stalled),
        overdue=Count("pk", filter=running & ~Q(last_progress_at__lte=stalled_before) & Q(has_overdue=True)),
        on_track=Count("pk", filter=running & ~Q(last_progress_at__lte=stalled_before) & Q(has_overdue=False)),
        completed=Count("pk", filter=Q(status=OnboardingStatus.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=OnboardingStatus.CANCELLED)),
    )
    return {key: counts[key] for key in ("on_track", "overdue", "stalled", "completed", "cancelled")}


def document_list(*, partner_id: int) -> QuerySet[PartnerDocument]:
    return PartnerDocument.objects.filter(partner_organization_id=partner_id).select_related("uploaded_by")


def document_get(*, partner_id: int, document_id: int) -> PartnerDocument | None:
    return document_list(partner_id=partner_id).filter(pk=document_id).first()
