"""Due-date reminders of assigned courses: 3 days before and on the day, each once, only while the course is open
(enablement.services.enrollments.enrollment_due_reminders_send and the beat task), time frozen."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from enablement.models import Enrollment, EnrollmentStatus
from enablement.services.enrollments import enrollment_assign, enrollment_due_reminders_send
from enablement.tasks import send_enrollment_due_reminders
from prm.tenancy import tenant_context
from tests.enablement.learning_support import make_program, notifications_of

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
DUE = date(2026, 3, 12)


@pytest.fixture
def assigned():
    program = make_program()
    with time_machine.travel(START, tick=False), tenant_context(program.tenant):
        enrollment, _created = enrollment_assign(
            actor=program.staff, course=program.everyone, learner=program.seller, due_on=DUE
        )
    return program, enrollment


def run(program, day: date) -> int:
    with time_machine.travel(datetime.combine(day, START.timetz()), tick=False), tenant_context(program.tenant):
        return enrollment_due_reminders_send()


def reminders(program):
    return notifications_of(program.tenant, program.seller.user, "enrollment.due_soon")


def test_a_reminder_three_days_before_and_one_on_the_day_each_once(assigned):
    program, enrollment = assigned
    assert run(program, DUE - timedelta(days=4)) == 0
    assert run(program, DUE - timedelta(days=3)) == 1
    assert run(program, DUE - timedelta(days=3)) == 0  # a second run that day sends nothing more
    assert run(program, DUE - timedelta(days=1)) == 0
    assert run(program, DUE) == 1
    assert run(program, DUE) == 0
    titles = [n.title for n in reminders(program)]
    assert titles == ["Course due in 3 days: Platform fundamentals", "Course due today: Platform fundamentals"]
    assert reminders(program)[0].url == f"/t/learnco/learning/enrollments/{enrollment.pk}/"
    with tenant_context(program.tenant):
        assert Enrollment.objects.get(pk=enrollment.pk).reminders_sent == [3, 0]


def test_a_run_that_missed_days_sends_one_reminder_not_two(assigned):
    program, _enrollment = assigned
    assert run(program, DUE - timedelta(days=1)) == 1
    assert [n.title for n in reminders(program)] == ["Course due in 1 day: Platform fundamentals"]
    assert run(program, DUE) == 1


def test_a_completed_or_past_due_course_is_not_reminded(assigned):
    program, enrollment = assigned
    with tenant_context(program.tenant):
        Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.COMPLETED)
    assert run(program, DUE - timedelta(days=3)) == 0
    with tenant_context(program.tenant):
        Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.IN_PROGRESS)
    assert run(program, DUE + timedelta(days=1)) == 0
    assert reminders(program) == []


def test_the_beat_task_fans_out_to_tenants_with_reminders_due(assigned):
    program, _enrollment = assigned
    other = make_program(slug="quiet")
    with time_machine.travel(datetime.combine(DUE - timedelta(days=3), START.timetz()), tick=False):
        assert send_enrollment_due_reminders() == 1
    assert len(reminders(program)) == 1
    assert notifications_of(other.tenant, other.seller.user, "enrollment.due_soon") == []
