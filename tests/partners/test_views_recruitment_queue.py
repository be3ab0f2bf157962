"""The review queue and the decisions: best fit first, the score explained, approval creating an onboarding
partner and inviting its admin, a polite decline, and clear refusals."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from partners import services
from partners.models import ApplicationStatus, PartnerApplication, PartnerOrganization, PartnerStatus
from prm.models import Event, Invitation
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import IppCriterionFactory, PartnerApplicationFactory, PartnerOrganizationFactory, StaffFactory
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Maya", user__last_name="Lin")


def scored(tenant, **fields):
    """A submitted application, scored against the tenant's criteria."""
    application = PartnerApplicationFactory(tenant=tenant, **fields)
    with tenant_context(tenant):
        services.applications_rescore()
        application.refresh_from_db()
    return application


def queue(client, tenant, **params):
    response = client.get(reverse("application_list", args=[tenant.slug]), params)
    assert response.status_code == 200
    return re.findall(r'/applications/\d+/">([^<]+)</a>', response.content.decode())


def detail_url(tenant, application):
    return reverse("application_detail", args=[tenant.slug, application.pk])


def test_the_queue_lists_applications_in_review_best_fit_first(client, tenant, manager):
    IppCriterionFactory(tenant=tenant, value=["DE"], weight=50)
    IppCriterionFactory(tenant=tenant, attribute="partner_type", value=["msp"], weight=50)
    scored(tenant, company_name="Half fit", country="DE")
    scored(tenant, company_name="Best fit", country="DE", partner_type="msp")
    scored(tenant, company_name="No fit", country="FR")
    scored(tenant, company_name="Already declined", country="DE", status=ApplicationStatus.DECLINED)
    PartnerApplicationFactory(tenant=tenant, company_name="Unconfirmed", status=ApplicationStatus.PENDING_CONFIRMATION)
    login(client, manager)

    assert queue(client, tenant) == ["Best fit", "Half fit", "No fit"]
    assert queue(client, tenant, status="declined") == ["Already declined"]
    # Unscored (declined before any criteria, unconfirmed) last, oldest first.
    assert queue(client, tenant, status="any") == ["Best fit", "Half fit", "No fit", "Already declined", "Unconfirmed"]
    assert queue(client, tenant, search="best") == ["Best fit"]
    assert queue(client, tenant, status="sleeping") == ["Best fit", "Half fit", "No fit"]  # a bad filter is ignored


def test_the_queue_query_count_does_not_grow_with_applications(client, tenant, manager):
    login(client, manager)
    url = reverse("application_list", args=[tenant.slug])
    PartnerApplicationFactory.create_batch(3, tenant=tenant)
    with_3 = queries_for(client, url)
    with_3_htmx = queries_for(client, url, HTTP_HX_REQUEST="true")
    PartnerApplicationFactory.create_batch(27, tenant=tenant)
    assert queries_for(client, url) == with_3
    assert queries_for(client, url, HTTP_HX_REQUEST="true") == with_3_htmx


def test_the_navigation_shows_how_many_applications_wait(client, tenant, manager, partner_admin):
    PartnerApplicationFactory.create_batch(2, tenant=tenant)
    PartnerApplicationFactory(tenant=tenant, status=ApplicationStatus.DECLINED)
    login(client, manager)
    response = client.get(reverse("console", args=[tenant.slug]))
    assert re.search(rb'data-testid="applications-waiting">2<', response.content)
    login(client, partner_admin)
    assert b"nav-applications" not in client.get(reverse("portal", args=[tenant.slug])).content


def test_the_application_page_explains_the_score(client, tenant, manager):
    IppCriterionFactory(tenant=tenant, label="DACH", value=["DE", "AT", "CH"], weight=30)
    IppCriterionFactory(
        tenant=tenant, label="Customers", attribute="customer_count", operator="gte", value=25, weight=10
    )
    application = scored(tenant, company_name="Fabrikam", customer_count=12)
    login(client, manager)
    response = client.get(detail_url(tenant, application))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-testid="ipp-score">75<', html)
    assert "Country Germany is one of Germany, Austria, Switzerland" in html and "30 / 30" in html
    assert "Customer count 12 is below 25" in html and "0 / 10" in html
    assert "jordan@" in html and "Approve" in html and "Decline" in html


def test_an_analyst_sees_the_queue_but_cannot_decide(client, tenant):
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    application = PartnerApplicationFactory(tenant=tenant)
    login(client, analyst)
    assert client.get(detail_url(tenant, application)).status_code == 200
    assert b"application_approve" not in client.get(detail_url(tenant, application)).content
    response = client.post(reverse("application_approve", args=[tenant.slug, application.pk]))
    assert response.status_code == 404
    with tenant_context(tenant):
        assert PartnerApplication.objects.get().status == ApplicationStatus.SUBMITTED


def test_partners_and_finance_do_not_see_applications(client, tenant, partner_admin):
    application = PartnerApplicationFactory(tenant=tenant)
    for membership in (partner_admin, StaffFactory(tenant=tenant, role=Role.FINANCE)):
        login(client, membership)
        assert client.get(reverse("application_list", args=[tenant.slug])).status_code == 404
        assert client.get(detail_url(tenant, application)).status_code == 404


