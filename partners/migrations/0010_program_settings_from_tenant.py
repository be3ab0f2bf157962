"""Partners' settings move out of Tenant.settings (JSON) into PartnerProgramSettings (one typed row per tenant): the
recruitment rule (`recruitment`), onboarding reminder timing (`onboarding`) and `agreement_reaccept_days`. Tenants
that set none of them get no row (the defaults apply). Reversible: the keys go back into Tenant.settings."""

from django.db import migrations

RECRUITMENT = {
    "open": "applications_open",
    "auto_approve_at": "auto_approve_at",
    "auto_decline_below": "auto_decline_below",
}
ONBOARDING = {
    "reminder_days_before": "onboarding_reminder_days_before",
    "stalled_after_days": "onboarding_stalled_after_days",
}
KEYS = ("recruitment", "onboarding", "agreement_reaccept_days")


def _all_tenants(schema_editor):
    # Row-level security (prm.rls) hides tenant rows without a tenant setting, also from the owner: this migration
    # works across tenants on purpose.
    schema_editor.execute("SELECT set_config('app.all_tenants', 'on', true)")


def copy_to_model(apps, schema_editor):
    Tenant = apps.get_model("prm", "Tenant")
    Settings = apps.get_model("partners", "PartnerProgramSettings")
    _all_tenants(schema_editor)
    for tenant in Tenant.objects.exclude(settings={}).only("pk", "settings"):
        stored = tenant.settings or {}
        if not any(key in stored for key in KEYS):
            continue
        values = {}
        for key, field in RECRUITMENT.items():
            if key in (stored.get("recruitment") or {}):
                values[field] = stored["recruitment"][key]
        for key, field in ONBOARDING.items():
            if key in (stored.get("onboarding") or {}):
                values[field] = int(stored["onboarding"][key])
        if "agreement_reaccept_days" in stored:
            values["agreement_reaccept_days"] = int(stored["agreement_reaccept_days"])
        if "applications_open" in values:
            values["applications_open"] = bool(values["applications_open"])
        Settings.objects.update_or_create(tenant_id=tenant.pk, defaults=values)
        tenant.settings = {key: value for key, value in stored.items() if key not in KEYS}
        tenant.save(update_fields=["settings"])


def copy_back(apps, schema_editor):
    Tenant = apps.get_model("prm", "Tenant")
    Settings = apps.get_model("partners", "PartnerProgramSettings")
    _all_tenants(schema_editor)
    for row in Settings.objects.all():
        tenant = Tenant.objects.get(pk=row.tenant_id)
        tenant.settings = {
            **(tenant.settings or {}),
            "recruitment": {key: getattr(row, field) for key, field in RECRUITMENT.items()},
            "onboarding": {key: getattr(row, field) for key, field in ONBOARDING.items()},
            "agreement_reaccept_days": row.agreement_reaccept_days,
        }
        tenant.save(update_fields=["settings"])
    Settings.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0009_program_settings"),
    ]

    operations = [migrations.RunPython(copy_to_model, copy_back)]
