"""The demo program's learning: published courses for different partner types (text, video and quiz lessons, and a
SCORM package), two learning paths, an enrollment rule, the demo partners' people part-way through their courses
(quiz attempts included: one failed then passed, one failed and waiting out the cool-down), and two certifications
with their awards — most valid, some expiring soon, one expired, one revoked — so a few partners have several
certified people and the others none. Rows are written as they would stand after weeks of use (history, not live
use cases: no notifications or webhooks fire for it); once (seed_demo is idempotent). The content (quizzes, the
SCORM package, the certifications) is authored through the authoring services, as staff would."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.html import escape

from enablement import demo_scorm
from enablement.models import (
    AttemptAnswer,
    AttemptQuestion,
    AttemptStatus,
    AwardStatus,
    Certification,
    CertificationAward,
    Choice,
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
    Question,
    Quiz,
    QuizAttempt,
)
from enablement.services.certifications import (
    REMINDER_DAYS,
    certification_award_record_history,
    certification_create,
)
from enablement.services.quizzes import QuizSettings, attempt_score, question_add, quiz_create
from enablement.services.scorm_import import scorm_package_import
from partners.selectors import partners_by_external_id_or_name
from prm.demo import demo_member
from prm.models import Membership
from prm.roles import Role

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
            ("Check your knowledge", [(LessonKind.QUIZ, "Sentinel fundamentals check", "fundamentals")]),
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
                [
                    (LessonKind.VIDEO, "Demo in ten minutes", ["The demo script, step by step."]),
                    (LessonKind.QUIZ, "Seller readiness quiz", "selling"),
                ],
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
            ("Final exam", [(LessonKind.QUIZ, "Sentinel Certified Engineer final exam", "engineer")]),
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
            # Imported from a SCORM 1.2 package built at seed time (enablement/demo_scorm.py).
            ("In practice", [(LessonKind.SCORM, demo_scorm.TITLE, None)]),
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


T, F = True, False
# The quizzes' settings and questions: (kind, question, explanation, [(choice, correct)]).
QUIZZES = {
    "fundamentals": (
        QuizSettings(title="Sentinel fundamentals check", passing_score=80, attempt_limit=3, cooldown_minutes=24 * 60),
        [
            (
                "single",
                "What does every Sentinel subscription include?",
                "One-, three- and five-year subscriptions all include the threat feed, updates and support.",
                [
                    ("The threat feed, software updates and support", T),
                    ("Hardware replacement only", F),
                    ("Unlimited professional services days", F),
                ],
            ),
            (
                "true_false",
                "Sentinel appliances can inspect encrypted traffic.",
                "Every appliance inspects encrypted traffic and blocks known threats from the threat feed.",
                [("True", T), ("False", F)],
            ),
            (
                "multiple",
                "Which networks is the Sentinel family built for? Choose every one that applies.",
                "Branch offices, campuses and data centres, all managed from one cloud console.",
                [("Branch offices", T), ("Campuses", T), ("Data centres", T), ("Home broadband routers", F)],
            ),
            (
                "single",
                "Where are Sentinel appliances managed from?",
                "One cloud console manages every appliance, whatever the site.",
                [
                    ("One cloud console for every site", T),
                    ("A command line on each appliance", F),
                    ("A separate console per site", F),
                ],
            ),
            (
                "single",
                "When is a Sentinel renewal quoted?",
                "Renewals are quoted 90 days before the end of the term, so nothing lapses.",
                [("90 days before the end of the term", T), ("On the day the term ends", F), ("After it lapses", F)],
            ),
        ],
    ),
    "selling": (
        QuizSettings(title="Seller readiness quiz", passing_score=80, attempt_limit=3, cooldown_minutes=4 * 60),
        [
            (
                "single",
                "A customer's firewalls reach end of support next year. What do you ask next?",
                "How many sites, and who signs the budget: the two facts that size and qualify the refresh.",
                [
                    ("How many sites they protect and who signs the budget", T),
                    ("Which discount they expect", F),
                    ("Whether they have tried a competitor", F),
                ],
            ),
            (
                "true_false",
                "A registered deal is protected from the moment you submit the registration.",
                "Protection starts when the registration is approved — register as soon as the customer confirms.",
                [("True", F), ("False", T)],
            ),
            (
                "multiple",
                "Which of these are among the five objections every seller hears? Choose every one that applies.",
                "Price, migration effort, performance with inspection on, the incumbent's discount and support hours.",
                [
                    ("Price", T),
                    ("Migration effort", T),
                    ("Performance with inspection on", T),
                    ("The appliance's colour", F),
                ],
            ),
            (
                "single",
                "How long is an approved registered opportunity protected?",
                "The program agreement protects registered and approved opportunities for 90 days.",
                [("90 days", T), ("30 days", F), ("One year", F)],
            ),
            (
                "true_false",
                "Registered deals keep their discount on renewal.",
                "They do: renewals of registered deals are quoted with the same discount.",
                [("True", T), ("False", F)],
            ),
        ],
    ),
    "engineer": (
        QuizSettings(
            title="Sentinel Certified Engineer final exam",
            passing_score=75,
            attempt_limit=2,
            cooldown_minutes=7 * 24 * 60,
            time_limit_minutes=30,
        ),
        [
            (
                "single",
                "How do you set up the console for a managed-services practice?",
                "One console tenant per customer keeps policies, logs and access apart.",
                [
                    ("One console tenant per customer", T),
                    ("One tenant for all customers", F),
                    ("One tenant per appliance", F),
                ],
            ),
            (
                "true_false",
                "Policy templates let you roll a change out to every customer in stages.",
                "Keep policies as templates and roll changes out in stages, starting with a pilot customer.",
                [("True", T), ("False", F)],
            ),
            (
                "multiple",
                "What must be ready before a zero-touch appliance ships? Choose every one that applies.",
                "The serial number claimed by the customer's tenant and a policy template assigned to it.",
                [
                    ("Its serial number claimed by the customer's tenant", T),
                    ("A policy template assigned to it", T),
                    ("An engineer booked on site", F),
                    ("A static public IP address", F),
                ],
            ),
            (
                "single",
                "In a zero trust design, what do policies follow?",
                "Policies follow users and workloads, not IP ranges.",
                [("Users and workloads", T), ("IP ranges", F), ("Switch ports", F)],
            ),
            (
                "true_false",
                "With micro-segmentation, a compromised printer can still reach every other zone.",
                "Each zone reaches only what its policy allows; nothing starts a connection to devices from Staff.",
                [("True", F), ("False", T)],
            ),
            (
                "single",
                "How do your engineers get access to several customers' consoles?",
                "Give engineers roles across the customer tenants; never share an admin account.",
                [
                    ("Roles across the customer tenants", T),
                    ("One shared admin account", F),
                    ("A local login on each appliance", F),
                ],
            ),
            (
                "multiple",
                "What does an appliance inspect against the threat feed? Choose every one that applies.",
                "Both encrypted and unencrypted traffic are inspected.",
                [("Encrypted traffic", T), ("Unencrypted traffic", T), ("Nothing: it only routes", F)],
            ),
            (
                "single",
                "A policy change must reach 40 customers. What comes first?",
                "A staged roll-out starts with a pilot customer, then widens.",
                [
                    ("A pilot customer, then the others in stages", T),
                    ("All 40 at once, at night", F),
                    ("Each customer edited by hand", F),
                ],
            ),
        ],
    ),
}

SELLER, ENGINEER = "Sentinel Certified Seller", "Sentinel Certified Engineer"
CERTIFICATIONS = [
    (
        SELLER,
        "Qualifies, positions and demonstrates Sentinel firewalls: the platform and the seller's course, quizzes "
        "passed.",
        12,
        ["Sentinel platform fundamentals", "Selling Sentinel firewalls"],
        None,
    ),
    (
        ENGINEER,
        "Deploys and runs Sentinel for many customers: the platform and the managed-services course, and the final "
        "exam passed.",
        24,
        ["Sentinel platform fundamentals", "Deploying Sentinel for managed services"],
        "engineer",
    ),
]

# The demo partners' certified people (signing in with the demo password like every demo login): (e-mail, first
# name, last name, role, partner, certification, how the award stands, days). Days: since the award was made, or —
# for "expires_in" — until it expires (negative: expired). Northwind and Cascade end with four valid certifications;
# Bluefjord, Kestrel, Meridian and Rheinwerk with two; eight partners with one; Harbourline with none (one expired,
# one revoked), every other partner none.
CERTIFIED = [
    ("noah.fischer@northwind.example", "Noah", "Fischer", Role.PARTNER_SALES, "Northwind Secure Solutions",
     SELLER, "valid", 130),
    ("ava.lindqvist@northwind.example", "Ava", "Lindqvist", Role.PARTNER_SALES, "Northwind Secure Solutions",
     SELLER, "valid", 210),
    ("ethan.brooks@northwind.example", "Ethan", "Brooks", Role.PARTNER_SALES, "Northwind Secure Solutions",
     SELLER, "expires_in", 18),
    ("sofia.ramirez@cascadenet.example", "Sofia", "Ramirez", Role.PARTNER_ADMIN, "Cascade Network Integrators",
     ENGINEER, "valid", 400),
    ("daniel.kim@cascadenet.example", "Daniel", "Kim", Role.PARTNER_SALES, "Cascade Network Integrators",
     ENGINEER, "valid", 290),
    ("priya.nair@cascadenet.example", "Priya", "Nair", Role.PARTNER_SALES, "Cascade Network Integrators",
     ENGINEER, "expires_in", 45),
    # Failed the final exam once, passed it after its week's cool-down.
    ("ingrid.berg@bluefjord.example", "Ingrid", "Berg", Role.PARTNER_SALES, "Bluefjord IT",
     ENGINEER, "retook_exam", 95),
    ("magnus.dahl@bluefjord.example", "Magnus", "Dahl", Role.PARTNER_SALES, "Bluefjord IT", ENGINEER, "valid", 160),
    ("grace.whitmore@harbourline.example", "Grace", "Whitmore", Role.PARTNER_ADMIN, "Harbourline Technologies",
     SELLER, "expires_in", -35),
    ("oliver.pryce@harbourline.example", "Oliver", "Pryce", Role.PARTNER_SALES, "Harbourline Technologies",
     SELLER, "revoked", 110),
    # The people the partner tiers want besides (tiering/demo.py; their won deals are dealreg/demo.py's
    # WON_HISTORY): a fourth for Northwind and Cascade (Platinum), two each for Kestrel, Meridian and Rheinwerk
    # (Gold, like Bluefjord), one each for eight partners (Silver).
    ("lucas.meyer@northwind.example", "Lucas", "Meyer", Role.PARTNER_SALES, "Northwind Secure Solutions",
     SELLER, "valid", 60),
    ("amara.okoye@cascadenet.example", "Amara", "Okoye", Role.PARTNER_SALES, "Cascade Network Integrators",
     ENGINEER, "valid", 75),
    ("jack.turner@kestrelcyberdefense.example", "Jack", "Turner", Role.PARTNER_ADMIN, "Kestrel Cyber Defense",
     ENGINEER, "valid", 180),
    ("mei.wong@kestrelcyberdefense.example", "Mei", "Wong", Role.PARTNER_SALES, "Kestrel Cyber Defense",
     ENGINEER, "valid", 40),
    ("claire.dubois@meridiandatasystems.example", "Claire", "Dubois", Role.PARTNER_ADMIN, "Meridian Data Systems",
     SELLER, "valid", 150),
    ("ryan.murphy@meridiandatasystems.example", "Ryan", "Murphy", Role.PARTNER_SALES, "Meridian Data Systems",
     SELLER, "expires_in", 25),
    ("felix.wagner@rheinwerksecuritygmbh.example", "Felix", "Wagner", Role.PARTNER_ADMIN, "Rheinwerk Security GmbH",
     ENGINEER, "valid", 240),
    ("lena.schulz@rheinwerksecuritygmbh.example", "Lena", "Schulz", Role.PARTNER_SALES, "Rheinwerk Security GmbH",
     ENGINEER, "valid", 90),
    ("jonas.richter@atlasdistributiongroup.example", "Jonas", "Richter", Role.PARTNER_SALES,
     "Atlas Distribution Group", SELLER, "valid", 120),
    ("haruto.sato@sakuranetsolutions.example", "Haruto", "Sato", Role.PARTNER_SALES, "Sakura Net Solutions",
     SELLER, "valid", 200),
    ("chloe.evans@outbackmanagedsecurity.example", "Chloe", "Evans", Role.PARTNER_SALES, "Outback Managed Security",
     ENGINEER, "valid", 310),
    ("arjun.mehta@lumencloudpartners.example", "Arjun", "Mehta", Role.PARTNER_SALES, "Lumen Cloud Partners",
     ENGINEER, "valid", 55),
    ("valentina.rojas@andesconectividad.example", "Valentina", "Rojas", Role.PARTNER_SALES, "Andes Conectividad",
     SELLER, "valid", 170),
    ("ben.carter@copperleafnetworks.example", "Ben", "Carter", Role.PARTNER_SALES, "Copperleaf Networks",
     SELLER, "valid", 35),
    ("lucia.garcia@zephyrwireless.example", "Lucía", "García", Role.PARTNER_SALES, "Zephyr Wireless",
     SELLER, "valid", 260),
    ("tyler.reed@granitestateit.example", "Tyler", "Reed", Role.PARTNER_SALES, "Granite State IT",
     ENGINEER, "valid", 140),
]  # fmt: skip
# Completing a course: every lesson done.
EVERY_LESSON = 1_000
REVOKE_REASON = (
    "The seller's quiz was taken with a colleague's login (confirmed with Harbourline's partner admin); to be "
    "earned again under his own account."
)


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>\n" for text in paragraphs)


def _quizzes(admin) -> dict[str, Quiz]:
    quizzes = {}
    for key, (settings, questions) in QUIZZES.items():
        quiz = quiz_create(actor=admin, settings=settings)
        for kind, text, explanation, choices in questions:
            question_add(actor=admin, quiz=quiz, kind=kind, text=text, explanation=explanation, choices=choices)
        quizzes[key] = quiz
    return quizzes


def _course(admin, title, summary, minutes, audience, modules, published_at, quizzes) -> Course:
    course = Course.objects.create(title=title, created_by=admin.user, **audience)
    # Written as a draft (a SCORM lesson is imported into a draft, as on the authoring page), then published.
    version = CourseVersion.objects.create(
        course=course,
        number=1,
        status=CourseVersionStatus.DRAFT,
        title=title,
        summary=summary,
        estimated_minutes=minutes,
        # The course grade is its graded lessons' score: the quiz's or the package's own pass mark.
        passing_grade=60 if any(kind == LessonKind.SCORM for _m, ls in modules for kind, *_r in ls) else 75,
    )
    for module_position, (module_title, lessons) in enumerate(modules, start=1):
        module = CourseModule.objects.create(version=version, title=module_title, position=module_position)
        for position, (kind, lesson_title, content) in enumerate(lessons, start=1):
            if kind == LessonKind.SCORM:
                scorm_package_import(
                    actor=admin, upload=demo_scorm.package_upload(), module=module, lesson_title=lesson_title
                )
                continue
            paragraphs = content if kind in (LessonKind.TEXT, LessonKind.VIDEO) else []
            Lesson.objects.create(
                module=module,
                kind=kind,
                title=lesson_title,
                position=position,
                body="\n\n".join(paragraphs),
                body_html=_html(paragraphs),
                video_url=VIDEO if kind == LessonKind.VIDEO else "",
                quiz=quizzes[content] if kind == LessonKind.QUIZ else None,
                estimated_minutes=max(5, minutes // 4),
            )
    CourseVersion.objects.filter(pk=version.pk).update(
        status=CourseVersionStatus.PUBLISHED, published_at=published_at, published_by=admin.user
    )
    course.current_version = version
    course.save(update_fields=["current_version", "updated_at"])
    return course


class _Key(NamedTuple):
    """A quiz question as an attempt draws it: its current version, its points, the right answer, a wrong one."""

    version_id: int
    points: int
    right: list[int]
    wrong: int
    choices: list[int]


def _quiz_keys(quiz: Quiz) -> list[_Key]:
    versions = list(
        Question.objects.filter(quiz=quiz)
        .order_by("position")
        .values_list("current_version_id", "current_version__points")
    )
    choices: dict[int, list[tuple[int, bool]]] = {version_id: [] for version_id, _p in versions}
    for version_id, choice_id, correct in (
        Choice.objects.filter(question_version_id__in=list(choices))
        .order_by("position", "id")
        .values_list("question_version_id", "id", "is_correct")
    ):
        choices[version_id].append((choice_id, correct))
    return [
        _Key(
            version_id,
            points,
            right=[c for c, ok in choices[version_id] if ok],
            wrong=next(c for c, ok in choices[version_id] if not ok),
            choices=[c for c, _ok in choices[version_id]],
        )
        for version_id, points in versions
    ]


def _attempt(enrollment, lesson, keys: list[_Key], *, number: int, wrong: int, submitted_at: datetime, rng):
    """A submitted attempt at a quiz lesson, graded as the server grades it: `wrong` of its questions answered
    wrongly, each answer kept as the step it was."""
    quiz = lesson.quiz
    started_at = submitted_at - timedelta(minutes=12)
    drawn = rng.sample(keys, len(keys))
    wrong_ones = {key.version_id for key in drawn[:wrong]}
    points = sum(key.points for key in drawn if key.version_id not in wrong_ones)
    max_points = sum(key.points for key in drawn)
    score = attempt_score(Decimal(points), Decimal(max_points))
    attempt = QuizAttempt.objects.create(
        quiz=quiz,
        user_id=enrollment.user_id,
        partner_organization_id=enrollment.partner_organization_id,
        enrollment=enrollment,
        lesson=lesson,
        number=number,
        status=AttemptStatus.SUBMITTED,
        started_at=started_at,
        deadline_at=started_at + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
        submitted_at=submitted_at,
        points=Decimal(points),
        max_points=Decimal(max_points),
        score=score,
        passed=score >= quiz.passing_score,
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question_version_id=key.version_id,
            position=position,
            choice_order=rng.sample(key.choices, len(key.choices)),
            correct=key.version_id not in wrong_ones,
            points_awarded=Decimal(0) if key.version_id in wrong_ones else Decimal(key.points),
        )
        for position, key in enumerate(drawn, start=1)
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question_version_id=key.version_id,
            choice_ids=[key.wrong] if key.version_id in wrong_ones else key.right,
            answered_at=started_at + timedelta(minutes=position),
        )
        for position, key in enumerate(drawn, start=1)
    )
    return attempt


def _take(
    course,
    member,
    *,
    done: int,
    enrolled_days_ago: float = 0,
    enrolled_at: datetime | None = None,
    source=EnrollmentSource.SELF,
    due_in=None,
    by=None,
    quiz_tries=(1,),
    waiting: bool = False,
    keys: dict[int, list[_Key]],
    rng,
):
    """`member` enrolled `enrolled_days_ago` days ago (or at `enrolled_at`), with the first `done` lessons
    completed (all: the course completed). A quiz among them is passed after `quiz_tries` — the wrong answers of
    each attempt, failing ones spaced by the quiz's cool-down. `waiting`: the lesson after the done ones is a quiz the
    learner failed (`quiz_tries`) a moment ago, and they wait out its cool-down."""
    now = timezone.now()
    lessons = list(
        Lesson.objects.filter(module__version=course.current_version)
        .select_related("quiz")
        .order_by("module__position", "position")
    )
    enrolled_at = enrolled_at or now - timedelta(days=enrolled_days_ago)
    completed = done >= len(lessons)
    enrollment = Enrollment.objects.create(
        course=course,
        course_version=course.current_version,
        user=member.user,
        partner_organization=member.partner_organization,
        source=source,
        assigned_by=by.user if by else None,
        due_on=timezone.localdate() + timedelta(days=due_in) if due_in is not None else None,
        status=EnrollmentStatus.ENROLLED,
        enrolled_at=enrolled_at,
        last_lesson=lessons[min(done, len(lessons) - 1)] if done else None,
    )
    progress, at = [], enrolled_at + timedelta(hours=2)
    stuck = lessons[done] if waiting else None
    for lesson in [*lessons[:done], *([stuck] if stuck else [])]:
        started_at, score = at, None
        status = LessonProgressStatus.COMPLETED
        if lesson.kind == LessonKind.QUIZ:
            cooldown = timedelta(minutes=lesson.quiz.cooldown_minutes)
            if lesson is stuck:  # failed a moment ago: the next attempt waits for the cool-down
                at = now - timedelta(minutes=50) - (len(quiz_tries) - 1) * (cooldown + timedelta(hours=1))
                started_at = at
            for number, wrong in enumerate(quiz_tries, start=1):
                attempt = _attempt(
                    enrollment, lesson, keys[lesson.quiz_id], number=number, wrong=wrong, submitted_at=at, rng=rng
                )
                score = max(score or 0, attempt.score)
                if number < len(quiz_tries):
                    at += cooldown + timedelta(hours=1)
            status = LessonProgressStatus.COMPLETED if attempt.passed else LessonProgressStatus.FAILED
        progress.append(
            LessonProgress(
                enrollment=enrollment,
                lesson=lesson,
                status=status,
                score=score,
                started_at=started_at,
                completed_at=at if status == LessonProgressStatus.COMPLETED else None,
            )
        )
        at += timedelta(hours=1, minutes=20)
    LessonProgress.objects.bulk_create(progress)
    scores = [row.score for row in progress if row.score is not None]
    enrollment.score = (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None
    if progress:
        enrollment.status = EnrollmentStatus.COMPLETED if completed else EnrollmentStatus.IN_PROGRESS
        enrollment.started_at = progress[0].started_at
        enrollment.completed_at = progress[-1].completed_at if completed else None
    enrollment.save(update_fields=["score", "status", "started_at", "completed_at", "updated_at"])
    return enrollment


def _certified_person(row, index, partners, courses, certifications, keys, admin, rng):
    """One certified person: the required courses completed (the exam passed), then the award as awarding made it,
    and what the expiry run and staff did to it since (reminders, the expiry recorded, a revocation)."""
    email, first, last, role, partner_name, certification_name, standing, days = row
    partner = partners.get(partner_name.casefold())
    if partner is None:
        return
    member = demo_member(email, first, last, role, partner)
    certification = certifications[certification_name]
    now = timezone.now()
    if standing == "expires_in":
        awarded = now + timedelta(days=days) - relativedelta(months=certification.validity_months)
    else:
        awarded = now - timedelta(days=days)
    required = list(certification.required_courses.order_by("id").values_list("course__title", flat=True))
    enrollments = []
    for position, title in enumerate(required):
        retook = standing == "retook_exam" and position == len(required) - 1
        # One question wrong for every other person; the courses taken 12 days apart, the last one just before the
        # award (a week earlier for whoever waited out the exam's cool-down).
        tries = (3, 1) if retook else ((1,) if index % 2 else (0,))
        days_before = 1 + (8 if retook else 0) + 12 * (len(required) - 1 - position)
        enrollments.append(
            _take(
                courses[title],
                member,
                done=EVERY_LESSON,
                enrolled_at=awarded - timedelta(days=days_before),
                quiz_tries=tries,
                keys=keys,
                rng=rng,
            )
        )
    exam = None
    if certification.final_exam_id:
        exam = (
            QuizAttempt.objects.filter(user=member.user, quiz_id=certification.final_exam_id, passed=True)
            .order_by("-submitted_at")
            .first()
        )
    award = certification_award_record_history(
        certification=certification,
        user=member.user,
        partner_organization_id=partner.pk,
        enrollments=enrollments,
        exam_attempt=exam,
    )
    if award is None:
        return
    changes = {}
    if award.expires_at <= now:
        changes.update(reminders_sent=list(REMINDER_DAYS), expiry_recorded=True)
    else:
        due = [days for days in REMINDER_DAYS if award.expires_at <= now + timedelta(days=days)]
        if due:
            changes["reminders_sent"] = [days for days in REMINDER_DAYS if days >= min(due)]
    if standing == "revoked":
        changes.update(
            status=AwardStatus.REVOKED,
            revoked_at=now - timedelta(days=21),
            revoked_by=admin.user,
            revoke_reason=REVOKE_REASON,
        )
    if changes:
        CertificationAward.objects.filter(pk=award.pk).update(**changes)


def seed_learning(tenant, admin: Membership) -> None:
    """Courses, quizzes, a SCORM package, paths, a rule, progress and certifications for the demo tenant (inside its
    context)."""
    if Course.objects.filter(title=COURSES[0][0]).exists():
        return
    rng = random.Random(12)  # the same demo every time
    now = timezone.now()
    published_at = now - timedelta(days=800)
    quizzes = _quizzes(admin)
    Quiz.objects.filter(pk__in=[q.pk for q in quizzes.values()]).update(created_at=published_at)
    keys = {quiz.pk: _quiz_keys(quiz) for quiz in quizzes.values()}
    courses = {
        title: _course(admin, title, summary, minutes, audience, modules, published_at, quizzes)
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
    zero_trust = courses["Zero trust architecture essentials"]
    olivia = people.get("partner.admin@northwind.example")
    liam = people.get("partner.sales@northwind.example")
    mia = people.get("marketing@northwind.example")
    henrik = people.get("admin@bluefjord.example")
    take = {"keys": keys, "rng": rng}
    if olivia:
        # Failed the fundamentals check, passed it the next day; failed the seller's quiz a moment ago (cool-down).
        _take(fundamentals, olivia, done=5, enrolled_days_ago=40, quiz_tries=(2, 0), **take)
        _take(selling, olivia, done=3, enrolled_days_ago=12, quiz_tries=(2,), waiting=True, **take)
        # The SCORM package is next: "Resume" opens it in the player.
        _take(zero_trust, olivia, done=2, enrolled_days_ago=3, **take)
    if liam:
        _take(fundamentals, liam, done=5, enrolled_days_ago=30, quiz_tries=(1,), **take)
        selling_assigned = {"source": EnrollmentSource.ASSIGNED, "due_in": 5, "by": olivia}
        _take(selling, liam, done=0, enrolled_days_ago=2, **selling_assigned, **take)
    if mia:
        _take(fundamentals, mia, done=1, enrolled_days_ago=6, **take)
    if henrik:
        _take(fundamentals, henrik, done=5, enrolled_days_ago=25, **take)
        _take(courses["Deploying Sentinel for managed services"], henrik, done=1, enrolled_days_ago=8, **take)
    certifications = {}
    for name, description, months, required, exam in CERTIFICATIONS:
        certifications[name] = certification_create(
            actor=admin,
            name=name,
            description=description,
            validity_months=months,
            course_ids=[courses[title].pk for title in required],
            final_exam_id=quizzes[exam].pk if exam else None,
        )
    Certification.objects.filter(pk__in=[c.pk for c in certifications.values()]).update(created_at=published_at)
    _by_external_id, partners = partners_by_external_id_or_name()
    for index, row in enumerate(CERTIFIED):
        _certified_person(row, index, partners, courses, certifications, keys, admin, rng)
