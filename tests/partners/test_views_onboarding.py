"""Onboarding pages: plan editing with field-named refusals, the partner's checklist on the portal, the partner page's
onboarding panel, and the staff progress page (with a constant number of queries)."""

import pytest

from partners.models import (
    OnboardingPlan,
    OnboardingStepKind,
    OnboardingStepTemplate,
    PartnerOnboarding,
    PartnerStatus,
)
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.partners.onboarding_support import emit, make_plan, start, steps_of
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(tenant, partner_org):
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
    return partner_org


def plan_steps(tenant, plan):
    with tenant_context(tenant):
        return list(
            OnboardingStepTemplate.objects.filter(plan=plan).order_by("position").values_list("title", flat=True)
        )


# Plans -----------------------------------------------------------------------------------------------------------


def test_the_plans_page_creates_the_default_plan_the_first_time(client, tenant, tenant_admin):
    login(client, tenant_admin)
    response = client.get("/t/acme/onboarding/plans/")
    assert response.status_code == 200
    assert "Partner onboarding" in response.text and "Default: every type without a plan" in response.text
    client.get("/t/acme/onboarding/plans/")
    with tenant_context(tenant):
        assert OnboardingPlan.objects.count() == 1


def test_a_channel_manager_builds_a_plan_for_a_partner_type(client, tenant):
    login(client, StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER))
    response = client.post("/t/acme/onboarding/plans/", {"name": "MSP onboarding", "partner_type": "msp"})
    with tenant_context(tenant):
        plan = OnboardingPlan.objects.get(name="MSP onboarding")
    assert response.status_code == 302 and response.url == f"/t/acme/onboarding/plans/{plan.pk}/"
    response = client.post(
        response.url,
        {
            "form": "step",
            "title": "Complete the MSP course",
            "kind": "complete_course",
            "condition": '{"course_id": 12}',
            "required": "on",
            "due_offset_days": "21",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        step = plan.steps.get()
    assert (step.kind, step.condition, step.required, step.due_offset_days) == (
        "complete_course",
        {"course_id": 12},
        True,
        21,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"condition": "[12]"}, "condition", "must be a JSON object"),
        ({"condition": "course_id = 12"}, "condition", "Write the condition as a JSON object"),
        ({"condition": '{"course": {"id": 12}}'}, "condition", "must be a string, a number"),
        ({"kind": "event"}, "completion_event", "Name the event that completes this step"),
        ({"kind": "event", "completion_event": "Webinar Attended"}, "completion_event", "Not an event type"),
        ({"completion_event": "onboarding.step_completed"}, "completion_event", "cannot complete a step"),
        ({"kind": "manual", "completion_event": "deal.won"}, "completion_event", "has no completion event"),
        ({"title": "  "}, "title", "This field is required"),
        ({"due_offset_days": "-3"}, "due_offset_days", "greater than or equal to 0"),
        ({"kind": "telepathy"}, "kind", "Select a valid choice"),
    ],
)
def test_a_bad_step_is_refused_beside_its_field_and_nothing_is_added(
    client, tenant, tenant_admin, fields, field, message
):
    plan = make_plan(tenant, [], name="Empty plan")
    login(client, tenant_admin)
    data = {"form": "step", "title": "Attend the webinar", "kind": "complete_course", "due_offset_days": "7", **fields}
    response = client.post(f"/t/acme/onboarding/plans/{plan.pk}/", data)
    assert response.status_code == 400
    assert message in response.text
    assert f'id="id_{field}-error"' in response.text
    assert plan_steps(tenant, plan) == []


def test_a_second_active_plan_for_the_same_type_is_refused(client, tenant, tenant_admin):
    make_plan(tenant, [], name="Default plan")
    login(client, tenant_admin)
    response = client.post("/t/acme/onboarding/plans/", {"name": "Another default", "partner_type": ""})
    assert response.status_code == 400
    assert "is already the active plan" in response.text and 'id="id_partner_type-error"' in response.text
    with tenant_context(tenant):
        assert not OnboardingPlan.objects.filter(name="Another default").exists()


def test_steps_are_edited_moved_and_removed(client, tenant, tenant_admin):
    plan = make_plan(tenant)
    login(client, tenant_admin)
    with tenant_context(tenant):
        first, second, third = plan.steps.order_by("position")
    base = f"/t/acme/onboarding/plans/{plan.pk}/steps"
    assert client.post(f"{base}/{third.pk}/move/", {"direction": "up"}).status_code == 302
    assert plan_steps(tenant, plan) == ["Accept the agreement", "Register a first deal", "Complete course 12"]
    client.post(f"{base}/{first.pk}/move/", {"direction": "up"})  # the first stays first
    assert plan_steps(tenant, plan)[0] == "Accept the agreement"
    response = client.post(
        f"{base}/{first.pk}/",
        {"title": "Sign the agreement", "kind": "accept_agreement", "due_offset_days": "3", "required": "on"},
    )
    assert response.status_code == 302
    bad = client.post(
        f"{base}/{first.pk}/", {"title": "Sign", "kind": "manual", "condition": '{"a": 1}', "due_offset_days": "3"}
    )
    assert bad.status_code == 400 and "A manual step has no condition" in bad.text
    client.post(f"{base}/{second.pk}/remove/")
    assert plan_steps(tenant, plan) == ["Sign the agreement", "Register a first deal"]
    with tenant_context(tenant):
        assert list(plan.steps.order_by("position").values_list("position", flat=True)) == [0, 1]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PARTNER_ADMIN])
