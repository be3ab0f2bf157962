"""The partner lifecycle through its services: only STATUS_TRANSITIONS' steps, each recorded with who, when and
why; offboarding cuts access at once and keeps every record; reactivation brings back the status only."""

from itertools import product

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from partners import services
from partners.models import STATUS_TRANSITIONS, PartnerOrganization, PartnerStatus
from prm import selectors as core_selectors
from prm import services as core_services
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import ApiKey, Event, Invitation, Membership
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_api_key

pytestmark = pytest.mark.django_db

ILLEGAL = [
    (before, after)
    for before, after in product(PartnerStatus.values, repeat=2)
    if after not in STATUS_TRANSITIONS[before]
]
LEGAL = [(before, after) for before in PartnerStatus.values for after in sorted(STATUS_TRANSITIONS[before])]
REASON = "Breach of the partner agreement (section 4)."


def partner_in(tenant, status, **kwargs):
    return PartnerOrganizationFactory(tenant=tenant, status=status, **kwargs)


def fresh(partner):
    return PartnerOrganization.objects.get(pk=partner.pk)


def test_every_pair_is_either_legal_or_illegal():
    assert len(ILLEGAL) + len(LEGAL) == len(PartnerStatus.values) ** 2
    assert ("active", "prospect") in ILLEGAL and ("offboarded", "onboarding") in LEGAL


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_illegal_transition_is_refused_with_a_message_and_changes_nothing(tenant, tenant_admin, before, after):
    partner = partner_in(tenant, before, name="Contoso")
    with tenant_context(tenant):
        with pytest.raises(InvalidTransition) as refused:
            services.partner_change_status(actor=tenant_admin, partner=partner, status=after, reason=REASON)
        assert refused.value.field == "status"
        label = {s.value: s.label for s in PartnerStatus}
        assert f"Contoso cannot go from {label[before]} to {label[after]}." in refused.value.message
        unchanged = fresh(partner)
        assert (unchanged.status, unchanged.status_reason) == (before, "")
        assert not Event.objects.filter(type__startswith="partner.").exists()


@pytest.mark.parametrize(("before", "after"), LEGAL)
def test_legal_transition_records_status_reason_history_and_event(tenant, tenant_admin, before, after):
    partner = partner_in(tenant, before)
    with tenant_context(tenant):
        changed = services.partner_change_status(actor=tenant_admin, partner=partner, status=after, reason=REASON)
        assert (fresh(partner).status, fresh(partner).status_reason) == (after, REASON)
        event = Event.objects.get(type__startswith="partner.")
        assert event.subject_id == str(partner.pk) and event.actor_user == tenant_admin.user
        assert event.payload["from"] == before and event.payload["to"] == after and event.payload["reason"] == REASON
        status_rows = [
            c for row in core_selectors.history_for(changed) for c in row["changes"] if c["field"] == "status"
        ]
        assert (status_rows[0]["before"], status_rows[0]["after"]) == (before, after)


@pytest.mark.parametrize(
    ("before", "after", "event_type"),
    [
        ("prospect", "applied", "partner.applied"),
        ("applied", "onboarding", "partner.approved"),
        ("onboarding", "active", "partner.activated"),
        ("active", "suspended", "partner.suspended"),
        ("suspended", "active", "partner.reactivated"),
        ("active", "offboarded", "partner.offboarded"),
        ("offboarded", "onboarding", "partner.reactivated"),
        ("applied", "rejected", "partner.rejected"),
    ],
)
def test_each_step_emits_its_event(tenant, tenant_admin, before, after, event_type):
    partner = partner_in(tenant, before)
    with tenant_context(tenant):
        services.partner_change_status(actor=tenant_admin, partner=partner, status=after, reason=REASON)
        assert list(Event.objects.filter(type__startswith="partner.").values_list("type", flat=True)) == [event_type]


@pytest.mark.parametrize("after", sorted(services.REASON_REQUIRED))
def test_suspend_offboard_and_reject_need_a_reason(tenant, tenant_admin, after):
    before = next(s for s in PartnerStatus.values if after in STATUS_TRANSITIONS[s])
    partner = partner_in(tenant, before)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed) as refused:
            services.partner_change_status(actor=tenant_admin, partner=partner, status=after, reason="   ")
        assert refused.value.field == "reason"
        assert fresh(partner).status == before
        assert not Event.objects.filter(type__startswith="partner.").exists()


