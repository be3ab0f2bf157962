"""Onboarding event throughput: domain events relayed through the outbox to the onboarding subscriber (and the
others: webhooks, notifications), with every partner of the tenant going through a running onboarding.

Every partner gets a running onboarding of a four-step plan (bulk inserts). Then a mix of events lands in the outbox,
spread over the partners, in the proportions a program sees: agreement accepted, profile completed, a course
completed (the one the step waits for), a course completed that does not match the step's condition, and a partner
update no step waits for. Each partner receiving the whole mix completes its required steps, so its onboarding
completes and — if it was onboarding — it becomes active; those follow-up events are relayed too. The relay runs as
the worker's `relay_events` task does (claim an event, run its subscribers, mark it relayed, commit, until none is
pending), in this process; the report gives events relayed per second.

`python -m bench.onboarding --partners 1000 --events 2000` runs it alone; `make bench` runs it at 10,000 partners.
"""

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

PLAN_NAME = "Bench onboarding"
PLAN_TYPE = "bench"  # a plan of its own, so the tenant's real plans are left alone
PLAN_STEPS = [
    {"title": "Accept the program agreement", "kind": "accept_agreement", "due_offset_days": 7},
    {"title": "Complete the company profile", "kind": "complete_profile", "due_offset_days": 7},
    {"title": "Complete the partner course", "kind": "complete_course", "condition": {"course_id": 1}},
    {"title": "Register a first deal", "kind": "register_deal", "required": False, "due_offset_days": 45},
]
BATCH = 1000


def _event_mix(partner_id: int) -> list[tuple[str, dict]]:
    ids = {"partner_organization_id": partner_id}
    return [
        ("agreement.accepted", {**ids, "version": 1}),
        ("course.completed", {**ids, "course_id": 2}),  # another course: the condition does not match
        ("partner.profile_completed", {**ids, "id": partner_id}),
        ("partner.updated", {**ids, "id": partner_id, "changed": ["website"]}),  # no step waits for it
        ("course.completed", {**ids, "course_id": 1}),
    ]


def ensure_plan(tenant):
    from partners.models import OnboardingPlan, OnboardingStepTemplate
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        plan, created = OnboardingPlan.objects.get_or_create(
            partner_type=PLAN_TYPE, is_active=True, defaults={"name": PLAN_NAME}
        )
        if created:
            OnboardingStepTemplate.objects.bulk_create(
                [OnboardingStepTemplate(plan=plan, position=i, **step) for i, step in enumerate(PLAN_STEPS)]
            )
    return plan


def generate_onboardings(tenant, plan) -> int:
    """A running onboarding (and its steps) for every partner that has none, with bulk inserts; returns how many."""
    from django.utils import timezone

    from partners.models import OnboardingStep, PartnerOnboarding, PartnerOrganization
    from partners.services.onboarding import step_completion_event
    from prm.progress import Progress
    from prm.tenancy import tenant_context

    with tenant_context(tenant):
        running = PartnerOnboarding.objects.filter(status="in_progress").values("partner_organization_id")
        partner_ids = list(
            PartnerOrganization.objects.exclude(pk__in=running).order_by("pk").values_list("pk", flat=True)
        )
        templates = list(plan.steps.order_by("position"))
    progress = Progress(len(partner_ids), "onboardings")
    for first in range(0, len(partner_ids), BATCH):
        chunk = partner_ids[first : first + BATCH]
        now = timezone.now()
        with tenant_context(tenant):
            onboardings = PartnerOnboarding.objects.bulk_create(
                [
                    PartnerOnboarding(
                        partner_organization_id=pk,
                        plan=plan,
                        plan_name=plan.name,
                        started_at=now - timedelta(days=pk % 10),
                        last_progress_at=now - timedelta(days=pk % 10),
                    )
                    for pk in chunk
                ]
            )
            OnboardingStep.objects.bulk_create(
                [
                    OnboardingStep(
                        onboarding=onboarding,
                        partner_organization_id=onboarding.partner_organization_id,
                        position=t.position,
                        title=t.title,
                        kind=t.kind,
                        completion_event=step_completion_event(kind=t.kind, completion_event=t.completion_event),
                        condition=t.condition,
                        required=t.required,
                        due_at=onboarding.started_at + timedelta(days=t.due_offset_days),
                    )
                    for onboarding in onboardings
                    for t in templates
                ]
            )
        progress.advance(len(chunk))
    analyze("partners_partnerorganization", "partners_partneronboarding", "partners_onboardingstep", "prm_event")
    return len(partner_ids)


