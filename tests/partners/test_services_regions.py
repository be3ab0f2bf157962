"""Recruitment scoring compares values, not spellings (issue 16, 4.8): regions are choices (EMEA, North America,
Latin America, Asia-Pacific), countries ISO codes that count for their region, partner types shown by name; what
was written as free text before is read as a region where the spelling is known and kept as written where not."""

from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from partners.models import IppAttribute, IppOperator, PartnerApplication, PartnerOrganization
from partners.services import applications as application_services
from partners.services.ipp import ipp_score
from partners.services.ipp_criteria import criterion_create
from prm.errors import ValidationFailed
from prm.geography import Region, region_of, regions_from
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import IppCriterionFactory, PartnerApplicationFactory, PartnerOrganizationFactory

pytestmark = pytest.mark.django_db

EMEA_WANTED = SimpleNamespace(
    label="Sells in EMEA", attribute=IppAttribute.REGION, operator=IppOperator.ANY, value=["EMEA"], weight=10
)


def application_data(**overrides):
    return {
        "company_name": "Contoso Security",
        "website": "https://www.contoso-security.co.uk",
        "contact_first_name": "Klara",
        "contact_email": "klara@contoso-security.co.uk",
        "partner_type": "msp",
        **overrides,
    }


def test_europe_and_uk_written_as_text_score_against_emea(tenant):
    with tenant_context(tenant):
        cleaned = application_services.application_clean(application_data(regions="Europe, UK"))
    assert cleaned["regions"] == ["EMEA"]
    assert ipp_score(profile=SimpleNamespace(**cleaned), criteria=[EMEA_WANTED]).score == 100


def test_a_country_alone_counts_for_its_region():
    profile = SimpleNamespace(country="DE", regions=[])
    result = ipp_score(profile=profile, criteria=[EMEA_WANTED])
    assert result.score == 100
    assert result.explanation[0]["why"] == (
        "Regions include Europe, Middle East and Africa (EMEA), one of Europe, Middle East and Africa (EMEA)"
    )


def test_an_unknown_region_is_refused_naming_the_field(tenant):
    with tenant_context(tenant), pytest.raises(ValidationFailed) as refused:
        application_services.application_clean(application_data(regions="EMEA, Narnia"))
    assert refused.value.field == "regions" and "“Narnia”" in refused.value.message


def test_criteria_written_with_other_spellings_store_region_codes(tenant, tenant_admin):
    with tenant_context(tenant):
        criterion = criterion_create(
            actor=tenant_admin, attribute="regions", operator="any", value="Europe; Asia Pacific", weight=10
        )
    assert criterion.value == ["EMEA", "APAC"]
    assert criterion.label == "Regions includes any of Europe, Middle East and Africa (EMEA), Asia-Pacific (APAC)"


def test_partner_type_criteria_are_labelled_by_name(tenant, tenant_admin):
    with tenant_context(tenant):
        criterion = criterion_create(actor=tenant_admin, attribute="partner_type", operator="in", value="msp", weight=5)
    assert criterion.label == "Partner type is one of Managed service provider"


def test_every_country_has_a_region():
    from django_countries import countries

    assert {region_of(country.code) for country in countries} == set(Region.values)
    assert (region_of("BR"), region_of("JP"), region_of("CA"), region_of("ZA")) == ("LATAM", "APAC", "NA", "EMEA")


def test_regions_from_reads_known_spellings_and_returns_the_rest():
    assert regions_from(["Europe", "DACH", "na", "Americas", "Germany", "Mars"]) == (
        ["EMEA", "NA", "LATAM"],
        ["Mars"],
    )


def test_free_text_regions_become_codes_and_unknown_ones_are_kept(tenant):
    migration = __import__("partners.migrations.0013_regions_as_codes", fromlist=["regions_as_codes"])
    partner = PartnerOrganizationFactory(
        tenant=tenant, region="Europe", regions=["Europe", "UK", "Gondor"], country="uk"
    )
    odd = PartnerOrganizationFactory(tenant=tenant, region="Middle-earth", regions=[])
    application = PartnerApplicationFactory(tenant=tenant, regions=["North America", "APJ"])
    criterion = IppCriterionFactory(tenant=tenant, attribute="regions", operator="any", value=["Latin America"])

    with tenant_context(tenant):
        migration.regions_as_codes(django_apps, None)
        partner, odd = PartnerOrganization.objects.get(pk=partner.pk), PartnerOrganization.objects.get(pk=odd.pk)
        application = PartnerApplication.objects.get(pk=application.pk)
        criterion.refresh_from_db()

    assert (partner.region, partner.regions, partner.country) == ("EMEA", ["EMEA", "Gondor"], "GB")
    assert odd.region == "Middle-earth"
    assert application.regions == ["NA", "APAC"] and criterion.value == ["LATAM"]


