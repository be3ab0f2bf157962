"""Domain events become notifications, through the real services and the outbox relay (eager on commit in tests)."""

import pytest

from prm import services
from prm.api.keys import api_key_create, api_key_revoke
from prm.models import Event, Notification
from prm.roles import Role
from prm.tenancy import all_tenants, tenant_context
from tests.factories import StaffFactory


def notifications_of(user):
    with all_tenants():
        return list(Notification.unscoped.filter(user=user).order_by("id"))


def invite_and_accept(inviter, *, email="dana@example.com", role=Role.PARTNER_SALES, organization=None, capture):
    """The inviter invites `email`, who creates an account from the link; every relay runs on commit."""
    with capture(execute=True), tenant_context(inviter.tenant):
        invitation, _token = services.invitation_create(
            actor=inviter, email=email, role=role, partner_organization=organization
        )
    with capture(execute=True), tenant_context(inviter.tenant):
        membership = services.invitation_accept_as_new_user(
            invitation=invitation, first_name="Dana", last_name="Scully", password="a-long-enough-pw-42"
        )
    return invitation, membership


def test_inviter_is_notified_when_their_invitation_is_accepted(
    tenant, partner_admin, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    _invitation, membership = invite_and_accept(
        partner_admin, organization=partner_org, capture=django_capture_on_commit_callbacks
    )

    [notification] = notifications_of(partner_admin.user)
    assert notification.kind == "invitation.accepted"
    assert notification.title == "Dana Scully accepted your invitation"
    assert notification.body == "dana@example.com joined the program as Partner sales at Northwind Secure."
    assert notification.url == "/t/acme/portal/team/"  # a partner admin sees colleagues on the team page
    assert notifications_of(membership.user) == []
    assert [m.to for m in mailoutbox if "accepted your invitation" in m.subject] == [[partner_admin.user.email]]


def test_tenant_admin_inviter_is_sent_to_the_new_members_page(tenant, tenant_admin, django_capture_on_commit_callbacks):
    _invitation, membership = invite_and_accept(
        tenant_admin, role=Role.FINANCE, capture=django_capture_on_commit_callbacks
    )

    [notification] = notifications_of(tenant_admin.user)
    assert notification.url == f"/t/acme/members/{membership.pk}/"


def test_inviter_who_left_the_program_is_not_notified(
    tenant, tenant_admin, partner_admin, partner_org, django_capture_on_commit_callbacks
):
    with tenant_context(tenant):
        invitation, _token = services.invitation_create(
            actor=partner_admin, email="dana@example.com", role=Role.PARTNER_SALES, partner_organization=partner_org
        )
        services.membership_update(
            actor=tenant_admin, membership=partner_admin, role=Role.PARTNER_ADMIN, is_active=False
        )
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        services.invitation_accept_as_new_user(
            invitation=invitation, first_name="Dana", last_name="", password="a-long-enough-pw-42"
        )

    assert notifications_of(partner_admin.user) == []


def test_first_admin_invited_by_the_platform_notifies_nobody(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tenant, invitation, _token = services.tenant_create(
            slug="initech", name="Initech", admin_email="pat@initech.example"
        )
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        services.invitation_accept_as_new_user(
            invitation=invitation, first_name="Pat", last_name="", password="a-long-enough-pw-42"
        )

    with all_tenants():
        assert not Notification.unscoped.filter(tenant=tenant).exists()


def test_a_relay_run_twice_notifies_once(tenant, tenant_admin, django_capture_on_commit_callbacks):
    from prm.tasks import relay_events

    invite_and_accept(tenant_admin, role=Role.ANALYST, capture=django_capture_on_commit_callbacks)
    relay_events.delay(tenant_id=tenant.pk).get()

    assert len(notifications_of(tenant_admin.user)) == 1


@pytest.mark.parametrize("action", ["created", "revoked"])
def test_tenant_admins_are_notified_of_api_keys(
    tenant, tenant_admin, colleague, partner_admin, django_capture_on_commit_callbacks, action
):
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        api_key, _raw = api_key_create(actor=tenant_admin, name="CRM sync", scopes=["partners:read"])
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        api_key_revoke(actor=tenant_admin, api_key=api_key)

    for admin in (tenant_admin, colleague):
        notification = next(n for n in notifications_of(admin.user) if n.kind == f"api_key.{action}")
        assert notification.title == f"API key “CRM sync” {action}"
        assert api_key.prefix in notification.body
        assert notification.body.startswith(f"{tenant_admin.user.get_full_name()} {action} the API key")
        assert notification.url.startswith("/t/acme/")
    assert notifications_of(analyst.user) == [] and notifications_of(partner_admin.user) == []


# --- The events the core's services now record -------------------------------------------------------------------


def events(tenant, type_):
    with tenant_context(tenant):
        return list(Event.objects.filter(type=type_).order_by("id"))


def test_invitation_events_carry_ids_email_and_role_but_never_the_token(
    tenant, tenant_admin, partner_org, django_capture_on_commit_callbacks
):
    with tenant_context(tenant):
        first, first_token = services.invitation_create(
            actor=tenant_admin, email="dana@example.com", role=Role.PARTNER_SALES, partner_organization=partner_org
        )
        second, second_token = services.invitation_create(
            actor=tenant_admin, email="dana@example.com", role=Role.PARTNER_ADMIN, partner_organization=partner_org
        )
        third, third_token = services.invitation_create(actor=tenant_admin, email="cfo@example.com", role=Role.FINANCE)
        services.invitation_revoke(actor=tenant_admin, invitation=third)
    with tenant_context(tenant):
        membership = services.invitation_accept_as_new_user(
            invitation=second, first_name="Dana", last_name="", password="a-long-enough-pw-42"
        )

    created = events(tenant, "invitation.created")
    assert [e.payload for e in created] == [
        {
            "invitation_id": invitation.pk,
            "email": invitation.email,
            "role": invitation.role,
            "partner_organization_id": invitation.partner_organization_id,
            "invited_by_id": tenant_admin.user_id,
        }
        for invitation in (first, second, third)
    ]
    assert all(e.actor_user_id == tenant_admin.user_id for e in created)
    revoked = {e.payload["invitation_id"]: e.payload for e in events(tenant, "invitation.revoked")}
    assert revoked[first.pk]["reason"] == "replaced" and revoked[first.pk]["replaced_by_id"] == second.pk
    assert revoked[third.pk]["reason"] == "withdrawn"
    [accepted] = events(tenant, "invitation.accepted")
    assert accepted.payload["membership_id"] == membership.pk and accepted.payload["user_id"] == membership.user_id
    assert accepted.actor_user_id == membership.user_id
    with tenant_context(tenant):
        every_payload = str(list(Event.objects.values_list("payload", flat=True)))
    assert not any(token in every_payload for token in (first_token, second_token, third_token))
    assert "token" not in every_payload


def test_membership_and_settings_changes_are_events_only_when_something_changed(tenant, tenant_admin):
    analyst = StaffFactory(tenant=tenant, role=Role.ANALYST)
    with tenant_context(tenant):
        services.membership_update(actor=tenant_admin, membership=analyst, role=Role.ANALYST, is_active=True)
        services.membership_update(actor=tenant_admin, membership=analyst, role=Role.FINANCE, is_active=True)
        for colour in ("#112233", "#112233"):
            services.tenant_settings_update(
                actor=tenant_admin, program_name="Acme Partners", primary_colour=colour, require_mfa_for_staff=False
            )

    [updated] = events(tenant, "membership.updated")
    assert updated.payload == {
        "membership_id": analyst.pk,
        "user_id": analyst.user_id,
        "email": analyst.user.email,
        "role": Role.FINANCE,
        "is_active": True,
        "partner_organization_id": None,
        "previous": {"role": Role.ANALYST, "is_active": True},
    }
    [settings_updated] = events(tenant, "tenant.settings_updated")
    assert settings_updated.payload["changed"] == ["program_name", "primary_colour"]
    assert settings_updated.payload["primary_colour"] == "#112233"
    assert settings_updated.actor_user_id == tenant_admin.user_id
