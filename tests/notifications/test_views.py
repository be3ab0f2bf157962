"""The bell, the notifications page and its actions: a member only ever sees and changes their own."""

import json
import re

import pytest
from django.urls import reverse

from prm.models import Notification
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import StaffFactory
from tests.notifications.conftest import send

HTMX = {"HTTP_HX_REQUEST": "true"}


def badge(html: str) -> str | None:
    match = re.search(r'data-testid="notification-count">([^<]+)<', html)
    return match.group(1) if match else None


def reload(notification):
    with tenant_context(notification.tenant):
        return Notification.objects.get(pk=notification.pk)


# --- The bell ----------------------------------------------------------------------------------------------------


def test_bell_partial_returns_just_the_badge_with_the_unread_count(client, tenant, tenant_admin, colleague):
    mine = send(tenant, [tenant_admin.user]) + send(tenant, [tenant_admin.user]) + send(tenant, [tenant_admin.user])
    send(tenant, [colleague.user])  # someone else's
    with tenant_context(tenant):
        Notification.objects.filter(pk=mine[0].pk).update(read_at=mine[0].created_at)
    login(client, tenant_admin)

    response = client.get("/t/acme/notifications/bell/", **HTMX)

    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<span id="notification-badge"') and html.endswith("</span>")
    assert "<nav" not in html and "<html" not in html
    assert badge(html) == "2"
    assert 'hx-trigger="every 30s, notifications-changed from:body"' in html  # keeps polling, no reload loop


def test_bell_shows_no_badge_without_unread_and_caps_at_99(client, tenant, tenant_admin):
    login(client, tenant_admin)
    assert badge(client.get("/t/acme/notifications/bell/").content.decode()) is None

    with tenant_context(tenant):
        Notification.objects.bulk_create(
            [Notification(user=tenant_admin.user, kind="invitation.accepted", title=f"n{i}") for i in range(100)]
        )
    assert badge(client.get("/t/acme/notifications/bell/").content.decode()) == "99+"


def test_every_tenant_page_has_the_bell_with_its_count(client, tenant, tenant_admin):
    send(tenant, [tenant_admin.user])
    login(client, tenant_admin)

    html = client.get("/t/acme/console/").content.decode()

    assert 'id="notification-bell"' in html
    assert 'href="/t/acme/notifications/"' in html
    assert badge(html) == "1"
    # The page rendered the count (one COUNT); the bell only refreshes it afterwards.
    assert 'hx-trigger="every 30s, notifications-changed from:body"' in html
    assert 'hx-get="/t/acme/notifications/menu/"' in html


def test_a_page_rendered_after_the_tenant_transaction_lets_the_bell_load_its_count(client, tenant, tenant_admin):
    login(client, tenant_admin)

    html = client.get("/t/acme/members/999999/").content.decode()  # a 404, rendered outside the tenant

    assert 'hx-get="/t/acme/notifications/bell/" hx-trigger="load, every 30s' in html


def test_pages_outside_a_tenant_have_no_bell(client, tenant_admin):
    login(client, tenant_admin)

    assert 'id="notification-bell"' not in client.get("/profile/").content.decode()


def test_bell_menu_lists_the_latest_five_of_my_own(client, tenant, tenant_admin, colleague):
    for i in range(7):
        send(tenant, [tenant_admin.user], title=f"Mine {i}")
    send(tenant, [colleague.user], title="Theirs")
    login(client, tenant_admin)

    html = client.get("/t/acme/notifications/menu/", **HTMX).content.decode()

    assert re.findall(r"Mine \d", html) == ["Mine 6", "Mine 5", "Mine 4", "Mine 3", "Mine 2"]
    assert "Theirs" not in html and "<nav" not in html
    assert "See all notifications" in html


# --- The page ----------------------------------------------------------------------------------------------------


def test_page_lists_only_my_notifications_newest_first_with_unread_highlighted(client, tenant, tenant_admin, colleague):
    older, newer = send(tenant, [tenant_admin.user], title="Older") + send(tenant, [tenant_admin.user], title="Newer")
    send(tenant, [colleague.user], title="Colleague's secret")
    with tenant_context(tenant):
        Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)
    login(client, tenant_admin)

    response = client.get("/t/acme/notifications/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer") < html.index("Older")
    assert "Colleague's secret" not in html
    assert html.count('<span class="badge text-bg-primary me-1">New</span>') == 1
    assert "Mark all read" in html
    assert html.count("/read/") == 2  # the unread one's button: action and hx-post


def test_page_says_honestly_when_there_is_nothing(client, tenant, partner_admin):
    login(client, partner_admin)

    html = client.get("/t/acme/notifications/").content.decode()

    assert "You have no notifications in Acme Security Partner Program yet." in html
    assert "Mark all read" not in html


