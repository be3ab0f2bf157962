"""Automated onboarding: the onboarding a partner runs through (a copy of its plan: partners.services.onboarding_plans),
and steps that complete themselves from domain events.

The rules (docs/onboarding.md tells them to people):
- A partner's plan is the tenant's active plan for its type, else the active default plan (no type). A tenant that
  has no plan at all gets the default plan (DEFAULT_PLAN_STEPS) the first time one is needed, so it can edit it.
- Approval (and reactivation into onboarding) starts the plan: its steps are copied, each due `due_offset_days`
  after the start. One running onboarding per partner (a database constraint); starting again is a no-op.
- A step completes when an event of its completion event type (its own, or its kind's: STEP_KIND_EVENTS) happens for
  its partner and the event's payload matches its condition (every key of the condition is in the payload with an
  equal value). "Invite colleagues" needs the invitation to come from one of the partner's own people.
- When every required step is done the onboarding is completed and an onboarding partner becomes active.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import (
    STEP_KIND_EVENTS,
    OnboardingPlan,
    OnboardingStatus,
    OnboardingStep,
    OnboardingStepKind,
    OnboardingStepTemplate,
    PartnerOnboarding,
    PartnerOrganization,
    PartnerStatus,
)
from partners.selectors.program_settings import program_language
from partners.services.cleaning import OWN_EVENT_PREFIX
from partners.services.lifecycle import partner_activate
from partners.services.onboarding_plans import plan_for_partner
from partners.services.profile import PROFILE_COMPLETED_EVENT, profile_is_complete
from prm import policy
from prm.errors import InvalidTransition, ValidationFailed
from prm.events import record_event
from prm.events.selectors import partner_first_events
from prm.i18n import lazy_format
from prm.models import Event, Membership
from prm.notifications import notify
from prm.policy import Actor
from prm.roles import PARTNER_ROLES
from prm.tenancy import current_tenant

# Partners in these statuses run their onboarding; a suspended one is paused (no reminders, no escalation).
RUNNING_PARTNER_STATUSES = (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE)
ACTIVATION_REASON = gettext_lazy("All required onboarding steps are done.")


def step_completion_event(*, kind: str, completion_event: str = "") -> str:
    """The event type that completes a step: its own, else its kind's (empty for manual steps)."""
    return completion_event or STEP_KIND_EVENTS.get(kind, "")


def condition_matches(condition: dict, payload: dict) -> bool:
    """Every key of the condition is in the payload with an equal value (JSON equality: 12 and "12" differ; 12 and
    12.0 do not). An empty condition matches every payload."""
    if not isinstance(payload, dict):
        return not condition
    return all(key in payload and payload[key] == value for key, value in (condition or {}).items())


# Starting ------------------------------------------------------------------------------------------------------


def _onboarding_payload(onboarding: PartnerOnboarding, **extra) -> dict:
    return {
        "onboarding_id": onboarding.pk,
        "partner_organization_id": onboarding.partner_organization_id,
        "plan_id": onboarding.plan_id,
        "plan_name": onboarding.plan_name,
        "status": onboarding.status,
        **extra,
    }


def _step_payload(step: OnboardingStep) -> dict:
    return {
        "onboarding_id": step.onboarding_id,
        "partner_organization_id": step.partner_organization_id,
        "step_id": step.pk,
        "title": step.title,
        "kind": step.kind,
        "required": step.required,
        "completed_at": step.completed_at.isoformat() if step.completed_at else None,
        "completed_by_id": step.completed_by_id,
        "completed_by_event_id": step.completed_by_event_id,
    }


def running_onboarding(partner_id: int) -> PartnerOnboarding | None:
    return PartnerOnboarding.objects.filter(
        partner_organization_id=partner_id, status=OnboardingStatus.IN_PROGRESS
    ).first()


