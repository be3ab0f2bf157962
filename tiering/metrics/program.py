"""Metrics from the partner's place in the program: onboarding done, and how long it has been a partner."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from partners.selectors.metrics import onboarded_partner_ids, partner_join_dates
from tiering.metrics import MetricScope, Unit, metric
from tiering.metrics.periods import end_of_day

ONE = Decimal(1)


@metric(
    "onboarding_complete",
    _("Onboarding complete"),
    Unit.FLAG,
    help_text=_(
        "1 when the partner's latest onboarding plan is complete, 0 while one is running or when it never had one."
    ),
)
def onboarding_complete(scope: MetricScope) -> dict[int, Decimal]:
    return dict.fromkeys(onboarded_partner_ids(as_of=end_of_day(scope.as_of), partner_ids=scope.partner_ids), ONE)


@metric(
    "tenure_days",
    _("Tenure"),
    Unit.DAYS,
    help_text=_(
        "Days since the partner joined the program: since it first became active or, for a partner added as active, "
        "since it was added. Offboarded partners and partners never active count 0."
    ),
    more=ngettext_lazy("%(amount)s more day in the program", "%(amount)s more days in the program", "count"),
)
def tenure_days(scope: MetricScope) -> dict[int, Decimal]:
    joined = partner_join_dates(as_of=end_of_day(scope.as_of), partner_ids=scope.partner_ids)
    return {partner_id: Decimal((scope.as_of - day).days) for partner_id, day in joined.items()}
