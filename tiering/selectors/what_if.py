"""The what-if simulation: change some criteria's thresholds and see which partners would move, computed the same
set-based way as the recalculation (chunks of partners, each metric once per chunk) and saved nowhere."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from tiering.evaluation import evaluate
from tiering.models import TierStanding
from tiering.selectors.partner_metrics import metric_values, partner_chunks
from tiering.selectors.programs import program_for_type, program_specs

CHUNK_SIZE = 25_000
MOVES_SHOWN = 500


@dataclass(frozen=True)
class Move:
    partner_id: int
    current_tier_id: int | None
    simulated_tier_id: int | None
    up: bool


@dataclass
class WhatIf:
    program_id: int
    partners: int = 0
    promoted: int = 0
    demoted: int = 0
    # {tier id or None: partners}, now and with the changed thresholds.
    current: Counter = field(default_factory=Counter)
    simulated: Counter = field(default_factory=Counter)
    moves: list[Move] = field(default_factory=list)  # the first MOVES_SHOWN, by partner id


def tier_what_if(
    *,
    program_id: int,
    thresholds: Mapping[int, Decimal],
    points: Mapping[int, Decimal] | None = None,
    min_scores: Mapping[int, Decimal] | None = None,
    as_of: date | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> WhatIf:
    """Which partners of the program would hold which tier if `thresholds` ({criterion id: new threshold}) were the
    program's — and, for the points and index models, `points` ({criterion id: points or weight}) and `min_scores`
    ({tier id: pass mark or band}) — against the tier they hold now. Reads only."""
    specs = program_specs()
    program = next((spec for spec in specs.values() if spec.id == program_id), None)
    result = WhatIf(program_id)
    if program is None:
        return result
    simulated_program = program.with_thresholds(thresholds, points=points, min_scores=min_scores)
    today = as_of or timezone.localdate()
    ranks = {tier.id: tier.rank for tier in program.tiers}
    first = True
    for chunk in partner_chunks(None, chunk_size):
        ids = [p.id for p in chunk if (spec := program_for_type(specs, p.partner_type)) and spec.id == program_id]
        everyone = first and len(chunk) < chunk_size and len(specs) == 1
        first = False
        if not ids:
            continue
        values = metric_values({program.id: program}, {program.id: ids}, today=today, everyone=everyone)[program.id]
        held = dict(
            TierStanding.objects.filter(partner_organization_id__in=ids).values_list(
                "partner_organization_id", "tier_id"
            )
        )
        for partner_id in ids:
            partner_values = {source: by_partner.get(partner_id, Decimal(0)) for source, by_partner in values.items()}
            simulated = evaluate(simulated_program, partner_values).qualified
            current = held.get(partner_id)
            simulated_id = simulated.id if simulated else None
            result.partners += 1
            result.current[current] += 1
            result.simulated[simulated_id] += 1
            if simulated_id != current:
                up = ranks.get(simulated_id, -1) > ranks.get(current, -1)
                result.promoted += up
                result.demoted += not up
                if len(result.moves) < MOVES_SHOWN:
                    result.moves.append(Move(partner_id, current, simulated_id, up))
    return result
