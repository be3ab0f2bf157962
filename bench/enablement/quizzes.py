"""Quiz submissions per second: learners submitting their attempts through the API, graded on the server.

The bench tenant gets a course with one quiz lesson whose quiz draws 10 of 20 questions from two pools (6 of 12 from
"Networking", 4 of 8 from "Licensing"; single choice, multiple choice and true or false, choices shuffled per
attempt), and `learners` partner people enrolled in it (users, memberships and enrollments written in bulk, spread
over the tenant's partners). Each learner starts an
attempt in-process beforehand (not measured) and gets a signed-in session. Then `connections` keep-alive clients
POST `/api/v1/quiz-attempts/<id>/submit/` back to back — each with its learner's session, `X-Tenant` and CSRF
token, and answers about 70% right — against gunicorn (2 workers × 2 threads, bench settings) for `seconds`: each
submission locks its attempt, stores the answers as append-only steps, grades them, records the lesson's result
(and completes the course when it passes). The report gives submissions per second, the statuses, and the SQL
queries of one submission measured in-process.

`python -m bench.enablement.quizzes --learners 200 --seconds 3` runs it alone; `make bench` runs it through
bench/run.py (`--quiz-learners`, `--quiz-seconds`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"
# A new title when the quiz's layout changes: the bench tops up what exists, it does not rebuild it.
COURSE_TITLE = "Bench: certified on the platform"
# (pool, its questions, drawn per attempt)
POOLS = [("Networking", 12, 6), ("Licensing", 8, 4)]
POOL = sum(size for _, size, _ in POOLS)
DRAWN = sum(drawn for _, _, drawn in POOLS)
EMAIL = "bench.learner{n}@bench.example"
SEED = 12


def ensure_quiz_lesson(tenant):
    """The bench's course (published, one module) with its quiz lesson; created once."""
    from django.utils import timezone

    from enablement.models import (
        Choice,
        Course,
        CourseModule,
        CourseVersion,
        Lesson,
        Question,
        QuestionKind,
        QuestionPool,
        QuestionVersion,
        Quiz,
    )
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        lesson = Lesson.objects.filter(module__version__course__title=COURSE_TITLE, kind="quiz").first()
        if lesson is not None:
            return lesson
        course = Course.objects.create(title=COURSE_TITLE)
        version = CourseVersion.objects.create(
            course=course, number=1, status="published", title=COURSE_TITLE, published_at=timezone.now()
        )
        course.current_version = version
        course.save(update_fields=["current_version"])
        module = CourseModule.objects.create(version=version, title="Module 1", position=1)
        quiz = Quiz.objects.create(title="Bench quiz", passing_score=70, shuffle_questions=True)
        pools = []  # the pool of each question, in order
        for position, (name, size, drawn) in enumerate(POOLS, start=1):
            pool = QuestionPool.objects.create(quiz=quiz, name=name, questions_per_attempt=drawn, position=position)
            pools.extend([pool] * size)
        for n in range(POOL):
            kind = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE][n % 3]
            question = Question.objects.create(quiz=quiz, pool=pools[n], position=n + 1)
            version_row = QuestionVersion.objects.create(
                question=question, number=1, kind=kind, text=f"Bench question {n + 1}", points=1 + n % 2
            )
            if kind == QuestionKind.TRUE_FALSE:
                choices = [("True", True), ("False", False)]
            elif kind == QuestionKind.MULTIPLE:
                choices = [("A", True), ("B", True), ("C", False), ("D", False)]
            else:
                choices = [("A", True), ("B", False), ("C", False), ("D", False)]
            Choice.objects.bulk_create(
                Choice(question_version=version_row, text=text, is_correct=correct, position=i)
                for i, (text, correct) in enumerate(choices)
            )
            question.current_version = version_row
            question.save(update_fields=["current_version"])
        return Lesson.objects.create(module=module, kind="quiz", title="Bench quiz", quiz=quiz, position=1)


