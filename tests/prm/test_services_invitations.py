"""Invitations through the service layer: who may invite whom, the emailed link, and accepting it."""

from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from prm import services
from prm.errors import InvalidTransition, PermissionDenied, ValidationFailed
from prm.models import Invitation, Membership, hash_token
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import PASSWORD, PartnerOrganizationFactory, StaffFactory, UserFactory
from tests.prm.helpers import PARTNER, STAFF, accept_link_in

User = get_user_model()


def invite(actor, email="new.person@example.com", role=Role.PARTNER_SALES, organization=None):
    with tenant_context(actor.tenant):
        return services.invitation_create(actor=actor, email=email, role=role, partner_organization=organization)


def open_invitations(tenant):
    with tenant_context(tenant):
        return list(Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True))


@pytest.mark.parametrize("role", [*STAFF, *PARTNER])
def test_tenant_admin_may_invite_every_role(tenant_admin, partner_org, role):
    invitation, _token = invite(tenant_admin, role=role, organization=partner_org)

    assert invitation.role == role
    expected_org = partner_org.pk if role in PARTNER else None
    assert invitation.partner_organization_id == expected_org
    assert invitation.invited_by == tenant_admin.user


@pytest.mark.parametrize("role", PARTNER)
def test_channel_manager_may_invite_partner_roles(member, partner_org, role):
    invitation, _token = invite(member(Role.CHANNEL_MANAGER), role=role, organization=partner_org)

    assert invitation.role == role


@pytest.mark.parametrize("role", STAFF)
def test_channel_manager_cannot_invite_staff(member, tenant, role):
    with pytest.raises(PermissionDenied):
        invite(member(Role.CHANNEL_MANAGER), role=role)

    assert open_invitations(tenant) == []


@pytest.mark.parametrize("role", [Role.MARKETING, Role.FINANCE, Role.ANALYST, Role.PARTNER_SALES])
def test_roles_without_invite_rights_cannot_invite(member, tenant, partner_org, role):
    with pytest.raises(PermissionDenied):
        invite(member(role), role=Role.PARTNER_SALES, organization=partner_org)

    assert open_invitations(tenant) == []


def test_partner_admin_invites_colleague_into_own_organization(partner_admin, partner_org):
    invitation, _token = invite(partner_admin, role=Role.PARTNER_MARKETING, organization=partner_org)

    assert invitation.partner_organization_id == partner_org.pk


def test_partner_admin_cannot_invite_into_another_organization(partner_admin, tenant):
    rival = PartnerOrganizationFactory(tenant=tenant, name="Rival Networks")

    with pytest.raises(PermissionDenied):
        invite(partner_admin, role=Role.PARTNER_SALES, organization=rival)

    assert open_invitations(tenant) == []


@pytest.mark.parametrize("role", STAFF)
def test_partner_admin_cannot_invite_staff(partner_admin, tenant, partner_org, role):
    with pytest.raises(PermissionDenied):
        invite(partner_admin, role=role, organization=partner_org)

    assert open_invitations(tenant) == []


def test_partner_role_without_organization_is_refused_naming_the_field(tenant_admin, tenant):
    with pytest.raises(ValidationFailed) as refusal:
        invite(tenant_admin, role=Role.PARTNER_ADMIN, organization=None)

    assert refusal.value.field == "partner_organization"
    assert open_invitations(tenant) == []


def test_organization_of_another_tenant_is_refused(tenant_admin, tenant, other_tenant):
    foreign = PartnerOrganizationFactory(tenant=other_tenant, name="Foreign Partner")

    with pytest.raises(ValidationFailed) as refusal:
        invite(tenant_admin, role=Role.PARTNER_ADMIN, organization=foreign)

    assert refusal.value.field == "partner_organization"
    assert open_invitations(tenant) == []


def test_inviting_a_current_member_is_refused(tenant_admin, partner_admin, tenant, partner_org):
    with pytest.raises(ValidationFailed) as refusal:
        invite(tenant_admin, email=partner_admin.user.email.upper(), organization=partner_org)

    assert refusal.value.field == "email"
    assert "already a member" in refusal.value.message


