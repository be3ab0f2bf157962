"""The bell, its menu and the notifications page run a fixed number of queries however many notifications exist."""

import pytest

from prm.models import Notification
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.prm.query_counts import queries_for


def add_notifications(tenant, user, count):
    with tenant_context(tenant):
        Notification.objects.bulk_create(
            [Notification(user=user, kind="invitation.accepted", title=f"n{i}", url="/t/acme/") for i in range(count)]
        )


@pytest.mark.parametrize(
    ("url", "htmx"),
    [
        ("/t/acme/notifications/", False),
        ("/t/acme/notifications/?page=2", True),
        ("/t/acme/notifications/bell/", True),
        ("/t/acme/notifications/menu/", True),
        ("/t/acme/console/", False),  # any page: the bell adds nothing that grows
    ],
)
def test_query_count_does_not_grow_with_notifications(client, tenant, tenant_admin, url, htmx):
    login(client, tenant_admin)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    add_notifications(tenant, tenant_admin.user, 3)
    with_3 = queries_for(client, url, **extra)

    add_notifications(tenant, tenant_admin.user, 27)
    with_30 = queries_for(client, url, **extra)

    assert with_30 == with_3


def test_the_bell_partial_costs_one_count_beyond_the_request_itself(client, tenant, tenant_admin):
    """Session, user, tenant, membership, RLS setting and MFA check are the same for every tenant page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, tenant_admin)
    add_notifications(tenant, tenant_admin.user, 30)
    with CaptureQueriesContext(connection) as captured:
        client.get("/t/acme/notifications/bell/", HTTP_HX_REQUEST="true")

    counts = [q["sql"] for q in captured if "prm_notification" in q["sql"]]
    assert len(counts) == 1 and counts[0].startswith("SELECT COUNT(*)")
