"""Invitations through the pages: the invite forms of admins, channel managers and partner admins, the emailed
link, accepting it, and withdrawing it."""

from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from prm import services
from prm.models import Invitation, Membership
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PASSWORD, PartnerOrganizationFactory, StaffFactory, UserFactory
from tests.prm.helpers import accept_link_in

User = get_user_model()
NEW_PASSWORD = "a-long-unusual-passphrase-7"


def invitations(tenant, **filters):
    with tenant_context(tenant):
        return list(Invitation.objects.filter(**filters))


def invite(actor, email="dana@example.com", role=Role.PARTNER_SALES, organization=None):
    """An invitation made through the service; returns (invitation, token) as the emailed link would carry."""
    with tenant_context(actor.tenant):
        return services.invitation_create(actor=actor, email=email, role=role, partner_organization=organization)


def accept_url(token, slug="acme"):
    return f"/t/{slug}/invitations/accept/{token}/"


def field_error(response, field):
    """The error shown under a form field (the element the field's aria-describedby points at)."""
    html = response.content.decode()
    marker = f'id="id_{field}-error">'
    assert marker in html, f"no error shown for field {field!r}"
    return html.split(marker, 1)[1].split("</div>", 1)[0]


# --- Inviting ---------------------------------------------------------------------------------------------------


def test_tenant_admin_invites_staff_from_members_page_and_the_email_carries_the_link(
    client, tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    login(client, tenant_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/t/acme/members/", {"email": "cfo@example.com", "role": Role.FINANCE}, follow=True)

    assert response.redirect_chain == [("/t/acme/members/", 302)]
    assert "Invitation sent to cfo@example.com" in response.content.decode()
    [invitation] = invitations(tenant)
    assert (invitation.email, invitation.role, invitation.partner_organization) == ("cfo@example.com", "finance", None)
    [message] = mailoutbox
    assert message.to == ["cfo@example.com"]
    assert accept_link_in(message)["slug"] == "acme"
    # The open invitation is listed, with a way to withdraw it.
    assert f"/t/acme/invitations/{invitation.pk}/revoke/" in response.content.decode()


def test_tenant_admin_invites_partner_user_into_chosen_organization(client, tenant, tenant_admin, partner_org):
    login(client, tenant_admin)

    response = client.post(
        "/t/acme/members/",
        {"email": "rep@northwind.example", "role": Role.PARTNER_ADMIN, "partner_organization": partner_org.pk},
    )

    assert response.status_code == 302
    [invitation] = invitations(tenant)
    assert (invitation.role, invitation.partner_organization_id) == (Role.PARTNER_ADMIN, partner_org.pk)


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"email": "not-an-email", "role": Role.ANALYST}, "email", "valid email"),
        ({"email": "", "role": Role.ANALYST}, "email", "required"),
        ({"email": "rep@example.com", "role": Role.PARTNER_SALES}, "partner_organization", "partner organization"),
        ({"email": "rep@example.com", "role": "owner"}, "role", "valid choice"),
    ],
    ids=["bad-email", "blank-email", "partner-role-without-organization", "unknown-role"],
)
def test_bad_invitation_input_names_the_field_and_writes_nothing(
    client, tenant, tenant_admin, mailoutbox, data, field, text
):
    login(client, tenant_admin)

    response = client.post("/t/acme/members/", data)

    assert response.status_code == 400
    assert text in field_error(response, field)
    assert invitations(tenant) == []
    assert mailoutbox == []


def test_inviting_an_existing_member_says_so_on_the_email_field(client, tenant, tenant_admin, partner_admin):
    login(client, tenant_admin)

    response = client.post("/t/acme/members/", {"email": partner_admin.user.email, "role": Role.ANALYST})

    assert response.status_code == 400
    assert "already a member" in field_error(response, "email")
    assert invitations(tenant) == []


def test_channel_manager_invites_partner_user_from_the_partner_page(client, tenant, member, partner_org):
    login(client, member(Role.CHANNEL_MANAGER))

    response = client.post(f"/t/acme/partners/{partner_org.pk}/", {"email": "rep@example.com", "role": "partner_sales"})

    assert response.status_code == 302
    [invitation] = invitations(tenant)
    assert invitation.partner_organization_id == partner_org.pk