def test_member_of_another_tenant_can_be_invited(tenant_admin, other_tenant, partner_org):
    elsewhere = StaffFactory(tenant=other_tenant)

    invitation, _token = invite(tenant_admin, email=elsewhere.user.email, organization=partner_org)

    assert invitation.email == elsewhere.user.email


def test_email_is_sent_on_commit_with_the_accept_link(
    tenant_admin, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(tenant_admin, email="  Dana@Example.COM ", organization=partner_org)

    assert invitation.email == "dana@example.com"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["dana@example.com"]
    assert "Acme Security Partner Program" in message.subject
    link = accept_link_in(message)
    assert link["slug"] == "acme"
    assert link["token"] == token
    assert "Northwind Secure" in message.body


def test_no_email_is_sent_when_the_invitation_is_rolled_back(
    tenant_admin, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort):
        with tenant_context(tenant_admin.tenant):
            services.invitation_create(
                actor=tenant_admin, email="x@example.com", role=Role.PARTNER_SALES, partner_organization=partner_org
            )
            raise Abort

    assert callbacks == []
    assert mailoutbox == []


def test_the_email_task_is_given_ids_only_never_the_token(
    tenant_admin, tenant, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    from prm.tasks import send_invitation_email

    # Task arguments travel through the broker (Redis) in plain text: the link's secret must not be among them.
    with (
        mock.patch.object(send_invitation_email, "apply_async", wraps=send_invitation_email.apply_async) as enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        invitation, token = invite(tenant_admin, email="dana@example.com", organization=partner_org)

    (args, kwargs), *_ = [call.args for call in enqueued.call_args_list]
    assert (list(args or ()), kwargs) == ([], {"tenant_id": tenant.pk, "invitation_id": invitation.pk})
    assert accept_link_in(mailoutbox[0])["token"] == token  # the task rebuilt the link from the invitation
    with tenant_context(tenant):
        assert services.invitation_by_token(token=token).pk == invitation.pk


def test_the_email_task_sends_no_link_it_cannot_rebuild(
    tenant_admin, tenant, partner_org, django_capture_on_commit_callbacks, mailoutbox, settings, caplog
):
    from prm.tasks import send_invitation_email

    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)
    settings.SECRET_KEY = "rotated-" + "x" * 50  # rotated between the commit and the task: the link would not work

    with caplog.at_level("WARNING", logger="prm.tasks"):
        assert send_invitation_email.delay(tenant_id=tenant.pk, invitation_id=invitation.pk).get() is False

    assert mailoutbox == []
    assert f"invitation {invitation.pk}" in caplog.text


def test_an_email_queued_by_the_previous_release_still_sends_its_link(tenant_admin, tenant, partner_org, mailoutbox):
    from prm.tasks import send_invitation_email

    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)
    random_token = "r" * 43  # issued before links were derived from the invitation
    with tenant_context(tenant):
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(random_token))

    assert send_invitation_email.delay(tenant_id=tenant.pk, invitation_id=invitation.pk, token=random_token).get()

    assert accept_link_in(mailoutbox[0])["token"] == random_token


def test_only_the_hash_of_the_token_is_stored(tenant_admin, tenant, partner_org):
    invitation, token = invite(tenant_admin, organization=partner_org)

    with tenant_context(tenant):
        row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert row["token_hash"] == hash_token(token)
    assert all(token not in str(value) for value in row.values())