def test_application_form_offers_regions_and_countries_by_name(client, tenant):
    with translation.override("de"):
        page = client.get("/t/acme/apply/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'type="checkbox" class="form-check-input" name="regions" value="EMEA"' in page
    assert '<legend class="form-label fs-6 mb-1">Regionen, in denen Sie verkaufen</legend>' in page
    assert '<option value="DE">Deutschland</option>' in page


def test_queue_and_application_show_partner_type_country_and_regions_by_name(client, tenant, tenant_admin):
    application = PartnerApplicationFactory(tenant=tenant, partner_type="msp", country="DE", regions=["EMEA", "NA"])
    login(client, tenant_admin)
    queue = client.get("/t/acme/applications/").content.decode()
    detail = client.get(f"/t/acme/applications/{application.pk}/").content.decode()
    assert "Managed service provider" in queue and "Germany" in queue and ">msp<" not in queue
    assert "Managed service provider" in detail
    assert "Europe, Middle East and Africa (EMEA), North America" in detail


def test_directory_filters_by_region_choice(client, tenant, tenant_admin):
    PartnerOrganizationFactory(tenant=tenant, name="Bayside IT", region="NA")
    PartnerOrganizationFactory(tenant=tenant, name="Alpine Secure", region="EMEA")
    page = login(client, tenant_admin).get("/t/acme/partners/?region=NA").content.decode()
    assert '<option value="NA" selected>North America</option>' in page
    assert "Bayside IT" in page and "Alpine Secure" not in page


def test_partner_history_names_partner_types_and_regions(client, tenant, tenant_admin):
    partner = PartnerOrganizationFactory(tenant=tenant, partner_type="var", regions=["EMEA"])
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner.pk).update(partner_type="msp", regions=["EMEA", "APAC"])
    page = login(client, tenant_admin).get(f"/t/acme/partners/{partner.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "Value-added reseller → Managed service provider" in history
    assert "Asia-Pacific (APAC)" in history


def test_the_api_stores_region_codes_and_refuses_unknown_regions(api, tenant):
    created = api.post("/api/v1/partners/", {"name": "Contoso", "region": "Europe", "country": "uk"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["region"], created.json()["country"]) == ("EMEA", "GB")

    refused = api.patch(f"/api/v1/partners/{created.json()['id']}/", {"region": "Narnia"}, format="json")
    assert refused.status_code == 400 and "region" in refused.content.decode()


def test_a_region_kept_from_before_does_not_block_another_change(api, tenant):
    partner = PartnerOrganizationFactory(tenant=tenant, region="Middle-earth")
    response = api.patch(f"/api/v1/partners/{partner.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["region"] == "Middle-earth"


def test_a_tenants_own_partner_type_is_shown_by_its_label(client, tenant, tenant_admin):
    from partners.models import CustomPartnerType

    with tenant_context(tenant):
        CustomPartnerType.objects.create(key="marketplace", label="Cloud marketplace")
    partner = PartnerOrganizationFactory(tenant=tenant, name="Cumulus", partner_type="marketplace")
    PartnerApplicationFactory(tenant=tenant, partner_type="marketplace")
    login(client, tenant_admin)
    for url in ("/t/acme/partners/", f"/t/acme/partners/{partner.pk}/", "/t/acme/applications/"):
        page = client.get(url).content.decode()
        assert "Cloud marketplace" in page, url


def test_the_criteria_list_names_the_values(client, tenant, tenant_admin):
    IppCriterionFactory(tenant=tenant, label="Growth regions", attribute="regions", operator="any", value=["APAC"])
    page = login(client, tenant_admin).get("/t/acme/recruitment/").content.decode()
    assert "Regions includes any of Asia-Pacific (APAC)" in page
