"""What enablement will bring to the platform. The LMS itself is the next issue; its event types are declared now
because they are a contract other apps already build on: partners' onboarding steps "complete a course" and "earn a
certification" wait for them, and an event type no app declares stops start-up."""

from django.utils.translation import gettext_lazy as _

from prm.registry import EventType

_LEARNER = {"partner_organization_id": "the learner's partner", "user_id": "the learner"}

COURSE_COMPLETED = EventType(
    "course.completed", _("A partner's learner completed a course."), {**_LEARNER, "course_id": ""}
)
CERTIFICATION_AWARDED = EventType(
    "certification.awarded",
    _("A partner's learner earned a certification."),
    {**_LEARNER, "certification_id": "", "expires_at": "YYYY-MM-DD or null"},
)

EVENT_TYPES = [COURSE_COMPLETED, CERTIFICATION_AWARDED]