def test_reinviting_the_same_email_withdraws_the_older_link(
    tenant_admin, tenant, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _token = invite(tenant_admin, email="sam@example.com", organization=partner_org)
    with django_capture_on_commit_callbacks(execute=True):
        second, _token = invite(tenant_admin, email="SAM@example.com", organization=partner_org)

    first_link, second_link = (accept_link_in(message) for message in mailoutbox)
    with tenant_context(tenant):
        assert services.invitation_by_token(token=first_link["token"]).status == "revoked"
        assert services.invitation_by_token(token=second_link["token"]).pk == second.pk
    assert [i.pk for i in open_invitations(tenant)] == [second.pk]


def test_an_invitation_withdrawn_before_its_email_went_out_sends_nothing(
    tenant_admin, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(tenant_admin, email="sam@example.com", organization=partner_org)
        _second, token = invite(tenant_admin, email="sam@example.com", organization=partner_org)

    assert [accept_link_in(message)["token"] for message in mailoutbox] == [token]


def test_partner_admin_cannot_withdraw_a_staff_invitation_by_reinviting_the_address(
    tenant_admin, partner_admin, tenant, partner_org
):
    staff_invitation, _token = invite(tenant_admin, email="cfo@example.com", role=Role.FINANCE)

    with pytest.raises(ValidationFailed) as refusal:
        invite(partner_admin, email="cfo@example.com", role=Role.PARTNER_SALES, organization=partner_org)

    assert refusal.value.field == "email"
    assert [i.pk for i in open_invitations(tenant)] == [staff_invitation.pk]


def accept_new(invitation, *, first_name="Dana", last_name="Scully", password="a-long-unusual-passphrase-7"):
    with tenant_context(invitation.tenant):
        return services.invitation_accept_as_new_user(
            invitation=invitation, first_name=first_name, last_name=last_name, password=password
        )


def test_accepting_as_new_user_creates_verified_account_and_membership(tenant_admin, tenant, partner_org):
    invitation, _token = invite(
        tenant_admin, email="dana@example.com", role=Role.PARTNER_ADMIN, organization=partner_org
    )

    membership = accept_new(invitation)

    user = User.objects.get(email="dana@example.com")
    assert user.check_password("a-long-unusual-passphrase-7")
    assert (user.first_name, user.last_name) == ("Dana", "Scully")
    assert EmailAddress.objects.filter(user=user, email="dana@example.com", verified=True, primary=True).exists()
    assert membership.user == user
    assert (membership.role, membership.partner_organization_id) == (Role.PARTNER_ADMIN, partner_org.pk)
    with tenant_context(tenant):
        invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user


@pytest.mark.parametrize(
    ("fields", "field_at_fault"),
    [
        ({"first_name": "   "}, "first_name"),
        ({"password": "password123"}, "password"),
        ({"password": "dana-scully"}, "password"),
        ({"password": "short"}, "password"),
    ],
)
def test_bad_input_when_accepting_writes_nothing(tenant_admin, tenant, partner_org, fields, field_at_fault):
    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)

    with pytest.raises(ValidationFailed) as refusal:
        accept_new(invitation, **fields)

    assert refusal.value.field == field_at_fault
    assert not User.objects.filter(email="dana@example.com").exists()
    assert open_invitations(tenant) == [invitation]


def expire(invitation):
    with tenant_context(invitation.tenant):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        invitation.refresh_from_db()


def revoke(invitation, actor):
    with tenant_context(invitation.tenant):
        return services.invitation_revoke(actor=actor, invitation=invitation)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda inv, admin: expire(inv), "expired"),
        (lambda inv, admin: revoke(inv, admin), "withdrawn"),
        (lambda inv, admin: accept_new(inv, first_name="First"), "already been used"),
    ],
    ids=["expired", "withdrawn", "used"],
)
def test_a_closed_invitation_cannot_be_accepted(tenant_admin, tenant, partner_org, spoil, message):
    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)
    spoil(invitation, tenant_admin)
    users_before = User.objects.count()

    with pytest.raises(InvalidTransition) as refusal:
        accept_new(invitation, first_name="Second")

    assert message in refusal.value.message
    assert User.objects.count() == users_before
    assert not User.objects.filter(first_name="Second").exists()


def test_an_expired_invitation_can_be_renewed_by_inviting_again(tenant_admin, tenant, partner_org):
    old, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)
    expire(old)

    new, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)

    assert new.status == "pending"
    assert [i.pk for i in open_invitations(tenant)] == [new.pk]


