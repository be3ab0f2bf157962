"""A partner's progress to its next tier, metric by metric, computed live from its metrics (a few queries, one
partner): what the partner page and the API show ("40,000.00 USD more won revenue and 2 more certified people to
reach Gold")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from enablement.selectors.gaps import courses_closing_gaps
from partners.selectors import partner_get
from prm.tenancy import current_tenant
from tiering.evaluation import Check, Evaluation, ProgramSpec, TierSpec, evaluate
from tiering.explain import describe_gap, format_value, metric_label, metric_unit, missing_text
from tiering.models import TierStanding
from tiering.selectors.partner_metrics import metric_values
from tiering.selectors.programs import program_for_type, program_specs


@dataclass(frozen=True)
class MetricProgress:
    metric_key: str
    label: str
    unit: str
    operator: str
    value: Decimal
    threshold: Decimal
    met: bool
    gap: Decimal
    shown_value: str
    shown_threshold: str
    gap_text: str  # "2 more certified people", empty when met
    source: str = ""  # the computed metric's key with its options (`CriterionSpec.source`): its trend's key

    @property
    def percent(self) -> int:
        """0–100, for a progress bar."""
        if self.met or self.threshold <= 0:
            return 100
        return max(0, min(100, int(self.value * 100 / self.threshold)))


@dataclass(frozen=True)
class TierProgress:
    program: ProgramSpec
    standing: TierStanding | None
    held: TierSpec | None
    qualified: TierSpec | None
    target: TierSpec | None  # the next tier, or the tier held when it is at risk
    metrics: tuple[MetricProgress, ...]
    missing: str  # in words, empty when nothing is missing
    evaluation: Evaluation


def _progress(check: Check, currency: str) -> MetricProgress:
    key = check.criterion.metric_key
    return MetricProgress(
        metric_key=key,
        label=metric_label(key),
        unit=metric_unit(key),
        operator=check.criterion.operator,
        value=check.value,
        threshold=check.criterion.threshold,
        met=check.met,
        gap=check.gap,
        shown_value=format_value(key, check.value, currency),
        shown_threshold=format_value(key, check.criterion.threshold, currency),
        gap_text="" if check.met else describe_gap(check, currency),
        source=check.criterion.source,
    )


def tier_progress_for(*, partner_id: int, as_of: date | None = None) -> TierProgress | None:
    """The partner's progress to its next tier (None when no program applies to it, or no such partner)."""
    partner = partner_get(partner_id=partner_id)
    if partner is None:
        return None
    program = program_for_type(program_specs(), partner.partner_type)
    if program is None:
        return None
    today = as_of or timezone.localdate()
    values = metric_values({program.id: program}, {program.id: [partner_id]}, today=today, everyone=False)[program.id]
    evaluation = evaluate(
        program, {source: by_partner.get(partner_id, Decimal(0)) for source, by_partner in values.items()}
    )
    standing = TierStanding.objects.select_related("tier").filter(partner_organization_id=partner_id).first()
    held = program.tier(standing.tier_id) if standing else evaluation.qualified
    qualified = evaluation.qualified
    if held is not None and (qualified is None or held.rank > qualified.rank):
        target = held
    else:
        target = program.above(qualified)
    currency = current_tenant().base_currency
    result = evaluation.result_for(target)
    checks = result.checks if result else ()
    missing = tuple(check for check in checks if not check.met)
    return TierProgress(
        program=program,
        standing=standing,
        held=held,
        qualified=qualified,
        target=target,
        metrics=tuple(_progress(check, currency) for check in checks),
        missing=missing_text(missing, currency) if missing else "",
        evaluation=evaluation,
    )


# Metrics a course can move, and the criterion option naming what counts (none named: any).
SKILLING_METRICS = {"certified_people": "certification_ids", "completed_courses": "course_ids"}


def courses_closing_the_gap(progress: TierProgress | None, *, actor, limit: int = 3) -> list:
    """Courses the member has not completed that would close the next tier's unmet skilling criteria: the required
    courses of the certifications it counts, or the courses it counts (one query; none when nothing of that is
    missing)."""
    if progress is None or progress.target is None:
        return []
    result = progress.evaluation.result_for(progress.target)
    wanted: dict[str, set[int] | None] = {"certification_ids": None, "course_ids": None}
    for check in result.checks if result else ():
        option = SKILLING_METRICS.get(check.criterion.metric_key)
        if check.met or option is None:
            continue
        named = {int(pk) for pk in check.criterion.options.get(option) or ()}
        already = wanted[option]
        # An empty set stands for "any": it absorbs whatever another criterion names.
        wanted[option] = set() if not named or already == set() else (already or set()) | named
    if wanted["certification_ids"] is None and wanted["course_ids"] is None:
        return []
    return courses_closing_gaps(actor=actor, limit=limit, **wanted)
