"""Metrics from enablement: who is trained and certified."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from enablement.selectors.certifications import certified_people_by_partner
from enablement.selectors.metrics import completed_courses_by_partner
from tiering.metrics import MetricScope, Unit, metric
from tiering.metrics.periods import end_of_day


@metric(
    "certified_people",
    _("Certified people"),
    Unit.COUNT,
    options=("certification_ids",),
    help_text=_("People holding a valid certification (of the ones named, when named) at the end of the day."),
    more=ngettext_lazy("%(amount)s more certified person", "%(amount)s more certified people", "count"),
)
def certified_people(scope: MetricScope) -> dict[int, Decimal]:
    counted = certified_people_by_partner(
        as_of=end_of_day(scope.as_of),
        certification_ids=scope.options.get("certification_ids"),
        partner_ids=scope.partner_ids,
    )
    return {partner_id: Decimal(people) for partner_id, people in counted.items()}


@metric(
    "completed_courses",
    _("Completed courses"),
    Unit.COUNT,
    options=("course_ids",),
    help_text=_("Courses (of the ones named, when named) completed by at least one of the partner's people."),
    more=ngettext_lazy("%(amount)s more completed course", "%(amount)s more completed courses", "count"),
)
def completed_courses(scope: MetricScope) -> dict[int, Decimal]:
    counted = completed_courses_by_partner(
        as_of=end_of_day(scope.as_of), course_ids=scope.options.get("course_ids"), partner_ids=scope.partner_ids
    )
    return {partner_id: Decimal(courses) for partner_id, courses in counted.items()}
