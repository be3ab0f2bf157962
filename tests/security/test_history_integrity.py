"""History is evidence: database triggers capture every change, also bulk updates, with the acting user."""

import pytest

from partners.models import PartnerOrganization, PartnerStatus
from prm.selectors import history_for
from prm.tenancy import tenant_context
from tests.factories import PartnerOrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_history_captures_queryset_update_that_skips_save():
    partner = PartnerOrganizationFactory(status=PartnerStatus.ACTIVE)
    with tenant_context(partner.tenant):
        PartnerOrganization.objects.filter(pk=partner.pk).update(status=PartnerStatus.SUSPENDED)
        rows = history_for(partner)
    assert rows[0]["what"] == "update"
    assert ("status", "active", "suspended") in [(c["field"], c["before"], c["after"]) for c in rows[0]["changes"]]
    assert rows[-1]["what"] == "insert"


def test_history_names_the_user_who_changed_a_record_through_a_page(client):
    admin = StaffFactory()
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/t/{admin.tenant.slug}/settings/",
        {"program_name": "Shield Partner Network", "primary_colour": "#123456"},
    )
    assert response.status_code == 302
    page = client.get(f"/t/{admin.tenant.slug}/settings/").content.decode()
    assert "Shield Partner Network" in page
    with tenant_context(admin.tenant):
        latest = history_for(admin.tenant)[0]
    assert latest["who"] == admin.user
    changes = [(c["field"], c["before"], c["after"]) for c in latest["changes"]]
    assert ("primary_colour", "#0d6efd", "#123456") in changes