def test_signed_in_user_with_the_invited_verified_email_joins(tenant_admin, tenant, partner_org, other_tenant):
    elsewhere = StaffFactory(tenant=other_tenant)
    invitation, _token = invite(tenant_admin, email=elsewhere.user.email, organization=partner_org)

    with tenant_context(tenant):
        membership = services.invitation_accept(invitation=invitation, user=elsewhere.user)
        assert Membership.objects.get(user=elsewhere.user).pk == membership.pk
    assert membership.role == Role.PARTNER_SALES


def test_user_whose_email_differs_cannot_accept(tenant_admin, tenant, partner_org):
    stranger = UserFactory(email="stranger@example.com")
    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)

    with tenant_context(tenant), pytest.raises(ValidationFailed) as refusal:
        services.invitation_accept(invitation=invitation, user=stranger)

    assert "dana@example.com" in refusal.value.message
    with tenant_context(tenant):
        assert not Membership.objects.filter(user=stranger).exists()
    assert open_invitations(tenant) == [invitation]


def test_user_with_the_invited_email_unverified_cannot_accept(tenant_admin, tenant, partner_org):
    user = UserFactory(email="dana@example.com")
    EmailAddress.objects.filter(user=user).update(verified=False)
    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)

    with tenant_context(tenant), pytest.raises(ValidationFailed):
        services.invitation_accept(invitation=invitation, user=user)

    with tenant_context(tenant):
        assert not Membership.objects.filter(user=user).exists()


def test_existing_account_must_sign_in_rather_than_create_a_second_one(tenant_admin, tenant, partner_org):
    UserFactory(email="dana@example.com")
    invitation, _token = invite(tenant_admin, email="dana@example.com", organization=partner_org)

    with pytest.raises(ValidationFailed) as refusal:
        accept_new(invitation)

    assert refusal.value.field == "email"
    assert User.objects.filter(email="dana@example.com").count() == 1
    assert User.objects.get(email="dana@example.com").check_password(PASSWORD)


def test_channel_manager_cannot_withdraw_a_staff_invitation(tenant_admin, member, tenant):
    staff_invitation, _token = invite(tenant_admin, email="cfo@example.com", role=Role.FINANCE)

    with pytest.raises(PermissionDenied):
        revoke(staff_invitation, member(Role.CHANNEL_MANAGER))

    assert open_invitations(tenant) == [staff_invitation]


def test_partner_admin_cannot_withdraw_another_organizations_invitation(tenant_admin, partner_admin, tenant):
    rival = PartnerOrganizationFactory(tenant=tenant, name="Rival Networks")
    rival_invitation, _token = invite(tenant_admin, email="r@example.com", organization=rival)

    with pytest.raises(PermissionDenied):
        revoke(rival_invitation, partner_admin)

    assert open_invitations(tenant) == [rival_invitation]


def test_a_withdrawn_invitation_cannot_be_withdrawn_again(tenant_admin, partner_org):
    invitation, _token = invite(tenant_admin, organization=partner_org)
    revoke(invitation, tenant_admin)

    with pytest.raises(InvalidTransition) as refusal:
        revoke(invitation, tenant_admin)

    assert "revoked" in refusal.value.message


def test_partner_admin_may_reinvite_an_address_whose_staff_invitation_expired(
    tenant_admin, partner_admin, tenant, partner_org
):
    staff_invitation, _token = invite(tenant_admin, email="cfo@example.com", role=Role.FINANCE)
    expire(staff_invitation)

    invitation, _token = invite(partner_admin, email="cfo@example.com", organization=partner_org)

    assert [i.pk for i in open_invitations(tenant)] == [invitation.pk]


def test_invitation_email_is_plain_text_without_html_escapes(
    tenant, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    inviter = StaffFactory(tenant=tenant, user=UserFactory(first_name="Seán", last_name="O'Brien & Co"))

    with django_capture_on_commit_callbacks(execute=True):
        invite(inviter, organization=partner_org)

    assert "Seán O'Brien & Co invited you" in mailoutbox[0].body
