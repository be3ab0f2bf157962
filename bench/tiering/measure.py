"""Measure the nightly tier recalculation at scale (see bench/tiering/__init__.py)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal

# The metrics the default program names that the bench can stand in for when the code base does not register them
# yet (each a set-based aggregation of the same rows); the report lists any stand-in it used.
STAND_IN_SQL = {
    "won_revenue_sourced": (
        "SELECT partner_organization_id, SUM(COALESCE(closed_amount, amount)) FROM dealreg_dealregistration "
        "WHERE tenant_id = %s AND status = 'won' AND COALESCE(closed_at, approved_at::date) >= %s "
        "AND (%s::bigint[] IS NULL OR partner_organization_id = ANY(%s)) GROUP BY 1"
    ),
    "won_deals": (
        "SELECT partner_organization_id, COUNT(*) FROM dealreg_dealregistration "
        "WHERE tenant_id = %s AND status = 'won' AND COALESCE(closed_at, approved_at::date) >= %s "
        "AND (%s::bigint[] IS NULL OR partner_organization_id = ANY(%s)) GROUP BY 1"
    ),
}

FLOOR_SQL = """
SELECT p.id, r.revenue, r.deals, c.people
FROM partners_partnerorganization p
LEFT JOIN (
    SELECT partner_organization_id, SUM(COALESCE(closed_amount, amount)) AS revenue, COUNT(*) AS deals
    FROM dealreg_dealregistration
    WHERE tenant_id = %(tenant)s AND status = 'won' AND COALESCE(closed_at, approved_at::date) >= %(since)s
    GROUP BY 1
) r ON r.partner_organization_id = p.id
LEFT JOIN (
    SELECT partner_organization_id, COUNT(DISTINCT user_id) AS people
    FROM enablement_certificationaward
    WHERE tenant_id = %(tenant)s AND status = 'active' AND (expires_at IS NULL OR expires_at > now())
    GROUP BY 1
) c ON c.partner_organization_id = p.id
WHERE p.tenant_id = %(tenant)s AND p.status IN ('active', 'onboarding')
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tiering-partners",
        default="10000,100000",
        help="comma-separated partner counts, one tenant each (e.g. 2000 for a quick try)",
    )
    parser.add_argument("--tiering-registrations", type=int, default=1_000_000)
    parser.add_argument("--tiering-certifications", type=int, default=50_000)


def _register_stand_ins() -> list[str]:
    from django.db import connection
    from django.utils.translation import gettext_lazy as _

    from prm.tenancy import current_tenant
    from tiering.metrics import METRICS, Metric, MetricScope, Unit

    used = []
    for key, sql in STAND_IN_SQL.items():
        if key in METRICS:
            continue

        def compute(scope: MetricScope, sql=sql) -> dict[int, Decimal]:
            from datetime import timedelta

            ids = list(scope.partner_ids) if scope.partner_ids is not None else None
            since = scope.as_of - timedelta(days=scope.window_days)
            with connection.cursor() as cursor:
                cursor.execute(sql, [current_tenant().pk, since, ids, ids])
                return {partner_id: Decimal(value) for partner_id, value in cursor.fetchall()}

        unit = Unit.MONEY if key.startswith("won_revenue") else Unit.COUNT
        METRICS[key] = Metric(key, _(key.replace("_", " ")), unit, compute)
        used.append(key)
    return used


def _prepare(partners: int, registrations: int, certifications: int):
    from bench.dealreg.generate import generate_registrations, vacuum_analyze
    from bench.generate import ensure_tenant, generate_partners
    from bench.tiering.generate import generate_certifications
    from partners.models import PartnerOrganization
    from prm.tenancy import tenant_context
    from tiering.services.programs import tier_program_ensure_default

    tenant = ensure_tenant(f"bench-tiering-{partners}")
    generate_partners(tenant, partners)
    with tenant_context(tenant):
        partner_ids = list(PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True))
    generate_registrations(tenant, registrations, partner_ids)
    generate_certifications(tenant, certifications, partner_ids)
    del partner_ids
    vacuum_analyze(vacuum=False)
    with tenant_context(tenant):
        tier_program_ensure_default()
    return tenant


