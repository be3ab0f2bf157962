"""The isolation world's courses as authors write them: objects of tenant A, and tenant B's for the ids a body names.

- A course of tenant A ("Alpha Vendor firewall course", one of A's markers): version 1 published, with a text lesson
  and a file lesson, taken by organization X's people (each partner role enrolled in version 1); version 2 is the
  draft the editor's routes work on (its module and text lesson are the URL's `module_id` and `lesson_id`).
- Organization Y's people are enrolled in nothing: the file of version 1 is a 404 for them.
- An enrollment rule and a published learning path with the course.
- Tenant B's course, module, lesson and learning path step ("Bravo Secret …"): the ids sent where they do not belong.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enablement.models import Enrollment, LearningPathCourse, LessonKind
from enablement.services import authoring, enrollment_rules, learning_paths
from prm.roles import PARTNER_ROLES
from prm.tenancy import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "course_id": lambda w: w.course_a.pk,
    "module_id": lambda w: w.course_module_a.pk,
    "lesson_id": lambda w: w.lesson_a.pk,
    "lesson_kind": lambda w: LessonKind.TEXT,
    "enrollment_rule_id": lambda w: w.enrollment_rule_a.pk,
    "learning_path_id": lambda w: w.learning_path_a.pk,
    "path_step_id": lambda w: w.path_step_a.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS: dict = {}


def _course(author, title: str, *, with_file: bool):
    course = authoring.course_create(actor=author, details=authoring.CourseDetails(title=title))
    module = course.versions.get().modules.get()
    text = authoring.lesson_create(
        actor=author,
        module=module,
        kind=LessonKind.TEXT,
        data=authoring.LessonInput(title=f"{title}: why partners win", body="Partners who **know** the product win."),
    )
    file_lesson = None
    if with_file:
        file_lesson = authoring.lesson_create(
            actor=author,
            module=module,
            kind=LessonKind.FILE,
            data=authoring.LessonInput(
                title=f"{title}: battle card",
                upload=SimpleUploadedFile("battle-card.pdf", PDF, content_type="application/pdf"),
            ),
        )
    authoring.course_publish(actor=author, course=course)
    course.refresh_from_db()
    return course, text, file_lesson


def _path(author, title: str, course):
    path = learning_paths.learning_path_create(actor=author, data=learning_paths.PathInput(title=title))
    step = learning_paths.learning_path_course_add(actor=author, path=path, course=course)
    learning_paths.learning_path_update(
        actor=author, path=path, data=learning_paths.PathInput(title=title, published=True)
    )
    return path, step


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    admin = world.admin_a
    course, _text, file_lesson = _course(admin, "Alpha Vendor firewall course", with_file=True)
    version_1 = course.current_version
    for role in PARTNER_ROLES:
        member = world.people[("x", role)]
        Enrollment.objects.create(
            course=course,
            course_version=version_1,
            user=member.user,
            partner_organization=member.partner_organization,
            enrolled_at=timezone.now(),
        )
    draft = authoring.course_draft_create(actor=admin, course=course)
    world.course_a = course
    world.course_module_a = draft.modules.get()
    world.lesson_a = draft.modules.get().lessons.get(kind=LessonKind.TEXT)
    world.lesson_file_a = file_lesson
    world.enrollment_rule_a = enrollment_rules.enrollment_rule_create(
        actor=admin, data=enrollment_rules.RuleInput(course=course, roles=["partner_sales"], due_days=30)
    )
    world.learning_path_a, world.path_step_a = _path(admin, "Alpha Vendor sales path", course)

    with tenant_context(world.tenant_b):
        admin_b = world.admin_b
        course_b, text_b, _none = _course(admin_b, "Bravo Secret course", with_file=False)
        world.course_b = course_b
        world.course_module_b = text_b.module
        world.lesson_b = text_b
        _path_b, world.path_step_b = _path(admin_b, "Bravo Secret path", course_b)
    assert LearningPathCourse.objects.filter(pk=world.path_step_a.pk).exists()