@transaction.atomic
def onboarding_start(
    *, partner: PartnerOrganization, actor: Actor | None = None, plan: OnboardingPlan | None = None
) -> PartnerOnboarding | None:
    """Start the partner's plan (its type's, else the default): the steps are copied, each due its offset after
    now, and `onboarding.started` is recorded. Idempotent: with an onboarding running already, that one is returned
    and nothing changes. None when the tenant has no plan for the partner (it has plans, none fits).

    Steps the partner did already are done at once (`_complete_steps_done_before_start`)."""
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    existing = running_onboarding(partner.pk)
    if existing is not None:
        return existing
    plan = plan or plan_for_partner(partner)
    if plan is None:
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            onboarding = PartnerOnboarding.objects.create(
                partner_organization=partner,
                plan=plan,
                plan_name=plan.name,
                status=OnboardingStatus.IN_PROGRESS,
                started_at=now,
                last_progress_at=now,
            )
    except IntegrityError:  # one running per partner: a concurrent start won
        return running_onboarding(partner.pk)
    templates = OnboardingStepTemplate.objects.filter(plan=plan).order_by("position", "id")
    steps = OnboardingStep.objects.bulk_create(
        [
            OnboardingStep(
                onboarding=onboarding,
                partner_organization=partner,
                position=index,
                title=template.title,
                description=template.description,
                kind=template.kind,
                completion_event=step_completion_event(kind=template.kind, completion_event=template.completion_event),
                condition=template.condition,
                required=template.required,
                due_at=now + timedelta(days=template.due_offset_days),
            )
            for index, template in enumerate(templates)
        ]
    )
    record_event(
        "onboarding.started",
        subject=onboarding,
        payload=_onboarding_payload(onboarding, steps=len(steps), started_at=now.isoformat()),
        actor=actor,
    )
    _complete_steps_done_before_start(steps, onboarding=onboarding, partner=partner, started_at=now)
    _finish_if_done(onboarding, now=now)
    return onboarding


@transaction.atomic
def onboarding_start_by_staff(*, actor: Actor, partner: PartnerOrganization) -> PartnerOnboarding:
    """A channel manager starts the plan for a partner that has none running (onboarding or active partners)."""
    policy.require(actor, "onboarding.manage_plans", partner)
    partner = PartnerOrganization.objects.select_for_update().get(pk=partner.pk)
    if partner.status not in RUNNING_PARTNER_STATUSES:
        raise InvalidTransition(
            _("%(partner)s is %(status)s: only onboarding or active partners go through an onboarding plan.")
            % {"partner": partner.name, "status": str(partner.get_status_display()).lower()},
            field="status",
        )
    if running_onboarding(partner.pk) is not None:
        raise InvalidTransition(
            _("%(partner)s is going through its onboarding already.") % {"partner": partner.name}, field="status"
        )
    onboarding = onboarding_start(partner=partner, actor=actor)
    if onboarding is None:
        raise ValidationFailed(
            _("There is no active onboarding plan for %(type)s partners, nor a default plan: add or activate one.")
            % {"type": partner.partner_type_label},
            field="plan",
        )
    return onboarding


def onboarding_start_from_event(event: Event) -> PartnerOnboarding | None:
    """`partner.approved`, or `partner.reactivated` into onboarding: start the plan. A relay that repeats the event
    starts nothing twice (an onboarding running, or one started since the event, means it was handled)."""
    if event.type == "partner.reactivated" and event.payload.get("to") != PartnerStatus.ONBOARDING:
        return None
    partner = PartnerOrganization.objects.filter(pk=event.subject_id).first()
    if partner is None or partner.status != PartnerStatus.ONBOARDING:
        return None
    handled = PartnerOnboarding.objects.filter(partner_organization=partner, started_at__gte=event.occurred_at)
    if handled.exists():
        return None
    return onboarding_start(partner=partner, actor=None)


@transaction.atomic
def onboarding_cancel_for_partner(*, partner_id: int, reason: str) -> PartnerOnboarding | None:
    """The partner left the program: its running onboarding stops (kept, as cancelled), so reminders stop too."""
    onboarding = (
        PartnerOnboarding.objects.select_for_update()
        .filter(partner_organization_id=partner_id, status=OnboardingStatus.IN_PROGRESS)
        .first()
    )
    if onboarding is None:
        return None
    onboarding.status = OnboardingStatus.CANCELLED
    onboarding.save(update_fields=["status", "updated_at"])
    record_event("onboarding.cancelled", subject=onboarding, payload=_onboarding_payload(onboarding, reason=reason))
    return onboarding


# Steps done before the start -------------------------------------------------------------------------------------


def _done_before_filter(step: OnboardingStep, partner_id: int) -> Q | None:
    """The outbox filter of the events that would have completed the step had it been running: its completion event
    with a payload containing its condition (conditions hold only scalars, so containment is `condition_matches`),
    and for inviting colleagues an invitation into a partner role made by one of the partner's own people
    (`_invited_by_own_people`). None for steps no event completes."""
    if not step.completion_event or step.completion_event.startswith(OWN_EVENT_PREFIX):
        return None
    wanted = Q(type=step.completion_event)
    if step.condition:
        wanted &= Q(payload__contains=step.condition)
    if step.kind == OnboardingStepKind.INVITE_COLLEAGUES and step.completion_event == "invitation.created":
        own_people = Membership.objects.filter(user_id=OuterRef("actor_user_id"), partner_organization_id=partner_id)
        wanted &= Q(payload__role__in=sorted(PARTNER_ROLES)) & Exists(own_people)
    return wanted


