"""schemathesis against our own OpenAPI document: every operation, called through the WSGI application with a key
of a program holding every scope, must answer without a server error, with a documented status and content
type, and with a body that matches the schema (problem+json bodies included).

The schema is loaded from the application itself (/api/v1/schema/), so it is what clients get; the run is
bounded and reproducible (derandomize=True, no example database), so it fits in the normal test command. Both
generation modes run: valid requests, and invalid ones that must be refused with a documented 4xx problem.

The schema is loaded when the module is imported (it needs no database): schemathesis' lazy loader
(`schemathesis.pytest.from_fixture`) fails on pytest 9 ("'Function' object has no attribute '_nodeid'").
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from prm.api.keys import ALL_SCOPES
from prm.api.throttling import CredentialRateThrottle
from prm.events import record_event
from prm.roles import Role
from prm.services import invitation_create
from prm.tenancy import tenant_context
from prm.wsgi import application
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory, make_api_key

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def fuzz_key(monkeypatch):
    """A key holding every scope, of a program with a few partners, people, an invitation and events."""
    # The fuzzer sends hundreds of requests a minute: a 429 would hide what the endpoint does.
    monkeypatch.setattr(CredentialRateThrottle, "THROTTLE_RATES", {"credential": "100000/min"})
    tenant = TenantFactory(slug="fuzz")
    admin = StaffFactory(tenant=tenant)
    partners = [PartnerOrganizationFactory(tenant=tenant, name=f"Seed {n}", external_id=f"seed-{n}") for n in range(3)]
    PartnerUserFactory(tenant=tenant, partner_organization=partners[0])
    with tenant_context(tenant):
        invitation_create(
            actor=admin, email="seed@invitee.example", role=Role.PARTNER_SALES, partner_organization=partners[1]
        )
        record_event("partner.updated", subject=partners[2], payload={"name": partners[2].name}, actor=admin)
    return make_api_key(tenant, scopes=ALL_SCOPES, name="Fuzzer")[1]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes database connections around each request (request_started/finished); inside a test
    that would end the test's transaction. Django's own test client disconnects the same handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case, fuzz_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_key}"}, checks=CHECKS)
