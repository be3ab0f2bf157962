"""Onboarding plans: templates of ordered steps per partner type, which staff edit and which an onboarding copies when
it starts (partners.services.onboarding). A partner's plan is the tenant's active plan for its type, else the active
default plan (no type); a tenant that has no plan at all gets DEFAULT_PLAN_STEPS the first time one is needed."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import OnboardingPlan, OnboardingStepKind, OnboardingStepTemplate, PartnerOrganization
from partners.selectors.program_settings import program_language
from partners.services.cleaning import clean_partner_type, clean_plan_step
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.policy import Actor

# The plan a tenant gets when it has none: what every partner does before selling. Only the first three are required,
# so a partner becomes active once it has accepted the agreement, completed its profile and invited a colleague.
DEFAULT_PLAN_NAME = gettext_lazy("Partner onboarding")
DEFAULT_PLAN_STEPS = (
    {
        "title": gettext_lazy("Accept the program agreement"),
        "description": gettext_lazy("Read the partner program agreement and accept it for your organization."),
        "kind": OnboardingStepKind.ACCEPT_AGREEMENT,
        "required": True,
        "due_offset_days": 7,
    },
    {
        "title": gettext_lazy("Complete your company profile"),
        "description": gettext_lazy(
            "Legal name, website, email domains, country, the regions and industries you sell into and "
            "your company size: your channel manager matches opportunities and benefits on them."
        ),
        "kind": OnboardingStepKind.COMPLETE_PROFILE,
        "required": True,
        "due_offset_days": 7,
    },
    {
        "title": gettext_lazy("Invite your colleagues"),
        "description": gettext_lazy("Invite the people who will register deals and run marketing with us."),
        "kind": OnboardingStepKind.INVITE_COLLEAGUES,
        "required": True,
        "due_offset_days": 14,
    },
    {
        "title": gettext_lazy("Kick-off call with your channel manager"),
        "description": gettext_lazy(
            "A first call to agree on target accounts and a joint plan. Your channel manager ticks it off."
        ),
        "kind": OnboardingStepKind.MANUAL,
        "required": False,
        "due_offset_days": 14,
    },
    {
        "title": gettext_lazy("Complete a first enablement course"),
        "description": gettext_lazy("Any course of the partner academy."),
        "kind": OnboardingStepKind.COMPLETE_COURSE,
        "required": False,
        "due_offset_days": 30,
    },
    {
        "title": gettext_lazy("Register a first deal"),
        "description": gettext_lazy("Register an opportunity to protect it: the first step to your first won deal."),
        "kind": OnboardingStepKind.REGISTER_DEAL,
        "required": False,
        "due_offset_days": 45,
    },
)


MAX_PLAN_NAME = OnboardingPlan._meta.get_field("name").max_length


# Plans ---------------------------------------------------------------------------------------------------------


def _check_one_active_plan(*, partner_type: str, is_active: bool, exclude_pk=None) -> None:
    if not is_active:
        return
    others = OnboardingPlan.objects.filter(partner_type=partner_type, is_active=True).exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        if partner_type:
            message = _(
                "“%(plan)s” is already the active plan for partners of this type: deactivate it first, or choose "
                "another type."
            )
        else:
            message = _(
                "“%(plan)s” is already the active plan for partners whose type has no plan: deactivate it first, or "
                "choose another type."
            )
        raise ValidationFailed(message % {"plan": other.name}, field="partner_type")


def _save_plan(plan: OnboardingPlan) -> OnboardingPlan:
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # another request activated a plan for this type at the same moment
        raise ValidationFailed(
            _("Another active plan for this type was saved a moment ago."), field="partner_type"
        ) from exc
    return plan


@transaction.atomic
def onboarding_plan_create(*, actor: Actor, name: str, partner_type: str = "", with_default_steps: bool = False):
    """Staff who manage plans add one for a partner type (empty: the default plan). It starts active, with no
    steps unless `with_default_steps` copies DEFAULT_PLAN_STEPS into it."""
    policy.require(actor, "onboarding.manage_plans")
    name = clean_text(name, field="name", max_length=MAX_PLAN_NAME, required=_("Name the plan."))
    partner_type = clean_partner_type(partner_type)
    _check_one_active_plan(partner_type=partner_type, is_active=True)
    plan = _save_plan(OnboardingPlan(name=name, partner_type=partner_type, is_active=True))
    if with_default_steps:
        _add_default_steps(plan)
    return plan


@transaction.atomic
def onboarding_plan_update(*, actor: Actor, plan: OnboardingPlan, name: str, partner_type: str, is_active: bool):
    """Rename a plan, move it to another partner type, or (de)activate it. Running onboardings keep their copy."""
    policy.require(actor, "onboarding.manage_plans")
    plan = OnboardingPlan.objects.select_for_update().get(pk=plan.pk)
    name = clean_text(name, field="name", max_length=MAX_PLAN_NAME, required=_("Name the plan."))
    partner_type = clean_partner_type(partner_type)
    _check_one_active_plan(partner_type=partner_type, is_active=is_active, exclude_pk=plan.pk)
    plan.name, plan.partner_type, plan.is_active = name, partner_type, bool(is_active)
    return _save_plan(plan)


def _add_default_steps(plan: OnboardingPlan) -> None:
    """The default steps, written in the program's language: partners and staff read the same plan."""
    with program_language():
        steps = [
            {**step, "title": str(step["title"]), "description": str(step["description"])}
            for step in DEFAULT_PLAN_STEPS
        ]
    OnboardingStepTemplate.objects.bulk_create(
        [OnboardingStepTemplate(plan=plan, position=i, **step) for i, step in enumerate(steps)]
    )


