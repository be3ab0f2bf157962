"""The pages of a plan started after the partner did some of its steps: the partner's checklist ticks them, the
partner page's panel says they were done before the plan started (and when), the progress page counts them."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone

from partners.models import OnboardingStepKind, PartnerStatus
from prm.events import record_event
from prm.roles import Role
from prm.services import invitation_create
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.partners.onboarding_support import make_plan, start

pytestmark = pytest.mark.django_db

PLAN = [
    {"title": "Accept the agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT},
    {"title": "Complete the profile", "kind": OnboardingStepKind.COMPLETE_PROFILE},
    {"title": "Invite colleagues", "kind": OnboardingStepKind.INVITE_COLLEAGUES},
    {"title": "Register a first deal", "kind": OnboardingStepKind.REGISTER_DEAL, "required": False},
]


@pytest.fixture
def accepted_at():
    return timezone.now() - timedelta(days=9)


@pytest.fixture
def onboarding(tenant, partner_org, partner_admin, accepted_at):
    """Northwind accepted the agreement nine days ago, invited a colleague and submitted seven deals; then its plan
    started."""
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
        accepted = record_event(
            "agreement.accepted", subject=partner_org, payload={"agreement_id": 1}, actor=partner_admin
        )
        accepted.occurred_at = accepted_at
        accepted.save(update_fields=["occurred_at"])
        invitation_create(
            actor=partner_admin,
            email="sam@northwind.example",
            role=Role.PARTNER_SALES,
            partner_organization=partner_org,
        )
        for n in range(7):
            record_event(
                "deal.submitted",
                subject=tenant,
                payload={"registration_id": n, "partner_organization_id": partner_org.pk},
                actor=partner_admin,
            )
    make_plan(tenant, PLAN)
    return start(tenant, partner_org)


def test_the_portal_checklist_ticks_the_steps_done_before_the_plan_started(client, partner_admin, onboarding):
    login(client, partner_admin)
    page = client.get("/t/acme/portal/onboarding/").text
    assert "2 of 3 required steps done" in page
    assert page.count('data-step-status="done"') == 3
    assert "Read and accept" not in page and "Invite colleagues</a>" not in page
    assert page.count("before this plan started") == 3


def test_the_partner_page_says_which_steps_were_done_before_the_plan_started_and_when(
    client, partner_org, tenant_admin, onboarding, accepted_at
):
    login(client, tenant_admin)
    page = client.get(f"/t/acme/partners/{partner_org.pk}/").text
    assert '<span class="small text-nowrap" data-testid="onboarding-progress">2/3 required</span>' in page
    assert page.count("Done before the plan started") == 3
    assert formats.date_format(timezone.localtime(accepted_at), "DATETIME_FORMAT") in page


def test_the_progress_page_counts_the_steps_done_before_the_plan_started(client, tenant_admin, onboarding):
    login(client, tenant_admin)
    page = client.get("/t/acme/onboarding/").text
    assert "2/3 required" in page
    assert "3 steps done before the plan started" in page
