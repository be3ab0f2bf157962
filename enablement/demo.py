"""The demo program's learning: published courses for different partner types (text and video lessons), two
learning paths, an enrollment rule, and the demo partners' people part-way through their courses — some done,
some in progress, one assigned with a due date. Rows are written as they would stand after weeks of use (history,
not live use cases: no notifications or webhooks fire for it); once (seed_demo is idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

from enablement.models import (
    Course,
    CourseModule,
    CourseVersion,
    CourseVersionStatus,
    Enrollment,
    EnrollmentRule,
    EnrollmentSource,
    EnrollmentStatus,
    LearningPath,
    LearningPathCourse,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonProgressStatus,
)
from prm.models import Membership

SELLERS = ["reseller", "var", "distributor"]
SERVICES = ["msp", "system_integrator"]
# Public, embeddable sample videos (played from youtube-nocookie.com, as authoring stores YouTube addresses).
VIDEO = "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"

# title, summary, minutes, audience, [(module title, [(kind, lesson title, paragraphs)])]
COURSES = [
    (
        "Sentinel platform fundamentals",
        "What the Sentinel firewall family protects, how it is sold and licensed, and where it fits in a customer's "
        "network. Every partner starts here.",
        45,
        {},
        [
            (
                "The platform",
                [
                    (
                        LessonKind.TEXT,
                        "What Sentinel protects",
                        [
                            "Sentinel is a family of next-generation firewalls for branch offices, campuses and data "
                            "centres, managed from one cloud console.",
                            "Every appliance inspects encrypted traffic, blocks known threats from the Sentinel "
                            "threat feed and enforces identity-based policies.",
                        ],
                    ),
                    (LessonKind.VIDEO, "A tour of the console", ["Ten minutes through the cloud console."]),
                    (
                        LessonKind.TEXT,
                        "How licensing works",
                        [
                            "Appliances are sold with a one-, three- or five-year subscription that includes the "
                            "threat feed, updates and support.",
                            "Renewals are quoted 90 days before the end of the term; registered deals keep their "
                            "discount on renewal.",
                        ],
                    ),
                ],
            ),
            (
                "Positioning",
                [
                    (
                        LessonKind.TEXT,
                        "Who buys Sentinel and why",
                        [
                            "Mid-market IT teams replacing ageing firewalls, regulated industries that need "
                            "auditable policies, and multi-site companies that want one console.",
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "Selling Sentinel firewalls",
        "Qualify a network refresh, answer the five objections every seller hears, and demo the console in ten "
        "minutes.",
        60,
        {"audience_partner_types": SELLERS, "audience_roles": ["partner_admin", "partner_sales"]},
        [
            (
                "Finding the deal",
                [
                    (
                        LessonKind.TEXT,
                        "Qualifying a network refresh",
                        [
                            "Ask when the current firewalls reach end of support, how many sites they protect and "
                            "who signs the budget.",
                            "Register the deal as soon as the customer confirms a project: protection starts on "
                            "approval.",
                        ],
                    ),
                    (
                        LessonKind.TEXT,
                        "Handling the top five objections",
                        [
                            "Price, migration effort, performance with inspection on, the incumbent's discount and "
                            "support hours: for each, the proof point and the customer story to tell.",
                        ],
                    ),
                ],
            ),
            (
                "Showing it",
                [(LessonKind.VIDEO, "Demo in ten minutes", ["The demo script, step by step."])],
            ),
        ],
    ),
    (
        "Deploying Sentinel for managed services",
        "Run many customers from one console: tenants, policy templates and zero-touch provisioning.",
        90,
        {"audience_partner_types": SERVICES},
        [
            (
                "Operating many customers",
                [
                    (
                        LessonKind.TEXT,
                        "Multi-tenant console set-up",
                        [
                            "Create one console tenant per customer and give your engineers roles across them.",
                        ],
                    ),
                    (
                        LessonKind.TEXT,
                        "Automating policy roll-out",
                        [
                            "Keep policies as templates and roll a change out to every customer in stages.",
                        ],
                    ),
                    (LessonKind.VIDEO, "Zero-touch provisioning walkthrough", ["An appliance ships and connects."]),
                ],
            ),
        ],
    ),
    (
        "Building on the Sentinel API",
        "For software partners: authenticate, read threat events and react to them with webhooks.",
        40,
        {"audience_partner_types": ["isv"]},
        [
            (
                "Integrating",
                [
                    (
                        LessonKind.TEXT,
                        "Authentication and API keys",
                        ["Create a scoped key per integration and rotate it without downtime."],
                    ),
                    (
                        LessonKind.TEXT,
                        "Webhooks for threat events",
                        ["Subscribe to threat.detected and verify every delivery's signature."],
                    ),
                ],
            ),
        ],
    ),
    (
        "Zero trust architecture essentials",
        "Identity-based access, micro-segmentation and continuous verification, and how Sentinel delivers each.",
        50,
        {},
        [
            (
                "Principles",
                [
                    (
                        LessonKind.TEXT,
                        "Never trust, always verify",
                        ["Every request is authenticated and authorised, wherever it comes from."],
                    ),
                    (
                        LessonKind.TEXT,
                        "Segmenting the network",
                        ["Policies follow users and workloads, not IP ranges."],
                    ),
                ],
            ),
        ],
    ),
]

PATHS = [
    (
        "New seller path",
        "From the platform to your first demo: what every seller at a reseller, VAR or distributor takes first.",
        {"audience_partner_types": SELLERS},
        ["Sentinel platform fundamentals", "Selling Sentinel firewalls", "Zero trust architecture essentials"],
    ),
    (
        "Services delivery path",
        "For managed service providers and integrators who deploy and run Sentinel for their customers.",
        {"audience_partner_types": SERVICES},
        [
            "Sentinel platform fundamentals",
            "Deploying Sentinel for managed services",
            "Zero trust architecture essentials",
        ],
    ),
]


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>\n" for text in paragraphs)


def _course(admin, title, summary, minutes, audience, modules, published_at) -> Course:
    course = Course.objects.create(title=title, created_by=admin.user, **audience)
    version = CourseVersion.objects.create(
        course=course,
        number=1,
        status=CourseVersionStatus.PUBLISHED,
        title=title,
        summary=summary,
        estimated_minutes=minutes,
        published_at=published_at,
        published_by=admin.user,
    )
    for module_position, (module_title, lessons) in enumerate(modules, start=1):
        module = CourseModule.objects.create(version=version, title=module_title, position=module_position)
        for position, (kind, lesson_title, paragraphs) in enumerate(lessons, start=1):
            Lesson.objects.create(
                module=module,
                kind=kind,
                title=lesson_title,
                position=position,
                body="\n\n".join(paragraphs),
                body_html=_html(paragraphs),
                video_url=VIDEO if kind == LessonKind.VIDEO else "",
                estimated_minutes=max(5, minutes // 4),
            )
    course.current_version = version
    course.save(update_fields=["current_version", "updated_at"])
    return course


def _take(course, member, *, done: int, enrolled_days_ago: int, source=EnrollmentSource.SELF, due_in=None, by=None):
    """`member` enrolled `enrolled_days_ago` days ago, with the first `done` lessons completed (all: completed)."""
    now = timezone.now()
    lessons = list(
        Lesson.objects.filter(module__version=course.current_version).order_by("module__position", "position")
    )
    enrolled_at = now - timedelta(days=enrolled_days_ago)
    completed = done >= len(lessons)
    enrollment = Enrollment.objects.create(
        course=course,
        course_version=course.current_version,
        user=member.user,
        partner_organization=member.partner_organization,
        source=source,
        assigned_by=by.user if by else None,
        due_on=timezone.localdate() + timedelta(days=due_in) if due_in is not None else None,
        status=EnrollmentStatus.COMPLETED if completed else (EnrollmentStatus.IN_PROGRESS if done else "enrolled"),
        enrolled_at=enrolled_at,
        started_at=enrolled_at + timedelta(hours=2) if done else None,
        completed_at=enrolled_at + timedelta(days=3) if completed else None,
        last_lesson=lessons[min(done, len(lessons) - 1)] if done else None,
    )
    LessonProgress.objects.bulk_create(
        LessonProgress(
            enrollment=enrollment,
            lesson=lesson,
            status=LessonProgressStatus.COMPLETED,
            started_at=enrolled_at + timedelta(hours=2 + index),
            completed_at=enrolled_at + timedelta(hours=2 + index, minutes=20),
        )
        for index, lesson in enumerate(lessons[:done])
    )
    return enrollment


def seed_learning(tenant, admin: Membership) -> None:
    """Courses, paths, a rule and progress for the demo tenant (inside its context)."""
    if Course.objects.filter(title=COURSES[0][0]).exists():
        return
    published_at = timezone.now() - timedelta(days=60)
    courses = {
        title: _course(admin, title, summary, minutes, audience, modules, published_at)
        for title, summary, minutes, audience, modules in COURSES
    }
    for title, description, audience, steps in PATHS:
        path = LearningPath.objects.create(title=title, description=description, published=True, **audience)
        for position, course_title in enumerate(steps, start=1):
            LearningPathCourse.objects.create(path=path, course=courses[course_title], position=position)
    EnrollmentRule.objects.create(
        course=courses["Deploying Sentinel for managed services"],
        partner_types=["system_integrator"],
        roles=["partner_sales"],
        due_days=30,
        created_by=admin.user,
    )
    people = {
        m.user.email: m
        for m in Membership.objects.filter(partner_organization__isnull=False).select_related(
            "user", "partner_organization"
        )
    }
    fundamentals, selling = courses["Sentinel platform fundamentals"], courses["Selling Sentinel firewalls"]
    olivia = people.get("partner.admin@northwind.example")
    liam = people.get("partner.sales@northwind.example")
    mia = people.get("marketing@northwind.example")
    henrik = people.get("admin@bluefjord.example")
    if olivia:
        _take(fundamentals, olivia, done=4, enrolled_days_ago=40)
        _take(selling, olivia, done=2, enrolled_days_ago=12)
    if liam:
        _take(fundamentals, liam, done=4, enrolled_days_ago=30)
        _take(selling, liam, done=0, enrolled_days_ago=2, source=EnrollmentSource.ASSIGNED, due_in=5, by=olivia)
    if mia:
        _take(fundamentals, mia, done=1, enrolled_days_ago=6)
    if henrik:
        _take(fundamentals, henrik, done=4, enrolled_days_ago=25)
        _take(courses["Deploying Sentinel for managed services"], henrik, done=1, enrolled_days_ago=8)
