"""The isolation world's onboarding plans, running onboardings, steps and documents:
objects of tenant A (organization X's where they belong to a partner)."""

from django.core.files.base import ContentFile

from partners.models import (
    OnboardingPlan,
    OnboardingStep,
    OnboardingStepKind,
    OnboardingStepTemplate,
    PartnerDocument,
)
from partners.services.onboarding import onboarding_start

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {
    "onboarding_plan_id": lambda w: w.onboarding_plan.pk,
    "plan_step_id": lambda w: w.onboarding_plan_step.pk,
    "onboarding_step_id": lambda w: w.onboarding_step_x.pk,
    "partner_document_id": lambda w: w.document_x.pk,
}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {
    "onboarding": lambda w: w.onboarding_x.pk,
}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
    # A plan of tenant A (its name carries the tenant's marker) with one manual step naming organization X.
    plan = OnboardingPlan.objects.create(name="Alpha Vendor onboarding", partner_type="")
    step = OnboardingStepTemplate.objects.create(
        plan=plan,
        position=0,
        title="Kick-off with Xylophone Secure",
        kind=OnboardingStepKind.MANUAL,
        due_offset_days=7,
    )
    OnboardingStepTemplate.objects.create(
        plan=plan, position=1, title="Accept the agreement", kind=OnboardingStepKind.ACCEPT_AGREEMENT
    )
    onboarding = onboarding_start(partner=world.org_x, plan=plan)
    world.onboarding_plan = plan
    world.onboarding_plan_step = step
    world.onboarding_x = onboarding
    world.onboarding_step_x = OnboardingStep.objects.get(onboarding=onboarding, kind=OnboardingStepKind.MANUAL)
    document = PartnerDocument(
        partner_organization=world.org_x, title="Xylophone Secure W-9", content_type="application/pdf", size=9
    )
    document.file.save(f"{world.tenant_a.pk}/{world.org_x.pk}/world-w9.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    world.document_x = document
