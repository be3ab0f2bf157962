"""The isolation world's certifications: objects of tenant A (organization X's where they belong to a partner).

- A course of its own and a final-exam quiz of tenant A, and a certification requiring the course (its name carries
  tenant A's marker: tenant B's people must never see it).
- An award of that certification to X's partner admin (xavier@xylophone.example, one of X's markers): its pages,
  PDF and credential are the holder's, X's partner admin's and staff's only; its public verification page shows
  the holder's name to anyone at A's address, and nothing under B's.
- Tenant B's quiz: the id A's staff send as a certification's final exam (B's course, for its required courses, is
  world_authoring's).
"""

from django.utils import timezone

from enablement.models import EnrollmentStatus
from enablement.services import certifications as services
from tests.enablement.factories import CertificationFactory, CourseFactory, EnrollmentFactory, QuizFactory

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "certification_id": lambda w: w.certification_a.pk,
    "award_id": lambda w: w.award_x.pk,
    "verification_code": lambda w: w.award_x.verification_code,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "certification": lambda w: w.certification_a.pk,
    "certification-award": lambda w: w.award_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    a, b = world.tenant_a, world.tenant_b
    course = CourseFactory(tenant=a, title="Alpha Vendor certification course")
    world.exam_quiz_a = QuizFactory(tenant=a, title="Alpha Vendor final exam")
    world.certification_a = CertificationFactory(tenant=a, courses=[course], name="Alpha Vendor Certified Seller")
    now = timezone.now()
    EnrollmentFactory(
        tenant=a,
        course=course,
        membership=world.member_x,
        status=EnrollmentStatus.COMPLETED,
        started_at=now,
        completed_at=now,
    )
    [world.award_x] = services.certifications_award_for_learner(
        user_id=world.member_x.user_id, partner_organization_id=world.org_x.pk
    )
    world.exam_quiz_b = QuizFactory(tenant=b, title="Bravo Secret quiz")
