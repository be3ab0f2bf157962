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


def enablement_bench(tenant, *, learners: int, courses: int, lesson_completions: int, repeat: int = 10) -> dict:
    from bench.enablement.generate import analyze, generate_completions, generate_courses, generate_learners
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
    analyze()
    generate_seconds = round(time.perf_counter() - started, 2)
    from enablement.models import Course, Enrollment, LessonProgress

    with tenant_context(tenant):
        scale = {
            "courses": Course.objects.count(),
            "enrollments": Enrollment.objects.count(),
            "lesson_completions": LessonProgress.objects.count(),
        }
    return {
        "scale": scale,
        "written_now": written,
        "generate_seconds": generate_seconds,
        "pages": learning_pages(tenant, repeat=repeat),
    }


def learning_pages(tenant, *, repeat: int) -> dict:
    """The learner's catalogue, My learning and a course page (for a learner with a full history), and the staff
    reports and people pages: latency and queries, which must not grow with the data."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.run import measure
    from enablement.models import Enrollment
    from prm.models import Membership
    from prm.tenancy import tenant_context

    User = get_user_model()
    learner = User.objects.get(email="learner0@bench.example")
    with tenant_context(tenant):
        enrollment = Enrollment.objects.filter(user=learner).order_by("pk").first()
        staff = Membership.objects.filter(role="tenant_admin").select_related("user").first()
    base = f"/t/{tenant.slug}"
    learner_client = Client()
    learner_client.force_login(learner, backend="django.contrib.auth.backends.ModelBackend")
    staff_client = Client()
    staff_client.force_login(staff.user, backend="django.contrib.auth.backends.ModelBackend")
    pages = {
        "catalogue": (learner_client, f"{base}/learning/catalogue/"),
        "my_learning": (learner_client, f"{base}/learning/"),
        "course": (learner_client, f"{base}/learning/enrollments/{enrollment.pk}/"),
        "staff_people": (staff_client, f"{base}/learning/team/"),
        "staff_report": (staff_client, f"{base}/enablement/reports/"),
    }
    return {name: measure(client, url, repeat) for name, (client, url) in pages.items()}


def main(argv=None) -> int:
    from bench.enablement.quizzes import add_arguments as quiz_arguments

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=10_000)
    add_arguments(parser)
    quiz_arguments(parser)  # --quiz-learners, --quiz-seconds
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import ensure_tenant, generate_partners

    # Other work on the machine shows in the timings: the load average before and after goes into the report.
    load_before = [round(x, 2) for x in os.getloadavg()]
    call_command("migrate", verbosity=0)
    tenant = ensure_tenant("bench")
    generate_partners(tenant, args.partners)
    from django.contrib.auth import get_user_model

    from prm.models import Membership
    from prm.tenancy import tenant_context

    admin_user, _ = get_user_model().objects.get_or_create(email="bench.admin@bench.example")
    with tenant_context(tenant):
        Membership.objects.get_or_create(user=admin_user, defaults={"role": "tenant_admin"})
    report = enablement_bench(
        tenant, learners=args.learners, courses=args.courses, lesson_completions=args.lesson_completions
    )
    if args.quiz_seconds:
        # At the full scale: the learners, courses and completions above are in the tables the submission reads.
        from bench.enablement.quizzes import quiz_bench

        report["quiz_submissions"] = quiz_bench(tenant, learners=args.quiz_learners, seconds=args.quiz_seconds)
    report["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    text = json.dumps(report, indent=2)
    print(text)
    from bench.run import RESULTS_DIR

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"enablement-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0
