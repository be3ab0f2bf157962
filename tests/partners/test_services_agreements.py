"""Agreement services: writing and publishing versions, click-to-accept evidence, re-acceptance of a new version."""

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from partners import services
from partners.models import Agreement, AgreementAcceptance, AgreementVersion, PartnerStatus, PartnerType
from partners.selectors import agreements as selectors
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import Event, Notification
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_agreement

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def events(tenant, event_type):
    with tenant_context(tenant):
        return list(Event.objects.filter(type=event_type).order_by("id"))


# Writing ----------------------------------------------------------------------------------------------------------


def test_agreement_needs_a_name_and_a_known_type_and_a_new_name(tenant, tenant_admin):
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as empty:
            services.agreement_create(actor=tenant_admin, name="  ")
        with pytest.raises(ValidationFailed) as unknown:
            services.agreement_create(actor=tenant_admin, name="Reseller terms", partner_type="pirate")
        services.agreement_create(actor=tenant_admin, name="Reseller terms", partner_type=PartnerType.RESELLER)
        with pytest.raises(ValidationFailed) as duplicate:
            services.agreement_create(actor=tenant_admin, name="reseller TERMS")
        assert (empty.value.field, unknown.value.field, duplicate.value.field) == ("name", "partner_type", "name")
        assert list(Agreement.objects.values_list("name", flat=True)) == ["Reseller terms"]


def test_only_tenant_admins_write_agreements(tenant):
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.agreement_create(actor=manager, name="Program agreement")


def test_an_empty_text_is_refused_and_nothing_is_saved(tenant, tenant_admin):
    agreement, _ = make_agreement(tenant, actor=tenant_admin, publish=False)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.agreement_version_create(actor=tenant_admin, agreement=agreement, body=" \n\t ")
        assert refused.value.field == "body"
        assert AgreementVersion.objects.filter(agreement=agreement).count() == 1


def test_versions_are_numbered_one_after_the_other_with_one_draft_at_a_time(tenant, tenant_admin):
    agreement, v1 = make_agreement(tenant, actor=tenant_admin)
    with tenant_context(tenant):
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="Second text.")
        with pytest.raises(InvalidTransition) as second_draft:
            services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="Another text.")
        services.agreement_version_publish(actor=tenant_admin, version=v2)
        v3 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="Third text.")
    assert (v1.number, v2.number, v3.number) == (1, 2, 3)
    assert "has a draft already (v2)" in second_draft.value.message


def test_a_draft_can_be_edited_but_a_published_version_never_changes(tenant, tenant_admin):
    agreement, draft = make_agreement(tenant, actor=tenant_admin, publish=False, body="First wording.")
    with tenant_context(tenant):
        services.agreement_version_update(actor=tenant_admin, version=draft, body="Better wording.")
        services.agreement_version_publish(actor=tenant_admin, version=draft)
        with pytest.raises(InvalidTransition) as refused:
            services.agreement_version_update(actor=tenant_admin, version=draft, body="Sneaky change.")
        draft.refresh_from_db()
    assert draft.body == "Better wording."
    assert refused.value.field == "body"
    assert "is published: its text never changes" in refused.value.message


# Publishing -------------------------------------------------------------------------------------------------------


def test_publishing_sets_the_deadline_records_the_event_and_asks_bound_partners_admins(
    tenant, tenant_admin, partner_org, partner_admin, django_capture_on_commit_callbacks, mailoutbox
):
    sales = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    onboarding = PartnerUserFactory(tenant=tenant, partner_organization__status=PartnerStatus.ONBOARDING)
    suspended = PartnerUserFactory(tenant=tenant, partner_organization__status=PartnerStatus.SUSPENDED)
    prospect = PartnerUserFactory(tenant=tenant, partner_organization__status=PartnerStatus.PROSPECT)
    offboarded = PartnerUserFactory(tenant=tenant, partner_organization__status=PartnerStatus.OFFBOARDED)
    other_type = PartnerUserFactory(tenant=tenant, partner_organization__partner_type=PartnerType.MSP)
    agreement, draft = make_agreement(tenant, actor=tenant_admin, publish=False, partner_type=PartnerType.VAR)

    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        version = services.agreement_version_publish(actor=tenant_admin, version=draft)

    assert version.published_at == NOW and version.published_by == tenant_admin.user
    assert version.reaccept_by == TODAY + timedelta(days=30)
    [event] = events(tenant, "agreement.published")
    assert event.payload == {
        "agreement_id": agreement.pk,
        "agreement_name": "Partner program agreement",
        "partner_type": "var",
        "version_id": version.pk,
        "number": 1,
        "reaccept_by": "2025-04-09",
    }
    with tenant_context(tenant):
        notified = set(Notification.objects.values_list("user_id", "kind", "title", "url"))
    url = f"/t/acme/portal/agreements/{agreement.pk}/"
    title = "Please accept Partner program agreement v1 by 9 Apr 2025"
    asked = {partner_admin, onboarding, suspended}
    assert notified == {(m.user_id, "agreement.acceptance_requested", title, url) for m in asked}
    assert {m.to[0] for m in mailoutbox} == {m.user.email for m in asked}
    assert not {sales.user.email, prospect.user.email, offboarded.user.email, other_type.user.email} & {
        m.to[0] for m in mailoutbox
    }


