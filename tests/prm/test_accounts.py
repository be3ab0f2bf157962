"""Signing in and finding one's programs: the home page, the tenant switcher, login throttling, password reset."""

import pytest

from prm.roles import Role
from tests.conftest import login
from tests.factories import PASSWORD, StaffFactory, TenantFactory, UserFactory

LOGIN = "/accounts/login/"


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_member_of_one_program_goes_straight_to_it(client, tenant_admin):
    login(client, tenant_admin)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/t/acme/"


def test_member_of_two_programs_chooses_between_them(client, tenant_admin, other_tenant):
    StaffFactory(tenant=other_tenant, user=tenant_admin.user, role=Role.ANALYST)
    login(client, tenant_admin)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/t/acme/"' in html
    assert 'href="/t/globex/"' in html
    assert "Acme Security Partner Program" in html
    assert "Globex Firewalls Partner Program" in html


def test_tenant_switcher_offers_the_other_program_inside_a_program(client, tenant_admin, other_tenant):
    StaffFactory(tenant=other_tenant, user=tenant_admin.user, role=Role.ANALYST)
    login(client, tenant_admin)

    html = client.get("/t/acme/console/").content.decode()

    switcher = html.split('id="tenantSwitcher"', 1)[1].split("</ul>", 1)[0]
    assert 'class="dropdown-item active" href="/t/acme/"' in switcher
    assert 'href="/t/globex/"' in switcher


def test_no_switcher_for_a_member_of_one_program(client, tenant_admin):
    login(client, tenant_admin)

    html = client.get("/t/acme/console/").content.decode()

    assert 'id="tenantSwitcher"' not in html


def test_deactivated_and_inactive_programs_are_not_offered(client, tenant_admin, other_tenant):
    StaffFactory(tenant=other_tenant, user=tenant_admin.user, is_active=False)
    closed = TenantFactory(slug="initech", name="Initech", is_active=False)
    StaffFactory(tenant=closed, user=tenant_admin.user)
    login(client, tenant_admin)

    response = client.get("/")

    assert response["Location"] == "/t/acme/"
    assert client.get("/t/globex/").status_code == 404
    assert client.get("/t/initech/").status_code == 404


def test_user_without_a_program_is_told_how_to_join(client, db):
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/")

    assert response.status_code == 200
    assert "Ask the program's administrator for an invitation" in response.content.decode()


# --- Signing in -------------------------------------------------------------------------------------------------


def sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_right_password_signs_in(client, tenant_admin):
    response = sign_in(client, tenant_admin.user.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_wrong_password_is_refused_with_a_message(client, tenant_admin):
    response = sign_in(client, tenant_admin.user.email, "not-the-password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert not signed_in(client)


def test_four_wrong_passwords_do_not_lock_the_account(client, tenant_admin):
    for _ in range(4):
        sign_in(client, tenant_admin.user.email, "not-the-password")

    sign_in(client, tenant_admin.user.email, PASSWORD)

    assert signed_in(client)


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, tenant_admin):
    for _ in range(5):
        sign_in(client, tenant_admin.user.email, "not-the-password")

    response = sign_in(client, tenant_admin.user.email, PASSWORD)

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not signed_in(client)


def test_locking_one_account_leaves_other_accounts_alone(client, tenant_admin, member):
    colleague = member(Role.ANALYST)
    for _ in range(5):
        sign_in(client, tenant_admin.user.email, "not-the-password")

    sign_in(client, colleague.user.email, PASSWORD)

    assert signed_in(client)


@pytest.mark.parametrize("spelling", ["upper", "title"])
def test_changing_the_case_of_the_email_does_not_escape_the_lock(client, tenant_admin, spelling):
    email = tenant_admin.user.email
    for _ in range(5):
        sign_in(client, email, "not-the-password")

    response = sign_in(client, getattr(email, spelling)(), PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


# --- Password reset ---------------------------------------------------------------------------------------------


def test_password_reset_email_is_sent_for_a_known_address(client, tenant_admin, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": tenant_admin.user.email})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    [message] = mailoutbox
    assert message.to == [tenant_admin.user.email]
    assert "/accounts/password/reset/key/" in message.body


def test_password_reset_answers_the_same_for_an_unknown_address(client, db, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert all("/accounts/password/reset/key/" not in message.body for message in mailoutbox)
