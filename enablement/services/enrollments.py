"""Enrollments: a learner enrolls themselves, staff or their partner admin assign a course with a due date, a rule
enrolls matching people (when they join, and everyone already in the program when the rule is created), and a
completed course can be taken again as its next cycle. Assigned courses are reminded before they fall due.

One enrollment per course, person and cycle (a unique constraint): enrolling someone already enrolled changes
nothing (an assignment may set a new due date), so a double click, a replayed API call or a rerun task never makes
two. Every new enrollment records `enrollment.created`; one made by someone else tells the learner.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from enablement.declarations import ENROLLMENT_CREATED
from enablement.models import Course, Enrollment, EnrollmentRule, EnrollmentSource, EnrollmentStatus
from enablement.selectors.catalogue import audience_of, is_course_for
from prm import policy
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.events import record_event, record_events
from prm.i18n import lazy_format
from prm.models import Membership
from prm.notifications import notify
from prm.policy import Actor, ProgramActor
from prm.roles import PARTNER_ROLES
from prm.tenancy import current_tenant

# Days before the due date at which a learner who has not finished is reminded (0: on the day); each once.
REMINDER_DAYS = (3, 0)
# An assignment may be due at most this far ahead.
MAX_DUE_DAYS = 5 * 366
# People enrolled per run of a rule's backfill task (one transaction each; the task enqueues the next).
RULE_BATCH_SIZE = 500


def _format_day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# Lazy: a notification shows the day in each reader's own format (notify() renders it per reader).
_day = lazy(_format_day, str)


def _course_url(enrollment: Enrollment) -> str:
    return reverse("learning_course", args=[current_tenant().slug, enrollment.pk])


def _payload(enrollment: Enrollment) -> dict:
    return {
        "partner_organization_id": enrollment.partner_organization_id,
        "user_id": enrollment.user_id,
        "enrollment_id": enrollment.pk,
        "course_id": enrollment.course_id,
        "source": enrollment.source,
        "due_on": enrollment.due_on.isoformat() if enrollment.due_on else None,
    }


def check_offered(course: Course, learner: Membership) -> None:
    """A course is offered to a learner when it is published, not archived, and its audience includes them."""
    if course.current_version_id is None or course.archived:
        raise ValidationFailed(_("This course is not published."), field="course")
    if not is_course_for(course, audience_of(learner)):
        raise ValidationFailed(_("This course is not offered to this person's partner type or role."), field="course")


def check_learner(learner: Membership) -> None:
    if not learner.is_active or learner.role not in PARTNER_ROLES or learner.partner_organization_id is None:
        raise ValidationFailed(_("Only active partner users take courses."), field="user")


def _check_due_on(due_on: date | None) -> None:
    if due_on is None:
        return
    today = timezone.localdate()
    if due_on < today:
        raise ValidationFailed(_("The due date cannot be in the past."), field="due_on")
    if due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise ValidationFailed(_("The due date is too far ahead (five years at most)."), field="due_on")


def _notify_assigned(*, users, course_title: str, due_on: date | None, url: str) -> None:
    notify(
        users=users,
        kind="enrollment.assigned",
        title=lazy_format(gettext_lazy("Course assigned to you: %(course)s"), course=course_title),
        body=lazy_format(gettext_lazy("Please complete it by %(day)s."), day=_day(due_on)) if due_on else "",
        url=url,
    )


def enroll_once(
    *,
    actor,
    course: Course,
    learner: Membership,
    source: str,
    due_on: date | None = None,
    rule: EnrollmentRule | None = None,
) -> tuple[Enrollment, bool]:
    """The enrollment of `learner` in `course` (created when they have none open or completed). Runs inside the
    caller's transaction."""
    latest = (
        Enrollment.objects.select_for_update().filter(course=course, user_id=learner.user_id).order_by("-cycle").first()
    )
    if latest is not None and latest.status != EnrollmentStatus.WITHDRAWN:
        if source == EnrollmentSource.ASSIGNED and latest.is_open() and due_on and due_on != latest.due_on:
            # Assigned again with a date: the new date counts, and its reminders go out again.
            latest.due_on = due_on
            latest.assigned_by = getattr(actor, "user", None)
            latest.reminders_sent = []
            latest.save(update_fields=["due_on", "assigned_by", "reminders_sent", "updated_at"])
        return latest, False
    enrollment = Enrollment(
        course=course,
        course_version_id=course.current_version_id,
        user_id=learner.user_id,
        partner_organization_id=learner.partner_organization_id,
        cycle=latest.cycle + 1 if latest else 1,
        source=source,
        assigned_by=getattr(actor, "user", None) if source == EnrollmentSource.ASSIGNED else None,
        rule=rule,
        due_on=due_on,
        enrolled_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            enrollment.save(force_insert=True)
    except IntegrityError:
        # Someone enrolled them in the same instant (a double click, two tabs): theirs is the one.
        return Enrollment.objects.get(course=course, user_id=learner.user_id, cycle=enrollment.cycle), False
    record_event(ENROLLMENT_CREATED, subject=enrollment, payload=_payload(enrollment), actor=actor)
    if source != EnrollmentSource.SELF:
        _notify_assigned(users=[learner.user], course_title=course.title, due_on=due_on, url=_course_url(enrollment))
    return enrollment, True


@transaction.atomic
def enrollment_self_enroll(*, actor: Membership, course: Course) -> Enrollment:
    """A partner's person enrolls in a course offered to them; enrolling again returns the enrollment they have."""
    policy.require(actor, "learning.take")
    check_learner(actor)
    check_offered(course, actor)
    enrollment, _created = enroll_once(actor=actor, course=course, learner=actor, source=EnrollmentSource.SELF)
    return enrollment


@transaction.atomic
def enrollment_assign(
    *, actor: Actor, course: Course, learner: Membership, due_on: date | None = None
) -> tuple[Enrollment, bool]:
    """Staff assign a course to any partner's person, a partner admin (or a partner-bound key) to their own
    organization's people, with an optional due date (today or later). Returns (enrollment, created): assigning a
    course the person already has changes only its due date."""
    policy.require(actor, "learning.assign", learner)
    check_learner(learner)
    check_offered(course, learner)
    _check_due_on(due_on)
    return enroll_once(actor=actor, course=course, learner=learner, source=EnrollmentSource.ASSIGNED, due_on=due_on)


@transaction.atomic
def enrollment_retake(*, actor: Membership, enrollment: Enrollment) -> Enrollment:
    """Take a completed course again (to renew what it earned): the next cycle, on the course's current version.
    Only the learner, only from their latest completed cycle."""
    policy.require(actor, "learning.take")
    enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    if enrollment.user_id != actor.user_id:
        raise PermissionDenied(_("You do not have access to this."))
    latest = Enrollment.objects.filter(course_id=enrollment.course_id, user_id=actor.user_id).order_by("-cycle").first()
    if latest.pk != enrollment.pk:
        if latest.is_open():
            return latest
        raise InvalidTransition(_("You already took this course again."))
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise InvalidTransition(_("Only a completed course can be taken again."))
    check_offered(enrollment.course, actor)
    next_cycle = Enrollment(
        course=enrollment.course,
        course_version_id=enrollment.course.current_version_id,
        user_id=actor.user_id,
        partner_organization_id=actor.partner_organization_id,
        cycle=enrollment.cycle + 1,
        source=EnrollmentSource.SELF,
        enrolled_at=timezone.now(),
    )
    next_cycle.save(force_insert=True)
    record_event(ENROLLMENT_CREATED, subject=next_cycle, payload=_payload(next_cycle), actor=actor)
    return next_cycle


# Rules ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def enrollment_rule_backfill_start(*, actor: Actor, rule: EnrollmentRule) -> EnrollmentRule:
    """Apply a rule to the people already in the program, in the background and in batches (the rule's backfill
    fields say how far it got). Authors start it when they create a rule or change whom it matches; starting it
    again re-counts and enrolls only those still missing."""
    policy.require(actor, "courses.manage")
    rule = EnrollmentRule.objects.select_for_update().get(pk=rule.pk)
    if not rule.active:
        raise InvalidTransition(_("This rule is paused: resume it first."))
    rule.backfill_started_at = rule.backfill_finished_at = None
    rule.backfill_total = rule.backfill_done = rule.backfill_enrolled = 0
    rule.save(
        update_fields=[
            "backfill_started_at",
            "backfill_finished_at",
            "backfill_total",
            "backfill_done",
            "backfill_enrolled",
            "updated_at",
        ]
    )
    _enqueue_backfill(rule)
    return rule


def _enqueue_backfill(rule: EnrollmentRule) -> None:
    from enablement.tasks import apply_enrollment_rule

    tenant_id, rule_id = rule.tenant_id, rule.pk
    transaction.on_commit(lambda: apply_enrollment_rule.delay(tenant_id=tenant_id, rule_id=rule_id))


def rule_matches(rule: EnrollmentRule) -> QuerySet[Membership]:
    """The active partner people a rule applies to (its partner types and roles) who may see its course."""
    course = rule.course
    members = Membership.objects.filter(is_active=True, role__in=sorted(PARTNER_ROLES))
    if rule.partner_types:
        members = members.filter(partner_organization__partner_type__in=rule.partner_types)
    if rule.roles:
        members = members.filter(role__in=rule.roles)
    # The course's audience, as SQL (the rule cannot enroll anyone the course is not for).
    audience = {
        "partner_organization__partner_type__in": course.audience_partner_types,
        "partner_organization__tier__in": course.audience_tiers,
        "partner_organization__region__in": course.audience_regions,
        "role__in": course.audience_roles,
    }
    for lookup, values in audience.items():
        if values:
            members = members.filter(**{lookup: values})
    return members


def enrollment_rule_apply_batch(*, rule_id: int, batch_size: int = RULE_BATCH_SIZE) -> bool:
    """One batch of a rule's backfill (the task's body, in its transaction): enroll up to `batch_size` matching
    people who have no enrollment in the course, as one INSERT, and record how far it got. Returns True when more
    remain (the task runs again). Safe to repeat: people already enrolled are skipped, the constraint does the rest."""
    rule = EnrollmentRule.objects.select_for_update().select_related("course").filter(pk=rule_id).first()
    if rule is None:
        return False
    now = timezone.now()
    course = rule.course
    if not rule.active or course.current_version_id is None or course.archived:
        rule.backfill_finished_at = now
        rule.save(update_fields=["backfill_finished_at", "updated_at"])
        return False
    matching = rule_matches(rule)
    if rule.backfill_started_at is None:
        rule.backfill_started_at = now
        rule.backfill_total = matching.count()
        rule.backfill_done = rule.backfill_enrolled = 0
    waiting = matching.exclude(Exists(Enrollment.objects.filter(course=course, user_id=OuterRef("user_id"))))
    batch = list(waiting.order_by("pk").values_list("user_id", "partner_organization_id")[:batch_size])
    created = _enroll_many(rule, batch, now) if batch else []
    remaining = waiting.count() if batch else 0
    rule.backfill_enrolled += len(created)
    rule.backfill_total = max(rule.backfill_total, rule.backfill_done + len(batch) + remaining)
    rule.backfill_done = rule.backfill_total - remaining
    if not remaining:
        rule.backfill_finished_at = timezone.now()
    rule.save()
    return bool(remaining)


def _enroll_many(rule: EnrollmentRule, people: list[tuple[int, int]], now) -> list[Enrollment]:
    course = rule.course
    due_on = timezone.localdate() + timedelta(days=rule.due_days) if rule.due_days else None
    rows = [
        Enrollment(
            course=course,
            course_version_id=course.current_version_id,
            user_id=user_id,
            partner_organization_id=organization_id,
            cycle=1,
            source=EnrollmentSource.RULE,
            rule=rule,
            due_on=due_on,
            enrolled_at=now,
        )
        for user_id, organization_id in people
    ]
    # Someone who enrolled in the meantime keeps their own enrollment (the constraint skips them).
    Enrollment.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Enrollment.objects.filter(
            course=course, rule=rule, enrolled_at=now, user_id__in=[user_id for user_id, _o in people]
        ).select_related("user")
    )
    actor = ProgramActor(rule.tenant_id)
    record_events([(ENROLLMENT_CREATED, enrollment, _payload(enrollment)) for enrollment in created], actor=actor)
    # One notification per person, linking to "My learning" (a batch is one course and one due date).
    _notify_assigned(
        users=[enrollment.user for enrollment in created],
        course_title=course.title,
        due_on=due_on,
        url=reverse("learning_home", args=[current_tenant().slug]),
    )
    return created


