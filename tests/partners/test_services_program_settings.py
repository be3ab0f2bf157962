"""The partner program's settings live in PartnerProgramSettings (one row per tenant), not in Tenant.settings: the
defaults until a tenant admin saves them, and the data migration that moved the JSON keys across."""

import importlib
import types

import pytest
from django.apps import apps
from django.db import connection

from partners.models import PartnerProgramSettings
from partners.selectors.program_settings import onboarding_settings, program_settings_get, recruitment_settings
from partners.services import recruitment_settings_update
from prm.models import Tenant
from prm.tenancy import all_tenants, tenant_context
from tests.factories import TenantFactory, program_settings_of

pytestmark = pytest.mark.django_db

migration = importlib.import_module("partners.migrations.0010_program_settings_from_tenant")


def test_a_tenant_without_saved_settings_gets_the_defaults_and_no_row(tenant):
    with tenant_context(tenant):
        assert recruitment_settings() == {"open": True, "auto_approve_at": None, "auto_decline_below": None}
        assert onboarding_settings() == {"reminder_days_before": 3, "stalled_after_days": 14}
        assert program_settings_get().agreement_reaccept_days == 30
    assert program_settings_of(tenant) is None


def test_the_first_save_creates_the_tenants_one_row_and_later_saves_change_it(tenant, tenant_admin, other_tenant):
    with tenant_context(tenant):
        recruitment_settings_update(actor=tenant_admin, is_open=False, auto_approve_at=80)
        recruitment_settings_update(actor=tenant_admin, is_open=True, auto_approve_at=75, auto_decline_below=20)
        assert recruitment_settings() == {"open": True, "auto_approve_at": 75, "auto_decline_below": 20}
    with all_tenants():
        assert PartnerProgramSettings.objects.filter(tenant=tenant).count() == 1
    assert program_settings_of(other_tenant) is None
    tenant.refresh_from_db()
    assert tenant.settings == {}


def test_the_migration_moves_the_json_keys_into_the_model_and_back(db):
    legacy = {
        "theme": "dark",
        "recruitment": {"open": False, "auto_approve_at": 70, "auto_decline_below": None},
        "onboarding": {"reminder_days_before": 5, "stalled_after_days": 20},
        "agreement_reaccept_days": 45,
    }
    moved = TenantFactory(slug="moved", settings=legacy)
    untouched = TenantFactory(slug="untouched", settings={"theme": "light"})
    # The migration switches the all-tenants setting on for the owner (migrate, under the policies of its time);
    # here it runs as the app role inside all_tenants(), whose proof that plain 'on' would only overwrite.
    schema_editor = types.SimpleNamespace(
        execute=lambda sql: None if "app.all_tenants" in sql else connection.cursor().execute(sql)
    )

    with all_tenants():
        migration.copy_to_model(apps, schema_editor)
    row = program_settings_of(moved)
    assert (row.applications_open, row.auto_approve_at, row.auto_decline_below) == (False, 70, None)
    assert (row.onboarding_reminder_days_before, row.onboarding_stalled_after_days) == (5, 20)
    assert row.agreement_reaccept_days == 45
    assert Tenant.objects.get(pk=moved.pk).settings == {"theme": "dark"}
    assert program_settings_of(untouched) is None

    with all_tenants():
        migration.copy_back(apps, schema_editor)
    assert Tenant.objects.get(pk=moved.pk).settings == legacy
    assert program_settings_of(moved) is None
