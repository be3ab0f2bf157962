"""What enablement brings to the platform: its policy rules, API resources and routes, pages, event types,
notification kinds, navigation and demo data (collected by `prm.registry` at start-up).

Partners' onboarding steps "complete a course" and "earn a certification" wait for `course.completed` and
`certification.awarded`; tiering counts certified people from `certification.*`."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.kinds import Kind
from prm.registry import EventType, NavigationEntry, PortalCard
from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role

ALL_ROLES = STAFF_ROLES | PARTNER_ROLES
MANAGERS = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER})
# Who writes courses, quizzes, SCORM imports, certifications and learning paths.
AUTHORS = MANAGERS | {Role.MARKETING}

RULES: dict[str, frozenset[str]] = {
    # The catalogue and one's own learning; partners see only courses their audience rules let them see.
    "learning.view": ALL_ROLES,
    # Enrolling oneself and taking lessons and quizzes.
    "learning.take": PARTNER_ROLES,
    # Assigning a course to people (staff: any partner's people; a partner admin: its own organization's).
    "learning.assign": MANAGERS | {Role.PARTNER_ADMIN},
    # Everyone's progress and the staff reports (per course, per partner, expiring certifications).
    "learning.view_all": STAFF_ROLES,
    "learning.export": STAFF_ROLES,
    # A partner admin sees the progress and certifications of its own organization's people.
    "learning.view_team": frozenset({Role.PARTNER_ADMIN}),
    "courses.manage": AUTHORS,
    "certifications.view": ALL_ROLES,
    "certifications.manage": AUTHORS,
    "certifications.revoke": MANAGERS,
}

API_RESOURCES = ("courses", "enrollments", "certifications")
# Each area's API module adds itself here when it exists.
API_ROUTE_MODULES: tuple[str, ...] = (
    "enablement.api.courses",
    "enablement.api.enrollments",
    "enablement.api.quizzes",
    "enablement.api.certifications",
    "enablement.api.scorm",
)
PAGE_URLS = "enablement.urls"

_LEARNER = {"partner_organization_id": "the learner's partner", "user_id": "the learner"}
_AWARD = {
    **_LEARNER,
    "award_id": "certification award id",
    "certification_id": "",
    "expires_at": "ISO 8601 or null",
    "verification_url": "public verification page",
}

COURSE_COMPLETED = EventType(
    "course.completed",
    _("A partner's learner completed a course."),
    {**_LEARNER, "course_id": "", "course_version": "version number", "enrollment_id": "", "score": "% or null"},
)
ENROLLMENT_CREATED = EventType(
    "enrollment.created",
    _("A partner's learner was enrolled in a course (by themselves, by staff or by a rule)."),
    {**_LEARNER, "enrollment_id": "", "course_id": "", "source": "self, assigned, rule or path", "due_on": ""},
)
COURSE_PUBLISHED = EventType(
    "course.published",
    _("A version of a course was published: new learners start it, those in progress keep theirs."),
    {
        "course_id": "",
        "course_version": "version number",
        "previous_version": "the version it replaces, or null",
        "title": "",
    },
)
CERTIFICATION_AWARDED = EventType("certification.awarded", _("A partner's learner earned a certification."), _AWARD)
CERTIFICATION_EXPIRING = EventType(
    "certification.expiring", _("A certification expires soon."), {**_AWARD, "days_left": "60, 30 or 7"}
)
CERTIFICATION_EXPIRED = EventType("certification.expired", _("A certification expired."), _AWARD)
CERTIFICATION_REVOKED = EventType("certification.revoked", _("A certification was revoked."), {**_AWARD, "reason": ""})

EVENT_TYPES = [
    COURSE_COMPLETED,
    COURSE_PUBLISHED,
    ENROLLMENT_CREATED,
    CERTIFICATION_AWARDED,
    CERTIFICATION_EXPIRING,
    CERTIFICATION_EXPIRED,
    CERTIFICATION_REVOKED,
]

NOTIFICATION_KINDS = [
    Kind(
        "enrollment.assigned",
        _("Courses assigned to you"),
        _("Someone assigned you a course, or a rule enrolled you in one."),
        audience="learning.take",
    ),
    Kind(
        "enrollment.due_soon",
        _("Course due soon"),
        _("A course assigned to you is due in the next few days."),
        audience="learning.take",
    ),
    Kind(
        "certification.awarded",
        _("Certifications earned"),
        _("You earned a certification."),
        audience="learning.take",
    ),
    Kind(
        "certification.expiring",
        _("Certification expiring"),
        _("A certification of yours expires in 60, 30 or 7 days."),
        audience="learning.take",
    ),
]

# Staff get one entry: the learning pages' own tabs lead on to courses, quizzes, certifications and reports (the top
# bar has no room for more at 1280 px).
NAVIGATION = [
    NavigationEntry(
        _("Learning"),
        "learning_team",
        "learning.view_all",
        icon="bi-mortarboard",
        order=65,
        testid="nav-staff-learning",
    ),
    NavigationEntry(
        _("Learning"), "learning_home", "learning.take", icon="bi-mortarboard", order=150, testid="nav-learning"
    ),
    NavigationEntry(_("My certifications"), "my_certifications", "learning.take", icon="bi-patch-check", order=182),
]


def _portal_learning(request) -> dict:
    from enablement.views.learning import portal_card_context

    return portal_card_context(request)


PORTAL_CARDS = [PortalCard("enablement/learning/partials/portal_card.html", "learning.take", _portal_learning, 20)]


def seed_demo(tenant, admin) -> None:
    from enablement.demo import seed_learning

    seed_learning(tenant, admin)
