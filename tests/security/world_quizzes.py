"""The isolation world's quizzes: tenant A's quiz (in a course with a quiz lesson) and organization X's learner's open
attempt at it; organization Y's learner's attempt and tenant B's quiz, course, enrollment and attempt, whose ids the
harness sends where they do not belong."""

from prm.tenancy import tenant_context

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "quiz_id": lambda w: w.quiz_a.pk,
    "quiz_question_id": lambda w: w.quiz_question_a.pk,
    "quiz_pool_id": lambda w: w.quiz_pool_a.pk,
    "quiz_attempt_id": lambda w: w.quiz_attempt_x.pk,
    # The quiz lesson's enrollment (another area may map it to its own: quiz pages pin theirs in pages.py). Not
    # `lesson_id`: the authoring pages' lesson is a text lesson of a draft.
    "enrollment_id": lambda w: w.quiz_enrollment_x.pk,
}
# The quiz lesson pages' own objects, whatever OBJECT_KWARGS holds for these names.
QUIZ_LESSON_KWARGS = {
    "enrollment_id": lambda w: w.quiz_enrollment_x.pk,
    "lesson_id": lambda w: w.quiz_lesson_a.pk,
    "quiz_attempt_id": lambda w: w.quiz_attempt_x.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "quiz-attempt": lambda w: w.quiz_attempt_x.pk,
}


def _quiz(tenant, title: str, question: str, choices):
    from enablement.models import LessonKind
    from tests.enablement.factories import CourseFactory, LessonFactory, QuizFactory, add_question

    course = CourseFactory(tenant=tenant, title=f"{title} course")
    quiz = QuizFactory(tenant=tenant, title=title)
    first = add_question(quiz, question, choices)
    second = add_question(quiz, f"{question} (again)", choices)
    lesson = LessonFactory(tenant=tenant, course=course, kind=LessonKind.QUIZ, quiz=quiz, title=f"{title} lesson")
    return course, quiz, lesson, (first, second)


def _attempt(tenant, membership, course, lesson):
    from enablement.services.quizzes import quiz_attempt_start
    from tests.enablement.factories import EnrollmentFactory

    enrollment = EnrollmentFactory(tenant=tenant, course=course, membership=membership)
    with tenant_context(tenant):
        return enrollment, quiz_attempt_start(actor=membership, enrollment=enrollment, lesson=lesson)


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    from enablement.models import AttemptQuestion, Choice
    from prm.roles import Role
    from tests.enablement.factories import LessonFactory

    a, b = world.tenant_a, world.tenant_b
    course, quiz, lesson, (first, _second) = _quiz(
        a,
        "Alpha Vendor firewall quiz",
        "Which ports does the Alpha Vendor firewall inspect?",
        (("443", True), ("7", False)),
    )
    world.quiz_a, world.quiz_lesson_a, world.quiz_question_a = quiz, lesson, first.question
    world.quiz_pool_a = first.question.pool
    # Organization X's learner (its partner admin) has an open attempt; so has organization Y's.
    world.quiz_enrollment_x, world.quiz_attempt_x = _attempt(a, world.member_x, course, lesson)
    world.quiz_enrollment_y, attempt_y = _attempt(a, world.partner_y, course, lesson)
    world.quiz_attempt_question_x = AttemptQuestion.objects.filter(attempt=world.quiz_attempt_x).first()
    world.quiz_attempt_question_y = AttemptQuestion.objects.filter(attempt=attempt_y).first()
    world.quiz_choice_x = Choice.objects.filter(question_version_id=world.quiz_attempt_question_x.question_version_id)[
        0
    ]
    # A choice of another quiz of tenant A (in no attempt of X's), and a lesson of the course that is no quiz.
    _c, _q, _l, (other, _o) = _quiz(a, "Alpha Vendor other quiz", "Another question", (("Yes", True), ("No", False)))
    world.quiz_choice_other = Choice.objects.filter(question_version=other).first()
    world.quiz_text_lesson_a = LessonFactory(tenant=a, course=course, title="Alpha Vendor reading")
    with tenant_context(b):
        course_b, quiz_b, lesson_b, _questions = _quiz(
            b, "Bravo Secret quiz", "Bravo Secret question", (("Bravo Secret yes", True), ("Bravo Secret no", False))
        )
        world.quiz_lesson_b = lesson_b
        world.quiz_pool_b = quiz_b.pools.first()
        world.quiz_enrollment_b, attempt_b = _attempt(b, world.people[("b", Role.PARTNER_ADMIN)], course_b, lesson_b)
        world.quiz_attempt_question_b = AttemptQuestion.objects.filter(attempt=attempt_b).first()
        world.quiz_choice_b = Choice.objects.filter(
            question_version_id=world.quiz_attempt_question_b.question_version_id
        ).first()
