"""Time to value: how long a partner takes from its start in the program — the first agreement it accepted or the
first onboarding it started, whichever came first — to its first registered deal and to its first won deal
(partners' `first_deal_*` stamps). Per partner, and the program's median over the partners that started in the
period, overall and by cohort month (the month they started)."""

from __future__ import annotations

from django.db.models import Case, Count, DateTimeField, Min, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Greatest, Least, TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _

from analytics.metrics import Figure, Unit, metric
from analytics.selectors.base import Median, Rates, Scope, days_between, one_decimal
from partners.selectors import partner_queryset


def _first(relation_field: str) -> Subquery:
    earliest = (
        partner_queryset()
        .filter(pk=OuterRef("pk"))
        .order_by()
        .values("pk")
        .annotate(first=Min(relation_field))
        .values("first")
    )
    return Subquery(earliest, output_field=DateTimeField())


def started_partners(partners: QuerySet) -> QuerySet:
    """The partners annotated with `started` (their start in the program, or None) and the days from it to their
    first registered deal (`days_to_registered`) and first won deal (`days_to_won`), None until they have one."""
    partners = partners.annotate(
        started=Least(_first("agreement_acceptances__accepted_at"), _first("onboardings__started_at"))
    )
    return partners.annotate(
        days_to_registered=_days_to("first_deal_registered_at"), days_to_won=_days_to("first_deal_won_at")
    )


def _days_to(stamp: str) -> Case:
    """Whole days from the start to the stamp; a stamp before the start (a deal registered before the agreement)
    counts as 0 days; None without a stamp or a start (GREATEST alone would turn NULL into 0)."""
    days = Greatest(days_between(TruncDate(stamp), TruncDate("started")), 0)
    return Case(When(Q(**{f"{stamp}__isnull": True}) | Q(started__isnull=True), then=None), default=days)


def started_in(scope: Scope) -> QuerySet:
    return started_partners(scope.partners().order_by()).filter(
        started__isnull=False, started__date__gte=scope.start, started__date__lte=scope.end
    )


def partner_time_to_value(partner_ids) -> dict[int, dict]:
    """{partner id: {"started", "days_to_registered", "days_to_won"}} (one query)."""
    rows = started_partners(partner_queryset().filter(pk__in=list(partner_ids)).order_by()).values(
        "pk", "started", "days_to_registered", "days_to_won"
    )
    return {row.pop("pk"): row for row in rows}


def time_to_value_by_cohort(scope: Scope) -> list[dict]:
    """[{"cohort": first day of the month, "partners", "registered", "won", "median_days_to_registered",
    "median_days_to_won"}] for the months of the period in which partners in scope started: one query."""
    rows = (
        started_in(scope)
        .annotate(cohort=TruncMonth("started"))
        .values("cohort")
        .annotate(
            partners=Count("pk"),
            registered=Count("days_to_registered"),
            won=Count("days_to_won"),
            median_days_to_registered=Median("days_to_registered"),
            median_days_to_won=Median("days_to_won"),
        )
        .order_by("cohort")
    )
    return [
        {
            **row,
            "cohort": row["cohort"].date() if hasattr(row["cohort"], "date") else row["cohort"],
            "median_days_to_registered": one_decimal(row["median_days_to_registered"]),
            "median_days_to_won": one_decimal(row["median_days_to_won"]),
        }
        for row in rows
    ]


def _ttv_figure(scope: Scope, field: str, per_partner: bool) -> Figure:
    started = started_in(scope)
    total = started.aggregate(days=Median(field), partners=Count("pk"), reached=Count(field))
    figure = Figure(
        value=one_decimal(total["days"]), inputs={"partners": total["partners"], "reached": total["reached"]}
    )
    if per_partner:
        rows = started_partners(scope.partners().order_by()).filter(**{f"{field}__isnull": False}).values("pk", field)
        figure.by_partner = {row["pk"]: row[field] for row in rows}
    return figure


@metric(
    "ttv_first_registered",
    _("Time to first registered deal"),
    Unit.DAYS,
    _(
        "Days from a partner's start (the first agreement it accepted or the first onboarding it started, whichever "
        "came first) to its first registered deal: the median over the partners that started in the period and "
        "have registered one."
    ),
)
def ttv_first_registered(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    return _ttv_figure(scope, "days_to_registered", per_partner)


@metric(
    "ttv_first_won",
    _("Time to first won deal"),
    Unit.DAYS,
    _(
        "Days from a partner's start (agreement accepted or onboarding started, whichever came first) to its first "
        "won deal: the median over the partners that started in the period and have won one."
    ),
)
def ttv_first_won(scope: Scope, *, rates: Rates, per_partner: bool = False) -> Figure:
    return _ttv_figure(scope, "days_to_won", per_partner)
