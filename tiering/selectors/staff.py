"""Reads of the staff's tier pages: the programs with their distribution, upcoming changes (partners at risk,
partners close to promotion), a partner's metric trends and its assessment history in words. Each in a fixed number
of queries whatever the number of partners or assessments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import F, OuterRef, Prefetch, Subquery

from prm.tenancy import current_tenant
from tiering.evaluation import CriterionSpec, Evaluation, ProgramSpec, TierResult, TierSpec, evaluate
from tiering.explain import format_value, metric_label, missing_text
from tiering.models import Operator, Tier, TierAssessment, TierCriterion, TierProgram, TierStanding
from tiering.selectors import tier_distribution
from tiering.selectors.programs import program_specs

# "Close to promotion": the next tier's criteria are at least this far met (see `closeness`).
CLOSE_TO_PROMOTION = Decimal("0.8")
ITERATOR_CHUNK = 2000
TREND_POINTS = 12


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return Decimal(0)


@dataclass(frozen=True)
class DistributionBar:
    tier_id: int | None
    label: str
    partners: int
    percent: int  # of the program's largest bar, 0–100 (the bar's length)
    share: int  # of the program's partners, 0–100

    @property
    def text_x(self) -> int:
        """Where the figure starts in the chart: just after the bar (120 + up to 200 units)."""
        return 126 + self.percent * 2


@dataclass(frozen=True)
class ProgramOverview:
    program: TierProgram
    tiers: list  # Tier, lowest first, with `criteria_shown` (one dict per criterion, in words)
    bars: list[DistributionBar]
    partners: int


def _criterion_shown(criterion: TierCriterion, currency: str) -> dict:
    return {
        "metric": metric_label(criterion.metric_key),
        "operator": Operator(criterion.operator).label if criterion.operator in Operator.values else criterion.operator,
        "threshold": format_value(criterion.metric_key, Decimal(criterion.threshold), currency),
        "points": criterion.points,
        "category": criterion.get_category_display() if criterion.category else "",
    }


def bars_for(labels: Iterable[tuple[int | None, str]], counts: dict) -> list[DistributionBar]:
    """One bar per (tier id, label), sized against the largest; `counts` is {tier id or None: partners}."""
    rows = [(tier_id, label, int(counts.get(tier_id, 0))) for tier_id, label in labels]
    largest = max((partners for _, _, partners in rows), default=0)
    total = sum(partners for _, _, partners in rows)
    return [
        DistributionBar(
            tier_id,
            label,
            partners,
            round(partners * 100 / largest) if largest else 0,
            round(partners * 100 / total) if total else 0,
        )
        for tier_id, label, partners in rows
    ]


def tier_programs_overview(*, no_tier_label: str) -> list[ProgramOverview]:
    """Every program with its tiers (lowest first), their criteria and benefits, and how many partners hold each
    tier (partners without one shown under the first program as `no_tier_label`). Four queries."""
    currency = current_tenant().base_currency
    criteria = TierCriterion.objects.order_by("position", "id")
    programs = list(
        TierProgram.objects.order_by("partner_type", "id").prefetch_related(
            Prefetch("tiers", queryset=Tier.objects.order_by("rank")),
            Prefetch("tiers__criteria", queryset=criteria),
        )
    )
    counts = tier_distribution()
    overview = []
    for index, program in enumerate(programs):
        tiers = list(program.tiers.all())
        for tier in tiers:
            tier.criteria_shown = [_criterion_shown(criterion, currency) for criterion in tier.criteria.all()]
        labels = [(tier.pk, tier.name) for tier in tiers]
        if index == 0 and counts.get(None):
            labels.insert(0, (None, no_tier_label))
        bars = bars_for(labels, counts)
        overview.append(ProgramOverview(program, tiers, bars, sum(bar.partners for bar in bars)))
    return overview


def program_index_criteria(program_id: int) -> list[TierCriterion]:
    """The program's own criteria (the index model's), one query."""
    return list(TierCriterion.objects.filter(program_id=program_id, tier__isnull=True).order_by("position", "id"))


@dataclass(frozen=True)
class UpcomingChange:
    partner_id: int
    partner_name: str
    tier: TierSpec | None  # held now
    target: TierSpec | None  # the tier kept (at risk) or reached (close to promotion)
    demotion_due: date | None
    missing: str
    percent: int  # how far the target's criteria are met, 0–100


@dataclass(frozen=True)
class UpcomingChanges:
    at_risk: list[UpcomingChange]
    close_to_promotion: list[UpcomingChange]


def closeness(program: ProgramSpec, result: TierResult | None) -> Decimal:
    """How far a tier's criteria are met, 0–1. Every/any condition: each criterion's value against its threshold
    (capped at 100 %), averaged (any: the best one); points and index: the score against the tier's pass mark."""
    if result is None:
        return Decimal(0)
    if program.model in ("points", "index"):
        if result.tier.min_score <= 0:
            return Decimal(1)
        return min(Decimal(1), (result.score or Decimal(0)) / result.tier.min_score)
    if not result.checks:
        return Decimal(1)
    progress = [check.criterion.progress(check.value) for check in result.checks]
    if program.model == "any":
        return max(progress)
    return sum(progress, Decimal(0)) / len(progress)