def test_people_who_do_not_manage_plans_get_404(client, tenant, partner_org, role):
    plan = make_plan(tenant)
    member = (
        PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=role)
        if role == Role.PARTNER_ADMIN
        else StaffFactory(tenant=tenant, role=role)
    )
    login(client, member)
    assert client.get("/t/acme/onboarding/plans/").status_code == 404
    assert client.get(f"/t/acme/onboarding/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/t/acme/onboarding/plans/{plan.pk}/", {"form": "plan", "name": "Hacked"}).status_code == 404


# The partner's checklist -----------------------------------------------------------------------------------------


def test_the_portal_shows_the_checklist_with_progress_due_dates_and_links(client, tenant, partner, partner_admin):
    make_plan(
        tenant,
        [
            {"title": "Complete your company profile", "kind": OnboardingStepKind.COMPLETE_PROFILE},
            {"title": "Invite your colleagues", "kind": OnboardingStepKind.INVITE_COLLEAGUES},
            {"title": "Upload your W-9", "kind": OnboardingStepKind.UPLOAD_DOCUMENT},
            {"title": "Kick-off call", "kind": OnboardingStepKind.MANUAL, "required": False},
        ],
    )
    start(tenant, partner)
    login(client, partner_admin)
    page = client.get("/t/acme/portal/").text
    assert "Getting started" in page and "0 of 3 required steps done" in page
    assert 'href="/t/acme/portal/profile/">Edit the profile' in page
    assert 'href="/t/acme/portal/team/">Invite colleagues' in page
    assert f'href="/t/acme/partners/{partner.pk}/documents/">Upload' in page
    assert "Still missing: legal name, website" in page
    assert "your channel manager ticks this off" in page


