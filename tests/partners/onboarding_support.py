"""Helpers of the onboarding tests: plans built in a tenant, events emitted "by another app", and the relay."""

from __future__ import annotations

from partners.models import OnboardingPlan, OnboardingStepKind, OnboardingStepTemplate, PartnerOnboarding
from partners.services import onboarding as onboarding_services
from prm.events import record_event, relay_pending_events
from prm.models import Event
from prm.tenancy import tenant_context

# A small plan: two required steps (agreement, course 12) and an optional deal.
SMALL_PLAN = [
    {"title": "Accept the agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT, "due_offset_days": 7},
    {
        "title": "Complete course 12",
        "kind": OnboardingStepKind.COMPLETE_COURSE,
        "condition": {"course_id": 12},
        "due_offset_days": 10,
    },
    {"title": "Register a first deal", "kind": OnboardingStepKind.REGISTER_DEAL, "required": False},
]


def make_plan(tenant, steps=SMALL_PLAN, *, name="Reseller onboarding", partner_type="") -> OnboardingPlan:
    with tenant_context(tenant):
        plan = OnboardingPlan.objects.create(name=name, partner_type=partner_type)
        for position, step in enumerate(steps):
            OnboardingStepTemplate.objects.create(plan=plan, position=position, **step)
    return plan


def start(tenant, partner, plan=None) -> PartnerOnboarding:
    with tenant_context(tenant):
        return onboarding_services.onboarding_start(partner=partner, plan=plan)


def relay(tenant) -> int:
    """Relay the tenant's pending events (and those their subscribers record) as the worker would."""
    total = 0
    with tenant_context(tenant):
        while relayed := relay_pending_events():
            total += relayed
    return total


def emit(tenant, event_type: str, *, subject, payload: dict, actor=None, relay_now: bool = True) -> Event:
    """An event as another app (enablement, deal registration…) would record it, then relayed."""
    with tenant_context(tenant):
        event = record_event(event_type, subject=subject, payload=payload, actor=actor)
    if relay_now:
        relay(tenant)
    return event


def steps_of(tenant, onboarding) -> dict:
    """The onboarding's steps by title, fresh from the database."""
    with tenant_context(tenant):
        return {step.title: step for step in onboarding.steps.order_by("position")}


def fresh(tenant, obj):
    with tenant_context(tenant):
        obj.refresh_from_db()
    return obj


def events_of(tenant, event_type: str) -> list[Event]:
    with tenant_context(tenant):
        return list(Event.objects.filter(type=event_type).order_by("id"))
