"""Pages that looked unfinished (issue 16, 4.9): the staff partner page shows the partner's deals (a panel dealreg
declares) and its agreements; Suspend and Offboard sit behind their own buttons with their own questions; an active
partner's empty onboarding page says no plan is assigned; the program's front page is branded and invites
applications; a favicon; invitation statuses by their label."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from dealreg import services as deal_services
from partners.models import PartnerStatus
from prm import registry
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.dealreg.helpers import deal_fields
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_agreement
from tests.factories import set_program_settings as program_settings
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


def partner_page(client, tenant, member, partner) -> str:
    return login(client, member).get(f"/t/{tenant.slug}/partners/{partner.pk}/").content.decode()


def test_partner_page_shows_its_deals_through_the_panel_dealreg_declares(client, tenant, tenant_admin, partner_admin):
    partner = partner_admin.partner_organization
    with tenant_context(tenant):
        deal_services.deal_create(actor=partner_admin, submit=True, **deal_fields(customer_name="Initech AG"))
    assert any(panel.template.startswith("dealreg/") for panel in registry.partner_panels())

    page = partner_page(client, tenant, tenant_admin, partner)

    panel = page[page.index('data-testid="partner-deals"') :]
    assert "Initech AG" in panel and "48,000.00 USD" in panel and "Submitted" in panel
    assert f"?partner_organization={partner.pk}" in panel


def test_partner_page_deal_panel_is_staff_only(client, tenant, partner_admin):
    page = partner_page(client, tenant, partner_admin, partner_admin.partner_organization)
    assert 'data-testid="partner-deals"' not in page


def test_partner_page_query_count_does_not_grow_with_deals(client, tenant, tenant_admin, partner_admin):
    partner = partner_admin.partner_organization
    login(client, tenant_admin)

    customers = iter(["Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Soylent", "Tyrell", "Cyberdyne"])

    def register(count):
        with tenant_context(tenant):
            for _ in range(count):
                name = next(customers)
                deal_services.deal_create(
                    actor=partner_admin,
                    submit=True,
                    **deal_fields(
                        customer_name=f"{name} Holdings",
                        customer_website=f"https://{name.lower()}.de",
                        contact_email=f"buyer@{name.lower()}.de",
                    ),
                )

    register(2)
    with_2 = queries_for(client, f"/t/acme/partners/{partner.pk}/")
    register(6)
    with_8 = queries_for(client, f"/t/acme/partners/{partner.pk}/")
    assert with_8 == with_2


def test_partner_page_shows_where_the_partner_stands_with_its_agreements(client, tenant, tenant_admin, partner_org):
    make_agreement(tenant, actor=tenant_admin, name="Reseller terms")

    page = partner_page(client, tenant, tenant_admin, partner_org)

    card = page[page.index('data-testid="partner-agreements"') :]
    assert "Reseller terms" in card and "Needs acceptance" in card


def test_suspend_and_offboard_are_closed_buttons_with_their_own_questions(client, tenant, tenant_admin, partner_org):
    page = partner_page(client, tenant, tenant_admin, partner_org)

    for status, question in (
        ("suspended", "Why is this partner suspended?"),
        ("offboarded", "Why is this partner offboarded?"),
    ):
        box = re.search(rf'<details class="lifecycle-action[^"]*" data-testid="lifecycle-{status}"( open)?>', page)
        assert box and box.group(1) is None, status  # closed until clicked
        assert f'<label class="form-label small mb-1" for="reason-{status}">{question}</label>' in page
    assert "Reason (required)" not in page


def test_a_refused_reason_reopens_its_own_box(client, tenant, tenant_admin, partner_org):
    response = login(client, tenant_admin).post(
        f"/t/acme/partners/{partner_org.pk}/status/", {"status": "suspended", "reason": " "}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert '<details class="lifecycle-action w-100" data-testid="lifecycle-suspended" open>' in page
    assert '<details class="lifecycle-action w-100" data-testid="lifecycle-offboarded">' in page


def test_active_partner_without_a_plan_is_not_told_to_wait_for_approval(client, tenant, partner_admin):
    assert partner_admin.partner_organization.status == PartnerStatus.ACTIVE
    page = login(client, partner_admin).get("/t/acme/portal/onboarding/").content.decode()
    assert "when your partnership is approved" not in page
    assert "No onboarding plan is assigned to" in page


def test_staff_see_how_to_start_a_plan(client, tenant, tenant_admin, partner_org):
    page = partner_page(client, tenant, tenant_admin, partner_org)
    box = page[page.index('data-testid="no-onboarding-plan"') :]
    assert "No onboarding plan is assigned to this partner." in box and "Start onboarding" in box
    assert "/t/acme/onboarding/plans/" in box


def test_signed_out_front_page_is_branded_and_invites_applications(client, tenant):
    with tenant_context(tenant):
        tenant.program_name, tenant.primary_colour = "Acme Shield Partners", "#aa3300"
        tenant.save(update_fields=["program_name", "primary_colour"])

    response = client.get("/t/acme/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Acme Shield Partners" in page and "--prm-brand: #aa3300" in page
    assert 'href="/t/acme/apply/"' in page and "Apply to become a partner" in page
    assert 'href="/accounts/login/?next=%2Ft%2Facme%2F"' in page


def test_front_page_has_no_apply_link_when_applications_are_closed(client, tenant):
    program_settings(tenant, applications_open=False)
    page = client.get("/t/acme/").content.decode()
    assert "Apply to become a partner" not in page and "Sign in" in page


def test_signed_in_non_member_still_gets_not_found(client, tenant, other_tenant):
    outsider = StaffFactory(tenant=other_tenant)
    response = login(client, outsider).get("/t/acme/")
    assert response.status_code == 404 and b"Acme" not in response.content


def test_members_are_still_sent_on_from_the_program_address(client, tenant, tenant_admin, partner_admin):
    assert login(client, tenant_admin).get("/t/acme/").url == "/t/acme/console/"
    assert login(client, partner_admin).get("/t/acme/").url == "/t/acme/portal/"


def test_every_page_links_a_favicon_that_exists(client, tenant):
    page = client.get("/t/acme/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
    assert icon and finders.find(icon.group(1))


def test_invitation_status_is_shown_by_its_label(client, tenant, tenant_admin, partner_org):
    from prm import services

    with tenant_context(tenant):
        invitation, _token = services.invitation_create(
            actor=tenant_admin, email="new@northwind.example", role=Role.PARTNER_SALES, partner_organization=partner_org
        )
        expired, _token = services.invitation_create(
            actor=tenant_admin,
            email="late@northwind.example",
            role=Role.PARTNER_SALES,
            partner_organization=partner_org,
        )
        type(expired).objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    page = login(client, tenant_admin).get("/t/acme/members/").content.decode()
    assert invitation.email in page
    assert ">Pending</span>" in page and ">Expired</span>" in page
    assert ">pending</span>" not in page and ">expired</span>" not in page


def test_another_partner_sees_no_deal_panel_of_this_one(client, tenant, partner_admin):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    person = PartnerUserFactory(tenant=tenant, partner_organization=other)
    response = login(client, person).get(f"/t/acme/partners/{partner_admin.partner_organization.pk}/")
    assert response.status_code == 404
