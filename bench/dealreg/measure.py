"""The deal registration bench's measurements: conflict check latency in-process over realistic checks, submit
throughput through the API, and the command line (`python -m bench.dealreg`, `make bench` through bench/run.py)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.dealreg.generate import (
    COUNTRIES,
    SEED,
    crm_customer,
    customer,
    generate_crm_accounts,
    generate_crm_opportunities,
    generate_registrations,
    pick_customer,
    typed_name,
    typed_website,
    universe_size,
    vacuum_analyze,
)

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"


# -- Measuring ---------------------------------------------------------------------------------------------------


def conflict_queries(count: int, registrations: int, crm_accounts: int) -> list[dict]:
    """Realistic checks: 45% customers partners registered (typed another way), 15% customers only the CRM knows,
    40% customers nobody has seen (which may still share words or names with others)."""
    rng = random.Random(SEED * 29)
    universe = universe_size(registrations)
    queries = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.45:
            kind, c = "registered", customer(pick_customer(rng, universe))
        elif roll < 0.60 and crm_accounts:
            kind, c = "crm", crm_customer(rng.randrange(crm_accounts), universe)
        else:
            kind, c = "new", customer(10_000_000 + i)
        website = typed_website(rng, c)
        queries.append(
            {"kind": kind, "customer_name": typed_name(rng, c), "customer_domain": website, "country": c["country"]}
        )
    return queries


def _percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def measure_conflict_checks(tenant, queries: list[dict]) -> dict:
    """find_conflicts in-process, each check in its own tenant transaction (as a request runs): latency, queries
    per check, and how many checks found a conflict."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealreg.selectors.conflicts import find_conflicts
    from prm.tenancy import tenant_context

    def check(query):
        return find_conflicts(
            customer_name=query["customer_name"],
            customer_domain=query["customer_domain"],
            customer_country=query["country"],
        )

    with tenant_context(tenant):
        for query in queries[:20]:  # warm-up: imports, caches, first plans
            check(query)
    timings, found_by_kind = [], {}
    for query in queries:
        with tenant_context(tenant):
            started = time.perf_counter()
            found = check(query)
            timings.append((time.perf_counter() - started) * 1000)
        hits, total = found_by_kind.get(query["kind"], (0, 0))
        found_by_kind[query["kind"]] = (hits + bool(found), total + 1)
    query_counts = set()
    for query in queries[:50]:
        with tenant_context(tenant), CaptureQueriesContext(connection) as captured:
            check(query)
        query_counts.add(len(captured))
    timings.sort()
    return {
        "checks": len(queries),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "p99_ms": round(_percentile(timings, 0.99), 2),
        "max_ms": round(timings[-1], 2),
        "goal_p95_ms": 30,
        "queries_per_check": sorted(query_counts),
        "found_a_conflict": {kind: f"{hits}/{total}" for kind, (hits, total) in sorted(found_by_kind.items())},
        "mode": "in-process dealreg.selectors.conflicts.find_conflicts, one tenant transaction per check",
    }


def explain_slowest(tenant, queries: list[dict], top: int = 3) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the candidate queries of the slowest checks, to see where time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealreg.selectors.conflicts import find_conflicts
    from prm.tenancy import tenant_context

    timed = []
    for query in queries:
        with tenant_context(tenant):
            started = time.perf_counter()
            find_conflicts(customer_name=query["customer_name"], customer_domain=query["customer_domain"])
            timed.append(((time.perf_counter() - started) * 1000, query))
    timed.sort(key=lambda t: t[0], reverse=True)
    plans = []
    for ms, query in timed[:top]:
        with tenant_context(tenant):
            with CaptureQueriesContext(connection) as captured:
                find_conflicts(customer_name=query["customer_name"], customer_domain=query["customer_domain"])
            statements = []
            with connection.cursor() as cursor:
                for sql in (q["sql"] for q in captured.captured_queries):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    statements.append([row[0] for row in cursor.fetchall()])
        plans.append({"ms": round(ms, 2), "query": query, "plans": statements})
    return plans