def enrollments_for_new_member(*, membership: Membership) -> list[Enrollment]:
    """A person who just joined a partner is enrolled by every active rule that matches them (the program acts)."""
    if not membership.is_active or membership.role not in PARTNER_ROLES:
        return []
    actor = ProgramActor(membership.tenant_id)
    audience = audience_of(membership)
    enrolled = []
    rules = EnrollmentRule.objects.filter(active=True).select_related("course").order_by("pk")
    for rule in rules:
        if rule.partner_types and audience.partner_type not in rule.partner_types:
            continue
        if rule.roles and membership.role not in rule.roles:
            continue
        course = rule.course
        if course.current_version_id is None or course.archived or not is_course_for(course, audience):
            continue
        due_on = timezone.localdate() + timedelta(days=rule.due_days) if rule.due_days else None
        with transaction.atomic():
            enrollment, created = enroll_once(
                actor=actor, course=course, learner=membership, source=EnrollmentSource.RULE, due_on=due_on, rule=rule
            )
        if created:
            enrolled.append(enrollment)
    return enrolled


# Due-date reminders -----------------------------------------------------------------------------------------------


@transaction.atomic
def enrollment_due_reminders_send(*, today: date | None = None) -> int:
    """For the current tenant: remind each learner of an open enrollment due in 3 days, and on the day, once each
    (Enrollment.reminders_sent); a run that missed a day sends the one reminder that is due, not two. Returns how
    many reminders went out. Enrollments another run is handling are skipped."""
    today = today or timezone.localdate()
    due = (
        Enrollment.objects.filter(
            status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS),
            due_on__isnull=False,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=max(REMINDER_DAYS)),
        )
        .exclude(reminders_sent__contains=[min(REMINDER_DAYS)])
        .select_related("course", "user")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("due_on", "pk")
    )
    sent = 0
    for enrollment in due:
        done = set(enrollment.reminders_sent or [])
        days_left = (enrollment.due_on - today).days
        owed = sorted(days for days in REMINDER_DAYS if days_left <= days and days not in done)
        if not owed:
            continue
        if days_left == 0:
            left = gettext_lazy("today")
        else:
            left = lazy_format(ngettext_lazy("in %(days)s day", "in %(days)s days", days_left), days=days_left)
        notify(
            users=[enrollment.user],
            kind="enrollment.due_soon",
            title=lazy_format(
                gettext_lazy("Course due %(left)s: %(course)s"), left=left, course=enrollment.course.title
            ),
            body=lazy_format(
                gettext_lazy("Please complete %(course)s by %(day)s."),
                course=enrollment.course.title,
                day=_day(enrollment.due_on),
            ),
            url=_course_url(enrollment),
        )
        enrollment.reminders_sent = sorted(done | set(owed), reverse=True)
        enrollment.save(update_fields=["reminders_sent", "updated_at"])
        sent += 1
    return sent
