"""Fixtures of the MDF tests: a program with a fund of 100,000 USD, two partners (one with an allocation of
10,000), their people, and the vendor's marketing, channel manager and finance people."""

from __future__ import annotations

import pytest

from prm.roles import Role
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.mdf.factories import FundFactory, allocate


@pytest.fixture
def marketing(tenant):
    return StaffFactory(tenant=tenant, role=Role.MARKETING, user__first_name="Mara", user__last_name="Keting")


@pytest.fixture
def second_reviewer(tenant):
    return StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER, user__first_name="Casey", user__last_name="Manager")


@pytest.fixture
def finance(tenant):
    return StaffFactory(tenant=tenant, role=Role.FINANCE, user__first_name="Fin", user__last_name="Ance")


@pytest.fixture
def partner_marketer(tenant, partner_org):
    return PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_MARKETING)


@pytest.fixture
def other_org(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Contoso Integrators")


@pytest.fixture
def other_partner(tenant, other_org):
    return PartnerUserFactory(tenant=tenant, partner_organization=other_org, role=Role.PARTNER_ADMIN)


@pytest.fixture
def fund(tenant):
    return FundFactory(tenant=tenant)


@pytest.fixture
def allocation(tenant, fund, partner_org):
    allocation = allocate(tenant, fund, partner_org, "10000")
    allocation.partner_organization = partner_org  # read outside the tenant's context by the tests
    return allocation
