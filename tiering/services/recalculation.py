"""The recalculation: every partner's tier from its metrics, set-based.

For a tenant, partners are taken in chunks of ids (memory stays flat however many there are). For each chunk every
metric the program's criteria name is computed once for all the chunk's partners (`compute_metrics`, a few
aggregations), each partner is evaluated in Python, and standings, assessments, events, the partners' tier cache
and deal registration's terms are written in bulk: a fixed number of queries per chunk, whatever its size.

Rules: a promotion takes effect at once; a partner that qualifies for less keeps its tier for the program's grace
period, "at risk" meanwhile (told what is missing), and is demoted when the grace period has run out still
qualifying for less; an override holds its tier until its end date. Idempotent: an assessment is written only when
the metric values or the result differ from the standing's last one, so a second run on a day changes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealreg.services.partner_terms import DealTerms, partner_deal_terms_set
from partners.services.tier_cache import partner_tier_cache_set
from prm.events import record_events
from prm.tenancy import current_tenant
from tiering.declarations import TIER_AT_RISK, TIER_CHANGED
from tiering.evaluation import Evaluation, ProgramSpec, TierSpec, evaluate
from tiering.explain import explain, missing_text
from tiering.models import Tier, TierAssessment, TierChange, TierOverride, TierStanding
from tiering.selectors.partner_metrics import metric_values, partner_chunks
from tiering.selectors.programs import program_for_type, program_specs

CHUNK_SIZE = 25_000
ADVISORY_LOCK_CLASS = 1316  # this lock's namespace among the code base's advisory locks ("TIER" on a keypad)


@dataclass
class RecalculationRun:
    partners: int = 0
    assessed: int = 0
    changes: dict[str, int] = field(default_factory=dict)

    def count(self, change: str) -> None:
        self.changes[change] = self.changes.get(change, 0) + 1


@dataclass(frozen=True)
class _StandingRow:
    COLUMNS = (
        "pk",
        "partner_organization_id",
        "program_id",
        "tier_id",
        "since",
        "at_risk_since",
        "demotion_due",
        "fingerprint",
    )

    pk: int
    partner_organization_id: int
    program_id: int
    tier_id: int | None
    since: date
    at_risk_since: date | None
    demotion_due: date | None
    fingerprint: str


@dataclass(frozen=True)
class _Decision:
    tier: TierSpec | None
    since: date
    at_risk_since: date | None
    demotion_due: date | None
    change: str


def _rank(tier: TierSpec | None) -> int:
    return -1 if tier is None else tier.rank


def decide(
    *,
    program: ProgramSpec,
    standing: TierStanding | _StandingRow | None,
    qualified: TierSpec | None,
    override_tier: TierSpec | None,
    today: date,
) -> _Decision:
    """The tier a partner holds after an evaluation that gave `qualified` (the rules of promotion, grace and
    overrides, on plain values)."""
    held = program.tier(standing.tier_id) if standing and standing.program_id == program.id else None
    known = standing is not None and standing.program_id == program.id
    if override_tier is not None:
        change = TierChange.NONE if held and held.id == override_tier.id else TierChange.OVERRIDDEN
        since = standing.since if known and change == TierChange.NONE else today
        return _Decision(override_tier, since, None, None, change)
    if not known:
        return _Decision(qualified, today, None, None, TierChange.ENTERED)
    if _rank(qualified) > _rank(held):
        return _Decision(qualified, today, None, None, TierChange.PROMOTED)
    if _rank(qualified) == _rank(held):
        change = TierChange.RECOVERED if standing.at_risk_since else TierChange.NONE
        return _Decision(held, standing.since, None, None, change)
    # Qualifies for less: at risk first, demoted once the grace period has run out.
    if standing.at_risk_since is None:
        due = today + timedelta(days=program.grace_period_days)
        if due <= today:
            return _Decision(qualified, today, None, None, TierChange.DEMOTED)
        return _Decision(held, standing.since, today, due, TierChange.AT_RISK)
    if standing.demotion_due is not None and standing.demotion_due <= today:
        return _Decision(qualified, today, None, None, TierChange.DEMOTED)
    return _Decision(held, standing.since, standing.at_risk_since, standing.demotion_due, TierChange.NONE)


def _fingerprint(values: dict[str, str], decision: _Decision, qualified: TierSpec | None, program: ProgramSpec) -> str:
    seen = {
        "program": program.id,
        "values": values,
        "qualified": qualified.id if qualified else None,
        "tier": decision.tier.id if decision.tier else None,
        "at_risk": decision.at_risk_since.isoformat() if decision.at_risk_since else None,
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


def _checks_json(evaluation: Evaluation) -> list[dict]:
    return [
        {
            "tier": result.tier.id,
            "criterion": check.criterion.id,
            "metric": check.criterion.metric_key,
            "options": dict(check.criterion.options),
            "operator": check.criterion.operator,
            "threshold": str(check.criterion.threshold),
            "value": str(check.value),
            "met": check.met,
            "points": str(check.points),
            "category": check.criterion.category,
        }
        for result in evaluation.results
        for check in result.checks
    ]


def _change_text(decision: _Decision, previous: TierSpec | None) -> str:
    name = decision.tier.name if decision.tier else _("no tier")
    if decision.change == TierChange.PROMOTED:
        return _("Promoted to %(tier)s.") % {"tier": name}
    if decision.change == TierChange.DEMOTED:
        return _("Demoted to %(tier)s after the grace period.") % {"tier": name}
    if decision.change == TierChange.AT_RISK:
        return _("%(tier)s at risk: demotion due on %(date)s unless it qualifies again.") % {
            "tier": name,
            "date": decision.demotion_due.isoformat(),
        }
    if decision.change == TierChange.RECOVERED:
        return _("Qualifies for %(tier)s again: no longer at risk.") % {"tier": name}
    if decision.change == TierChange.OVERRIDDEN:
        return _("%(tier)s, set by an override.") % {"tier": name}
    if decision.change == TierChange.ENTERED:
        return _("Entered the program at %(tier)s.") % {"tier": name}
    return ""


def tiers_recalculate(
    *, partner_ids: Sequence[int] | None = None, as_of: date | None = None, chunk_size: int = CHUNK_SIZE
) -> RecalculationRun:
    """Recalculate the tier of every partner of the current tenant (or of the ones named): the program's rules,
    applied by the program itself. A whole-tenant run seeds the default program for a tenant that has none (a
    recalculation of named partners does not: a tenant without a program has no tiers to give yet)."""
    from tiering.services.programs import tier_program_ensure_default

    today = as_of or timezone.localdate()
    run = RecalculationRun()
    with transaction.atomic():
        # One recalculation of a tenant at a time (the nightly one and an on-demand one, or a retried task): the
        # second waits, then finds the first's standings and writes only what is still different.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, current_tenant().pk])
        if partner_ids is None:
            tier_program_ensure_default()
        specs = program_specs()
        programs = {spec.id: spec for spec in specs.values()}
        tiers_by_id = {tier.id: tier for spec in programs.values() for tier in spec.tiers}
        benefits = {tier.pk: tier for tier in Tier.objects.filter(pk__in=tiers_by_id)}
        currency = current_tenant().base_currency
        first = True
        for chunk in partner_chunks(partner_ids, chunk_size):
            everyone = first and partner_ids is None and len(chunk) < chunk_size
            first = False
            _recalculate_chunk(chunk, specs, programs, benefits, today, currency, everyone, run)
    return run


def _recalculate_chunk(chunk, specs, programs, benefits, today, currency, everyone, run) -> None:
    partner_ids_by_program: dict[int, list[int]] = {}
    program_of: dict[int, ProgramSpec] = {}
    for partner in chunk:
        program = program_for_type(specs, partner.partner_type)
        if program is not None:
            program_of[partner.id] = program
            partner_ids_by_program.setdefault(program.id, []).append(partner.id)
    if not program_of:
        return
    values = metric_values(programs, partner_ids_by_program, today=today, everyone=everyone)
    ids = list(program_of)
    # Plain rows, not model instances: a nightly run reads every partner's standing and writes few.
    standings = {
        row[1]: _StandingRow(*row)
        for row in TierStanding.objects.filter(partner_organization_id__in=ids).values_list(*_StandingRow.COLUMNS)
    }
    overrides = {}
    for override in TierOverride.objects.filter(
        partner_organization_id__in=ids, starts_on__lte=today, ends_on__gte=today
    ).order_by("partner_organization_id", "-starts_on", "-id"):
        if override.is_active_on(today):
            overrides.setdefault(override.partner_organization_id, override.tier_id)

    new_standings, changed_standings, assessments, events = [], [], [], []
    tier_cache, deal_terms = {}, {}
    for partner in chunk:
        program = program_of.get(partner.id)
        if program is None:
            continue
        run.partners += 1
        partner_values = {
            source: values[program.id][source].get(partner.id, Decimal(0)) for source in values[program.id]
        }
        evaluation = evaluate(program, partner_values)
        standing = standings.get(partner.id)
        override_tier = program.tier(overrides.get(partner.id))
        decision = decide(
            program=program, standing=standing, qualified=evaluation.qualified, override_tier=override_tier, today=today
        )
        shown_values = {source: str(value) for source, value in partner_values.items()}
        fingerprint = _fingerprint(shown_values, decision, evaluation.qualified, program)
        held_name = decision.tier.name if decision.tier else ""
        if partner.cached_tier != held_name:
            tier_cache[partner.id] = held_name
        previous = program.tier(standing.tier_id) if standing else None
        if standing is not None and standing.fingerprint == fingerprint and decision.change == TierChange.NONE:
            continue
        run.assessed += 1
        run.count(decision.change)
        fields = {
            "program_id": program.id,
            "tier_id": decision.tier.id if decision.tier else None,
            "qualified_tier_id": evaluation.qualified.id if evaluation.qualified else None,
            "since": decision.since,
            "at_risk_since": decision.at_risk_since,
            "demotion_due": decision.demotion_due,
            "assessed_on": today,
            "fingerprint": fingerprint,
        }
        if standing is None:
            new_standings.append(TierStanding(partner_organization_id=partner.id, **fields))
        else:
            changed_standings.append(
                TierStanding(pk=standing.pk, partner_organization_id=partner.id, updated_at=timezone.now(), **fields)
            )
        assessments.append(
            TierAssessment(
                partner_organization_id=partner.id,
                program_id=program.id,
                assessed_on=today,
                metric_values=shown_values,
                criteria=_checks_json(evaluation),
                score=evaluation.score,
                qualified_tier_id=fields["qualified_tier_id"],
                previous_tier_id=previous.id if previous else None,
                tier_id=fields["tier_id"],
                change=decision.change,
                explanation=explain(
                    program,
                    evaluation,
                    held=decision.tier,
                    currency=currency,
                    change_text=_change_text(decision, previous),
                ),
            )
        )
        if (previous.id if previous else None) != fields["tier_id"] or standing is None:
            tier = benefits.get(fields["tier_id"])
            deal_terms[partner.id] = DealTerms(
                protection_days=tier.deal_protection_days if tier else None,
                auto_approve_max_amount=tier.deal_auto_approve_limit if tier else None,
                source=tier.name if tier else "",
            )
            if decision.tier is not None or previous is not None:
                events.append((TIER_CHANGED, partner.id, previous, decision, None))
        if decision.change == TierChange.AT_RISK:
            missing = evaluation.missing_for(decision.tier)
            events.append((TIER_AT_RISK, partner.id, previous, decision, missing_text(missing, currency)))

    # The partners' tier cache first: updating partner rows that this transaction has already referenced (the
    # standings' and assessments' foreign keys lock them) grew with the square of the rows — 60 s for 25,000
    # partners on a first run, 4 s when written before the inserts.
    if tier_cache:
        partner_tier_cache_set(tiers=tier_cache)
    if new_standings:
        TierStanding.objects.bulk_create(new_standings, batch_size=2000)
    if changed_standings:
        TierStanding.objects.bulk_update(
            changed_standings,
            [
                "program",
                "tier",
                "qualified_tier",
                "since",
                "at_risk_since",
                "demotion_due",
                "assessed_on",
                "fingerprint",
            ]
            + ["updated_at"],
            batch_size=1000,
        )
    if assessments:
        TierAssessment.objects.bulk_create(assessments, batch_size=2000)
    if deal_terms:
        partner_deal_terms_set(terms=deal_terms)
    if events:
        _record(events, standings={s.partner_organization_id: s for s in [*new_standings, *changed_standings]})


def _record(events, *, standings) -> None:
    written = []
    for event_type, partner_id, previous, decision, missing in events:
        standing = standings[partner_id]
        payload = {
            "partner_organization_id": partner_id,
            "tier": decision.tier.name if decision.tier else "",
            "tier_id": decision.tier.id if decision.tier else None,
            "previous_tier": previous.name if previous else "",
            "change": decision.change,
        }
        if event_type == TIER_AT_RISK:
            payload |= {"demotion_due": decision.demotion_due.isoformat(), "missing": missing}
        written.append((event_type, standing, payload))
    record_events(written)