def test_a_deadline_today_or_in_the_past_is_refused_and_nothing_changes(tenant, tenant_admin, partner_admin):
    _, draft = make_agreement(tenant, actor=tenant_admin, publish=False)
    for day in (TODAY, TODAY - timedelta(days=3)):
        with tenant_context(tenant):
            with pytest.raises(ValidationFailed) as refused:
                services.agreement_version_publish(actor=tenant_admin, version=draft, reaccept_by=day)
            assert refused.value.field == "reaccept_by"
            draft.refresh_from_db()
            assert draft.published_at is None and draft.reaccept_by is None
            assert not Notification.objects.exists()
    assert events(tenant, "agreement.published") == []


def test_a_published_version_is_not_published_again(tenant, tenant_admin):
    _, version = make_agreement(tenant, actor=tenant_admin)
    with tenant_context(tenant), pytest.raises(InvalidTransition) as refused:
        services.agreement_version_publish(actor=tenant_admin, version=version)
    assert "was published already" in refused.value.message


def test_channel_managers_may_not_publish(tenant, tenant_admin):
    _, draft = make_agreement(tenant, actor=tenant_admin, publish=False)
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.agreement_version_publish(actor=manager, version=draft)


# Accepting --------------------------------------------------------------------------------------------------------


def test_accepting_keeps_the_evidence_and_records_the_event(tenant, tenant_admin, partner_org, partner_admin):
    body = "# Terms\n\nThe partner protects the vendor's brand. Ünïcödé too."
    agreement, version = make_agreement(tenant, actor=tenant_admin, body=body)
    with tenant_context(tenant):
        acceptance, created = services.agreement_accept(actor=partner_admin, version=version, ip_address="2001:db8::1")
    assert created
    assert acceptance.user == partner_admin.user
    assert acceptance.partner_organization == partner_org
    assert acceptance.accepted_at == NOW
    assert acceptance.ip_address == "2001:db8::1"
    assert acceptance.text == body
    assert acceptance.text_sha256 == hashlib.sha256(body.encode()).hexdigest()
    [event] = events(tenant, "agreement.accepted")
    assert (event.subject_type, event.subject_id, event.actor_user_id) == (
        "agreementacceptance",
        str(acceptance.pk),
        partner_admin.user_id,
    )
    assert event.payload == {
        "partner_organization_id": partner_org.pk,
        "agreement_id": agreement.pk,
        "agreement_name": agreement.name,
        "version_id": version.pk,
        "number": 1,
    }


def test_accepting_twice_keeps_one_acceptance_and_one_event(tenant, tenant_admin, partner_org, partner_admin):
    _, version = make_agreement(tenant, actor=tenant_admin)
    colleague = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    with tenant_context(tenant):
        first, created_first = services.agreement_accept(actor=partner_admin, version=version, ip_address="10.0.0.1")
        second, created_second = services.agreement_accept(actor=colleague, version=version, ip_address="10.0.0.2")
        assert AgreementAcceptance.objects.count() == 1
    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk and second.user == partner_admin.user
    assert len(events(tenant, "agreement.accepted")) == 1


def test_a_malformed_address_is_not_kept(tenant, tenant_admin, partner_admin):
    _, version = make_agreement(tenant, actor=tenant_admin)
    with tenant_context(tenant):
        acceptance, _ = services.agreement_accept(actor=partner_admin, version=version, ip_address="not-an-ip")
    assert acceptance.ip_address is None