def test_the_checklist_advances_when_the_partner_completes_its_profile(
    client, tenant, partner, partner_admin, django_capture_on_commit_callbacks
):
    make_plan(
        tenant,
        [
            {"title": "Complete your company profile", "kind": OnboardingStepKind.COMPLETE_PROFILE},
            {"title": "Accept the agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT},
        ],
    )
    start(tenant, partner)
    login(client, partner_admin)
    profile = {
        "legal_name": "Northwind Secure GmbH",
        "website": "https://northwind.example",
        "email_domains": "northwind.example",
        "country": "DE",
        "region": "EMEA",
        "regions": "EMEA",
        "industries": "Banking",
        "company_size": "51-200",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/t/acme/portal/profile/", profile)
    assert response.status_code == 302
    page = client.get("/t/acme/portal/").text
    assert "1 of 2 required steps done" in page
    assert 'data-step-status="done" data-step-kind="complete_profile"' in page


def test_partner_sales_see_the_checklist_without_links_they_cannot_use(client, tenant, partner):
    make_plan(tenant, [{"title": "Complete your company profile", "kind": OnboardingStepKind.COMPLETE_PROFILE}])
    start(tenant, partner)
    login(client, PartnerUserFactory(tenant=tenant, partner_organization=partner, role=Role.PARTNER_SALES))
    page = client.get("/t/acme/portal/onboarding/").text
    assert "Complete your company profile" in page and "Edit the profile" not in page


def test_staff_see_no_checklist_on_pages_of_their_own(client, tenant, tenant_admin, partner):
    make_plan(tenant)
    start(tenant, partner)
    login(client, tenant_admin)
    assert client.get("/t/acme/portal/onboarding/").status_code == 404


# The partner page's panel ----------------------------------------------------------------------------------------


def test_the_partner_page_shows_the_onboarding_and_a_manager_ticks_off_a_manual_step(client, tenant, partner):
    make_plan(
        tenant,
        [
            {"title": "Kick-off call", "kind": OnboardingStepKind.MANUAL},
            {"title": "Accept the agreement", "kind": OnboardingStepKind.ACCEPT_AGREEMENT},
        ],
    )
    onboarding = start(tenant, partner)
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    login(client, manager)
    steps = steps_of(tenant, onboarding)
    page = client.get(f"/t/acme/partners/{partner.pk}/").text
    assert 'id="onboarding"' in page and "0/2 required" in page
    complete_url = f"/t/acme/partners/{partner.pk}/onboarding/steps/{steps['Kick-off call'].pk}/complete/"
    assert complete_url in page
    assert f"/onboarding/steps/{steps['Accept the agreement'].pk}/complete/" not in page
    response = client.post(complete_url)
    assert response.status_code == 302 and response.url.endswith("#onboarding")
    assert steps_of(tenant, onboarding)["Kick-off call"].completed_by_id == manager.user_id
    assert "1/2 required" in client.get(f"/t/acme/partners/{partner.pk}/").text
    # A step that completes itself cannot be ticked off by hand.
    client.post(f"/t/acme/partners/{partner.pk}/onboarding/steps/{steps['Accept the agreement'].pk}/complete/")
    assert steps_of(tenant, onboarding)["Accept the agreement"].completed_at is None


def test_a_partner_admin_cannot_tick_off_its_own_manual_step(client, tenant, partner, partner_admin):
    make_plan(tenant, [{"title": "Kick-off call", "kind": OnboardingStepKind.MANUAL}])
    onboarding = start(tenant, partner)
    step = steps_of(tenant, onboarding)["Kick-off call"]
    login(client, partner_admin)
    response = client.post(f"/t/acme/partners/{partner.pk}/onboarding/steps/{step.pk}/complete/")
    assert response.status_code == 404
    assert steps_of(tenant, onboarding)["Kick-off call"].completed_at is None


def test_staff_start_onboarding_from_the_partner_page(client, tenant, tenant_admin):
    make_plan(tenant)
    partner = PartnerOrganizationFactory(tenant=tenant, name="Fabrikam", status=PartnerStatus.ACTIVE)
    login(client, tenant_admin)
    page = client.get(f"/t/acme/partners/{partner.pk}/").text
    assert "Start onboarding" in page
    response = client.post(f"/t/acme/partners/{partner.pk}/onboarding/start/")
    assert response.status_code == 302
    with tenant_context(tenant):
        assert PartnerOnboarding.objects.filter(partner_organization=partner, status="in_progress").count() == 1
    page = client.get(f"/t/acme/partners/{partner.pk}/").text
    assert "Start onboarding" not in page and "Reseller onboarding" in page


# Progress page ---------------------------------------------------------------------------------------------------


def add_onboardings(tenant, count, owner=None, prefix="Partner"):
    partners = [
        PartnerOrganizationFactory(
            tenant=tenant, name=f"{prefix} {i}", status=PartnerStatus.ONBOARDING, owner=owner.user if owner else None
        )
        for i in range(count)
    ]
    for partner in partners:
        start(tenant, partner)
    return partners


def test_the_progress_page_lists_running_onboardings_with_badges_and_filters(client, tenant, tenant_admin):
    make_plan(tenant)
    owner = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    mine = add_onboardings(tenant, 2, owner=owner, prefix="Owned")
    add_onboardings(tenant, 1, prefix="Unowned")
    emit(tenant, "agreement.accepted", subject=mine[0], payload={"partner_organization_id": mine[0].pk})
    login(client, tenant_admin)
    page = client.get("/t/acme/onboarding/").text
    assert "Owned 0" in page and "Owned 1" in page and "Unowned 0" in page
    assert "1/2 required" in page and 'data-testid="count-on-track">3<' in page
    filtered = client.get(f"/t/acme/onboarding/?owner={owner.user_id}").text
    assert "Owned 0" in filtered and "Unowned 0" not in filtered
    assert "Owned 0" not in client.get("/t/acme/onboarding/?state=overdue").text


def test_the_progress_page_runs_the_same_queries_for_3_or_30_onboardings(client, tenant, tenant_admin):
    make_plan(tenant)
    login(client, tenant_admin)
    add_onboardings(tenant, 3, prefix="First")
    with_3 = queries_for(client, "/t/acme/onboarding/")
    add_onboardings(tenant, 27, prefix="Second")
    with_30 = queries_for(client, "/t/acme/onboarding/")
    assert with_30 == with_3


def test_the_partner_page_query_count_does_not_grow_with_steps(client, tenant, tenant_admin):
    login(client, tenant_admin)
    three = make_plan(tenant, [{"title": f"Step {i}", "kind": "manual"} for i in range(3)], name="Three")
    twenty = make_plan(
        tenant, [{"title": f"Step {i}", "kind": "manual"} for i in range(20)], name="Twenty", partner_type="msp"
    )
    small = PartnerOrganizationFactory(tenant=tenant, name="Small", status=PartnerStatus.ONBOARDING)
    large = PartnerOrganizationFactory(tenant=tenant, name="Large", status=PartnerStatus.ONBOARDING)
    start(tenant, small, plan=three)
    start(tenant, large, plan=twenty)
    assert queries_for(client, f"/t/acme/partners/{large.pk}/") == queries_for(client, f"/t/acme/partners/{small.pk}/")


def test_partners_cannot_open_the_progress_page(client, tenant, partner_admin):
    login(client, partner_admin)
    assert client.get("/t/acme/onboarding/").status_code == 404