def test_approving_creates_the_partner_in_onboarding_and_invites_its_admin(
    client, tenant, manager, django_capture_on_commit_callbacks
):
    application = scored(
        tenant,
        company_name="Fabrikam",
        legal_name="Fabrikam Ltd",
        email_domain="fabrikam.co.uk",
        website="https://fabrikam.co.uk",
        contact_email="sam@fabrikam.co.uk",
        regions=["UKI"],
        industries=["Retail"],
        company_size="11-50",
        customer_count=30,
    )
    login(client, manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("application_approve", args=[tenant.slug, application.pk]), {"reason": ""})

    assert response.status_code == 302
    page = client.get(response.url)
    assert b"Fabrikam is approved: it starts onboarding and sam@fabrikam.co.uk is invited as its admin." in page.content
    with tenant_context(tenant):
        application.refresh_from_db()
        partner = PartnerOrganization.objects.get()
        invitation = Invitation.objects.get()
        types = list(Event.objects.order_by("id").values_list("type", flat=True))
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == manager.user and application.auto_decided is False
    assert application.partner_organization_id == partner.pk
    assert (partner.name, partner.legal_name, partner.status) == ("Fabrikam", "Fabrikam Ltd", PartnerStatus.ONBOARDING)
    assert partner.owner == manager.user
    assert partner.email_domains == ["fabrikam.co.uk"] and partner.website == "https://fabrikam.co.uk"
    assert (partner.regions, partner.industries, partner.company_size, partner.customer_count) == (
        ["UKI"],
        ["Retail"],
        "11-50",
        30,
    )
    assert partner.applied_at == application.confirmed_at
    assert (invitation.email, invitation.role, invitation.partner_organization_id, invitation.invited_by) == (
        "sam@fabrikam.co.uk",
        Role.PARTNER_ADMIN,
        partner.pk,
        manager.user,
    )
    invitation_mail = [m for m in mail.outbox if m.to == ["sam@fabrikam.co.uk"]]
    assert len(invitation_mail) == 1 and "/invitations/accept/" in invitation_mail[0].body
    for expected in ("partner.created", "partner.approved", "invitation.created", "application.approved"):
        assert expected in types
    assert types.index("partner.approved") < types.index("application.approved")


def test_approving_under_a_name_another_partner_has_is_refused_and_changes_nothing(client, tenant, manager):
    PartnerOrganizationFactory(tenant=tenant, name="Fabrikam")
    application = PartnerApplicationFactory(tenant=tenant, company_name="fabrikam")
    login(client, manager)
    url = reverse("application_approve", args=[tenant.slug, application.pk])

    response = client.post(url, {"partner_name": ""})
    assert response.status_code == 400
    assert "A partner named “fabrikam” exists already" in response.content.decode()
    with tenant_context(tenant):
        assert PartnerOrganization.objects.count() == 1 and Invitation.objects.count() == 0
        assert PartnerApplication.objects.get().status == ApplicationStatus.SUBMITTED

    # Under another name it goes through.
    assert client.post(url, {"partner_name": "Fabrikam UK"}).status_code == 302
    with tenant_context(tenant):
        assert PartnerOrganization.objects.filter(name="Fabrikam UK", status=PartnerStatus.ONBOARDING).exists()


def test_declining_needs_a_reason_and_sends_a_polite_email(client, tenant, manager, django_capture_on_commit_callbacks):
    application = PartnerApplicationFactory(tenant=tenant, company_name="Tailspin", contact_email="ana@tailspin.com")
    login(client, manager)
    url = reverse("application_decline", args=[tenant.slug, application.pk])

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert b'id="id_reason-error"' in response.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Sells only consumer electronics."})
    assert response.status_code == 302
    with tenant_context(tenant):
        application.refresh_from_db()
        [declined] = Event.objects.filter(type="application.declined")
    assert application.status == ApplicationStatus.DECLINED
    assert (application.decision_reason, application.decided_by) == ("Sells only consumer electronics.", manager.user)
    assert declined.payload["reason"] == "Sells only consumer electronics." and declined.payload["auto"] is False
    [email] = mail.outbox
    assert email.to == ["ana@tailspin.com"] and "Thank you for your interest" in email.body
    assert "consumer electronics" not in email.body


def test_a_decided_application_cannot_be_decided_again(client, tenant, manager):
    application = PartnerApplicationFactory(tenant=tenant, company_name="Tailspin")
    login(client, manager)
    client.post(reverse("application_decline", args=[tenant.slug, application.pk]), {"reason": "Not a fit."})

    response = client.post(reverse("application_approve", args=[tenant.slug, application.pk]))

    assert response.status_code == 409
    assert "Tailspin was declined by Maya Lin at" in response.content.decode()
    assert "nothing was changed" in response.content.decode()
    with tenant_context(tenant):
        assert PartnerOrganization.objects.count() == 0


def test_an_unconfirmed_application_cannot_be_decided(client, tenant, manager):
    application = PartnerApplicationFactory(tenant=tenant, status=ApplicationStatus.PENDING_CONFIRMATION)
    login(client, manager)
    response = client.post(reverse("application_decline", args=[tenant.slug, application.pk]), {"reason": "No."})
    assert response.status_code == 409
    assert b"waits for its email confirmation" in response.content


def test_an_applicant_who_is_a_member_already_is_not_invited_again(client, tenant, manager):
    member = StaffFactory(tenant=tenant, role=Role.ANALYST, user__email="sam@fabrikam.com")
    application = PartnerApplicationFactory(tenant=tenant, company_name="Fabrikam", contact_email=member.user.email)
    login(client, manager)
    response = client.post(reverse("application_approve", args=[tenant.slug, application.pk]), follow=True)
    assert b"is a member of the program already, so nobody was invited" in response.content
    with tenant_context(tenant):
        assert Invitation.objects.count() == 0
        assert PartnerOrganization.objects.get().status == PartnerStatus.ONBOARDING
