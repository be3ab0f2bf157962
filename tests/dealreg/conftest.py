"""Fixtures of the deal registration tests: a program (tenant "acme", base currency USD) with two partners, their
people and the vendor's channel managers; helpers that register deals through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealreg import services
from dealreg.matching import match_keys
from dealreg.models import CrmAccount, CrmOpportunity, EngagementRules, Product
from prm.api.keys import ALL_SCOPES
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.api.conftest import key_client
from tests.dealreg.helpers import deal_fields
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, make_api_key


@pytest.fixture
def channel_manager(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Casey", user__last_name="Manager")


@pytest.fixture
def second_manager(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Robin", user__last_name="Second")


@pytest.fixture
def partner_sales(tenant, partner_org):
    return PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES)


@pytest.fixture
def other_org(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Contoso Integrators")


@pytest.fixture
def other_partner(tenant, other_org):
    return PartnerUserFactory(tenant=tenant, partner_organization=other_org, role=Role.PARTNER_ADMIN)


@pytest.fixture
def scoped(tenant):
    """`with scoped():` runs a block as the tenant (to arrange or inspect rows)."""
    return lambda: tenant_context(tenant)


@pytest.fixture
def register(tenant, partner_admin):
    """register(actor=partner_admin, submit=True, **fields) → a registration made through the services."""

    def make(actor=None, *, submit=True, partner_organization=None, **overrides):
        with tenant_context(tenant):
            return services.deal_create(
                actor=actor or partner_admin,
                partner_organization=partner_organization,
                submit=submit,
                **deal_fields(**overrides),
            )

    return make


@pytest.fixture
def rules(tenant):
    """rules(**values) → the tenant's rules of engagement, saved with these values."""

    def save(**values):
        with tenant_context(tenant):
            current = EngagementRules.objects.filter().first() or EngagementRules()
            for name, value in values.items():
                setattr(current, name, value)
            current.save()
            return current

    return save


@pytest.fixture
def crm_account(tenant):
    def make(name, domain="", *, external_id=None, owner_name="Dana Direct"):
        with tenant_context(tenant):
            return CrmAccount.objects.create(
                external_id=external_id or f"acc-{name}",
                name=name,
                website=domain,
                domain=domain,
                owner_name=owner_name,
                match_keys=match_keys(name, domain),
            )

    return make


@pytest.fixture
def crm_opportunity(tenant):
    def make(customer_name, domain="", *, external_id=None, is_closed=False):
        with tenant_context(tenant):
            return CrmOpportunity.objects.create(
                external_id=external_id or f"opp-{customer_name}",
                name=f"{customer_name} renewal",
                customer_name=customer_name,
                domain=domain,
                stage="negotiation",
                is_closed=is_closed,
                match_keys=match_keys(customer_name, domain),
            )

    return make


@pytest.fixture
def product(tenant):
    with tenant_context(tenant):
        return Product.objects.create(
            sku="FW-500", name="Firewall 500", family="Firewalls", list_price=Decimal("12000.00"), currency="USD"
        )


@pytest.fixture
def admin_key(tenant):
    """(ApiKey, raw key) of `tenant` with every scope, acting as the program."""
    return make_api_key(tenant, scopes=ALL_SCOPES, name="Full access")


@pytest.fixture
def api(admin_key):
    """An API client sending the full-access key."""
    return key_client(admin_key[1])
