"""The dead-letter page: tenant admins see failed event handlers, retry and dismiss them; nobody else sees it."""

import pytest
from django.utils.html import escape

from prm.roles import Role
from tests.conftest import login
from tests.events.conftest import failures
from tests.prm.helpers import make_member
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db
PAGE = "/t/acme/settings/events/failed/"


def test_settings_page_links_to_the_list_with_the_count_of_open_failures(client, tenant_admin, make_failure):
    make_failure()
    make_failure(attempts=5, name="Fabrikam")
    login(client, tenant_admin)
    page = client.get("/t/acme/settings/").content.decode()
    assert PAGE in page and "Failed event handlers" in page
    assert '">2</span>' in page


def test_the_list_shows_dead_lettered_and_retrying_handlers(client, tenant_admin, make_failure, controlled):
    retrying = make_failure()
    dead = make_failure(attempts=5, name="Fabrikam")
    login(client, tenant_admin)
    page = client.get(PAGE).content.decode()
    for failure in (retrying, dead):
        assert f'id="failure-{failure.pk}"' in page
    assert "partner.created" in page and escape(controlled.name) in page
    assert "DataError: division by zero" in page
    assert "Dead-lettered" in page and "Retrying" in page
    assert client.get(f"{PAGE}?status=dead_lettered").content.decode().count('id="failure-') == 1


def test_retry_that_succeeds_resolves_the_failure(client, tenant_admin, make_failure, controlled):
    failure = make_failure(attempts=5)
    login(client, tenant_admin)
    response = client.post(f"{PAGE}{failure.pk}/retry/", follow=True)
    assert "The handler ran and succeeded" in response.content.decode()
    assert controlled.calls == [failure.event_id]
    [failure] = failures(failure.tenant)
    assert failure.status == "resolved"
    assert f'id="failure-{failure.pk}"' not in client.get(PAGE).content.decode()


def test_retry_that_fails_again_counts_another_attempt_and_stays_listed(client, tenant_admin, make_failure, controlled):
    failure = make_failure(attempts=5)
    controlled.failures_left = 1
    login(client, tenant_admin)
    response = client.post(f"{PAGE}{failure.pk}/retry/", follow=True)
    assert "The handler failed again: DataError: division by zero" in response.content.decode()
    [failure] = failures(failure.tenant)
    assert (failure.status, failure.attempts) == ("dead_lettered", 6)


def test_dismiss_keeps_the_failure_with_who_and_when_and_refuses_a_second_time(
    client, tenant, tenant_admin, make_failure, controlled
):
    failure = make_failure(attempts=5)
    login(client, tenant_admin)
    response = client.post(f"{PAGE}{failure.pk}/dismiss/", follow=True)
    assert "Failure dismissed" in response.content.decode()
    [failure] = failures(tenant)
    assert failure.status == "dismissed" and failure.dismissed_by_id == tenant_admin.user_id
    assert failure.dismissed_at is not None
    listed = client.get(f"{PAGE}?status=dismissed").content.decode()
    assert f'id="failure-{failure.pk}"' in listed and tenant_admin.user.email in listed

    again = client.post(f"{PAGE}{failure.pk}/dismiss/", follow=True).content.decode()
    assert "This failure was dismissed already." in again
    retried = client.post(f"{PAGE}{failure.pk}/retry/", follow=True).content.decode()
    assert "This failure was dismissed: it is not retried any more." in retried
    assert controlled.calls == []


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.ANALYST, Role.FINANCE])
def test_other_staff_get_404(client, tenant, make_failure, role):
    failure = make_failure()
    login(client, make_member(tenant, role))
    assert client.get(PAGE).status_code == 404
    assert client.post(f"{PAGE}{failure.pk}/retry/").status_code == 404
    assert client.post(f"{PAGE}{failure.pk}/dismiss/").status_code == 404
    assert b"/settings/events/failed/" not in client.get("/t/acme/console/").content


def test_list_page_query_count_does_not_grow_with_failures(client, tenant_admin, make_failure):
    login(client, tenant_admin)
    make_failure()
    make_failure(attempts=5, name="Fabrikam")
    with_2 = queries_for(client, PAGE)
    for n in range(8):
        make_failure(attempts=1 + n % 5, name=f"Partner {n}")
    assert queries_for(client, PAGE) == with_2
