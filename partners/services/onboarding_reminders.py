"""Reminders and escalation of running onboardings, run hourly by Celery beat for each tenant.

- A step due within `reminder_days_before` days (default 3) is reminded once (`reminded_at`): to the partner's
  admins, or — for a manual step, which is the channel manager's to do — to the partner's owner.
- A required step past its due time is notified once (`overdue_notified_at`) to the partner's owner.
- An onboarding without progress (no step completed) for `stalled_after_days` days (default 14) is escalated once
  (`escalated_at`, event `onboarding.escalated`) to the partner's owner.
Staff notices go to the owning channel manager, or to the tenant admins when the partner has no owner. Suspended
(or offboarded) partners are skipped: their onboarding is paused. Every notice is a notification (in-app, and email
unless the person opted out of its kind). Boundaries are inclusive: a step due at 12:00 with a 3-day reminder is
reminded by the first run at or after 12:00 three days before.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy, ngettext_lazy

from partners.models import (
    OnboardingStatus,
    OnboardingStep,
    OnboardingStepKind,
    PartnerOnboarding,
    PartnerOrganization,
)
from partners.selectors.program_settings import onboarding_settings
from prm.events import record_event
from prm.i18n import lazy_format
from prm.models import Membership
from prm.notifications import notify
from prm.roles import Role
from prm.tenancy import current_tenant

RUNNING_PARTNER_STATUSES = ("onboarding", "active")


def partner_url(partner) -> str:
    return reverse("partner_detail", args=[current_tenant().slug, partner.pk]) + "#onboarding"


def checklist_url() -> str:
    return reverse("portal_onboarding", args=[current_tenant().slug])


def _staff_for(partners: list[PartnerOrganization]) -> dict[int, list]:
    """Who hears about each partner's onboarding: its owner, else (one query for all) the tenant admins."""
    admins: list | None = None
    recipients = {}
    for partner in partners:
        if partner.owner_id:
            recipients[partner.pk] = [partner.owner]
            continue
        if admins is None:
            admins = [
                m.user for m in Membership.objects.select_related("user").filter(role=Role.TENANT_ADMIN, is_active=True)
            ]
        recipients[partner.pk] = admins
    return recipients


def _partner_admins(partner_ids) -> dict[int, list]:
    admins = defaultdict(list)
    memberships = Membership.objects.select_related("user").filter(
        partner_organization_id__in=partner_ids, role=Role.PARTNER_ADMIN, is_active=True
    )
    for membership in memberships:
        admins[membership.partner_organization_id].append(membership.user)
    return admins


def _format_due(when: datetime) -> str:
    return date_format(timezone.localtime(when), "DATE_FORMAT")


# Lazy: notify() writes each notice in its reader's language and time zone, and the day follows them.
_due = lazy(_format_due, str)


def _open_steps():
    return OnboardingStep.objects.select_for_update(of=("self",), skip_locked=True).filter(
        completed_at__isnull=True,
        onboarding__status=OnboardingStatus.IN_PROGRESS,
        partner_organization__status__in=RUNNING_PARTNER_STATUSES,
    )


def _by_partner(steps) -> dict[int, list[OnboardingStep]]:
    grouped = defaultdict(list)
    for step in steps:
        grouped[step.partner_organization_id].append(step)
    return grouped


def send_due_soon_reminders(*, now: datetime, days_before: int) -> int:
    """Steps due within `days_before` days, not reminded yet: one notification per partner and audience (partner
    admins for their steps, the owner for manual steps); each step is reminded once. Returns the steps reminded."""
    steps = list(
        _open_steps()
        .filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + timedelta(days=days_before))
        .select_related("partner_organization__owner")
        .order_by("partner_organization_id", "due_at", "position")
    )
    if not steps:
        return 0
    partners = {s.partner_organization_id: s.partner_organization for s in steps}
    admins = _partner_admins(list(partners))
    with_manual_steps = {s.partner_organization_id for s in steps if s.kind == OnboardingStepKind.MANUAL}
    staff = _staff_for([partners[pk] for pk in with_manual_steps])
    for partner_id, partner_steps in _by_partner(steps).items():
        partner = partners[partner_id]
        for_partner = [s for s in partner_steps if s.kind != OnboardingStepKind.MANUAL]
        for_staff = [s for s in partner_steps if s.kind == OnboardingStepKind.MANUAL]
        if for_partner:
            notify(
                users=admins.get(partner_id, []),
                kind="onboarding.step_due_soon",
                title=_due_title(for_partner),
                body=_step_lines(for_partner),
                url=checklist_url(),
            )
        if for_staff:
            notify(
                users=staff.get(partner_id, []),
                kind="onboarding.step_due_soon",
                title=lazy_format(
                    gettext_lazy("%(partner)s: %(notice)s"), partner=partner.name, notice=_due_title(for_staff)
                ),
                body=_step_lines(for_staff),
                url=partner_url(partner),
            )
    OnboardingStep.objects.filter(pk__in=[s.pk for s in steps]).update(reminded_at=now, updated_at=now)
    return len(steps)


