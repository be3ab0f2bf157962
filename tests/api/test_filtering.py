"""Filtering (one FilterSet per resource), ordering, and `updated_since` on every list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import PartnerOrganization, PartnerStatus, PartnerType
from prm.api.urls import router
from tests.api.conftest import fields_of, problem_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_updated_since_returns_rows_changed_at_or_after_the_time(tenant, api, scoped):
    old = PartnerOrganizationFactory(tenant=tenant, name="Old")
    recent = PartnerOrganizationFactory(tenant=tenant, name="Recent")
    now = timezone.now()
    with scoped():
        PartnerOrganization.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=2))
        PartnerOrganization.objects.filter(pk=recent.pk).update(updated_at=now - timedelta(hours=1))
    since = (now - timedelta(days=1)).isoformat()
    assert names(api.get("/api/v1/partners/", {"updated_since": since})) == ["Recent"]
    # Any offset is accepted and compared in UTC (PostgreSQL itself takes offsets only up to ±15:59).
    assert names(api.get("/api/v1/partners/", {"updated_since": "2000-01-01T00:00:00-19:30"})) == ["Recent", "Old"]


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01T00:00:00Z", "0001-01-01T00:00:00+05:00"])
def test_an_invalid_updated_since_is_400_naming_it(api, value):
    assert fields_of(problem_of(api.get("/api/v1/partners/", {"updated_since": value}), 400)) == ["updated_since"]


def test_every_list_takes_updated_since(api):
    # Routes without a list (a partner's tier is read one partner at a time) have nothing to filter.
    lists = [f"/api/v1/{prefix}/" for prefix, viewset, _basename in router.registry if hasattr(viewset, "list")]
    for url in lists:
        assert fields_of(problem_of(api.get(url, {"updated_since": "nope"}), 400)) == ["updated_since"], url


def test_filters_by_status_and_type(tenant, api):
    PartnerOrganizationFactory(tenant=tenant, name="Active VAR", partner_type=PartnerType.VAR)
    PartnerOrganizationFactory(tenant=tenant, name="Suspended", status=PartnerStatus.SUSPENDED)
    PartnerOrganizationFactory(tenant=tenant, name="Active MSP", partner_type=PartnerType.MSP)
    assert names(api.get("/api/v1/partners/", {"status": "suspended"})) == ["Suspended"]
    assert names(api.get("/api/v1/partners/", {"status": "active", "partner_type": "msp"})) == ["Active MSP"]
    assert fields_of(problem_of(api.get("/api/v1/partners/", {"status": "sleeping"}), 400)) == ["status"]


def test_search_and_external_id(tenant, api):
    PartnerOrganizationFactory(tenant=tenant, name="Northwind Secure", external_id="sf-001")
    PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    assert names(api.get("/api/v1/partners/", {"search": "north"})) == ["Northwind Secure"]
    assert names(api.get("/api/v1/partners/", {"external_id": "sf-001"})) == ["Northwind Secure"]


def test_ordering(tenant, api):
    for name in ["Bravo", "Charlie", "Alpha"]:
        PartnerOrganizationFactory(tenant=tenant, name=name)
    assert names(api.get("/api/v1/partners/", {"ordering": "name"})) == ["Alpha", "Bravo", "Charlie"]
    assert names(api.get("/api/v1/partners/", {"ordering": "-name"})) == ["Charlie", "Bravo", "Alpha"]
    # Default: newest first. A field that is not offered is ignored.
    assert names(api.get("/api/v1/partners/")) == ["Alpha", "Charlie", "Bravo"]
    assert names(api.get("/api/v1/partners/", {"ordering": "website"})) == ["Alpha", "Charlie", "Bravo"]
