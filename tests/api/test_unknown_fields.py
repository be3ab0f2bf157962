"""The API refuses what it would otherwise drop: a body field the endpoint does not know, or one it only reads out
(derived, set by the server), answers 400 naming each such field, and nothing is written — on every write endpoint,
bulk ones included. A CRM that sends `domain` learns at once that it is not stored, instead of conflict checks by
domain silently missing that account."""

import importlib
import inspect

import pytest
from rest_framework import serializers as drf_serializers

from dealreg.models import CrmAccount
from partners.models import PartnerOrganization
from prm import registry
from prm.api.serializers import RefuseUnknownFields
from prm.models import WebhookEndpoint
from prm.tenancy import tenant_context
from tests.api.conftest import fields_of, problem_of
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/crm/accounts/"


def refused(response, *fields):
    body = problem_of(response, 400)
    assert sorted(fields_of(body)) == sorted(fields), body
    return {error["field"]: error["message"] for error in body["errors"]}


def test_the_derived_domain_sent_to_create_a_crm_account_is_refused_by_name(api, tenant):
    body = {"external_id": "001A", "name": "Globex Corp.", "domain": "globex.com"}

    messages = refused(api.post(ACCOUNTS, body, format="json"), "domain")

    assert messages["domain"] == "Received unknown parameter: domain."
    with tenant_context(tenant):
        assert not CrmAccount.objects.exists()


def test_every_unknown_field_is_named_next_to_the_invalid_ones(api, tenant):
    body = {"external_id": "001A", "name": "Globex", "country": "USA", "web_site": "globex.com", "colour": "red"}

    messages = refused(api.post(ACCOUNTS, body, format="json"), "country", "web_site", "colour")

    assert messages["web_site"] == "Received unknown parameter: web_site."
    assert messages["colour"] == "Received unknown parameter: colour."


def test_unknown_fields_in_rows_of_a_bulk_sync_are_named_by_row_and_nothing_is_written(api, tenant):
    rows = [
        {"external_id": "sf-0", "name": "Customer 0"},
        {"external_id": "sf-1", "name": "Customer 1", "domain": "customer1.com"},
        {"external_id": "sf-2", "name": "Customer 2", "industry": "Pharma"},
    ]

    refused(api.post(f"{ACCOUNTS}bulk/", {"rows": rows}, format="json"), "rows[1].domain", "rows[2].industry")
    refused(api.post(f"{ACCOUNTS}bulk/", {"rows": rows[:1], "dry_run": True}, format="json"), "dry_run")

    with tenant_context(tenant):
        assert not CrmAccount.objects.exists()


def test_unknown_field_of_a_bulk_opportunity_sync_is_refused(api, tenant):
    api.post(ACCOUNTS, {"external_id": "001A", "name": "Globex"}, format="json")
    rows = [{"external_id": "opp-1", "account_external_id": "001A", "name": "Renewal", "probability": 40}]
    refused(api.post("/api/v1/crm/opportunities/bulk/", {"rows": rows}, format="json"), "rows[0].probability")


def test_a_misspelt_field_in_an_update_is_refused_and_the_partner_unchanged(api, tenant):
    partner = PartnerOrganizationFactory(tenant=tenant, name="Northwind")

    url = f"/api/v1/partners/{partner.pk}/"
    refused(api.patch(url, {"nmae": "Southwind"}, format="json"), "nmae")
    messages = refused(api.patch(url, {"id": 9, "name": "Southwind"}, format="json"), "id")
    assert messages["id"] == "Received read-only parameter: id. The server sets it; leave it out."

    with tenant_context(tenant):
        assert PartnerOrganization.objects.get(pk=partner.pk).name == "Northwind"


def test_an_unknown_field_of_a_workflow_step_is_refused(api, tenant):
    partner = PartnerOrganizationFactory(tenant=tenant, status="active")

    refused(api.post(f"/api/v1/partners/{partner.pk}/suspend/", {"reason": "Audit", "notify": False}), "notify")

    with tenant_context(tenant):
        assert PartnerOrganization.objects.get(pk=partner.pk).status == "active"


def test_a_step_that_takes_no_body_refuses_fields_sent_to_it(api, tenant):
    created = api.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/hooks"}, format="json").json()
    url = f"/api/v1/webhooks/{created['id']}/rotate-secret/"

    refused(api.post(url, {"secret": "whsec_mine"}, format="json"), "secret")

    assert api.post(url, {}, format="json").status_code == 200
    with tenant_context(tenant):
        assert WebhookEndpoint.objects.count() == 1


def test_a_delete_with_a_body_is_refused(api, tenant):
    created = api.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/hooks"}, format="json").json()

    refused(api.delete(f"/api/v1/webhooks/{created['id']}/", {"force": True}, format="json"), "force")

    with tenant_context(tenant):
        assert WebhookEndpoint.objects.count() == 1


def project_serializers():
    """Every serializer class the API's modules define (the core's and each app's route modules)."""
    routed = {viewset.__module__ for _prefix, viewset, _basename in registry.api_routes()}
    modules = ["prm.api.views", "prm.api.schema", "prm.events.api", "prm.webhooks.api", *sorted(routed)]
    found = set()
    for name in modules:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, drf_serializers.Serializer) and cls.__module__ == module.__name__:
                found.add(cls)
    return found


def test_every_serializer_of_the_api_refuses_unknown_fields():
    serializers = project_serializers()
    assert len(serializers) > 30
    lax = sorted(f"{c.__module__}.{c.__qualname__}" for c in serializers if not issubclass(c, RefuseUnknownFields))
    assert not lax, f"Import `serializers` from prm.api.serializers, not rest_framework: {lax}"