@pytest.mark.parametrize("role", [Role.TENANT_ADMIN, Role.ANALYST, Role.FINANCE])
def test_channel_manager_cannot_invite_staff_roles(client, tenant, member, partner_org, role):
    login(client, member(Role.CHANNEL_MANAGER))

    response = client.post(f"/t/acme/partners/{partner_org.pk}/", {"email": "x@example.com", "role": role})

    assert response.status_code == 400
    assert "valid choice" in field_error(response, "role")
    assert invitations(tenant) == []


def test_channel_manager_has_no_members_page_to_invite_staff_from(client, tenant, member):
    login(client, member(Role.CHANNEL_MANAGER))

    response = client.post("/t/acme/members/", {"email": "x@example.com", "role": Role.TENANT_ADMIN})

    assert response.status_code == 404
    assert invitations(tenant) == []


def test_partner_admin_invites_a_colleague_from_the_team_page(
    client, tenant, partner_admin, partner_org, django_capture_on_commit_callbacks, mailoutbox
):
    login(client, partner_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/t/acme/portal/team/", {"email": "colleague@northwind.example", "role": "partner_marketing"}, follow=True
        )

    assert response.status_code == 200
    assert "Invitation sent to colleague@northwind.example" in response.content.decode()
    [invitation] = invitations(tenant)
    assert (invitation.role, invitation.partner_organization_id) == (Role.PARTNER_MARKETING, partner_org.pk)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("role", [Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST])
def test_partner_admin_cannot_invite_staff_roles(client, tenant, partner_admin, role):
    login(client, partner_admin)

    response = client.post("/t/acme/portal/team/", {"email": "x@example.com", "role": role})

    assert response.status_code == 400
    assert "valid choice" in field_error(response, "role")
    assert invitations(tenant) == []


def test_partner_admin_cannot_invite_into_another_organization(client, tenant, partner_admin):
    rival = PartnerOrganizationFactory(tenant=tenant, name="Rival Networks")
    login(client, partner_admin)

    on_team_page = client.post(
        "/t/acme/portal/team/", {"email": "x@example.com", "role": "partner_sales", "partner_organization": rival.pk}
    )
    on_rival_page = client.post(f"/t/acme/partners/{rival.pk}/", {"email": "y@example.com", "role": "partner_sales"})

    assert on_team_page.status_code == 400
    assert "only into Northwind Secure" in on_team_page.content.decode()
    assert on_rival_page.status_code == 404
    assert invitations(tenant) == []


@pytest.mark.parametrize("url", ["/t/acme/portal/team/", "/t/acme/partners/{org}/"])
def test_partner_sales_cannot_invite(client, tenant, member, partner_org, url):
    login(client, member(Role.PARTNER_SALES))

    response = client.post(url.format(org=partner_org.pk), {"email": "x@example.com", "role": "partner_sales"})

    assert response.status_code == 404
    assert invitations(tenant) == []


