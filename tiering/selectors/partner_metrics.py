"""The partners a recalculation (or a what-if) goes over, in chunks by id, and their metric values per chunk: each
metric a program's criteria name computed once for all the chunk's partners (a few aggregations per chunk)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from partners.selectors import partners_in_program
from tiering.evaluation import ProgramSpec
from tiering.metrics import MetricScope, compute_metrics


@dataclass
class ChunkPartner:
    id: int
    partner_type: str
    cached_tier: str


def partner_chunks(partner_ids: Sequence[int] | None, chunk_size: int) -> Iterator[list[ChunkPartner]]:
    """The partners taking part in the program (active or onboarding), `chunk_size` at a time by id (keyset
    pagination: memory stays flat however many partners the tenant has)."""
    queryset = partners_in_program().order_by("pk")
    if partner_ids is not None:
        queryset = queryset.filter(pk__in=list(partner_ids))
    last_id = 0
    while True:
        rows = list(queryset.filter(pk__gt=last_id).values_list("pk", "partner_type", "tier")[:chunk_size])
        if not rows:
            return
        yield [ChunkPartner(*row) for row in rows]
        if len(rows) < chunk_size:
            return
        last_id = rows[-1][0]


def metric_values(
    programs: dict[int, ProgramSpec], partner_ids_by_program: dict[int, list[int]], *, today: date, everyone: bool
) -> dict[int, dict[str, dict[int, Decimal]]]:
    """{program id: {source key: {partner id: value}}}: each metric a program's criteria name, computed once for
    the chunk's partners of that program — or for every partner of the tenant when one chunk holds them all
    (`everyone`: no list of ids to send)."""
    values: dict[int, dict[str, dict[int, Decimal]]] = {}
    for program_id, partner_ids in partner_ids_by_program.items():
        program = programs[program_id]
        values[program_id] = {}
        for source, criterion in program.sources().items():
            scope = MetricScope(
                as_of=today,
                partner_ids=None if everyone and len(partner_ids_by_program) == 1 else partner_ids,
                window_days=program.window_days,
                options=dict(criterion.options),
            )
            values[program_id][source] = compute_metrics([criterion.metric_key], scope)[criterion.metric_key]
    return values