def ensure_learners(tenant, lesson, count: int) -> list[tuple[int, int]]:
    """(user id, enrollment id) of `count` partner learners enrolled in the bench course (bulk-written, once)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from enablement.models import Enrollment
    from partners.models import PartnerOrganization
    from prm.models import Membership
    from prm.roles import Role
    from prm.tenancy import all_tenants, tenant_context

    User = get_user_model()
    emails = [EMAIL.format(n=n) for n in range(count)]
    with all_tenants():
        known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        password = make_password(None)
        User.objects.bulk_create(
            User(email=email, password=password, first_name="Bench", last_name=f"Learner {n}")
            for n, email in enumerate(emails)
            if email not in known
        )
        users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    with tenant_context(tenant):
        partners = list(PartnerOrganization.objects.order_by("pk").values_list("pk", flat=True)[:1000])
        if not partners:
            partners = [PartnerOrganization.objects.create(name="Bench Learning Partner").pk]
        member = set(Membership.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True))
        Membership.objects.bulk_create(
            Membership(
                user_id=users[email], role=Role.PARTNER_SALES, partner_organization_id=partners[n % len(partners)]
            )
            for n, email in enumerate(emails)
            if users[email] not in member
        )
        organization = dict(
            Membership.objects.filter(user_id__in=users.values()).values_list("user_id", "partner_organization_id")
        )
        course = lesson.module.version.course
        enrolled = set(Enrollment.objects.filter(course=course).values_list("user_id", flat=True))
        now = timezone.now()
        Enrollment.objects.bulk_create(
            Enrollment(
                course=course,
                course_version_id=lesson.module.version_id,
                user_id=user_id,
                partner_organization_id=organization[user_id],
                enrolled_at=now,
            )
            for user_id in users.values()
            if user_id not in enrolled
        )
        enrollments = dict(
            Enrollment.objects.filter(course=course, user_id__in=users.values()).values_list("user_id", "pk")
        )
    return [(users[email], enrollments[users[email]]) for email in emails]


def open_attempts(tenant, lesson, learners: list[tuple[int, int]]) -> list[dict]:
    """Start (or continue) each learner's attempt in-process and prepare its submission: about 70% of the answers
    right. Returns one job per learner: the attempt id, its learner and the body to send."""
    from enablement.models import AttemptQuestion, Choice, Enrollment
    from enablement.services.quizzes import quiz_attempt_start
    from prm.models import Membership
    from prm.tenancy import tenant_context

    rng = random.Random(SEED)
    jobs = []
    for user_id, enrollment_id in learners:
        with tenant_context(tenant):
            membership = Membership.objects.select_related("partner_organization").get(user_id=user_id)
            enrollment = Enrollment.objects.get(pk=enrollment_id)
            attempt = quiz_attempt_start(actor=membership, enrollment=enrollment, lesson=lesson)
            rows = list(AttemptQuestion.objects.filter(attempt=attempt).values_list("pk", "question_version_id"))
            choices: dict[int, list[tuple[int, bool]]] = {}
            for version_id, choice_id, correct in Choice.objects.filter(
                question_version_id__in=[v for _, v in rows]
            ).values_list("question_version_id", "id", "is_correct"):
                choices.setdefault(version_id, []).append((choice_id, correct))
        answers = []
        for row_id, version_id in rows:
            right = [c for c, ok in choices[version_id] if ok]
            wrong = [c for c, ok in choices[version_id] if not ok]
            picked = right if rng.random() < 0.7 else [rng.choice(wrong)]
            answers.append({"question": row_id, "choices": picked})
        jobs.append({"attempt": attempt.pk, "user_id": user_id, "body": json.dumps({"answers": answers})})
    return jobs


def session_headers(tenant, user_ids: list[int]) -> dict[int, dict]:
    """Per learner: the headers of a signed-in browser calling the API (session and CSRF cookies, the CSRF header,
    `X-Tenant`), as `Client.force_login` would sign them in."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    headers = {}
    for user in get_user_model().objects.filter(pk__in=user_ids):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = get_random_string(32)
        headers[user.pk] = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
            "X-Tenant": tenant.slug,
            "Content-Type": "application/json",
        }
    return headers


