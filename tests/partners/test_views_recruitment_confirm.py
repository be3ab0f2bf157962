"""The emailed confirmation link, and what confirming does: the application is scored, recorded, announced to
the channel team, and the tenant's automatic rule may approve or decline it on the spot."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners.models import (
    ApplicationStatus,
    IppAttribute,
    IppOperator,
    PartnerApplication,
    PartnerOrganization,
    PartnerStatus,
)
from partners.services import applications
from prm.models import Event, Invitation, Notification
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import IppCriterionFactory, PartnerOrganizationFactory, StaffFactory, set_program_settings
from tests.partners.test_views_recruitment_apply import CONFIRM_LINK, form

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(tenant):
    """DACH (30), regulated industries (20), 100+ customers (50): the form's Contoso scores 100."""
    return [
        IppCriterionFactory(
            tenant=tenant, label="DACH", attribute=IppAttribute.COUNTRY, value=["DE", "AT", "CH"], weight=30
        ),
        IppCriterionFactory(
            tenant=tenant,
            label="Regulated industries",
            attribute=IppAttribute.INDUSTRY,
            operator=IppOperator.ANY,
            value=["Healthcare"],
            weight=20,
        ),
        IppCriterionFactory(
            tenant=tenant,
            label="Customer base",
            attribute=IppAttribute.CUSTOMER_COUNT,
            operator=IppOperator.AT_LEAST,
            value=100,
            weight=50,
        ),
    ]


def apply(client, tenant, capture, **overrides) -> str:
    """Apply on the public page; returns the confirmation link's path."""
    with capture(execute=True):
        response = client.post(reverse("apply", args=[tenant.slug]), form(**overrides))
    assert response.status_code == 200, response.content[:500]
    link = CONFIRM_LINK.search(mail.outbox[-1].body)
    return reverse("apply_confirm", args=[link["slug"], link["token"]])


def rule(tenant, **values):
    set_program_settings(tenant, applications_open=True, **values)


def the_application(tenant):
    with tenant_context(tenant):
        return PartnerApplication.objects.select_related("partner_organization").get()


def events(tenant, *types):
    with tenant_context(tenant):
        return list(Event.objects.filter(type__in=types).order_by("id"))


def test_opening_the_link_shows_what_is_confirmed_and_confirms_nothing(
    client, tenant, django_capture_on_commit_callbacks
):
    url = apply(client, tenant, django_capture_on_commit_callbacks)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Confirm my application" in response.content and b"Contoso Security" in response.content
    assert the_application(tenant).status == ApplicationStatus.PENDING_CONFIRMATION


def test_confirming_submits_scores_records_and_announces_the_application(
    client, tenant, criteria, django_capture_on_commit_callbacks
):
    admin = StaffFactory(tenant=tenant)
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    url = apply(client, tenant, django_capture_on_commit_callbacks, industries="Retail")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 200
    assert b"your application is confirmed" in response.content
    application = the_application(tenant)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.confirmed_at is not None
    assert application.ipp_score == 80
    assert [(row["criterion"], row["points"], row["of"]) for row in application.ipp_explanation] == [
        ("DACH", 30, 30),
        ("Regulated industries", 0, 20),
        ("Customer base", 50, 50),
    ]
    [applied] = events(tenant, "partner.applied")
    assert (applied.subject_type, applied.subject_id) == ("partnerapplication", str(application.pk))
    assert applied.payload == {
        "application_id": application.pk,
        "company": "Contoso Security",
        "domain": "contoso-security.de",
        "score": 80,
    }
    [submitted] = events(tenant, "application.submitted")
    assert submitted.payload["status"] == "submitted" and submitted.payload["score"] == 80
    with tenant_context(tenant):
        notified = set(Notification.objects.filter(kind="application.submitted").values_list("user_id", flat=True))
        [notification] = Notification.objects.filter(user=manager.user)
    assert notified == {admin.user_id, manager.user_id}
    assert notification.title == "New partner application: Contoso Security (IPP score 80)"
    assert notification.url == reverse("application_detail", args=[tenant.slug, application.pk])
    assert analyst.user_id not in notified
    assert {m.to[0] for m in mail.outbox} == {admin.user.email, manager.user.email}


def test_a_used_link_says_so(client, tenant, django_capture_on_commit_callbacks):
    url = apply(client, tenant, django_capture_on_commit_callbacks)
    client.post(url)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 410
        assert b"This link was used already" in response.content
    assert len(events(tenant, "application.submitted")) == 1


def test_an_expired_link_says_so_and_confirms_nothing(client, tenant, django_capture_on_commit_callbacks):
    url = apply(client, tenant, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + applications.CONFIRMATION_TTL + timezone.timedelta(seconds=1)):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 410
            assert b"This confirmation link has expired" in response.content
    assert the_application(tenant).status == ApplicationStatus.PENDING_CONFIRMATION
    # Within the week it still works.
    with time_machine.travel(timezone.now() + applications.CONFIRMATION_TTL - timezone.timedelta(minutes=1)):
        assert client.post(url).status_code == 200