def test_page_is_paginated_and_htmx_gets_only_the_list(client, tenant, tenant_admin):
    with tenant_context(tenant):
        Notification.objects.bulk_create(
            [Notification(user=tenant_admin.user, kind="invitation.accepted", title=f"n{i:02}") for i in range(30)]
        )
    login(client, tenant_admin)

    first = client.get("/t/acme/notifications/").content.decode()
    second = client.get("/t/acme/notifications/?page=2", **HTMX)

    assert first.count('class="list-group-item') == 25 and "Page 1 of 2 · 30 notifications" in first
    html = second.content.decode()
    assert html.count('class="list-group-item') == 5 and '<nav class="navbar' not in html
    assert "HX-Request" in second["Vary"]


def test_mark_read_in_place_returns_the_item_and_refreshes_the_bell(client, tenant, tenant_admin):
    [notification] = send(tenant, [tenant_admin.user])
    login(client, tenant_admin)

    response = client.post(f"/t/acme/notifications/{notification.pk}/read/", **HTMX)

    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith(
        f'<li class="list-group-item d-flex gap-3 align-items-start" id="notification-{notification.pk}"'
    )
    assert "Mark read" not in html
    assert json.loads(response["HX-Trigger"]) == {"notifications-changed": {}}
    assert reload(notification).read_at is not None


def test_mark_read_without_htmx_goes_back_to_the_page(client, tenant, tenant_admin):
    [notification] = send(tenant, [tenant_admin.user])
    login(client, tenant_admin)

    response = client.post(f"/t/acme/notifications/{notification.pk}/read/")

    assert response.status_code == 302 and response.url == "/t/acme/notifications/"
    assert reload(notification).read_at is not None


def test_marking_read_twice_keeps_the_first_time(client, tenant, tenant_admin):
    [notification] = send(tenant, [tenant_admin.user])
    login(client, tenant_admin)
    client.post(f"/t/acme/notifications/{notification.pk}/read/")
    first = reload(notification).read_at

    client.post(f"/t/acme/notifications/{notification.pk}/read/")

    assert reload(notification).read_at == first


def test_mark_all_read_marks_only_mine_in_this_tenant(client, tenant, other_tenant, tenant_admin, colleague):
    mine = send(tenant, [tenant_admin.user]) + send(tenant, [tenant_admin.user])
    [theirs] = send(tenant, [colleague.user])
    also_me_elsewhere = StaffFactory(tenant=other_tenant, user=tenant_admin.user)
    [elsewhere] = send(other_tenant, [also_me_elsewhere.user])
    login(client, tenant_admin)

    response = client.post("/t/acme/notifications/read-all/", follow=True)

    assert response.redirect_chain == [("/t/acme/notifications/", 302)]
    assert "Marked 2 notifications read." in response.content.decode()
    assert all(reload(n).read_at for n in mine)
    assert reload(theirs).read_at is None and reload(elsewhere).read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, tenant, tenant_admin):
    [notification] = send(tenant, [tenant_admin.user], url="/t/acme/members/?role=finance")
    login(client, tenant_admin)

    response = client.get(f"/t/acme/notifications/{notification.pk}/")

    assert response.status_code == 302 and response.url == "/t/acme/members/?role=finance"
    assert reload(notification).read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)", "", "members/"]
)
def test_opening_refuses_to_redirect_off_the_site(client, tenant, tenant_admin, url):
    with tenant_context(tenant):  # written past notify(), which would refuse these, as an old or forged row would be
        notification = Notification.objects.create(
            user=tenant_admin.user, kind="invitation.accepted", title="x", url=url
        )
    login(client, tenant_admin)

    response = client.get(f"/t/acme/notifications/{notification.pk}/")

    assert response.status_code == 302 and response.url == "/t/acme/notifications/"


# --- Nobody else's -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", "read/")])
def test_another_members_notification_is_404(client, tenant, tenant_admin, colleague, method, path):
    [theirs] = send(tenant, [colleague.user], url="/t/acme/members/")
    login(client, tenant_admin)

    response = getattr(client, method)(f"/t/acme/notifications/{theirs.pk}/{path}")

    assert response.status_code == 404
    assert reload(theirs).read_at is None


@pytest.mark.parametrize(
    "name", ["notifications", "notifications_bell", "notifications_menu", "notification_preferences"]
)
def test_a_user_of_another_tenant_gets_404(client, tenant, other_tenant, tenant_admin, name):
    send(tenant, [tenant_admin.user], title="Acme only")
    login(client, StaffFactory(tenant=other_tenant))

    response = client.get(reverse(name, args=["acme"]))

    assert response.status_code == 404
    assert "Acme only" not in response.content.decode()


def test_a_user_of_another_tenant_cannot_reach_a_notification_through_their_own_address(
    client, tenant, other_tenant, tenant_admin
):
    [notification] = send(tenant, [tenant_admin.user])
    login(client, StaffFactory(tenant=other_tenant, user=tenant_admin.user))  # even the same person

    assert client.get(f"/t/globex/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/t/globex/notifications/{notification.pk}/read/").status_code == 404
    assert reload(notification).read_at is None


def test_anonymous_visitor_is_sent_to_login(client, tenant):
    response = client.get("/t/acme/notifications/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