def _complete_steps_done_before_start(
    steps: list[OnboardingStep], *, onboarding: PartnerOnboarding, partner: PartnerOrganization, started_at: datetime
) -> list[OnboardingStep]:
    """A plan started after the partner accepted the agreement, invited a colleague or registered deals counts them:
    each step whose event happened already for the partner (the first one matching its condition) is done, dated
    when that event happened and naming it and its person, and `onboarding.step_completed` is recorded. A
    complete-profile step is done also when the profile is complete with no event saying so (an imported partner),
    dated the start. A fixed number of queries whatever the partner's history (one read of the outbox)."""
    wanted = {step.pk: q for step in steps if (q := _done_before_filter(step, partner.pk)) is not None}
    first_events = partner_first_events(partner_id=partner.pk, wanted=wanted)
    done = []
    for step in steps:
        event = first_events.get(step.pk)
        profile_done = step.completion_event == PROFILE_COMPLETED_EVENT and not step.condition
        if event is None and not (profile_done and profile_is_complete(partner)):
            continue
        step.completed_at = event.occurred_at if event else started_at
        step.completed_by_id = event.actor_user_id if event else None
        step.completed_by_event = event
        step.updated_at = started_at
        done.append(step)
    if not done:
        return []
    OnboardingStep.objects.bulk_update(done, ["completed_at", "completed_by", "completed_by_event", "updated_at"])
    people = get_user_model().objects.in_bulk({step.completed_by_id for step in done if step.completed_by_id})
    for step in done:
        record_event(
            "onboarding.step_completed",
            subject=step,
            payload=_step_payload(step),
            actor=people.get(step.completed_by_id),
        )
    return done


# Completing steps ----------------------------------------------------------------------------------------------


