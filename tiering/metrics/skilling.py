"""Metrics from enablement: who is trained and certified."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enablement.selectors.certifications import certified_people_by_partner
from tiering.metrics import MetricScope, Unit, metric


@metric(
    "certified_people",
    _("Certified people"),
    Unit.COUNT,
    options=("certification_ids",),
    help_text=_("People holding a valid certification (of the ones named, when named) at the end of the day."),
)
def certified_people(scope: MetricScope) -> dict[int, Decimal]:
    end_of_day = timezone.make_aware(datetime.combine(scope.as_of, time.max))
    counted = certified_people_by_partner(
        as_of=end_of_day, certification_ids=scope.options.get("certification_ids"), partner_ids=scope.partner_ids
    )
    return {partner_id: Decimal(people) for partner_id, people in counted.items()}
