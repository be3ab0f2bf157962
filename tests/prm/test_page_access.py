"""Which roles may open which page: the allowed ones get the page, everyone else a 404 (nothing leaks)."""

import pytest

from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, StaffFactory
from tests.prm.helpers import ALL_ROLES

EVERYONE = STAFF_ROLES | PARTNER_ROLES

# page → roles that get it (with 200). {own_org}: the member's own partner organization; {rival_org}: another one.
PAGES = {
    "/t/acme/console/": STAFF_ROLES,
    "/t/acme/portal/": PARTNER_ROLES,
    "/t/acme/portal/team/": {Role.PARTNER_ADMIN},
    "/t/acme/settings/": {Role.TENANT_ADMIN},
    "/t/acme/members/": {Role.TENANT_ADMIN},
    "/t/acme/members/{colleague}/": {Role.TENANT_ADMIN},
    "/t/acme/partners/": STAFF_ROLES,
    "/t/acme/partners/{own_org}/": EVERYONE,
    "/t/acme/partners/{rival_org}/": STAFF_ROLES,
}


@pytest.fixture
def urls(tenant, partner_org):
    rival = PartnerOrganizationFactory(tenant=tenant, name="Rival Networks")
    colleague = StaffFactory(tenant=tenant, role=Role.ANALYST)
    return {"own_org": partner_org.pk, "rival_org": rival.pk, "colleague": colleague.pk}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_page_is_shown_only_to_the_roles_allowed(client, member, urls, path, role):
    login(client, member(role))

    response = client.get(path.format(**urls))

    assert response.status_code == (200 if role in PAGES[path] else 404)


@pytest.mark.parametrize(
    ("role", "landing"), [(Role.ANALYST, "/t/acme/console/"), (Role.PARTNER_SALES, "/t/acme/portal/")]
)
def test_tenant_home_sends_staff_to_the_console_and_partners_to_the_portal(client, member, role, landing):
    login(client, member(role))

    response = client.get("/t/acme/")

    assert response.status_code == 302
    assert response["Location"] == landing


# The program's own address shows signed-out visitors its front page instead (test_views_partner_page.py).
@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, urls, path):
    path = path.format(**urls)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", [*PAGES, "/t/acme/"])
def test_member_of_another_program_gets_not_found(client, urls, other_tenant, path):
    login(client, StaffFactory(tenant=other_tenant))

    assert client.get(path.format(**urls)).status_code == 404


def test_unknown_program_is_not_found(client, tenant_admin):
    login(client, tenant_admin)

    assert client.get("/t/no-such-program/console/").status_code == 404


NAV_LINKS = {
    "/t/acme/console/": STAFF_ROLES,
    "/t/acme/partners/": STAFF_ROLES,
    "/t/acme/portal/": PARTNER_ROLES,
    "/t/acme/portal/team/": {Role.PARTNER_ADMIN},
    "/t/acme/members/": {Role.TENANT_ADMIN},
    "/t/acme/settings/": {Role.TENANT_ADMIN},
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_navbar_links_only_to_pages_the_role_may_open(client, member, partner_org, role):
    login(client, member(role))

    html = client.get(f"/t/acme/partners/{partner_org.pk}/").content.decode()

    nav = html.split('id="mainNav"', 1)[1].split("</ul>", 1)[0]
    shown = {href for href in NAV_LINKS if f'href="{href}"' in nav}
    assert shown == {href for href, roles in NAV_LINKS.items() if role in roles}