# -- Submit throughput -------------------------------------------------------------------------------------------


def _submit_body(n: int) -> dict:
    """A new customer for every submit (customers nobody registered: the partner's own duplicates are refused)."""
    c = customer(50_000_000 + n)
    return {
        "customer_name": c["name"],
        "customer_website": f"https://www.{c['domain']}/" if c["domain"] else "",
        "customer_country": c["country"],
        "title": f"{c['base']} — new seats",
        "amount": "25000.00",
        "currency": COUNTRIES[c["country"]][3],
        "expected_close_date": (date.today() + timedelta(days=60)).isoformat(),
        "submit": True,
    }


def _partner_key(tenant) -> tuple[str, int]:
    """A key bound to an active partner of the bench tenant (as that partner's admin), scope deals:write."""
    from django.contrib.auth import get_user_model

    from partners.models import PartnerOrganization
    from prm.api.keys import api_key_create
    from prm.models import Membership
    from prm.roles import Role
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        user, _ = get_user_model().objects.get_or_create(email="bench.admin@bench.example")
        admin, _ = Membership.objects.get_or_create(user=user, defaults={"role": Role.TENANT_ADMIN})
        partner = PartnerOrganization.objects.filter(status="active").order_by("pk").first()
        _key, raw = api_key_create(
            actor=admin, name="bench submit", scopes=["deals:write"], partner_organization=partner
        )
    return raw, partner.pk


@contextmanager
def tasks_enqueued():
    """Run the block with Celery enqueueing tasks, as production does (this process runs them eagerly otherwise), on
    the bench's own queue, which no worker reads; the queue is emptied after. What the tasks would have done stays
    in the outbox for `relay_backlog`."""
    from django.conf import settings

    from prm.celery import app

    queue = "prm-bench"
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
        empty_bench_queue(settings.REDIS_URL)