def test_reinviting_from_the_page_withdraws_the_older_link(
    client, tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    login(client, tenant_admin)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/t/acme/members/", {"email": "cfo@example.com", "role": Role.FINANCE})

    old_link, new_link = (accept_link_in(message)["token"] for message in mailoutbox)
    client.logout()
    assert client.get(accept_url(old_link)).status_code == 410
    assert client.get(accept_url(new_link)).status_code == 200
    assert len(invitations(tenant, revoked_at__isnull=True)) == 1


# --- Accepting --------------------------------------------------------------------------------------------------


def test_invitation_page_says_who_invited_whom_and_as_what(client, tenant_admin, partner_org):
    _invitation, token = invite(tenant_admin, role=Role.PARTNER_ADMIN, organization=partner_org)

    response = client.get(accept_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert "dana@example.com" in html
    assert "Partner admin" in html
    assert "Northwind Secure" in html
    assert str(tenant_admin.user) in html


def test_accepting_as_new_user_creates_account_joins_and_lands_on_the_tenant_home(
    client, tenant, tenant_admin, partner_org
):
    _invitation, token = invite(tenant_admin, role=Role.PARTNER_ADMIN, organization=partner_org)

    response = client.post(
        accept_url(token),
        {"first_name": "Dana", "last_name": "Scully", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/t/acme/"
    user = User.objects.get(email="dana@example.com")
    assert user.first_name == "Dana"
    assert EmailAddress.objects.get(user=user).verified
    with tenant_context(tenant):
        membership = Membership.objects.get(user=user)
    assert (membership.role, membership.partner_organization_id) == (Role.PARTNER_ADMIN, partner_org.pk)
    # Signed in: the tenant home takes the new partner admin to the portal, with a welcome.
    portal = client.get("/t/acme/", follow=True)
    assert portal.redirect_chain[-1][0] == "/t/acme/portal/"
    assert "Welcome to Acme Security Partner Program" in portal.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"first_name": ""}, "first_name", "required"),
        ({"first_name": "   "}, "first_name", "required"),
        ({"password2": "something-else-entirely"}, "password2", "differ"),
        ({"password1": "password1234", "password2": "password1234"}, "password1", "too common"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1", "entirely numeric"),
        ({"password1": "short", "password2": "short"}, "password1", "at least 10 characters"),
    ],
    ids=["no-first-name", "blank-first-name", "mismatch", "common", "numeric", "short"],
)
def test_bad_input_when_accepting_names_the_field_and_writes_nothing(
    client, tenant, tenant_admin, partner_org, data, field, text
):
    _invitation, token = invite(tenant_admin, organization=partner_org)
    form = {"first_name": "Dana", "last_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **data}

    response = client.post(accept_url(token), form)

    assert response.status_code == 400
    assert text in field_error(response, field)
    assert not User.objects.filter(email="dana@example.com").exists()
    assert "_auth_user_id" not in client.session
    assert len(invitations(tenant, accepted_at__isnull=True, revoked_at__isnull=True)) == 1


def test_unknown_token_gives_a_clear_not_found_page(client, tenant):
    response = client.get(accept_url("no-such-token"))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_token_of_one_tenant_is_unknown_at_another(client, tenant_admin, other_tenant, partner_org):
    _invitation, token = invite(tenant_admin, organization=partner_org)

    response = client.get(accept_url(token, slug="globex"))

    assert response.status_code == 404


def _expire(invitation, admin):
    with tenant_context(invitation.tenant):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _withdraw(invitation, admin):
    with tenant_context(invitation.tenant):
        services.invitation_revoke(actor=admin, invitation=invitation)


def _use(invitation, admin):
    with tenant_context(invitation.tenant):
        services.invitation_accept_as_new_user(
            invitation=invitation, first_name="Earlier", last_name="", password=NEW_PASSWORD
        )


@pytest.mark.parametrize(
    ("spoil", "text"),
    [(_expire, "has expired"), (_withdraw, "was withdrawn"), (_use, "already been used")],
    ids=["expired", "withdrawn", "used"],
)
def test_closed_invitation_link_gives_a_gone_page_and_changes_nothing(
    client, tenant, tenant_admin, partner_org, spoil, text
):
    invitation, token = invite(tenant_admin, organization=partner_org)
    spoil(invitation, tenant_admin)
    with tenant_context(tenant):
        members_before = Membership.objects.count()
    users_before = User.objects.count()

    shown = client.get(accept_url(token))
    posted = client.post(
        accept_url(token),
        {"first_name": "Later", "last_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    for response in (shown, posted):
        assert response.status_code == 410
        assert text in response.content.decode()
    assert User.objects.count() == users_before
    with tenant_context(tenant):
        assert Membership.objects.count() == members_before


def test_expiry_is_judged_by_the_clock_at_the_time_of_use(client, tenant_admin, partner_org):
    invitation, token = invite(tenant_admin, organization=partner_org)
    later = invitation.expires_at + timedelta(seconds=1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(accept_url(token))

    assert response.status_code == 410
    assert "has expired" in response.content.decode()


def test_signed_in_user_with_another_email_cannot_accept(client, tenant, tenant_admin, partner_org):
    _invitation, token = invite(tenant_admin, organization=partner_org)
    stranger = UserFactory(email="stranger@example.com")
    client.force_login(stranger, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "This invitation is for dana@example.com" in response.content.decode()
    with tenant_context(tenant):
        assert not Membership.objects.filter(user=stranger).exists()
    assert len(invitations(tenant, accepted_at__isnull=True, revoked_at__isnull=True)) == 1


def test_signed_in_user_with_the_invited_email_accepts_with_one_click(
    client, tenant, other_tenant, tenant_admin, partner_org
):
    elsewhere = StaffFactory(tenant=other_tenant)
    _invitation, token = invite(tenant_admin, email=elsewhere.user.email, organization=partner_org)
    login(client, elsewhere)

    response = client.post(accept_url(token))

    assert response.status_code == 302
    assert response["Location"] == "/t/acme/"
    with tenant_context(tenant):
        assert Membership.objects.get(user=elsewhere.user).partner_organization_id == partner_org.pk


def test_anonymous_visitor_with_an_existing_account_is_asked_to_sign_in(client, tenant, tenant_admin, partner_org):
    existing = UserFactory(email="dana@example.com")
    _invitation, token = invite(tenant_admin, organization=partner_org)

    shown = client.get(accept_url(token))
    posted = client.post(
        accept_url(token),
        {"first_name": "Imposter", "last_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert "Sign in to accept" in shown.content.decode()
    assert posted.status_code == 400
    existing.refresh_from_db()
    assert existing.first_name != "Imposter"
    assert existing.check_password(PASSWORD)
    with tenant_context(tenant):
        assert not Membership.objects.filter(user=existing).exists()


def test_member_opening_an_invitation_is_told_they_already_belong(client, tenant_admin, partner_admin, partner_org):
    _invitation, token = invite(tenant_admin, organization=partner_org)
    login(client, partner_admin)

    response = client.get(accept_url(token))

    assert response.status_code == 409
    assert "already a member" in response.content.decode()


# --- Withdrawing ------------------------------------------------------------------------------------------------


def revoke_url(invitation):
    return f"/t/acme/invitations/{invitation.pk}/revoke/"


def test_tenant_admin_withdraws_an_invitation_and_its_link_stops_working(client, tenant, tenant_admin, partner_org):
    invitation, token = invite(tenant_admin, organization=partner_org)
    login(client, tenant_admin)

    response = client.post(revoke_url(invitation), {"next": "/t/acme/members/"}, follow=True)

    assert response.redirect_chain == [("/t/acme/members/", 302)]
    assert "The invitation to dana@example.com was withdrawn" in response.content.decode()
    assert invitations(tenant)[0].status == "revoked"
    client.logout()
    assert client.get(accept_url(token)).status_code == 410


def test_partner_admin_withdraws_own_organizations_invitation(client, tenant, partner_admin, partner_org):
    invitation, _token = invite(partner_admin, organization=partner_org)
    login(client, partner_admin)

    response = client.post(revoke_url(invitation), {"next": "/t/acme/portal/team/"})

    assert response["Location"] == "/t/acme/portal/team/"
    assert invitations(tenant)[0].status == "revoked"


def test_channel_manager_cannot_withdraw_a_staff_invitation(client, tenant, tenant_admin, member):
    invitation, _token = invite(tenant_admin, role=Role.FINANCE)
    login(client, member(Role.CHANNEL_MANAGER))

    response = client.post(revoke_url(invitation))

    assert response.status_code == 404
    assert invitations(tenant)[0].status == "pending"


def test_partner_admin_cannot_withdraw_another_organizations_invitation(client, tenant, tenant_admin, partner_admin):
    rival = PartnerOrganizationFactory(tenant=tenant, name="Rival Networks")
    invitation, _token = invite(tenant_admin, organization=rival)
    login(client, partner_admin)

    response = client.post(revoke_url(invitation))

    assert response.status_code == 404
    assert invitations(tenant)[0].status == "pending"


def test_withdrawing_an_invitation_of_another_tenant_is_not_found(client, tenant_admin, other_tenant):
    foreign_admin = StaffFactory(tenant=other_tenant)
    foreign, _token = invite(foreign_admin, role=Role.ANALYST)
    login(client, tenant_admin)

    response = client.post(revoke_url(foreign))

    assert response.status_code == 404
    assert invitations(other_tenant)[0].status == "pending"


def test_withdrawing_twice_explains_why_the_second_time(client, tenant_admin, partner_org):
    invitation, _token = invite(tenant_admin, organization=partner_org)
    login(client, tenant_admin)
    client.post(revoke_url(invitation))

    response = client.post(revoke_url(invitation), {"next": "/t/acme/members/"}, follow=True)

    assert "can no longer be withdrawn" in response.content.decode()


def test_withdraw_does_not_redirect_off_site(client, tenant_admin, partner_org):
    invitation, _token = invite(tenant_admin, organization=partner_org)
    login(client, tenant_admin)

    response = client.post(revoke_url(invitation), {"next": "https://evil.example/phish"})

    assert response["Location"] == "/t/acme/"
