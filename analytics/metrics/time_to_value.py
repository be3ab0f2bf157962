"""Time to value: how long a partner takes from its start in the program — the first agreement it accepted or the
first onboarding it started, whichever came first — to its first registered deal and to its first won deal
(partners' `first_deal_*` stamps). Per partner, and the program's median over the partners that started in the
period, overall and by cohort month (the month they started)."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Min, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.metrics import Figure, Unit, metric
from analytics.selectors.base import Rates, Scope, one_decimal
from partners.selectors import partner_queryset


def _ttv_sql(partners: QuerySet, *, select: str, where: str = "", group_by: str = "", params=()) -> list[tuple]:
    """Runs `SELECT <select> FROM (<the partners with their start and first-deal days>) WHERE … GROUP BY …`.

    The inner query is the partners selector's queryset, grouped once per partner (its earliest agreement acceptance
    and onboarding start): one pass over the partners, instead of correlated subqueries repeated for every
    expression that names the start. Columns: `partner`, `started` (the day), `days_to_registered`, `days_to_won`."""
    inner = (
        partners.order_by()
        .values(partner=F("pk"), registered=F("first_deal_registered_at"), won=F("first_deal_won_at"))
        .annotate(started=Least(Min("agreement_acceptances__accepted_at"), Min("onboardings__started_at")))
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    zone = timezone.get_current_timezone_name()
    days = (
        "CASE WHEN {stamp} IS NULL OR started IS NULL THEN NULL "
        "ELSE GREATEST(({stamp} AT TIME ZONE %s)::date - (started AT TIME ZONE %s)::date, 0) END"
    )
    sql = (
        f"SELECT {select} FROM (SELECT partner, (started AT TIME ZONE %s)::date AS started, "  # noqa: S608
        f"{days.format(stamp='registered')} AS days_to_registered, {days.format(stamp='won')} AS days_to_won "
        f"FROM ({inner_sql}) AS partner_stamps) AS ttv {('WHERE ' + where) if where else ''} "
        f"{('GROUP BY ' + group_by + ' ORDER BY ' + group_by) if group_by else ''}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [zone, zone, zone, zone, zone, *inner_params, *params])
        return cursor.fetchall()


_IN_PERIOD = "started IS NOT NULL AND started >= %s AND started <= %s"


def partner_time_to_value(partner_ids) -> dict[int, dict]:
    """{partner id: {"started", "days_to_registered", "days_to_won"}} (one query)."""
    rows = _ttv_sql(
        partner_queryset().filter(pk__in=list(partner_ids)),
        select="partner, started, days_to_registered, days_to_won",
    )
    return {
        partner: {"started": started, "days_to_registered": registered, "days_to_won": won}
        for partner, started, registered, won in rows
    }


def time_to_value_by_cohort(scope: Scope) -> list[dict]:
    """[{"cohort": first day of the month, "partners", "registered", "won", "median_days_to_registered",
    "median_days_to_won"}] for the months of the period in which partners in scope started: one query."""
    rows = _ttv_sql(
        scope.partners(),
        select="date_trunc('month', started)::date AS cohort, COUNT(*), COUNT(days_to_registered), "
        "COUNT(days_to_won), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days_to_registered), "
        "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days_to_won)",
        where=_IN_PERIOD,
        group_by="1",
        params=(scope.start, scope.end),
    )
    return [
        {
            "cohort": cohort,
            "partners": partners,
            "registered": registered,
            "won": won,
            "median_days_to_registered": one_decimal(median_registered),
            "median_days_to_won": one_decimal(median_won),
        }
        for cohort, partners, registered, won, median_registered, median_won in rows
    ]


def _ttv_totals(scope: Scope, rates: Rates) -> dict:
    """Both medians (and how many partners started, and reached each stamp) in one query, kept for the request."""
    key = ("ttv", scope)
    if key not in rates.memo:
        [row] = _ttv_sql(
            scope.partners(),
            select="PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days_to_registered), "
            "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days_to_won), COUNT(*), COUNT(days_to_registered), "
            "COUNT(days_to_won)",
            where=_IN_PERIOD,
            params=(scope.start, scope.end),
        )
        registered, won, partners, reached_registered, reached_won = row
        rates.memo[key] = {
            "days_to_registered": (registered, reached_registered),
            "days_to_won": (won, reached_won),
            "partners": partners,
        }
    return rates.memo[key]


def _ttv_figure(scope: Scope, rates: Rates, field: str, per_partner: bool) -> Figure:
    totals = _ttv_totals(scope, rates)
    days, reached = totals[field]
    figure = Figure(value=one_decimal(days), inputs={"partners": totals["partners"], "reached": reached})
    if per_partner:
        rows = _ttv_sql(scope.partners(), select=f"partner, {field}", where=f"{field} IS NOT NULL")
        figure.by_partner = dict(rows)
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
    return _ttv_figure(scope, rates, "days_to_registered", per_partner)


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
    return _ttv_figure(scope, rates, "days_to_won", per_partner)