def event_partner_id(event: Event) -> int | None:
    """The partner an event concerns: its subject when that is a partner, else `partner_organization_id` in the
    payload (an integer, or a string of digits)."""
    if event.subject_type == PartnerOrganization._meta.model_name:
        return int(event.subject_id) if str(event.subject_id).isdigit() else None
    payload = event.payload if isinstance(event.payload, dict) else {}
    value = payload.get("partner_organization_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _invited_by_own_people(event: Event, partner_id: int) -> bool:
    """An invitation into the partner made by one of the partner's own people: staff inviting the partner's first
    admin (at approval) does not count as the partner inviting colleagues."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if payload.get("role") not in PARTNER_ROLES or event.actor_user_id is None:
        return False
    return Membership.objects.filter(user_id=event.actor_user_id, partner_organization_id=partner_id).exists()


def _step_matches(step: OnboardingStep, event: Event, partner_id: int) -> bool:
    if not condition_matches(step.condition, event.payload):
        return False
    if step.kind == OnboardingStepKind.INVITE_COLLEAGUES and event.type == "invitation.created":
        return _invited_by_own_people(event, partner_id)
    return True


def onboarding_steps_complete_from_event(event: Event) -> list[OnboardingStep]:
    """Complete the partner's open steps that wait for this event (type and condition). Runs for every relayed
    event: one indexed query when the event concerns a partner, none otherwise. Idempotent: only open steps of a
    running onboarding are completed, and each once."""
    if event.type.startswith(OWN_EVENT_PREFIX):
        return []
    partner_id = event_partner_id(event)
    if partner_id is None:
        return []
    open_steps = OnboardingStep.objects.filter(
        partner_organization_id=partner_id,
        completion_event=event.type,
        completed_at__isnull=True,
        onboarding__status=OnboardingStatus.IN_PROGRESS,
    ).order_by("onboarding_id", "position", "id")
    # Most events complete nothing: one read, no lock. A match locks the onboarding first, then its steps (the order
    # every writer follows), and reads them again: a concurrent relay may have completed them meanwhile. Two relays
    # completing two steps of one onboarding are serialised on it, so the second sees the first's step done.
    if not any(_step_matches(step, event, partner_id) for step in open_steps):
        return []
    onboarding_by_id = {
        o.pk: o
        for o in PartnerOnboarding.objects.select_for_update()
        .filter(partner_organization_id=partner_id, status=OnboardingStatus.IN_PROGRESS)
        .order_by("pk")
    }
    steps = [
        step
        for step in open_steps.filter(onboarding_id__in=onboarding_by_id).select_for_update(of=("self",))
        if _step_matches(step, event, partner_id)
    ]
    if not steps:
        return []
    onboarding_by_id = {pk: o for pk, o in onboarding_by_id.items() if any(s.onboarding_id == pk for s in steps)}
    _complete(
        steps,
        onboarding_by_id=onboarding_by_id,
        now=timezone.now(),
        # The step_completed events name who made the completing event happen (a person; else nobody).
        actor=event.actor_user if event.actor_user_id else None,
        user=event.actor_user_id,
        event=event,
    )
    return steps


def _complete(steps, *, onboarding_by_id, now: datetime, actor: Actor | None, user, event: Event | None) -> None:
    """Mark the steps done, record `onboarding.step_completed` for each, move their onboardings' progress time and
    finish the onboardings whose required steps are all done."""
    if not steps:
        return
    for step in steps:
        step.completed_at = now
        step.completed_by_id = user.pk if hasattr(user, "pk") else user
        step.completed_by_event = event
        step.save(update_fields=["completed_at", "completed_by", "completed_by_event", "updated_at"])
        record_event("onboarding.step_completed", subject=step, payload=_step_payload(step), actor=actor)
    for onboarding in onboarding_by_id.values():
        onboarding.last_progress_at = now
        if not _finish_if_done(onboarding, now=now):  # finishing saves the progress time with the status
            onboarding.save(update_fields=["last_progress_at", "updated_at"])


def _finish_if_done(onboarding: PartnerOnboarding, *, now: datetime) -> bool:
    """All required steps done: the onboarding is completed (`onboarding.completed`), and a partner still in
    onboarding becomes active (`partner.activated`). An active partner stays as it is."""
    if onboarding.status != OnboardingStatus.IN_PROGRESS:
        return False
    if OnboardingStep.objects.filter(onboarding=onboarding, required=True, completed_at__isnull=True).exists():
        return False
    onboarding.status, onboarding.completed_at = OnboardingStatus.COMPLETED, now
    onboarding.save(update_fields=["status", "completed_at", "last_progress_at", "updated_at"])
    record_event("onboarding.completed", subject=onboarding, payload=_onboarding_payload(onboarding))
    partner = PartnerOrganization.objects.select_for_update().get(pk=onboarding.partner_organization_id)
    if partner.status == PartnerStatus.ONBOARDING:
        program = policy.ProgramActor(current_tenant().pk)
        # The status reason is the program's record, read by the whole team: in the program's language.
        with program_language():
            reason = str(ACTIVATION_REASON)
        partner = partner_activate(actor=program, partner=partner, reason=reason)
    if partner.owner_id:
        from partners.services.onboarding_reminders import partner_url

        if partner.status == PartnerStatus.ACTIVE:
            title = gettext_lazy("%(partner)s completed its onboarding and is now active")
        else:
            title = gettext_lazy("%(partner)s completed its onboarding")
        notify(
            users=[partner.owner],
            kind="onboarding.completed",
            title=lazy_format(title, partner=partner.name),
            body=lazy_format(gettext_lazy("Every required step of “%(plan)s” is done."), plan=onboarding.plan_name),
            url=partner_url(partner),
        )
    return True


@transaction.atomic
def onboarding_step_complete_manually(*, actor: Actor, step: OnboardingStep) -> OnboardingStep:
    """A channel manager ticks off a manual step (a kick-off call…). Other kinds complete themselves from their
    events; a step done already, or of an onboarding no longer running, is refused with a message."""
    policy.require(actor, "onboarding.complete_manual_step", step)
    onboarding = PartnerOnboarding.objects.select_for_update().get(pk=step.onboarding_id)  # onboarding, then step
    step = OnboardingStep.objects.select_for_update().get(pk=step.pk)
    if step.kind != OnboardingStepKind.MANUAL:
        raise InvalidTransition(
            _("“%(step)s” completes itself when %(event)s happens for the partner.")
            % {"step": step.title, "event": step.completion_event or _("its event")},
            field="step",
        )
    if step.completed_at is not None:
        raise InvalidTransition(_("“%(step)s” is done already.") % {"step": step.title}, field="step")
    if onboarding.status != OnboardingStatus.IN_PROGRESS:
        raise InvalidTransition(
            _("This onboarding is %(status)s.") % {"status": str(onboarding.get_status_display()).lower()},
            field="step",
        )
    _complete(
        [step],
        onboarding_by_id={onboarding.pk: onboarding},
        now=timezone.now(),
        actor=actor,
        user=actor.user,
        event=None,
    )
    return step
