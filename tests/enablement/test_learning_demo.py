"""The demo program's learning: courses for different partner types, paths, a rule, people part-way through, quizzes
with attempts, a SCORM package that plays, and certifications whose awards stand as weeks of use left them."""

import re
from html import unescape

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enablement.models import (
    AttemptAnswer,
    AwardStatus,
    Certification,
    CertificationAward,
    Choice,
    Course,
    Enrollment,
    EnrollmentRule,
    EnrollmentStatus,
    LearningPath,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonProgressStatus,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
    ScormPackage,
)
from enablement.selectors.certifications import certified_people_by_partner, expiring_counts
from enablement.selectors.quizzes import quiz_availability
from enablement.services import credentials
from enablement.services.certifications import certification_expiry_run, certifications_award_for_learner
from prm.models import Event, Membership, Notification, Tenant
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.scorm_factories import stored_files, use_private_storage

pytestmark = pytest.mark.django_db

OLIVIA = "partner.admin@northwind.example"


@pytest.fixture
def storage(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def demo(storage):
    call_command("seed_demo", verbosity=0)
    return Tenant.objects.get(slug="demo")


def member(email) -> Membership:
    return Membership.objects.select_related("user", "partner_organization").get(user__email=email)


def counts() -> dict:
    models = [Course, Lesson, Quiz, Question, QuizAttempt, AttemptAnswer, ScormPackage, Certification]
    models += [CertificationAward, Enrollment, LessonProgress, Membership]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_has_courses_paths_and_progress_and_seeding_twice_adds_nothing(demo, storage):
    with tenant_context(demo):
        before, files = counts(), stored_files(storage)
    call_command("seed_demo", verbosity=0)
    with tenant_context(demo):
        assert counts() == before and stored_files(storage) == files
        assert Course.objects.filter(current_version__isnull=False).count() == 5
        assert Course.objects.get(title="Building on the Sentinel API").audience_partner_types == ["isv"]
        assert LearningPath.objects.filter(published=True).count() == 2
        assert EnrollmentRule.objects.count() == 1
        banner_people = Enrollment.objects.filter(user__email__in=[OLIVIA, "partner.sales@northwind.example"])
        assert banner_people.filter(status=EnrollmentStatus.COMPLETED).count() == 2
        # The first login `make run` prints has learning to resume: the seller's course and the SCORM package.
        resume = banner_people.filter(user__email=OLIVIA, status=EnrollmentStatus.IN_PROGRESS)
        assert {e.last_lesson.kind for e in resume} == {LessonKind.QUIZ, LessonKind.SCORM}
        assert banner_people.filter(due_on__isnull=False, status=EnrollmentStatus.ENROLLED).count() == 1


def test_the_demo_has_quizzes_with_questions_and_attempts_one_failed_then_passed_one_waiting(demo):
    now = timezone.now()
    with tenant_context(demo):
        quiz_lessons = Lesson.objects.filter(
            kind=LessonKind.QUIZ, module__version__course__current_version__isnull=False
        )
        assert quiz_lessons.values("module__version__course").distinct().count() >= 2
        for quiz in Quiz.objects.filter(lessons__in=quiz_lessons):
            kinds = set(Question.objects.filter(quiz=quiz).values_list("current_version__kind", flat=True))
            assert kinds == {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}
            assert quiz.passing_score and quiz.attempt_limit and quiz.cooldown_minutes
        olivia = member(OLIVIA)
        fundamentals = QuizAttempt.objects.filter(user=olivia.user, quiz__title="Sentinel fundamentals check")
        assert list(fundamentals.order_by("number").values_list("passed", flat=True)) == [False, True]
        # Every answer was kept, and graded as the server grades: right only when exactly the correct choices.
        for attempt in fundamentals:
            given = dict(attempt.answers.values_list("question_version_id", "choice_ids"))
            assert len(given) == attempt.questions.count() == 5
            for row in attempt.questions.all():
                right = set(
                    Choice.objects.filter(question_version=row.question_version_id, is_correct=True).values_list(
                        "id", flat=True
                    )
                )
                assert row.correct == (set(given[row.question_version_id]) == right)
            assert attempt.points == sum(row.points_awarded for row in attempt.questions.all())
            assert attempt.score == attempt.points * 100 / attempt.max_points
        seller = Quiz.objects.get(title="Seller readiness quiz")
        [failed] = QuizAttempt.objects.filter(user=olivia.user, quiz=seller)
        assert failed.passed is False
        progress = LessonProgress.objects.get(enrollment=failed.enrollment, lesson=failed.lesson)
        assert progress.status == LessonProgressStatus.FAILED
        waiting = quiz_availability(quiz=seller, user_id=olivia.user_id, now=now, enrollment_id=failed.enrollment_id)
        assert waiting.next_attempt_at is not None and waiting.next_attempt_at > now


def test_the_demo_scorm_lesson_opens_in_the_player_for_an_enrolled_learner(demo, client):
    with tenant_context(demo):
        lesson = Lesson.objects.select_related("scorm_package").get(kind=LessonKind.SCORM)
        assert lesson.scorm_package.scorm_version == "1.2" and lesson.scorm_package.file_count == 5
        olivia = member(OLIVIA)
        enrollment = Enrollment.objects.get(user=olivia.user, course_version=lesson.module.version)
    login(client, olivia)
    player = client.get(reverse("scorm_player", args=[demo.slug, enrollment.pk, lesson.pk]))
    assert player.status_code == 200
    src = unescape(re.search(r'<iframe id="scorm-frame"[^>]*data-src="([^"]+)"', player.content.decode()).group(1))
    page = client.get(src, HTTP_SEC_FETCH_DEST="iframe")
    assert page.status_code == 200 and b"Segmenting a branch office" in page.content
    script = client.get(src.replace("index.html", "course.js"))
    assert script.status_code == 200 and b'LMSSetValue("cmi.core.lesson_status"' in b"".join(script.streaming_content)


def test_the_demo_certifications_have_valid_expiring_expired_and_revoked_awards_that_verify(demo, client):
    now = timezone.now()
    with tenant_context(demo):
        certifications = {c.name: c for c in Certification.objects.all()}
        assert certifications["Sentinel Certified Seller"].validity_months == 12
        assert certifications["Sentinel Certified Engineer"].final_exam is not None
        awards = list(CertificationAward.objects.select_related("certification", "user"))
        states = [award.state(now) for award in awards]
        assert states.count("valid") >= 6 and states.count("expired") == 1 and states.count("revoked") == 1
        assert CertificationAward.objects.get(status=AwardStatus.REVOKED).revoke_reason
        assert expiring_counts(now=now)[30] >= 1 and expiring_counts(now=now)[60] >= 2
        for award in awards:
            assert award.expires_at == award.awarded_at + relativedelta(months=award.certification.validity_months)
            assert award.awarded_at < now and award.verification_code
            assert credentials.credential_verify(award.credential, credentials.public_jwks())["validUntil"]
        certified = certified_people_by_partner(as_of=now)
        by_name = dict(Membership.objects.values_list("partner_organization__name", "partner_organization_id"))
        assert certified[by_name["Northwind Secure Solutions"]] >= 3
        assert certified[by_name["Cascade Network Integrators"]] >= 3
        assert by_name["Harbourline Technologies"] not in certified
        # History, not live use: nothing was announced, and the expiry run finds every reminder and expiry already
        # recorded.
        learning_events = Event.objects.filter(type__regex=r"^(course|certification|quiz)\.")
        assert not learning_events.exists() and not Notification.objects.filter(kind__startswith="certification.")
        assert certification_expiry_run(now=now).done == 0
        # Awarding, run again for each holder (a retried event), finds the award already made on the same basis.
        for award in awards:
            assert not certifications_award_for_learner(
                user_id=award.user_id, partner_organization_id=award.partner_organization_id
            )
        holder = next(award for award in awards if award.state(now) == "valid")
        holder_membership = member(holder.user.email)

    verification = client.get(f"/t/{demo.slug}/verify/{holder.verification_code}/")
    assert verification.status_code == 200 and holder.recipient_name in verification.content.decode()
    login(client, holder_membership)
    pdf = client.get(f"/t/{demo.slug}/certifications/awards/{holder.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_demo_pages_show_the_learning_a_vendor_looks_for(demo, client):
    with tenant_context(demo):
        olivia, admin = member(OLIVIA), member("admin@demo.example")
        waiting = QuizAttempt.objects.get(user=olivia.user, quiz__title="Seller readiness quiz")
        expiring = CertificationAward.objects.filter(expires_at__gt=timezone.now()).order_by("expires_at").first()
    slug = demo.slug
    login(client, olivia)
    assert client.get(reverse("learning_home", args=[slug])).status_code == 200
    quiz_page = client.get(reverse("quiz_lesson", args=[slug, waiting.enrollment_id, waiting.lesson_id]))
    assert quiz_page.status_code == 200 and 'data-testid="quiz-cooldown"' in quiz_page.content.decode()
    team = client.get(reverse("team_certifications", args=[slug]))
    assert team.status_code == 200 and "Noah Fischer" in team.content.decode()
    login(client, admin)
    report = client.get(reverse("enablement_report", args=[slug]))
    assert report.status_code == 200 and expiring.recipient_name in report.content.decode()
    assert client.get(reverse("certification_list", args=[slug])).status_code == 200