def analyze(*tables: str) -> None:
    """Fresh planner statistics, as autovacuum would keep them on a live database. Only the tables' owner may
    ANALYZE (the app role's ANALYZE is skipped with a mere warning), so this runs in owner mode."""
    from django.db import connection

    from prm.db.base import owner_mode

    with owner_mode(connection), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _relay_all(tenant, progress=None) -> int:
    """The worker's relay_events body: relay batches until nothing is pending (one transaction per event)."""
    from prm.events import relay_pending_events

    total = 0
    while relayed := relay_pending_events(tenant=tenant):
        total += relayed
        if progress is not None and progress.done < progress.total:
            progress.advance(min(relayed, progress.total - progress.done))
    return total


def onboarding_throughput(tenant, *, events: int = 10_000) -> dict:
    from partners.models import OnboardingStep, PartnerOnboarding, PartnerOrganization
    from prm.models import Event
    from prm.progress import Progress
    from prm.tasks import relay_events
    from prm.tenancy import tenant_context

    plan = ensure_plan(tenant)
    generated = generate_onboardings(tenant, plan)
    _relay_all(tenant)  # whatever earlier benches left pending is not part of the figure
    with tenant_context(tenant):
        running = PartnerOnboarding.objects.filter(status="in_progress").count()
        partner_ids = list(
            PartnerOnboarding.objects.filter(status="in_progress")
            .order_by("partner_organization_id")
            .values_list("partner_organization_id", flat=True)
        )
        onboarding_partners = PartnerOrganization.objects.filter(status="onboarding").count()
    per_partner = len(_event_mix(0))
    targets = partner_ids[: max(1, events // per_partner)]
    rows = [(pk, event_type, payload) for pk in targets for event_type, payload in _event_mix(pk)][:events]
    with tenant_context(tenant):
        first_id = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        steps_open_before = OnboardingStep.objects.filter(completed_at__isnull=True).count()
        completed_before = PartnerOnboarding.objects.filter(status="completed").count()
        Event.objects.bulk_create(
            [
                Event(type=event_type, subject_type="partnerorganization", subject_id=str(pk), payload=payload)
                for pk, event_type, payload in rows
            ],
            batch_size=BATCH,
        )
    analyze("prm_event")
    # The bar counts the domain events; the follow-up events they cause are relayed in the same loop.
    progress = Progress(len(rows), "onboarding events relayed")
    # Subscribers enqueue a relay after their commit for the events they record (step completed, partner
    # activated…); the loop below relays those itself, as the running task would, so the enqueues are counted only.
    with mock.patch.object(relay_events, "delay") as enqueued:
        started = time.perf_counter()
        relayed = _relay_all(tenant, progress)
        seconds = time.perf_counter() - started
    with tenant_context(tenant):
        follow_ups = Event.objects.filter(pk__gt=first_id).exclude(type__in={t for _, t, _ in rows}).count()
        completed_steps = steps_open_before - OnboardingStep.objects.filter(completed_at__isnull=True).count()
        completed_onboardings = PartnerOnboarding.objects.filter(status="completed").count() - completed_before
        activated = Event.objects.filter(pk__gt=first_id, type="partner.activated").count()
    return {
        "partners_with_running_onboarding": running,
        "onboardings_generated_now": generated,
        "partners_in_onboarding_status": onboarding_partners,
        "domain_events": len(rows),
        "follow_up_events": follow_ups,
        "events_relayed": relayed,
        "steps_completed": completed_steps,
        "onboardings_completed": completed_onboardings,
        "partners_activated": activated,
        "seconds": round(seconds, 2),
        "events_per_second": round(relayed / seconds, 1),
        "domain_events_per_second": round(len(rows) / seconds, 1),
        "relay_enqueues_counted_not_run": enqueued.call_count,
        "mode": "one process (one worker's work), relay batches of 200, every subscriber (onboarding, webhooks, "
        "notifications) on",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import ensure_tenant, generate_partners
    from bench.run import RESULTS_DIR

    call_command("migrate", verbosity=0)
    tenant = ensure_tenant("bench")
    generate_partners(tenant, args.partners)
    report = {
        "benchmark": "onboarding event throughput",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": {"partners": args.partners},
        "onboarding_events": onboarding_throughput(tenant, events=args.events),
    }
    text = json.dumps(report, indent=2)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"onboarding-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
