"""Celery tasks of the partners app (autodiscovered from here): onboarding reminders and escalation, agreement
re-acceptance reminders, the applicant's emails."""

from partners.tasks_agreements import *  # noqa: F403
from partners.tasks_onboarding import *  # noqa: F403
from partners.tasks_recruitment import *  # noqa: F403
