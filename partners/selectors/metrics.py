"""Partner figures for tiering: each one query for every partner of the tenant (or the ones named), whatever their
number. Partners the figure does not apply to are absent."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate

from partners.models import OnboardingStatus, PartnerOnboarding, PartnerOrganization, PartnerStatus


def onboarded_partner_ids(*, as_of: datetime, partner_ids=None) -> set[int]:
    """Partners whose onboarding was complete at `as_of`: their latest onboarding started by then is completed by
    then. A partner onboarding again (reactivated after offboarding, or restarted by staff) is not onboarded until
    the new run completes; a partner that never had an onboarding plan is not either."""
    started = PartnerOnboarding.objects.filter(started_at__lte=as_of)
    if partner_ids is not None:
        started = started.filter(partner_organization_id__in=list(partner_ids))
    latest = started.order_by("partner_organization_id", "-started_at", "-id").distinct("partner_organization_id")
    completed = PartnerOnboarding.objects.filter(
        pk__in=latest.values("pk"), status=OnboardingStatus.COMPLETED, completed_at__lte=as_of
    )
    return set(completed.order_by().values_list("partner_organization_id", flat=True))


def partner_join_dates(*, as_of: datetime, partner_ids=None) -> dict[int, date]:
    """Partner id -> the day it joined the program, for partners in the program by `as_of`: the day it first became
    active (`activated_at`, kept through later suspensions and offboardings) or, for a partner created active without
    going through onboarding (imported, added by staff), the day it was created; days in `as_of`'s time zone.
    Offboarded and rejected partners, and partners never active, are absent."""
    joined = Coalesce(F("activated_at"), F("created_at"))
    partners = PartnerOrganization.objects.exclude(
        status__in=(PartnerStatus.OFFBOARDED, PartnerStatus.REJECTED)
    ).filter(
        Q(activated_at__isnull=False)
        | Q(activated_at__isnull=True, status__in=(PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED))
    )
    if partner_ids is not None:
        partners = partners.filter(pk__in=list(partner_ids))
    rows = (
        partners.alias(joined_at=joined)
        .filter(joined_at__lte=as_of)
        .annotate(joined_on=TruncDate("joined_at", tzinfo=as_of.tzinfo))
        .order_by()
        .values_list("pk", "joined_on")
    )
    return dict(rows)
