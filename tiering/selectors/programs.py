"""A tier program as plain values for the evaluation (two queries), and which program applies to which partner."""

from __future__ import annotations

from decimal import Decimal

from tiering.evaluation import CriterionSpec, ProgramSpec, TierSpec
from tiering.models import EvaluationModel, Tier, TierCriterion, TierProgram


def _criterion(criterion: TierCriterion) -> CriterionSpec:
    return CriterionSpec(
        id=criterion.pk,
        metric_key=criterion.metric_key,
        operator=criterion.operator,
        threshold=Decimal(criterion.threshold),
        options=criterion.options or {},
        points=Decimal(criterion.points),
        category=criterion.category,
        tier_id=criterion.tier_id,
    )


def program_specs() -> dict[str, ProgramSpec]:
    """The tenant's active programs by partner type ("" for the program of every other type), in two queries."""
    programs = {program.pk: program for program in TierProgram.objects.filter(is_active=True)}
    tiers = list(Tier.objects.filter(program_id__in=programs).order_by("program_id", "rank"))
    criteria = list(TierCriterion.objects.filter(program_id__in=programs).order_by("position", "id"))
    specs = {}
    for program in programs.values():
        by_tier = {}
        for criterion in criteria:
            if criterion.program_id == program.pk and criterion.tier_id is not None:
                by_tier.setdefault(criterion.tier_id, []).append(_criterion(criterion))
        specs[program.partner_type] = ProgramSpec(
            id=program.pk,
            model=program.evaluation_model,
            tiers=tuple(
                TierSpec(tier.pk, tier.name, tier.rank, Decimal(tier.min_score), tuple(by_tier.get(tier.pk, ())))
                for tier in tiers
                if tier.program_id == program.pk
            ),
            index_criteria=tuple(
                _criterion(c)
                for c in criteria
                if c.program_id == program.pk
                and c.tier_id is None
                and program.evaluation_model == EvaluationModel.INDEX
            ),
            grace_period_days=program.grace_period_days,
            window_days=program.qualification_window_days,
        )
    return specs


def program_for_type(specs: dict[str, ProgramSpec], partner_type: str) -> ProgramSpec | None:
    return specs.get(partner_type) or specs.get("")