def test_time_to_value_stamps_are_set_once(tenant, tenant_admin):
    partner = partner_in(tenant, PartnerStatus.PROSPECT)
    with tenant_context(tenant):
        for step in ("applied", "onboarding", "active"):
            services.partner_change_status(actor=tenant_admin, partner=partner, status=step)
        first = fresh(partner)
        assert first.applied_at and first.approved_at and first.activated_at and first.offboarded_at is None
        services.partner_suspend(actor=tenant_admin, partner=partner, reason=REASON)
        services.partner_reactivate(actor=tenant_admin, partner=partner)
        services.partner_offboard(actor=tenant_admin, partner=partner, reason=REASON)
        offboarded_at = fresh(partner).offboarded_at
        services.partner_reactivate(actor=tenant_admin, partner=partner)
        services.partner_activate(actor=tenant_admin, partner=partner)
        services.partner_offboard(actor=tenant_admin, partner=partner, reason=REASON)
        last = fresh(partner)
        assert (last.applied_at, last.approved_at, last.activated_at) == (
            first.applied_at,
            first.approved_at,
            first.activated_at,
        )
        assert last.offboarded_at == offboarded_at


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.TENANT_ADMIN])
def test_program_staff_may_change_status(tenant, role, partner_org):
    actor = StaffFactory(tenant=tenant, role=role)
    with tenant_context(tenant):
        services.partner_suspend(actor=actor, partner=partner_org, reason=REASON)
        assert fresh(partner_org).status == PartnerStatus.SUSPENDED


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MARKETING, Role.FINANCE, Role.PARTNER_ADMIN])
def test_other_roles_may_not_change_status(tenant, partner_org, role):
    if role == Role.PARTNER_ADMIN:
        actor = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    else:
        actor = StaffFactory(tenant=tenant, role=role)
    with tenant_context(tenant):
        with pytest.raises(PermissionDenied):
            services.partner_suspend(actor=actor, partner=partner_org, reason=REASON)
        assert fresh(partner_org).status == PartnerStatus.ACTIVE


def test_named_use_cases_refuse_steps_that_are_not_theirs(tenant, tenant_admin):
    active = partner_in(tenant, PartnerStatus.ACTIVE, name="Fabrikam")
    with tenant_context(tenant):
        with pytest.raises(InvalidTransition, match="only suspended or offboarded partners can be reactivated"):
            services.partner_reactivate(actor=tenant_admin, partner=active)
        with pytest.raises(InvalidTransition, match="Fabrikam cannot go from Active to Onboarding"):
            services.partner_approve(actor=tenant_admin, partner=active)
        with pytest.raises(InvalidTransition, match="Fabrikam cannot go from Active to Active"):
            services.partner_activate(actor=tenant_admin, partner=active)
        assert fresh(active).status == PartnerStatus.ACTIVE


# Offboarding ------------------------------------------------------------------------------------------------


def session_of(client, membership):
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client.session.session_key


def test_offboarding_cuts_every_kind_of_access_in_one_step(client, tenant, tenant_admin, partner_org):
    people = [PartnerUserFactory(tenant=tenant, partner_organization=partner_org) for _ in range(2)]
    bystander_org = PartnerOrganizationFactory(tenant=tenant, name="Bystander")
    bystander = PartnerUserFactory(tenant=tenant, partner_organization=bystander_org)
    session = session_of(client, people[0])
    bystander_session = session_of(type(client)(), bystander)
    bound_key, _raw = make_api_key(tenant, partner_organization=partner_org)
    other_key, _ = make_api_key(tenant, partner_organization=bystander_org)
    with tenant_context(tenant):
        invitation, _token = core_services.invitation_create(
            actor=tenant_admin, email="new@northwind.example", role=Role.PARTNER_SALES, partner_organization=partner_org
        )
        services.partner_offboard(actor=tenant_admin, partner=partner_org, reason=REASON)

        assert not Membership.objects.filter(partner_organization=partner_org, is_active=True).exists()
        assert Membership.objects.filter(partner_organization=partner_org).count() == 2  # kept, deactivated
        assert Membership.objects.get(pk=bystander.pk).is_active
        assert ApiKey.objects.get(pk=bound_key.pk).revoked_at is not None
        assert ApiKey.objects.get(pk=other_key.pk).revoked_at is None
        assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
        offboarded = Event.objects.get(type="partner.offboarded")
        assert offboarded.payload["access_removed"] == {
            "memberships_deactivated": 2,
            "api_keys_revoked": 1,
            "invitations_withdrawn": 1,
            "sessions_ended": 1,
        }
        assert Event.objects.filter(type="api_key.revoked", subject_id=str(bound_key.pk)).exists()
        assert Event.objects.filter(type="invitation.revoked", subject_id=str(invitation.pk)).exists()
        assert fresh(partner_org).status_reason == REASON
    assert not Session.objects.filter(session_key=session).exists()
    assert Session.objects.filter(session_key=bystander_session).exists()


