"""What the quiz tests share: a course with a quiz lesson, a learner enrolled in it, and short ways to answer."""

from dataclasses import dataclass

from enablement.models import AttemptQuestion, Choice, LessonKind, QuestionKind, QuizAttempt
from enablement.services.quizzes import AnswerInput
from prm.tenancy import tenant_context
from tests.enablement.factories import CourseFactory, EnrollmentFactory, LessonFactory, QuizFactory, add_question
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory


@dataclass
class QuizWorld:
    tenant: object
    partner: object
    learner: object
    author: object
    course: object
    quiz: object
    lesson: object
    enrollment: object
    # Question text -> its first version.
    questions: dict

    def scoped(self):
        return tenant_context(self.tenant)

    def choice(self, question_text: str, choice_text: str) -> Choice:
        with self.scoped():
            return Choice.objects.get(question_version=self.questions[question_text], text=choice_text)

    def attempt_question(self, attempt, question_text: str) -> AttemptQuestion:
        with self.scoped():
            return AttemptQuestion.objects.get(
                attempt=attempt, question_version__question=self.questions[question_text].question
            )

    def answer(self, attempt, question_text: str, *choice_texts: str, field: str = "choices") -> AnswerInput:
        """The answer naming these choices (by their text) for the attempt's question with this text."""
        row = self.attempt_question(attempt, question_text)
        ids = [self.choice(question_text, text).pk for text in choice_texts]
        return AnswerInput(question_id=row.pk, choice_ids=ids, field=field)

    def fresh(self, attempt) -> QuizAttempt:
        with self.scoped():
            return QuizAttempt.objects.get(pk=attempt.pk)


PARTNER_TYPES = "Which of these are partner types?"
TIER = "Which tier is the highest?"
MDF = "MDF stands for market development funds."


def quiz_world(*, slug="quizco", name="Quiz Co", **quiz_settings) -> QuizWorld:
    """A published course with one quiz lesson of three questions (one multiple choice worth 2 points, one single
    choice, one true/false), a partner learner enrolled in it, and an author (channel manager)."""
    tenant = TenantFactory(slug=slug, name=name)
    partner = PartnerOrganizationFactory(tenant=tenant, name=f"{name} Partner")
    learner = PartnerUserFactory(tenant=tenant, partner_organization=partner)
    author = StaffFactory(tenant=tenant, role="channel_manager")
    course = CourseFactory(tenant=tenant, title="Selling the firewall")
    quiz = QuizFactory(tenant=tenant, title="Firewall basics", **quiz_settings)
    questions = {
        PARTNER_TYPES: add_question(
            quiz,
            PARTNER_TYPES,
            (("Reseller", True), ("Distributor", True), ("Banana", False)),
            kind=QuestionKind.MULTIPLE,
            points=2,
            explanation="Resellers and distributors both sell the product on.",
        ),
        TIER: add_question(
            quiz,
            TIER,
            (("Platinum", True), ("Silver", False), ("Registered", False)),
            kind=QuestionKind.SINGLE,
            explanation="Platinum sits above Gold and Silver.",
        ),
        MDF: add_question(
            quiz, MDF, (("True", True), ("False", False)), kind=QuestionKind.TRUE_FALSE, explanation="It does."
        ),
    }
    lesson = LessonFactory(tenant=tenant, course=course, kind=LessonKind.QUIZ, quiz=quiz, title="Check your knowledge")
    enrollment = EnrollmentFactory(tenant=tenant, course=course, membership=learner)
    return QuizWorld(tenant, partner, learner, author, course, quiz, lesson, enrollment, questions)


ALL_RIGHT = {PARTNER_TYPES: ("Reseller", "Distributor"), TIER: ("Platinum",), MDF: ("True",)}


def answers_for(world: QuizWorld, attempt, picks: dict) -> list[AnswerInput]:
    return [world.answer(attempt, question, *choices) for question, choices in picks.items()]
