"""Writing enrollment rules: "enroll every new system integrator's sales people in this course, due in 30 days".

A rule names a course, the partner types and partner roles it matches (empty: any) and how many days after enrolling
the course is due (empty: no due date). Authors write rules here; enrolling the people they match is the learning
side's (`enablement.services` for enrollments), which reads only active rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from enablement.models import Course, EnrollmentRule
from enablement.services import cleaning
from prm import policy
from prm.errors import ValidationFailed
from prm.policy import Actor

ACTION = "courses.manage"


@dataclass(frozen=True)
class RuleInput:
    course: Course | None
    partner_types: list | tuple = ()
    roles: list | tuple = ()
    due_days: int | str | None = None
    active: bool = True


def _cleaned(data: RuleInput) -> dict:
    if data.course is None:
        raise ValidationFailed(_("Choose the course people are enrolled in."), field="course")
    if data.course.archived:
        raise ValidationFailed(_("This course is archived: choose another one."), field="course")
    return {
        "course": data.course,
        "partner_types": cleaning.clean_partner_types(data.partner_types),
        "roles": cleaning.clean_partner_roles(data.roles),
        "due_days": cleaning.clean_due_days(data.due_days),
        "active": bool(data.active),
    }


MATCHING_FIELDS = ("course", "partner_types", "roles", "active")


@transaction.atomic
def enrollment_rule_create(*, actor: Actor, data: RuleInput) -> EnrollmentRule:
    """A rule that enrolls the partners' people it matches in a course: those who join from now on, and (in the
    background, in batches) those already in the program."""
    from enablement.services.enrollments import enrollment_rule_backfill_start

    policy.require(actor, ACTION)
    rule = EnrollmentRule.objects.create(created_by=getattr(actor, "user", None), **_cleaned(data))
    return enrollment_rule_backfill_start(actor=actor, rule=rule) if rule.active else rule


@transaction.atomic
def enrollment_rule_update(*, actor: Actor, rule: EnrollmentRule, data: RuleInput) -> EnrollmentRule:
    """Change a rule: it applies from now on (people it enrolled stay enrolled); when it now matches other people
    (another course, types or roles, or resumed), those already in the program are enrolled in the background."""
    from enablement.services.enrollments import enrollment_rule_backfill_start

    policy.require(actor, ACTION, rule)
    rule = EnrollmentRule.objects.select_for_update().get(pk=rule.pk)
    fields = _cleaned(data)
    before = {name: getattr(rule, name) for name in MATCHING_FIELDS}
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save(update_fields=[*fields, "updated_at"])
    matches_others = any(getattr(rule, name) != value for name, value in before.items())
    return enrollment_rule_backfill_start(actor=actor, rule=rule) if rule.active and matches_others else rule


@transaction.atomic
def enrollment_rule_delete(*, actor: Actor, rule: EnrollmentRule) -> None:
    """Remove a rule (the enrollments it made stay, without it)."""
    policy.require(actor, ACTION, rule)
    rule.delete()