def test_offboarding_keeps_the_session_of_someone_who_belongs_to_another_program(
    client, tenant, other_tenant, tenant_admin, partner_org
):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    StaffFactory(tenant=other_tenant, user=person.user, role=Role.ANALYST)
    session = session_of(client, person)
    with tenant_context(tenant):
        services.partner_offboard(actor=tenant_admin, partner=partner_org, reason=REASON)
        assert not Membership.objects.get(pk=person.pk).is_active
    assert Session.objects.filter(session_key=session).exists()
    with tenant_context(other_tenant):
        assert Membership.objects.get(user=person.user).is_active


def test_offboarding_keeps_records_and_history(tenant, tenant_admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    with tenant_context(tenant):
        services.partner_offboard(actor=tenant_admin, partner=partner_org, reason=REASON)
        assert PartnerOrganization.objects.filter(pk=partner_org.pk).exists()
        membership_changes = [
            c for row in core_selectors.history_for(Membership.objects.get(pk=person.pk)) for c in row["changes"]
        ]
        assert ("is_active", True, False) in [(c["field"], c["before"], c["after"]) for c in membership_changes]
        partner_changes = [c for row in core_selectors.history_for(partner_org) for c in row["changes"]]
        partner_changes = [(c["field"], c["before"], c["after"]) for c in partner_changes]
        assert ("status", "active", "offboarded") in partner_changes
        assert ("status_reason", "", REASON) in partner_changes


def test_refused_offboarding_cuts_nothing(tenant, tenant_admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    key, _ = make_api_key(tenant, partner_organization=partner_org)
    with tenant_context(tenant):
        with pytest.raises(ValidationFailed):
            services.partner_offboard(actor=tenant_admin, partner=partner_org, reason="")
        assert Membership.objects.get(pk=person.pk).is_active
        assert ApiKey.objects.get(pk=key.pk).revoked_at is None


def test_expired_and_accepted_invitations_are_left_as_they_are(tenant, tenant_admin, partner_org):
    with tenant_context(tenant):
        invitation, _ = core_services.invitation_create(
            actor=tenant_admin,
            email="late@northwind.example",
            role=Role.PARTNER_SALES,
            partner_organization=partner_org,
        )
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
        services.partner_offboard(actor=tenant_admin, partner=partner_org, reason=REASON)
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


# Reactivation -----------------------------------------------------------------------------------------------


def test_reactivating_an_offboarded_partner_restores_the_status_only(tenant, tenant_admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    key, _ = make_api_key(tenant, partner_organization=partner_org)
    with tenant_context(tenant):
        services.partner_offboard(actor=tenant_admin, partner=partner_org, reason=REASON)
        services.partner_reactivate(actor=tenant_admin, partner=partner_org, reason="New agreement signed.")
        back = fresh(partner_org)
        assert (back.status, back.status_reason) == (PartnerStatus.ONBOARDING, "New agreement signed.")
        assert not Membership.objects.get(pk=person.pk).is_active
        assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
        event = Event.objects.get(type="partner.reactivated")
        assert (event.payload["from"], event.payload["to"]) == ("offboarded", "onboarding")
        # A tenant admin brings people back one by one.
        core_services.membership_update(actor=tenant_admin, membership=person, role=person.role, is_active=True)
        assert Membership.objects.get(pk=person.pk).is_active


def test_reactivating_a_suspended_partner_makes_it_active_again(tenant, tenant_admin, partner_org):
    person = PartnerUserFactory(tenant=tenant, partner_organization=partner_org)
    with tenant_context(tenant):
        services.partner_suspend(actor=tenant_admin, partner=partner_org, reason=REASON)
        assert Membership.objects.get(pk=person.pk).is_active  # suspension cuts no access
        services.partner_reactivate(actor=tenant_admin, partner=partner_org)
        back = fresh(partner_org)
        assert (back.status, back.status_reason) == (PartnerStatus.ACTIVE, "")