def _timed_recalculation(tenant) -> tuple[float, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from prm.tenancy import tenant_context
    from tiering.services.recalculation import tiers_recalculate

    gc.collect()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        with tenant_context(tenant):
            run = tiers_recalculate()
        seconds = time.perf_counter() - started
    return seconds, len(captured), {"partners": run.partners, "assessed": run.assessed, "changes": run.changes}


def _peak_memory_mb(tenant) -> float:
    from prm.tenancy import tenant_context
    from tiering.services.recalculation import tiers_recalculate

    gc.collect()
    tracemalloc.start()
    with tenant_context(tenant):
        tiers_recalculate()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 1024 / 1024, 1)


def _floor_seconds(tenant) -> float:
    from datetime import date, timedelta

    from django.db import connection

    from prm.tenancy import tenant_context

    best = None
    for _ in range(3):
        started = time.perf_counter()
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, {"tenant": tenant.pk, "since": date.today() - timedelta(days=365)})
            cursor.fetchall()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best


def scale_bench(partners: int, *, registrations: int, certifications: int) -> dict:
    from tiering.models import TierStanding

    started = time.perf_counter()
    tenant = _prepare(partners, registrations, certifications)
    generate_seconds = round(time.perf_counter() - started, 2)
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        first_time = not TierStanding.objects.exists()
    # The first run writes every partner's standing and assessment; the next ones (the nightly steady state) write
    # only what changed. The headline figure is the first when this tenant had none, else a nightly run.
    first_seconds, first_queries, first_run = _timed_recalculation(tenant)
    nightly_seconds, nightly_queries, nightly_run = _timed_recalculation(tenant)
    floor = _floor_seconds(tenant)
    headline = first_seconds if first_time else nightly_seconds
    return {
        "partners": first_run["partners"],
        "registrations": registrations,
        "certifications": certifications,
        "generate_seconds": generate_seconds,
        "recalculation_seconds": round(headline, 3),
        "recalculation_writes_everything": first_time,
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": round(headline / floor, 2) if floor else None,
        "peak_memory_mb": _peak_memory_mb(tenant),
        "queries": first_queries,
        "first_run": {"seconds": round(first_seconds, 3), "queries": first_queries, **first_run},
        "nightly_run": {"seconds": round(nightly_seconds, 3), "queries": nightly_queries, **nightly_run},
    }


def tiering_bench(*, partners: str, registrations: int, certifications: int) -> dict:
    from django.conf import settings

    from prm.celery import app

    # As in production, the recalculation's events are relayed by a worker after commit, not inside the measured
    # run: tasks go to the bench's own queue, which no worker reads (bench/settings.py).
    app.conf.task_always_eager = False
    app.conf.task_default_queue = getattr(settings, "BENCH_TASK_QUEUE", "prm-bench")
    # A worker's broker connection is warm: open the bench's before measuring (the message is never consumed).
    app.send_task("tiering.bench.warm_up", queue=app.conf.task_default_queue)
    stand_ins = _register_stand_ins()
    scales = [int(value) for value in str(partners).split(",") if value.strip()]
    report = {
        "scales": [scale_bench(count, registrations=registrations, certifications=certifications) for count in scales],
        "stand_in_metrics": stand_ins,
    }
    if len(report["scales"]) > 1:
        small, large = report["scales"][0], report["scales"][-1]
        report["growth"] = {
            "partners_factor": round(large["partners"] / max(1, small["partners"]), 2),
            "seconds_factor": round(large["recalculation_seconds"] / max(1e-9, small["recalculation_seconds"]), 2),
        }
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    # Standalone, `--partners 2000` is the quick try (under `make bench`, --partners is the core pages' scale).
    parser.add_argument("--partners", dest="tiering_partners", help="same as --tiering-partners")
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report = {
        "tiering": tiering_bench(
            partners=args.tiering_partners,
            registrations=args.tiering_registrations,
            certifications=args.tiering_certifications,
        ),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    text = json.dumps(report, indent=2, default=str)
    print(text)
    from bench.run import RESULTS_DIR

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"tiering-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0