def tier_upcoming_changes(*, threshold: Decimal = CLOSE_TO_PROMOTION) -> UpcomingChanges:
    """Partners at risk (soonest demotion first, with what is missing to keep the tier) and partners close to
    promotion (the next tier's criteria at least `threshold` met, closest first), from each partner's last assessed
    metric values against the program's criteria today. Four queries whatever the number of partners: the programs,
    then the standings with each one's last assessment, streamed (memory holds only the partners listed)."""
    specs = {spec.id: spec for spec in program_specs().values()}
    currency = current_tenant().base_currency
    last_values = (
        TierAssessment.objects.filter(partner_organization_id=OuterRef("partner_organization_id"))
        .order_by("-id")
        .values("metric_values")[:1]
    )
    rows = (
        TierStanding.objects.annotate(last_values=Subquery(last_values), partner_name=F("partner_organization__name"))
        .order_by("partner_organization_id")
        .values_list("partner_organization_id", "partner_name", "program_id", "tier_id", "demotion_due", "last_values")
    )
    at_risk, close = [], []
    for partner_id, name, program_id, tier_id, demotion_due, values in rows.iterator(chunk_size=ITERATOR_CHUNK):
        program = specs.get(program_id)
        if program is None:
            continue
        held = program.tier(tier_id)
        evaluation: Evaluation = evaluate(program, {key: _decimal(value) for key, value in (values or {}).items()})
        if demotion_due is not None:
            missing = evaluation.missing_for(held)
            percent = int(closeness(program, evaluation.result_for(held)) * 100)
            missing_words = missing_text(missing, currency) if missing else ""
            at_risk.append(UpcomingChange(partner_id, name, held, held, demotion_due, missing_words, percent))
            continue
        target = program.above(held)
        result = evaluation.result_for(target)
        near = closeness(program, result)
        if target is None or near < threshold:
            continue
        missing = evaluation.missing_for(target)
        missing_words = missing_text(missing, currency) if missing else ""
        close.append(UpcomingChange(partner_id, name, held, target, None, missing_words, int(near * 100)))
    at_risk.sort(key=lambda change: (change.demotion_due, change.partner_name))
    close.sort(key=lambda change: (-change.percent, change.partner_name))
    return UpcomingChanges(at_risk, close)


def tier_metric_trends(*, partner_id: int, points: int = TREND_POINTS) -> dict[str, list[tuple[date, Decimal]]]:
    """{source key: [(day, value), …]} from the partner's last `points` assessments, oldest first (one query)."""
    rows = list(
        TierAssessment.objects.filter(partner_organization_id=partner_id)
        .order_by("-assessed_at", "-id")
        .values_list("assessed_on", "metric_values")[:points]
    )
    trends: dict[str, list[tuple[date, Decimal]]] = {}
    for day, values in reversed(rows):
        for key, value in (values or {}).items():
            trends.setdefault(key, []).append((day, _decimal(value)))
    return trends


@dataclass(frozen=True)
class CheckShown:
    tier: str
    metric: str
    value: str
    threshold: str
    operator: str
    met: bool


def assessment_checks_shown(assessment: TierAssessment, tier_names: dict[int, str], currency: str) -> list[CheckShown]:
    """An assessment's stored criteria, in words ("Gold · won revenue 60,000.00 USD / 100,000.00 USD · missed")."""
    shown = []
    for check in assessment.criteria or ():
        key = check.get("metric", "")
        operator = check.get("operator", "gte")
        spec = CriterionSpec(check.get("criterion"), key, operator, _decimal(check.get("threshold")))
        shown.append(
            CheckShown(
                tier=tier_names.get(check.get("tier"), ""),
                metric=metric_label(key),
                value=format_value(key, _decimal(check.get("value")), currency),
                threshold=format_value(key, spec.threshold, currency),
                operator=Operator(spec.operator).label if spec.operator in Operator.values else spec.operator,
                met=bool(check.get("met")),
            )
        )
    return shown


def metric_values_shown(values: dict, currency: str) -> list[tuple[str, str]]:
    """An assessment's metric values in words: [(label, value)] (a source key with options shows its metric)."""
    shown = []
    for source, value in sorted((values or {}).items()):
        key = source.split("|", 1)[0]
        shown.append((metric_label(key), format_value(key, _decimal(value), currency)))
    return shown


def tier_names() -> dict[int, str]:
    """{tier id: name} of every program (one query)."""
    return dict(Tier.objects.values_list("pk", "name"))


def tier_program_names() -> dict[int, str]:
    """{program id: name} (one query)."""
    return dict(TierProgram.objects.values_list("pk", "name"))


def tier_console_summary() -> dict:
    """The console's tier card: partners per tier name (lowest rank first) and how many are at risk (two queries)."""
    from django.db.models import Count, Q

    rows = (
        TierStanding.objects.values("tier__name", "tier__rank")
        .annotate(partners=Count("id"), at_risk=Count("id", filter=Q(demotion_due__isnull=False)))
        .order_by("tier__rank", "tier__name")
    )
    by_name: dict[str, int] = {}
    at_risk = 0
    for row in rows:
        name = row["tier__name"] or ""
        by_name[name] = by_name.get(name, 0) + row["partners"]
        at_risk += row["at_risk"]
    return {"tiers": list(by_name.items()), "at_risk": at_risk, "partners": sum(by_name.values())}