def onboarding_plan_ensure_default() -> OnboardingPlan | None:
    """The default plan, created with DEFAULT_PLAN_STEPS when the tenant has no plan at all (so there is one to
    edit). A tenant that has plans but no active default keeps it that way: None."""
    plan = OnboardingPlan.objects.filter(partner_type="", is_active=True).first()
    if plan is not None or OnboardingPlan.objects.exists():
        return plan
    try:
        with transaction.atomic():
            with program_language():
                name = str(DEFAULT_PLAN_NAME)
            plan = OnboardingPlan.objects.create(name=name, partner_type="", is_active=True)
            _add_default_steps(plan)
    except IntegrityError:  # created by a concurrent request: use theirs
        plan = OnboardingPlan.objects.filter(partner_type="", is_active=True).first()
    return plan


def plan_for_partner(partner: PartnerOrganization) -> OnboardingPlan | None:
    """The active plan of the partner's type, else the active default plan (created if the tenant has none)."""
    plans = {
        p.partner_type: p
        for p in OnboardingPlan.objects.filter(is_active=True, partner_type__in=[partner.partner_type, ""])
    }
    return plans.get(partner.partner_type) or plans.get("") or onboarding_plan_ensure_default()


# Plan steps ----------------------------------------------------------------------------------------------------


def _renumber(plan: OnboardingPlan) -> None:
    steps = list(OnboardingStepTemplate.objects.filter(plan=plan).order_by("position", "id"))
    changed = [step for index, step in enumerate(steps) if step.position != index]
    for step in changed:
        step.position = steps.index(step)
    if changed:
        OnboardingStepTemplate.objects.bulk_update(changed, ["position"])


@transaction.atomic
def onboarding_plan_step_add(
    *,
    actor: Actor,
    plan: OnboardingPlan,
    title: str,
    kind: str,
    description: str = "",
    completion_event: str = "",
    condition=None,
    required: bool = True,
    due_offset_days: int = 14,
) -> OnboardingStepTemplate:
    """Add a step at the end of a plan. Field-named refusals: a title, a known kind, a well-formed completion event
    (required for the "event" kind, none for manual steps), a condition that is a JSON object of simple values."""
    policy.require(actor, "onboarding.manage_plans")
    plan = OnboardingPlan.objects.select_for_update().get(pk=plan.pk)
    cleaned = clean_plan_step(
        title=title,
        description=description,
        kind=kind,
        completion_event=completion_event,
        condition=condition,
        required=required,
        due_offset_days=due_offset_days,
    )
    last = OnboardingStepTemplate.objects.filter(plan=plan).aggregate(last=Max("position"))["last"]
    return OnboardingStepTemplate.objects.create(plan=plan, position=0 if last is None else last + 1, **cleaned)


@transaction.atomic
def onboarding_plan_step_update(
    *,
    actor: Actor,
    step: OnboardingStepTemplate,
    title: str,
    kind: str,
    description: str = "",
    completion_event: str = "",
    condition=None,
    required: bool = True,
    due_offset_days: int = 14,
) -> OnboardingStepTemplate:
    policy.require(actor, "onboarding.manage_plans")
    step = OnboardingStepTemplate.objects.select_for_update().get(pk=step.pk)
    cleaned = clean_plan_step(
        title=title,
        description=description,
        kind=kind,
        completion_event=completion_event,
        condition=condition,
        required=required,
        due_offset_days=due_offset_days,
    )
    for field, value in cleaned.items():
        setattr(step, field, value)
    step.save()
    return step


@transaction.atomic
def onboarding_plan_step_remove(*, actor: Actor, step: OnboardingStepTemplate) -> None:
    """Remove a step from a plan (running onboardings keep theirs); the others close up."""
    policy.require(actor, "onboarding.manage_plans")
    plan = OnboardingPlan.objects.select_for_update().get(pk=step.plan_id)
    OnboardingStepTemplate.objects.filter(pk=step.pk).delete()
    _renumber(plan)


@transaction.atomic
def onboarding_plan_step_move(*, actor: Actor, step: OnboardingStepTemplate, direction: str) -> OnboardingStepTemplate:
    """Move a step one place up or down in its plan (the first cannot go up, nor the last down: nothing changes)."""
    policy.require(actor, "onboarding.manage_plans")
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Move a step up or down."), field="direction")
    plan = OnboardingPlan.objects.select_for_update().get(pk=step.plan_id)
    _renumber(plan)
    steps = list(OnboardingStepTemplate.objects.filter(plan=plan).order_by("position", "id"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(steps):
        steps[index].position, steps[other].position = steps[other].position, steps[index].position
        OnboardingStepTemplate.objects.bulk_update([steps[index], steps[other]], ["position"])
    return steps[index]