def _due_title(steps):
    if len(steps) == 1:
        return lazy_format(
            gettext_lazy("Onboarding step “%(step)s” is due on %(day)s"), step=steps[0].title, day=_due(steps[0].due_at)
        )
    return lazy_format(
        gettext_lazy("%(count)s onboarding steps are due by %(day)s"),
        count=len(steps),
        day=_due(max(s.due_at for s in steps)),
    )


def _step_line(step):
    return lazy_format(gettext_lazy("- %(step)s (due %(day)s)"), step=step.title, day=_due(step.due_at))


def _join_lines(lines) -> str:
    return "\n".join(str(line) for line in lines)


_joined_lines = lazy(_join_lines, str)


def _step_lines(steps):
    return _joined_lines([_step_line(step) for step in steps])


def send_overdue_notices(*, now: datetime) -> int:
    """Required steps past their due time, not notified yet: one notice per partner to its owner (or the tenant
    admins); each step once. Returns the steps notified."""
    steps = list(
        _open_steps()
        .filter(required=True, overdue_notified_at__isnull=True, due_at__lte=now)
        .select_related("partner_organization__owner")
        .order_by("partner_organization_id", "due_at", "position")
    )
    if not steps:
        return 0
    partners = {s.partner_organization_id: s.partner_organization for s in steps}
    staff = _staff_for(list(partners.values()))
    for partner_id, partner_steps in _by_partner(steps).items():
        partner = partners[partner_id]
        if len(partner_steps) == 1:
            title = lazy_format(
                gettext_lazy("%(partner)s: onboarding step “%(step)s” is overdue"),
                partner=partner.name,
                step=partner_steps[0].title,
            )
        else:
            title = lazy_format(
                ngettext_lazy(
                    "%(partner)s: %(count)s onboarding step is overdue",
                    "%(partner)s: %(count)s onboarding steps are overdue",
                    len(partner_steps),
                ),
                partner=partner.name,
                count=len(partner_steps),
            )
        notify(
            users=staff[partner_id],
            kind="onboarding.step_overdue",
            title=title,
            body=_step_lines(partner_steps),
            url=partner_url(partner),
        )
    OnboardingStep.objects.filter(pk__in=[s.pk for s in steps]).update(overdue_notified_at=now, updated_at=now)
    return len(steps)


def escalate_stalled(*, now: datetime, stalled_after_days: int) -> int:
    """Running onboardings with no progress for `stalled_after_days` days, not escalated yet: `onboarding.escalated`
    and a notice to the owner (or the tenant admins), once per onboarding. Returns how many were escalated."""
    cutoff = now - timedelta(days=stalled_after_days)
    onboardings = list(
        PartnerOnboarding.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=OnboardingStatus.IN_PROGRESS,
            escalated_at__isnull=True,
            last_progress_at__lte=cutoff,
            partner_organization__status__in=RUNNING_PARTNER_STATUSES,
        )
        .select_related("partner_organization__owner")
        .order_by("last_progress_at", "id")
    )
    if not onboardings:
        return 0
    staff = _staff_for([o.partner_organization for o in onboardings])
    for onboarding in onboardings:
        partner = onboarding.partner_organization
        days = (now - onboarding.last_progress_at).days
        onboarding.escalated_at = now
        onboarding.save(update_fields=["escalated_at", "updated_at"])
        recipients = staff[partner.pk]
        record_event(
            "onboarding.escalated",
            subject=onboarding,
            payload={
                "onboarding_id": onboarding.pk,
                "partner_organization_id": partner.pk,
                "plan_name": onboarding.plan_name,
                "last_progress_at": onboarding.last_progress_at.isoformat(),
                "days_without_progress": days,
                "escalated_to": sorted(user.pk for user in recipients),
            },
        )
        notify(
            users=recipients,
            kind="onboarding.escalated",
            title=lazy_format(gettext_lazy("%(partner)s's onboarding has stalled"), partner=partner.name),
            body=lazy_format(
                ngettext_lazy(
                    "No onboarding step of “%(plan)s” was completed for %(days)s day.",
                    "No onboarding step of “%(plan)s” was completed for %(days)s days.",
                    days,
                ),
                plan=onboarding.plan_name,
                days=days,
            ),
            url=partner_url(partner),
        )
    return len(onboardings)


@transaction.atomic
def onboarding_reminders_run(*, now: datetime | None = None) -> dict[str, int]:
    """One pass over the current tenant's running onboardings (the hourly beat calls it for each tenant). Safe to
    run twice, or concurrently: each reminder, notice and escalation is claimed once (rows locked, stamps set)."""
    now = now or timezone.now()
    timing = onboarding_settings()
    return {
        "reminded": send_due_soon_reminders(now=now, days_before=timing["reminder_days_before"]),
        "overdue": send_overdue_notices(now=now),
        "escalated": escalate_stalled(now=now, stalled_after_days=timing["stalled_after_days"]),
    }