def test_an_outdated_version_is_refused(tenant, tenant_admin, partner_admin):
    agreement, v1 = make_agreement(tenant, actor=tenant_admin)
    with tenant_context(tenant):
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="New terms.")
        services.agreement_version_publish(actor=tenant_admin, version=v2)
        with pytest.raises(InvalidTransition) as refused:
            services.agreement_accept(actor=partner_admin, version=v1)
        assert not AgreementAcceptance.objects.exists()
    assert refused.value.message == (
        "Version 1 of Partner program agreement was replaced by version 2 on 10 Mar 2025: read version 2 and accept it."
    )
    assert events(tenant, "agreement.accepted") == []


def test_only_a_partner_admin_accepts_a_published_agreement_that_applies_to_the_organization(
    tenant, tenant_admin, partner_org, partner_admin
):
    _, published = make_agreement(tenant, actor=tenant_admin)
    _, draft = make_agreement(tenant, actor=tenant_admin, name="Draft terms", publish=False)
    _, msp_only = make_agreement(tenant, actor=tenant_admin, name="MSP addendum", partner_type=PartnerType.MSP)
    sales = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)
    with tenant_context(tenant):
        for actor, version in [(sales, published), (tenant_admin, published), (partner_admin, draft)]:
            with pytest.raises(PermissionDenied):
                services.agreement_accept(actor=actor, version=version)
        with pytest.raises(PermissionDenied):
            services.agreement_accept(actor=partner_admin, version=msp_only)
        assert not AgreementAcceptance.objects.exists()


def test_a_new_version_asks_for_acceptance_again(tenant, tenant_admin, partner_org, partner_admin):
    agreement, v1 = make_agreement(tenant, actor=tenant_admin, body="Version one.")
    with tenant_context(tenant):
        services.agreement_accept(actor=partner_admin, version=v1)
        [before] = selectors.partner_agreements(partner=partner_org)
        v2 = services.agreement_version_create(actor=tenant_admin, agreement=agreement, body="Version two.")
        services.agreement_version_publish(actor=tenant_admin, version=v2, reaccept_by=TODAY + timedelta(days=14))
        [after_publish] = selectors.partner_agreements(partner=partner_org)
        services.agreement_accept(actor=partner_admin, version=v2)
        [after_accept] = selectors.partner_agreements(partner=partner_org)
        evidence = dict(AgreementAcceptance.objects.values_list("version__number", "text"))

    assert (before.state, before.version.number) == ("accepted", 1)
    assert (after_publish.state, after_publish.version.number) == ("needs_acceptance", 2)
    assert after_publish.deadline == TODAY + timedelta(days=14)
    assert (after_publish.last_accepted_number, after_publish.last_accepted_at) == (1, NOW)
    assert (after_accept.state, after_accept.version.number) == ("accepted", 2)
    assert evidence == {1: "Version one.", 2: "Version two."}


def test_the_state_turns_overdue_the_day_after_the_deadline(tenant, tenant_admin, partner_org, frozen):
    make_agreement(tenant, actor=tenant_admin, reaccept_by=TODAY + timedelta(days=2))
    states = []
    for days in (2, 3):
        frozen.move_to(NOW + timedelta(days=days))
        with tenant_context(tenant):
            [item] = selectors.partner_agreements(partner=partner_org)
        states.append(item.state)
    assert states == ["needs_acceptance", "overdue"]


def test_the_staff_overview_counts_acceptances_of_bound_partners(tenant, tenant_admin, partner_org, partner_admin):
    agreement, version = make_agreement(tenant, actor=tenant_admin)
    make_agreement(tenant, actor=tenant_admin, name="Unpublished", publish=False)
    PartnerOrganizationFactory.create_batch(2, tenant=tenant)
    PartnerOrganizationFactory(tenant=tenant, status=PartnerStatus.PROSPECT)
    with tenant_context(tenant):
        services.agreement_accept(actor=partner_admin, version=version)
        rows = {row.agreement.name: row for row in selectors.agreement_overview()}
    program = rows["Partner program agreement"]
    assert (program.current.number, program.accepted, program.pending, program.draft) == (1, 1, 2, None)
    assert rows["Unpublished"].current is None and rows["Unpublished"].draft.number == 1