def empty_bench_queue(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete("prm-bench", "_kombu.binding.prm-bench")
    client.close()


def submit_queries(tenant, raw_key: str, *, first: int, count: int = 6) -> dict:
    """SQL queries per submit (POST /api/v1/deals/ with submit: true), in-process, for a few customers: the request's
    own (the relay enqueued on commit, as in production), and those of relaying its events afterwards (what a worker
    runs: subscribers, notifications, emails)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from prm.events.relay import relay_tenant

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    request_counts, relay_counts = [], []
    for n in range(first, first + count):
        with tasks_enqueued(), CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/deals/", _submit_body(n), format="json")
        if response.status_code != 201:
            raise SystemExit(f"submit answered {response.status_code}: {response.content[:300]!r}")
        request_counts.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            relay_tenant(tenant=tenant)
        relay_counts.append(len(captured))
    # The key's first use records its last-used time.
    return {"request": request_counts[1:], "relay_afterwards": relay_counts[1:]}


def relay_backlog(tenant) -> dict:
    """Relay the events the load left in the outbox, in this process (Celery eager: subscribers, notifications and
    their emails), as one worker would: the deferred half of the submits' work."""
    from prm.events.relay import relay_tenant
    from prm.models import Event
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        pending = Event.objects.filter(relayed_at__isnull=True).count()
    started = time.perf_counter()
    relayed = relay_tenant(tenant=tenant)
    seconds = time.perf_counter() - started
    return {
        "pending_events": pending,
        "relayed": relayed,
        "seconds": round(seconds, 2),
        "events_per_second": round(relayed / seconds, 1) if seconds else None,
        "mode": "after the load, in this process, Celery eager (one worker's work)",
    }


def _post_load(
    port: int, raw_key: str, *, first: int, seconds: float, connections: int, path: str = "/api/v1/deals/"
) -> dict:
    """Closed loop: `connections` keep-alive clients POSTing submits back to back for `seconds`."""
    import http.client
    import threading

    deadline = time.monotonic() + seconds
    counts, statuses = [0] * connections, {}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {raw_key}", "Content-Type": "application/json"}

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = first + index * 1_000_000
        while time.monotonic() < deadline:
            connection.request("POST", path, json.dumps(_submit_body(n)), headers)
            response = connection.getresponse()
            response.read()
            n += 1
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status < 300:
                counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "path": path,
        "requests": sum(statuses.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "rps": round(sum(counts) / elapsed, 1),
    }


def submit_load(tenant, *, seconds: float, connections: int = 4) -> dict:
    """Submits through the API (gunicorn, 2 workers × 2 threads, bench settings) under a closed-loop load, against
    the bare DRF endpoint on the same server; and the SQL queries per submit."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from bench.api import start_server
    from bench.http_load import throughput
    from dealreg.models import DealRegistration
    from prm.tenancy import tenant_context

    raw_key, partner_id = _partner_key(tenant)
    admin_user_id = get_user_model().objects.get(email="bench.admin@bench.example").pk
    with tenant_context(tenant):
        first = DealRegistration.objects.count()  # fresh customers on every run
    relay_backlog(tenant)  # an earlier run's leftovers are not this run's work
    queries = submit_queries(tenant, raw_key, first=first)
    process, port = start_server()
    try:
        _post_load(port, raw_key, first=first + 100, seconds=1, connections=2)  # warm-up
        submits = _post_load(port, raw_key, first=first + 200, seconds=seconds, connections=connections)
        bare = throughput("127.0.0.1", port, "/api/bench/bare/", connections=connections, seconds=seconds)
        bare_list = throughput(
            "127.0.0.1", port, f"/api/bench/bare-list/?tenant={tenant.pk}", connections=connections, seconds=seconds
        )
        # The fair baselines: bare DRF writing what a submit writes (bench/urls.py), then also checking conflicts.
        bare_submit = f"/api/bench/bare-submit/?tenant={tenant.pk}&partner={partner_id}&user={admin_user_id}"
        bare_writes = _post_load(
            port, raw_key, first=first + 20_000_000, seconds=seconds, connections=connections, path=bare_submit
        )
        bare_writes_checked = _post_load(
            port,
            raw_key,
            first=first + 30_000_000,
            seconds=seconds,
            connections=connections,
            path=bare_submit + "&check=1",
        )
    finally:
        process.terminate()
        process.wait(timeout=20)
        empty_bench_queue(settings.REDIS_URL)
    return {
        "submit": submits,
        "bare_drf_no_database": bare,
        "bare_drf_same_query": bare_list,
        "ratio_to_bare_drf": round(submits["rps"] / bare["rps"], 3),
        "ratio_to_bare_drf_same_query": round(submits["rps"] / bare_list["rps"], 3),
        "bare_drf_same_writes": bare_writes,
        "bare_drf_same_writes_and_conflict_check": bare_writes_checked,
        # The fair comparisons: a submit against bare DRF doing the same INSERTs (and the same conflict check).
        "ratio_to_bare_drf_same_writes": round(submits["rps"] / bare_writes["rps"], 3),
        "ratio_to_bare_drf_same_writes_and_conflict_check": round(submits["rps"] / bare_writes_checked["rps"], 3),
        "queries_per_submit": queries["request"],
        "relay_queries_per_submit": queries["relay_afterwards"],
        "relay_after_load": relay_backlog(tenant),
        "partner_organization": partner_id,
        "mode": "POST /api/v1/deals/ {submit: true} with a partner-bound key, new customer each time; "
        "gunicorn 2 workers x 2 threads; the relay of the events (and emails) enqueued on commit to a queue no worker "
        "reads, as in production, then relayed in this process after the load (relay_after_load)",
    }


def submit_throughput(tenant, *, seconds: float) -> dict:
    """Submit throughput through the API, when the lifecycle's deals endpoint exists."""
    from dealreg.api import registrations as deal_api

    if not any(basename == "deal" for _prefix, _viewset, basename in getattr(deal_api, "ROUTES", [])):
        return {"skipped": "the deals endpoint (dealreg/api/registrations.py ROUTES) does not exist yet"}
    return submit_load(tenant, seconds=seconds)


# -- Main --------------------------------------------------------------------------------------------------------


def dealreg_bench(
    tenant,
    *,
    partners: int,
    registrations: int,
    crm_accounts: int,
    crm_opportunities: int,
    checks: int,
    submit_seconds: float = 0.0,
    explain: bool = False,
) -> dict:
    """Generate (top up) the data, then measure. Returns the report's `deal_registration` part."""
    from bench.generate import generate_partners
    from partners.models import PartnerOrganization
    from prm.tenancy import tenant_context

    started = time.perf_counter()
    generate_partners(tenant, partners)
    with tenant_context(tenant):
        partner_ids = list(PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True)[:partners])
    written = {
        "registrations": generate_registrations(tenant, registrations, partner_ids),
        "crm_accounts": generate_crm_accounts(tenant, crm_accounts, universe_size(registrations)),
    }
    written["crm_opportunities"] = generate_crm_opportunities(
        tenant, crm_opportunities, crm_accounts, universe_size(registrations)
    )
    generated = time.perf_counter() - started
    # Fresh statistics on every run (data from an earlier run may never have been analysed): ANALYZE is quick.
    vacuum_analyze(vacuum=any(written.values()))
    prepared = time.perf_counter() - started

    from dealreg.models import ACTIVE_DEAL_STATUSES, CrmAccount, CrmOpportunity, DealRegistration

    with tenant_context(tenant):
        scale = {
            "partners": PartnerOrganization.objects.count(),
            "registrations": DealRegistration.objects.count(),
            "active_registrations": DealRegistration.objects.filter(status__in=ACTIVE_DEAL_STATUSES).count(),
            "crm_accounts": CrmAccount.objects.count(),
            "crm_opportunities": CrmOpportunity.objects.count(),
            "open_crm_opportunities": CrmOpportunity.objects.filter(is_closed=False).count(),
        }
    queries = conflict_queries(checks, registrations, crm_accounts)
    report = {
        "scale": scale,
        "written_now": written,
        "generate_seconds": round(generated, 1),
        "generate_and_vacuum_seconds": round(prepared, 1),
        "conflict_check": measure_conflict_checks(tenant, queries),
    }
    if explain:
        report["slowest_checks"] = explain_slowest(tenant, queries)
    if submit_seconds:
        report["submit"] = submit_throughput(tenant, seconds=submit_seconds)
    return report


def add_arguments(parser) -> None:
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--crm-accounts", type=int, default=200_000)
    parser.add_argument("--crm-opportunities", type=int, default=100_000)
    parser.add_argument("--conflict-checks", type=int, default=400, help="conflict checks measured")
    parser.add_argument("--submit-seconds", type=float, default=8.0, help="submit load duration (0: skip)")


def main(argv=None):
    from bench import dealreg as package  # its docstring says what the bench does

    parser = argparse.ArgumentParser(description=package.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest checks' queries")
    add_arguments(parser)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import ensure_tenant

    call_command("migrate", verbosity=0)
    tenant = ensure_tenant(args.tenant)
    part = dealreg_bench(
        tenant,
        partners=args.partners,
        registrations=args.registrations,
        crm_accounts=args.crm_accounts,
        crm_opportunities=args.crm_opportunities,
        checks=args.conflict_checks,
        submit_seconds=args.submit_seconds,
        explain=args.explain,
    )
    from bench.dealreg.quality import matching_quality

    report = {
        "benchmark": "deal registration: conflict checks, submit throughput, matching quality",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "deal_registration": part,
        "matching_quality": matching_quality(),
    }
    text = json.dumps(report, indent=2, default=str)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"dealreg-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
