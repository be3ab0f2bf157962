"""Reads for recruitment: the review queue, one application, the ideal partner profile's criteria."""

from django.db.models import F, QuerySet

from partners.models import ApplicationStatus, IppCriterion, PartnerApplication

# The queue's order: best fit first (unscored last), then first come, first served.
QUEUE_ORDER = (F("ipp_score").desc(nulls_last=True), "created_at", "id")


def application_queue() -> QuerySet[PartnerApplication]:
    """Applications of the current tenant in queue order (ApplicationFilterSet narrows it)."""
    return PartnerApplication.objects.order_by(*QUEUE_ORDER)


def application_get(*, application_id: int) -> PartnerApplication | None:
    return (
        PartnerApplication.objects.select_related("decided_by", "partner_organization")
        .filter(pk=application_id)
        .first()
    )


def applications_waiting_count() -> int:
    """Submitted applications nobody has decided yet."""
    return PartnerApplication.objects.filter(status=ApplicationStatus.SUBMITTED).count()


def application_api_queryset() -> QuerySet[PartnerApplication]:
    return PartnerApplication.objects.all()


def criteria_list() -> QuerySet[IppCriterion]:
    return IppCriterion.objects.order_by("position", "id")


def criterion_get(*, criterion_id: int) -> IppCriterion | None:
    return IppCriterion.objects.filter(pk=criterion_id).first()
