"""Regions become choices (prm.geography.Region codes): what partners, applicants and criteria wrote as free text
("Europe, UK", "DACH", "North America") is rewritten as region codes where the spelling is a known one; anything
else is kept as written (shown as it is, never lost). Countries written "uk" become GB. Not reversed: the codes
read well in the old free-text fields too."""

from django.db import migrations

from prm.geography import regions_from


def _codes(values) -> list:
    known, unknown = regions_from(values if isinstance(values, list) else [values])
    return list(dict.fromkeys([*known, *unknown]))


def _country(value: str) -> str:
    code = (value or "").strip().upper()
    return "GB" if code == "UK" else code


def regions_as_codes(apps, schema_editor):
    # The owner role runs migrations and sees every tenant's rows (its maintenance policy, prm.rls).
    Partner = apps.get_model("partners", "PartnerOrganization")
    Application = apps.get_model("partners", "PartnerApplication")
    Criterion = apps.get_model("partners", "IppCriterion")
    for partner in Partner.objects.only("pk", "region", "regions", "country").iterator():
        region = partner.region
        known, _unknown = regions_from([region]) if region else ([], [])
        changes = {
            "region": known[0] if len(known) == 1 else region,
            "regions": _codes(partner.regions or []),
            "country": _country(partner.country),
        }
        if changes != {"region": partner.region, "regions": partner.regions or [], "country": partner.country}:
            Partner.objects.filter(pk=partner.pk).update(**changes)
    for application in Application.objects.only("pk", "regions", "country").iterator():
        changes = {"regions": _codes(application.regions or []), "country": _country(application.country)}
        if changes != {"regions": application.regions or [], "country": application.country}:
            Application.objects.filter(pk=application.pk).update(**changes)
    for criterion in Criterion.objects.filter(attribute="regions").only("pk", "value").iterator():
        if isinstance(criterion.value, list) and _codes(criterion.value) != criterion.value:
            Criterion.objects.filter(pk=criterion.pk).update(value=_codes(criterion.value))


class Migration(migrations.Migration):
    dependencies = [("partners", "0012_readable_history_labels")]

    operations = [migrations.RunPython(regions_as_codes, migrations.RunPython.noop)]
