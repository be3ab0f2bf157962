"""The evaluation: which tier a partner's metric values give, and why. Pure functions over plain values (no
database), shared by the recalculation, a partner's progress and the what-if simulation.

Models:
- `all` / `any`: a tier holds when every (any) one of its conditions holds; a tier without conditions always holds.
- `points` (Microsoft's Solutions Partner model): each condition gives up to its points, in proportion to the
  progress towards its threshold; the tier holds when the total reaches the tier's pass mark and every category
  of its conditions scored above zero.
- `index` (as Cisco 360): the program's own conditions (no tier), weighted by their points, make an index of 0–10;
  each tier is a band that holds from its minimum score.
The partner gets the highest tier that holds."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
INDEX_SCALE = Decimal("10")
MORE_IS_BETTER = ("gte", "gt")


def source_key(metric_key: str, options: Mapping | None) -> str:
    """The name of one computed metric: its key, with the criterion's options when it has any."""
    if not options:
        return metric_key
    return f"{metric_key}|{json.dumps(options, sort_keys=True, separators=(',', ':'))}"


@dataclass(frozen=True)
class CriterionSpec:
    id: int | None
    metric_key: str
    operator: str
    threshold: Decimal
    options: Mapping = field(default_factory=dict)
    points: Decimal = ZERO
    category: str = ""
    tier_id: int | None = None

    @property
    def source(self) -> str:
        return self._source

    def __post_init__(self):
        # The evaluation reads `source` for every partner: computed once (the dataclass is frozen).
        object.__setattr__(self, "_source", source_key(self.metric_key, self.options))

    def holds(self, value: Decimal) -> bool:
        threshold = self.threshold
        return {
            "gte": value >= threshold,
            "gt": value > threshold,
            "lte": value <= threshold,
            "lt": value < threshold,
            "eq": value == threshold,
        }[self.operator]

    def progress(self, value: Decimal) -> Decimal:
        """0–1: how far the value is towards the threshold (partial credit only where more is better)."""
        if self.holds(value):
            return Decimal("1")
        if self.operator in MORE_IS_BETTER and self.threshold > 0 and value > 0:
            return min(Decimal("1"), value / self.threshold)
        return ZERO

    def gap(self, value: Decimal) -> Decimal:
        """How much more of the metric would meet the condition (0 when met, or when less is better)."""
        if self.holds(value) or self.operator not in MORE_IS_BETTER:
            return ZERO
        return self.threshold - value if self.operator == "gte" else self.threshold - value + Decimal("1")


@dataclass(frozen=True)
class TierSpec:
    id: int
    name: str
    rank: int
    min_score: Decimal = ZERO
    criteria: tuple[CriterionSpec, ...] = ()


@dataclass(frozen=True)
class ProgramSpec:
    id: int
    model: str
    tiers: tuple[TierSpec, ...]  # lowest rank first
    index_criteria: tuple[CriterionSpec, ...] = ()
    grace_period_days: int = 90
    window_days: int = 365

    def criteria(self) -> Iterable[CriterionSpec]:
        yield from self.index_criteria
        for tier in self.tiers:
            yield from tier.criteria

    def sources(self) -> dict[str, CriterionSpec]:
        """Each metric to compute once (key and options), with a criterion that names it."""
        return {criterion.source: criterion for criterion in self.criteria()}

    def tier(self, tier_id: int | None) -> TierSpec | None:
        return next((tier for tier in self.tiers if tier.id == tier_id), None)

    def above(self, tier: TierSpec | None) -> TierSpec | None:
        rank = -1 if tier is None else tier.rank
        return next((candidate for candidate in self.tiers if candidate.rank > rank), None)

    def with_thresholds(
        self,
        thresholds: Mapping[int, Decimal],
        *,
        points: Mapping[int, Decimal] | None = None,
        min_scores: Mapping[int, Decimal] | None = None,
    ) -> ProgramSpec:
        """The same program with some criteria's thresholds (and points) changed by criterion id, and some tiers'
        pass marks or bands (`min_scores`, by tier id): the what-if simulation."""
        points = points or {}
        min_scores = min_scores or {}

        def changed(criterion):
            if criterion.id in thresholds:
                criterion = replace(criterion, threshold=Decimal(thresholds[criterion.id]))
            if criterion.id in points:
                criterion = replace(criterion, points=Decimal(points[criterion.id]))
            return criterion

        def changed_tier(tier):
            tier = replace(tier, criteria=tuple(changed(c) for c in tier.criteria))
            return replace(tier, min_score=Decimal(min_scores[tier.id])) if tier.id in min_scores else tier

        return replace(
            self,
            index_criteria=tuple(changed(c) for c in self.index_criteria),
            tiers=tuple(changed_tier(tier) for tier in self.tiers),
        )


