"""The enablement bench data: learners (partner users spread over the bench tenant's partners), published courses
of five text lessons in two modules (a fifth of them for one partner type only), enrollments and their lesson
completions. Idempotent: tops the tenant up to the asked size."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from enablement.models import Course, CourseModule, CourseVersion, Enrollment, Lesson, LessonProgress
from prm.models import Membership
from prm.progress import Progress
from prm.tenancy import tenant_context

LESSONS_PER_COURSE = 5
BATCH = 20_000
TYPES = ["reseller", "var", "system_integrator", "isv", "msp", "referral", "distributor"]


def generate_learners(tenant, count: int, partner_ids: list[int]) -> int:
    """Partner users `learner<i>@bench.example`, each a partner-sales member of one partner (round robin)."""
    User = get_user_model()
    existing = User.objects.filter(email__startswith="learner", email__endswith="@bench.example").count()
    missing = max(0, count - existing)
    progress = Progress(missing, "learners")
    for first in range(existing, existing + missing, BATCH):
        last = min(existing + missing, first + BATCH)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"learner{i}@bench.example",
                        first_name="Learner",
                        last_name=str(i),
                    )
                    for i in range(first, last)
                ]
            )
            with tenant_context(tenant):
                Membership.objects.bulk_create(
                    [
                        Membership(
                            user=user,
                            role="partner_sales",
                            partner_organization_id=partner_ids[i % len(partner_ids)],
                            tenant=tenant,
                        )
                        for i, user in zip(range(first, last), users, strict=True)
                    ]
                )
        progress.advance(last - first)
    return missing


def generate_courses(tenant, count: int) -> int:
    with tenant_context(tenant):
        existing = Course.objects.count()
        missing = max(0, count - existing)
        progress = Progress(missing, "courses")
        now = timezone.now()
        for i in range(existing, existing + missing):
            with transaction.atomic():
                audience = [TYPES[i % len(TYPES)]] if i % 5 == 0 else []
                course = Course.objects.create(title=f"Bench course {i:04d}", audience_partner_types=audience)
                version = CourseVersion.objects.create(
                    course=course, number=1, status="published", title=course.title, published_at=now
                )
                modules = CourseModule.objects.bulk_create(
                    [CourseModule(version=version, title=f"Module {m}", position=m, tenant=tenant) for m in (1, 2)]
                )
                Lesson.objects.bulk_create(
                    [
                        Lesson(
                            module=modules[0 if n < 3 else 1],
                            kind="text",
                            title=f"Lesson {n}",
                            position=n,
                            body="Bench",
                            body_html="<p>Bench</p>",
                            tenant=tenant,
                        )
                        for n in range(LESSONS_PER_COURSE)
                    ]
                )
                course.current_version = version
                course.save(update_fields=["current_version", "updated_at"])
            progress.advance()
    return missing


ENROLL = """
WITH learners AS (
    SELECT m.id, m.user_id, m.partner_organization_id, row_number() OVER (ORDER BY m.id) - 1 AS k
    FROM prm_membership m WHERE m.id = ANY(%(learners)s)
), courses AS (
    SELECT c.id, c.current_version_id, row_number() OVER (ORDER BY c.id) - 1 AS k FROM enablement_course c
), picked AS (
    SELECT n, l.user_id, l.partner_organization_id, ((l.k + n / %(learner_count)s) %% %(course_count)s) AS course_k
    FROM generate_series(%(first)s, %(last)s) AS n
    JOIN learners l ON l.k = n %% %(learner_count)s
)
INSERT INTO enablement_enrollment
    (tenant_id, updated_at, course_id, course_version_id, user_id, partner_organization_id, cycle,
     source, status, enrolled_at, started_at, completed_at, reminders_sent, score)
SELECT %(tenant)s, now(), c.id, c.current_version_id, p.user_id, p.partner_organization_id,
       1 + p.n / (%(learner_count)s * %(course_count)s), 'self', 'completed',
       now() - make_interval(days => 30 + p.n %% 300), now() - make_interval(days => 29 + p.n %% 300),
       now() - make_interval(days => p.n %% 300), '{}', NULL
FROM picked p JOIN courses c ON c.k = p.course_k
ON CONFLICT DO NOTHING
RETURNING id
"""

COMPLETE = """
INSERT INTO enablement_lessonprogress
    (tenant_id, updated_at, enrollment_id, lesson_id, status, score, started_at, completed_at)
SELECT e.tenant_id, now(), e.id, l.id, 'completed', NULL, e.started_at, e.completed_at
FROM enablement_enrollment e
JOIN enablement_coursemodule m ON m.version_id = e.course_version_id
JOIN enablement_lesson l ON l.module_id = m.id
WHERE e.id = ANY(%(ids)s)
"""


def generate_completions(tenant, lesson_completions: int) -> int:
    """Completed enrollments (enrollment n: learner n mod L in the (n div L)-th course after the learner's own
    offset) until the tenant has `lesson_completions` lesson progress rows, five per enrollment."""
    with tenant_context(tenant):
        existing = LessonProgress.objects.count()
        enrollments = Enrollment.objects.count()
        learner_ids = list(
            Membership.objects.filter(user__email__endswith="@bench.example", role="partner_sales")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        course_count = Course.objects.count()
    missing_enrollments = max(0, lesson_completions - existing) // LESSONS_PER_COURSE
    if not missing_enrollments or not learner_ids or not course_count:
        return 0
    progress = Progress(missing_enrollments, "enrollments + completions")
    for first in range(enrollments, enrollments + missing_enrollments, BATCH):
        last = min(enrollments + missing_enrollments, first + BATCH)
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(
                ENROLL,
                {
                    "tenant": tenant.pk,
                    "learners": learner_ids,
                    "learner_count": len(learner_ids),
                    "course_count": course_count,
                    "first": first,
                    "last": last - 1,
                },
            )
            cursor.execute(COMPLETE, {"ids": [row[0] for row in cursor.fetchall()]})
        progress.advance(last - first)
    return missing_enrollments * LESSONS_PER_COURSE


ANALYZED = (
    "enablement_enrollment",
    "enablement_lessonprogress",
    "enablement_course",
    # The catalogue joins each course's version, modules and lessons: without their statistics (a database whose
    # autovacuum is off, or has not come round yet) it took 3.5 s instead of 0.23 s at the full scale.
    "enablement_courseversion",
    "enablement_coursemodule",
    "enablement_lesson",
    "prm_membership",
)


def analyze() -> None:
    """Fresh statistics, as autovacuum would give a real database (without them the catalogue's plan is ten times
    slower), before every measurement: also when the data was written by an earlier run. Only the owner may
    ANALYZE."""
    from prm.db.base import owner_mode

    with owner_mode(connection), connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f"ANALYZE {table}")