def test_an_unknown_link_is_a_404(client, tenant):
    response = client.get(reverse("apply_confirm", args=[tenant.slug, "not-a-token"]))
    assert response.status_code == 404
    assert b"This confirmation link is not valid" in response.content


def test_a_score_at_the_auto_approve_threshold_approves_at_once(
    client, tenant, criteria, django_capture_on_commit_callbacks
):
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    rule(tenant, auto_approve_at=100, auto_decline_below=40)
    url = apply(client, tenant, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert b"Welcome to" in response.content
    application = the_application(tenant)
    assert application.status == ApplicationStatus.APPROVED
    assert application.auto_decided is True and application.decided_by is None
    partner = application.partner_organization
    assert partner.status == PartnerStatus.ONBOARDING
    assert partner.name == "Contoso Security" and partner.legal_name == "Contoso Security GmbH"
    assert partner.email_domains == ["contoso-security.de"] and partner.ipp_score == 100
    assert partner.applied_at == application.confirmed_at and partner.approved_at is not None
    assert partner.owner is None
    assert partner.regions == ["EMEA", "NA"] and partner.company_size == "51-200" and partner.customer_count == 120
    with tenant_context(tenant):
        invitation = Invitation.objects.get(email="klara@contoso-security.de")
    assert (invitation.role, invitation.partner_organization_id, invitation.invited_by) == (
        Role.PARTNER_ADMIN,
        partner.pk,
        None,
    )
    assert any(m.to == ["klara@contoso-security.de"] and "/invitations/accept/" in m.body for m in mail.outbox)
    [approved] = events(tenant, "application.approved")
    assert approved.payload["auto"] is True and approved.payload["partner_organization_id"] == partner.pk
    assert approved.actor_user is None
    [partner_approved] = events(tenant, "partner.approved")
    assert partner_approved.subject_id == str(partner.pk)
    with tenant_context(tenant):
        [notification] = Notification.objects.filter(user=manager.user)
    assert notification.title == "Contoso Security was approved automatically (IPP score 100)"


def test_a_score_below_the_auto_decline_threshold_declines_at_once_with_a_polite_email(
    client, tenant, criteria, django_capture_on_commit_callbacks
):
    StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    rule(tenant, auto_approve_at=90, auto_decline_below=40)
    url = apply(client, tenant, django_capture_on_commit_callbacks, country="FR", customer_count="3", industries="")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    application = the_application(tenant)
    assert application.status == ApplicationStatus.DECLINED and application.ipp_score == 0
    assert application.auto_decided is True and application.decided_by is None
    assert application.decision_reason == "IPP score 0 is below 40, the program's automatic decline threshold."
    [declined_mail] = [m for m in mail.outbox if m.to == ["klara@contoso-security.de"]]
    assert "not able to welcome Contoso Security" in declined_mail.body
    assert "IPP" not in declined_mail.body  # the reason stays with the team
    [declined] = events(tenant, "application.declined")
    assert declined.payload["auto"] is True
    with tenant_context(tenant):
        assert PartnerOrganization.objects.count() == 0
        [notification] = Notification.objects.all()
    assert notification.title == "Contoso Security's application was declined automatically (IPP score 0)"


def test_a_score_between_the_thresholds_waits_in_the_queue(
    client, tenant, criteria, django_capture_on_commit_callbacks
):
    rule(tenant, auto_approve_at=90, auto_decline_below=40)
    url = apply(client, tenant, django_capture_on_commit_callbacks, industries="Retail")  # 80
    client.post(url)
    application = the_application(tenant)
    assert (application.status, application.ipp_score, application.decided_at) == (
        ApplicationStatus.SUBMITTED,
        80,
        None,
    )


def test_an_automatic_approval_refused_for_a_name_clash_leaves_the_application_in_the_queue(
    client, tenant, criteria, django_capture_on_commit_callbacks
):
    PartnerOrganizationFactory(tenant=tenant, name="Contoso Security", website="https://contoso.com")
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    rule(tenant, auto_approve_at=50)
    url = apply(client, tenant, django_capture_on_commit_callbacks)

    client.post(url)

    application = the_application(tenant)
    assert application.status == ApplicationStatus.SUBMITTED and application.ipp_score == 100
    with tenant_context(tenant):
        assert PartnerOrganization.objects.count() == 1
        [notification] = Notification.objects.filter(user=manager.user)
        assert not Event.objects.filter(type__in=["application.approved", "partner.approved"]).exists()
    assert "could not be approved automatically" in notification.body
    assert "A partner named “Contoso Security” exists already" in notification.body
