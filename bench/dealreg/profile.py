"""`python -m bench.dealreg.profile`: where one deal submit's time goes, in-process through the API's test client.

Runs N submits (POST /api/v1/deals/ {submit: true} with a partner-bound key, a new customer each) on the bench
tenant (made by `python -m bench.dealreg` or `make bench`), with the relay enqueued on commit as in production, and
prints: the mean wall time per submit, the time spent in SQL (each query's round trip, from Django's own
timings), and cProfile's cumulative time per stage of the request (middleware, key check, tenancy, serializer
validation, conflict matching, writes, events, rendering)."""

import argparse
import cProfile
import os
import pstats
import sys
import time

# Stages of a submit, by the function whose cumulative time stands for it (module path fragment, function name).
STAGES = [
    ("whole request (test client)", "django/test/client.py", "post"),
    ("WSGI handler and middleware chain", "django/core/handlers/base.py", "get_response"),
    ("API key look-up", "prm/api/keys.py", "find_key"),
    ("DRF view dispatch", "rest_framework/views.py", "dispatch"),
    ("serializer validation", "rest_framework/serializers.py", "is_valid"),
    ("deal_create (service)", "dealreg/services/registrations.py", "deal_create"),
    ("conflict screening", "dealreg/services/registrations.py", "_screen_submission"),
    ("find_conflicts (selector)", "dealreg/selectors/conflicts.py", "find_conflicts"),
    ("writes and events (_submit)", "dealreg/services/registrations.py", "_submit"),
    ("response serializer (to_representation)", "rest_framework/serializers.py", "data"),
    ("response rendering (JSON)", "rest_framework/renderers.py", "render"),
    ("SQL execute (all queries)", "django/db/backends/utils.py", "_execute"),
    ("transaction commit", "django/db/backends/base/base.py", "commit"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--submits", type=int, default=100)
    parser.add_argument("--top", type=int, default=0, help="also print the N functions with most cumulative time")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench.dealreg.measure import _partner_key, _submit_body, tasks_enqueued
    from dealreg.models import DealRegistration
    from prm.models import Tenant
    from prm.tenancy import tenant_context

    tenant = Tenant.objects.get(slug=args.tenant)
    raw_key, _partner = _partner_key(tenant)
    with tenant_context(tenant):
        first = DealRegistration.objects.count() + 5_000_000
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    bodies = [_submit_body(first + n) for n in range(2 * args.submits + 5)]
    with tasks_enqueued():
        for body in bodies[:5]:  # warm-up: imports, caches, the key's first use
            client.post("/api/v1/deals/", body, format="json")
        started = time.perf_counter()
        for body in bodies[5 : 5 + args.submits]:  # unprofiled: the wall time
            client.post("/api/v1/deals/", body, format="json")
        wall = (time.perf_counter() - started) * 1000 / args.submits
        profile = cProfile.Profile()
        sql_ms, queries = 0.0, 0
        for body in bodies[5 + args.submits :]:
            with CaptureQueriesContext(connection) as captured:
                profile.enable()
                response = client.post("/api/v1/deals/", body, format="json")
                profile.disable()
            # A generated customer now and then is one the partner registered already (400): it counts too.
            if response.status_code not in (201, 400):
                raise SystemExit(f"submit answered {response.status_code}: {response.content[:300]!r}")
            sql_ms += sum(float(q["time"]) * 1000 for q in captured.captured_queries)
            queries += len(captured)
    stats = pstats.Stats(profile)
    per_stage = {}
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for label, fragment, name in STAGES:
            if function == name and filename.endswith(fragment):
                per_stage[label] = per_stage.get(label, 0.0) + cumulative
    print(
        f"{args.submits} submits: {wall:.1f} ms each (wall, without the profiler), "
        f"{queries / args.submits:.1f} queries, "
        f"{sql_ms / args.submits:.1f} ms of SQL each (round trips as Django times them)"
    )
    print("cumulative time per submit under cProfile (profiling inflates Python time, not SQL time):")
    for label, _fragment, _name in STAGES:
        if label in per_stage:
            print(f"  {label:45} {per_stage[label] * 1000 / args.submits:7.2f} ms")
    if args.top:
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
