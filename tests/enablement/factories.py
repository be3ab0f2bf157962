"""Enablement factories: a published course with one module, lessons of each kind, quizzes with question versions
and choices, enrollments and certifications. Rows are created in their tenant's context (row-level security)."""

import factory
from django.utils import timezone

from enablement.models import (
    Certification,
    CertificationCourse,
    Choice,
    Course,
    CourseModule,
    CourseVersion,
    CourseVersionStatus,
    Enrollment,
    Lesson,
    LessonKind,
    Question,
    QuestionKind,
    QuestionPool,
    QuestionVersion,
    Quiz,
)
from prm.tenancy import tenant_context
from tests.factories import TenantOwnedFactory


class CourseFactory(TenantOwnedFactory):
    """A course whose first version is published (its current version), with one empty module."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n}: Selling the platform")

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        if not create:
            return
        status = CourseVersionStatus.PUBLISHED if extracted is not False else CourseVersionStatus.DRAFT
        with tenant_context(self.tenant):
            version = CourseVersion.objects.create(
                tenant=self.tenant,
                course=self,
                number=1,
                status=status,
                title=self.title,
                summary="What every partner seller needs to know.",
                published_at=timezone.now() if status == CourseVersionStatus.PUBLISHED else None,
            )
            CourseModule.objects.create(tenant=self.tenant, version=version, title="Module 1", position=1)
            if status == CourseVersionStatus.PUBLISHED:
                self.current_version = version
                self.save(update_fields=["current_version", "updated_at"])


def first_version(course) -> CourseVersion:
    with tenant_context(course.tenant):
        return course.versions.order_by("number").first()


def first_module(course) -> CourseModule:
    with tenant_context(course.tenant):
        return CourseModule.objects.filter(version__course=course).order_by("version__number", "position").first()


class LessonFactory(TenantOwnedFactory):
    """A text lesson in a course's first module (pass `module=`, or `course=` to use that course's first module)."""

    class Meta:
        model = Lesson
        exclude = ("course",)

    course = factory.SubFactory(CourseFactory, tenant=factory.SelfAttribute("..tenant"))
    module = factory.LazyAttribute(lambda o: first_module(o.course))
    tenant = factory.LazyAttribute(lambda o: o.module.tenant if "module" in o.__dict__ else o.course.tenant)
    kind = LessonKind.TEXT
    title = factory.Sequence(lambda n: f"Lesson {n}")
    position = factory.Sequence(lambda n: n)
    body = "# Why partners win\n\nBecause they **know** the product."
    body_html = "<h1>Why partners win</h1>\n<p>Because they <strong>know</strong> the product.</p>\n"


class QuizFactory(TenantOwnedFactory):
    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz {n}")
    passing_score = 80
    shuffle_questions = False
    shuffle_choices = False

    @factory.post_generation
    def questions_per_attempt(quiz, create, extracted, **kwargs):
        """Every quiz has a first pool, "Questions"; `questions_per_attempt=N` makes it draw N per attempt."""
        if not create:
            return
        with tenant_context(quiz.tenant):
            QuestionPool.objects.create(
                tenant=quiz.tenant, quiz=quiz, name="Questions", questions_per_attempt=extracted, position=1
            )


def add_pool(quiz, name, questions_per_attempt=None):
    """Another pool of the quiz, after its others."""
    with tenant_context(quiz.tenant):
        position = quiz.pools.count() + 1
        return QuestionPool.objects.create(
            tenant=quiz.tenant, quiz=quiz, name=name, questions_per_attempt=questions_per_attempt, position=position
        )


def add_question(
    quiz, text="Which are partner types?", choices=(("Reseller", True), ("Banana", False)), pool=None, **fields
):
    """A question with its first version and choices, in `pool` (the quiz's first when None); `choices` is
    (text, is_correct) pairs. Returns the version."""
    kind = fields.pop("kind", QuestionKind.SINGLE if sum(c for _, c in choices) == 1 else QuestionKind.MULTIPLE)
    with tenant_context(quiz.tenant):
        position = quiz.questions.count() + 1
        pool = pool or quiz.pools.order_by("position", "id").first()
        question = Question.objects.create(tenant=quiz.tenant, quiz=quiz, pool=pool, position=position)
        version = QuestionVersion.objects.create(
            tenant=quiz.tenant, question=question, number=1, kind=kind, text=text, **fields
        )
        for index, (choice_text, correct) in enumerate(choices, start=1):
            Choice.objects.create(
                tenant=quiz.tenant, question_version=version, text=choice_text, is_correct=correct, position=index
            )
        question.current_version = version
        question.save(update_fields=["current_version", "updated_at"])
        return version


class EnrollmentFactory(TenantOwnedFactory):
    """An enrollment of a partner user (a Membership with a partner organization) in a course's current version."""

    class Meta:
        model = Enrollment
        exclude = ("membership",)

    membership = None
    course = factory.SubFactory(CourseFactory, tenant=factory.SelfAttribute("..tenant"))
    course_version = factory.LazyAttribute(lambda o: o.course.current_version)
    user = factory.LazyAttribute(lambda o: o.membership.user)
    partner_organization = factory.LazyAttribute(lambda o: o.membership.partner_organization)
    enrolled_at = factory.LazyFunction(timezone.now)


class CertificationFactory(TenantOwnedFactory):
    class Meta:
        model = Certification
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Certified Platform Seller {n}")
    validity_months = 12

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create and extracted:
            with tenant_context(self.tenant):
                for course in extracted:
                    CertificationCourse.objects.create(tenant=self.tenant, certification=self, course=course)
