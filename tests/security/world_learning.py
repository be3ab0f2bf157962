"""The isolation world's courses, enrollments, learning path and enrollment rule: objects of tenant A
(organization X's where they belong to a partner), and a course of tenant B.

- "Alpha Vendor product basics", for every partner, with a text lesson and a file lesson; X's admin
  (xavier@xylophone.example, one of X's markers) is enrolled in it: only they open that enrollment's pages.
- "Yonder Secret ISV integrations", for ISVs only: neither X nor Y (both VARs) may see it, so its title carries
  organization Y's marker and the harness fails if X's people see it anywhere (the audience rules).
- A published learning path of both, and an enrollment rule of the first.
"""

from django.core.files.base import ContentFile

from enablement.models import EnrollmentRule, LearningPath, LearningPathCourse, LessonFile, LessonKind
from enablement.services.enrollments import enrollment_self_enroll
from partners.models import PartnerType
from prm.roles import Role
from tests.enablement.factories import CourseFactory, LessonFactory

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "enrollment_id": lambda w: w.enrollment_x.pk,
    "path_id": lambda w: w.path_a.pk,
    "rule_id": lambda w: w.rule_a.pk,
}
# The learning pages' own course and lesson (the shared `course_id` and `lesson_id` are the authoring world's draft).
LEARNING_KWARGS = {
    "course_id": lambda w: w.learn_course_a.pk,
    "enrollment_id": lambda w: w.enrollment_x.pk,
    "lesson_id": lambda w: w.learn_lesson_a.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "course": lambda w: w.learn_course_a.pk,
    "enrollment": lambda w: w.enrollment_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context, after world_roles) as attributes of the world."""
    a = world.tenant_a
    world.learn_course_a = CourseFactory(tenant=a, title="Alpha Vendor product basics")
    world.learn_lesson_a = LessonFactory(tenant=a, course=world.learn_course_a, title="Welcome to the product")
    stored = LessonFile(name="price-list.pdf", content_type="application/pdf", size=9)
    stored.file.save(f"{a.pk}/world-price-list.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    stored.save()
    world.learn_lesson_file_a = LessonFactory(
        tenant=a, course=world.learn_course_a, kind=LessonKind.FILE, file=stored, title="The price list"
    )
    world.course_isv = CourseFactory(
        tenant=a, title="Yonder Secret ISV integrations", audience_partner_types=[PartnerType.ISV]
    )
    world.enrollment_x = enrollment_self_enroll(actor=world.member_x, course=world.learn_course_a)
    world.path_a = LearningPath.objects.create(title="Alpha Vendor seller path", published=True)
    LearningPathCourse.objects.create(path=world.path_a, course=world.learn_course_a, position=1)
    LearningPathCourse.objects.create(path=world.path_a, course=world.course_isv, position=2)
    world.rule_a = EnrollmentRule.objects.create(course=world.learn_course_a, roles=[Role.PARTNER_SALES], due_days=30)
    world.learn_course_b = CourseFactory(tenant=world.tenant_b, title="Bravo Secret course")