@dataclass(frozen=True)
class Check:
    criterion: CriterionSpec
    value: Decimal
    met: bool
    points: Decimal = ZERO

    @property
    def gap(self) -> Decimal:
        return self.criterion.gap(self.value)


@dataclass(frozen=True)
class TierResult:
    tier: TierSpec
    holds: bool
    checks: tuple[Check, ...]
    score: Decimal | None = None
    # Points model: categories that scored nothing (every one must score above zero).
    empty_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    qualified: TierSpec | None
    results: tuple[TierResult, ...]  # one per tier, lowest first
    score: Decimal | None = None  # points of the qualified tier, or the index

    def result_for(self, tier: TierSpec | None) -> TierResult | None:
        if tier is None:
            return None
        return next((result for result in self.results if result.tier.id == tier.id), None)

    def missing_for(self, tier: TierSpec | None) -> tuple[Check, ...]:
        """The conditions of `tier` not met (the index model: the program's, which raise the index)."""
        result = self.result_for(tier)
        return tuple(check for check in result.checks if not check.met) if result else ()


def _quantize(number: Decimal) -> Decimal:
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _checks(criteria: Iterable[CriterionSpec], values: Mapping[str, Decimal], *, partial: bool) -> tuple[Check, ...]:
    checks = []
    for criterion in criteria:
        value = values.get(criterion.source, ZERO)
        met = criterion.holds(value)
        if not criterion.points:
            earned = ZERO  # all/any: no points to weigh (the common case, kept cheap for thousands of partners)
        elif met:
            earned = criterion.points
        else:
            earned = _quantize(criterion.points * criterion.progress(value)) if partial else ZERO
        checks.append(Check(criterion, value, met, earned))
    return tuple(checks)


def _tier_result(program: ProgramSpec, tier: TierSpec, values, index: Decimal | None, index_checks) -> TierResult:
    if program.model == "index":
        return TierResult(tier, index >= tier.min_score, index_checks, index)
    if program.model == "points":
        checks = _checks(tier.criteria, values, partial=True)
        score = sum((check.points for check in checks), ZERO)
        by_category: dict[str, Decimal] = {}
        for check in checks:
            by_category[check.criterion.category] = by_category.get(check.criterion.category, ZERO) + check.points
        empty = tuple(sorted(category for category, points in by_category.items() if points <= 0))
        return TierResult(tier, score >= tier.min_score and not empty, checks, score, empty)
    checks = _checks(tier.criteria, values, partial=False)
    if not checks:
        return TierResult(tier, True, checks)
    holds = all(check.met for check in checks) if program.model == "all" else any(check.met for check in checks)
    return TierResult(tier, holds, checks)


def index_of(program: ProgramSpec, values: Mapping[str, Decimal]) -> tuple[Decimal, tuple[Check, ...]]:
    """The index (0–10): the weighted mean of the program's criteria's progress."""
    checks = _checks(program.index_criteria, values, partial=True)
    weights = sum((criterion.points for criterion in program.index_criteria), ZERO)
    if weights <= 0:
        return ZERO, checks
    return _quantize(INDEX_SCALE * sum((check.points for check in checks), ZERO) / weights), checks


def evaluate(program: ProgramSpec, values: Mapping[str, Decimal]) -> Evaluation:
    """The highest tier of `program` whose criteria hold for these metric values ({source key: value})."""
    index, index_checks = index_of(program, values) if program.model == "index" else (None, ())
    results = tuple(_tier_result(program, tier, values, index, index_checks) for tier in program.tiers)
    qualified = next((result for result in reversed(results) if result.holds), None)
    score = index if program.model == "index" else (qualified.score if qualified else None)
    return Evaluation(qualified.tier if qualified else None, results, score)
