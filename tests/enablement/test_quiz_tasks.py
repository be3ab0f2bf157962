"""The beat task that closes abandoned quiz attempts, per tenant."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from enablement.models import AttemptStatus
from enablement.services.quizzes import quiz_attempt_start
from enablement.tasks import close_expired_quiz_attempts
from tests.enablement.quiz_support import quiz_world

pytestmark = pytest.mark.django_db


def test_the_beat_closes_each_tenants_abandoned_attempts_once():
    worlds = [quiz_world(time_limit_minutes=5), quiz_world(slug="other", name="Other", time_limit_minutes=60)]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempts = []
        for world in worlds:
            with world.scoped():
                attempts.append(
                    quiz_attempt_start(actor=world.learner, enrollment=world.enrollment, lesson=world.lesson)
                )
        clock.shift(timedelta(minutes=10))
        assert close_expired_quiz_attempts() == 1
        assert close_expired_quiz_attempts() == 0
    assert worlds[0].fresh(attempts[0]).status == AttemptStatus.TIMED_OUT
    assert worlds[1].fresh(attempts[1]).status == AttemptStatus.IN_PROGRESS
