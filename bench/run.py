"""`make bench`: builds a tenant at scale and measures the core's pages in-process.

Prints one JSON document to stdout and saves it under bench/results/. For each page: median and 95th
percentile latency over repeated requests, and the number of SQL queries (which must not grow with data).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.analytics import add_arguments as analytics_arguments
from bench.dealreg import add_arguments as dealreg_arguments
from bench.enablement.measure import add_arguments as enablement_arguments
from bench.enablement.quizzes import add_arguments as quiz_arguments
from bench.tiering.measure import add_arguments as tiering_arguments

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = None
    client.get(url)  # warm-up (template loading, first connection), not measured
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
    timings.sort()
    return {
        "url": url,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 2),
        "queries": queries,
        "requests": repeat,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--api-seconds", type=float, default=8.0, help="load duration per API endpoint")
    parser.add_argument("--webhook-events", type=int, default=300, help="events relayed to the local receiver")
    parser.add_argument(
        "--webhook-backlog", type=int, default=2000, help="events relayed and delivered as a worker runs them"
    )
    parser.add_argument(
        "--onboarding-events", type=int, default=10_000, help="domain events relayed to running onboardings"
    )
    dealreg_arguments(parser)  # --registrations, --crm-accounts, --crm-opportunities, --conflict-checks, …
    quiz_arguments(parser)  # --quiz-learners, --quiz-seconds
    enablement_arguments(parser)  # --learners, --courses, --lesson-completions
    tiering_arguments(parser)  # --tiering-partners, --tiering-registrations, --tiering-certifications
    analytics_arguments(parser)  # --analytics-partners, --analytics-registrations, --analytics-repeat
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.generate import ensure_tenant, generate_partners
    from prm.roles import Role
    from prm.tenancy import tenant_context

    call_command("migrate", verbosity=0)
    tenant = ensure_tenant("bench")
    started = time.perf_counter()
    written = generate_partners(tenant, args.partners)
    generate_seconds = time.perf_counter() - started

    from django.contrib.auth import get_user_model

    from partners.models import PartnerOrganization
    from prm.models import Membership

    User = get_user_model()
    with tenant_context(tenant):
        admin_user, _ = User.objects.get_or_create(email="bench.admin@bench.example")
        Membership.objects.get_or_create(user=admin_user, defaults={"role": Role.TENANT_ADMIN})
        partner = PartnerOrganization.objects.order_by("pk").first()
        partner_count = PartnerOrganization.objects.count()

    client = Client()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/t/{tenant.slug}"
    pages = {
        "console": f"{base}/console/",
        "partner_list": f"{base}/partners/",
        "partner_list_search": f"{base}/partners/?q=shield&status=active",
        "partner_list_last_page": f"{base}/partners/?page=last",
        "partner_detail": f"{base}/partners/{partner.pk}/",
        "members": f"{base}/members/",
    }
    results = {name: measure(client, url, args.repeat) for name, url in pages.items()}

    from bench.api import api_overhead
    from prm.api.keys import api_key_create

    with tenant_context(tenant):
        admin = Membership.objects.get(user=admin_user)
        _key, raw_key = api_key_create(actor=admin, name="bench", scopes=["partners:read"])
    api = api_overhead(raw_key, tenant.pk, seconds=args.api_seconds)

    from bench.webhooks import relay_backlog_throughput, relay_throughput

    webhooks = relay_throughput(tenant, events=args.webhook_events)
    webhooks_backlog = {
        "any_order": relay_backlog_throughput(tenant, events=args.webhook_backlog),
        "in_order": relay_backlog_throughput(tenant, events=args.webhook_backlog, deliver_in_order=True),
    }

    from bench.onboarding import onboarding_throughput

    onboarding = onboarding_throughput(tenant, events=args.onboarding_events)

    from bench.dealreg import dealreg_bench

    deal_registration = dealreg_bench(
        tenant,
        partners=args.partners,
        registrations=args.registrations,
        crm_accounts=args.crm_accounts,
        crm_opportunities=args.crm_opportunities,
        checks=args.conflict_checks,
        submit_seconds=args.submit_seconds,
    )
    from bench.dealreg.quality import matching_quality
    from bench.enablement.quizzes import quiz_bench

    quizzes = (
        quiz_bench(tenant, learners=args.quiz_learners, seconds=args.quiz_seconds)
        if args.quiz_seconds
        else {"skipped": "--quiz-seconds 0"}
    )

    from bench.enablement.measure import enablement_bench

    enablement = enablement_bench(
        tenant, learners=args.learners, courses=args.courses, lesson_completions=args.lesson_completions
    )

    from bench.tiering.measure import tiering_bench

    tiering = tiering_bench(
        partners=args.tiering_partners,
        registrations=args.tiering_registrations,
        certifications=args.tiering_certifications,
    )

    from bench.analytics import analytics_bench

    analytics = analytics_bench(
        partners=args.analytics_partners, registrations=args.analytics_registrations, repeat=args.analytics_repeat
    )

    report = {
        "benchmark": "core pages, API overhead, webhook relay, onboarding events, deal registration, matching quality, "
        "quiz submissions, learning pages, tier recalculation, program analytics dashboard",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "scale": {"partners": partner_count, "partners_written_now": written},
        "generate_seconds": round(generate_seconds, 2),
        "pages": results,
        "api_overhead": api,
        "webhook_relay": webhooks,
        "webhook_relay_backlog": webhooks_backlog,
        "onboarding_events": onboarding,
        "deal_registration": deal_registration,
        "matching_quality": matching_quality(),
        "quiz_submissions": quizzes,
        "enablement": enablement,
        "tiering": tiering,
        "analytics": analytics,
    }
    text = json.dumps(report, indent=2)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"core-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