def submit_queries(tenant, jobs: list[dict]) -> list[int]:
    """SQL queries of a submission, in-process (the relay of its events enqueued on commit, not run)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench.dealreg.measure import tasks_enqueued

    counts = []
    for job in jobs:
        client = APIClient()
        client.force_login(
            get_user_model().objects.get(pk=job["user_id"]), backend="django.contrib.auth.backends.ModelBackend"
        )
        with tasks_enqueued(), CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/api/v1/quiz-attempts/{job['attempt']}/submit/",
                job["body"],
                content_type="application/json",
                HTTP_X_TENANT=tenant.slug,
            )
        if response.status_code != 200:
            raise SystemExit(f"submit answered {response.status_code}: {response.content[:300]!r}")
        counts.append(len(captured))
    return counts


def _load(port: int, jobs: list[dict], headers: dict[int, dict], *, seconds: float, connections: int) -> dict:
    """Closed loop: `connections` keep-alive clients submitting the prepared attempts back to back, until the time
    is up or every attempt is submitted."""
    deadline = time.monotonic() + seconds
    queue = list(reversed(jobs))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    passed = [0]

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    break
                job = queue.pop()
            path = f"/api/v1/quiz-attempts/{job['attempt']}/submit/"
            connection.request("POST", path, job["body"], headers[job["user_id"]])
            response = connection.getresponse()
            body = response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status == 200 and json.loads(body).get("passed"):
                    passed[0] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    graded = statuses.get(200, 0)
    return {
        "submissions": sum(statuses.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "passed": passed[0],
        "seconds": round(elapsed, 2),
        "submissions_per_second": round(graded / elapsed, 1) if elapsed else None,
        "ran_out_of_attempts": not queue and elapsed < seconds,
    }


def quiz_bench(tenant, *, learners: int, seconds: float, connections: int = 4) -> dict:
    """Prepare (top up) the learners, open their attempts, then measure. Returns the report's `quiz_submissions`."""
    from django.conf import settings

    from bench.api import start_server
    from bench.dealreg.measure import empty_bench_queue

    started = time.perf_counter()
    lesson = ensure_quiz_lesson(tenant)
    people = ensure_learners(tenant, lesson, learners)
    jobs = open_attempts(tenant, lesson, people)
    prepared = time.perf_counter() - started
    queries = submit_queries(tenant, jobs[:3])
    jobs = jobs[3:]
    headers = session_headers(tenant, [job["user_id"] for job in jobs])
    process, port = start_server()
    try:
        # Warm-up (imports, connections, first plans): a few attempts, not measured.
        warm, jobs = jobs[: 2 * connections], jobs[2 * connections :]
        _load(port, warm, headers, seconds=seconds, connections=connections)
        load = _load(port, jobs, headers, seconds=seconds, connections=connections)
    finally:
        process.terminate()
        process.wait(timeout=20)
        empty_bench_queue(settings.REDIS_URL)
    return {
        "learners": len(people),
        "prepare_seconds": round(prepared, 1),
        "load": load,
        "queries_per_submission": queries,
        "mode": f"POST /api/v1/quiz-attempts/<id>/submit/ with the learner's session, {DRAWN} of {POOL} questions per "
        f"attempt from {len(POOLS)} pools; gunicorn 2 workers x 2 threads, {connections} keep-alive clients; events "
        "enqueued on commit to a queue no worker reads",
    }


def add_arguments(parser) -> None:
    parser.add_argument("--quiz-learners", type=int, default=2000, help="learners with an attempt to submit")
    parser.add_argument("--quiz-seconds", type=float, default=8.0, help="quiz submission load duration (0: skip)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--partners", type=int, default=100, help="partners of the bench tenant (at least)")
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import ensure_tenant, generate_partners

    call_command("migrate", verbosity=0)
    tenant = ensure_tenant(args.tenant)
    generate_partners(tenant, args.partners)
    report = {
        "benchmark": "quiz submissions",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quiz_submissions": quiz_bench(
            tenant, learners=args.learners, seconds=args.seconds, connections=args.connections
        ),
    }
    text = json.dumps(report, indent=2)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"quizzes-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
