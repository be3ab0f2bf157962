"""Measure enablement at scale (see bench/enablement/__init__.py)."""

import argparse
import json
import os
import time
from datetime import UTC, datetime


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--courses", type=int, default=500)
    parser.add_argument("--lesson-completions", type=int, default=2_000_000)


def enablement_bench(tenant, *, learners: int, courses: int, lesson_completions: int) -> dict:
    from bench.enablement.generate import generate_completions, generate_courses, generate_learners
    from partners.models import PartnerOrganization
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        partner_ids = list(PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    written = {
        "learners": generate_learners(tenant, learners, partner_ids),
        "courses": generate_courses(tenant, courses),
        "lesson_completions": generate_completions(tenant, lesson_completions),
    }
    generate_seconds = round(time.perf_counter() - started, 2)
    from enablement.models import Course, Enrollment, LessonProgress

    with tenant_context(tenant):
        scale = {
            "courses": Course.objects.count(),
            "enrollments": Enrollment.objects.count(),
            "lesson_completions": LessonProgress.objects.count(),
        }
    return {"scale": scale, "written_now": written, "generate_seconds": generate_seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=10_000)
    add_arguments(parser)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import ensure_tenant, generate_partners

    call_command("migrate", verbosity=0)
    tenant = ensure_tenant("bench")
    generate_partners(tenant, args.partners)
    report = enablement_bench(
        tenant, learners=args.learners, courses=args.courses, lesson_completions=args.lesson_completions
    )
    report["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(report, indent=2))
    return 0
