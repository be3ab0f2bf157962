"""Bulk import of partners from CSV: a dry run that reports every bad row and writes nothing, then one
all-or-nothing import of a clean file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners import services
from partners.models import PartnerOrganization
from prm.errors import PermissionDenied
from prm.models import Event
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory

IMPORT = "/t/acme/partners/import/"

CLEAN = (
    "name,partner_type,website,email_domains,country,company_size,customer_count,regions,external_id\n"
    "Alpine Networks,var,https://alpine.example,alpine.example;alpine.de,de,51-200,40,EMEA;DACH,crm-1\n"
    "Bayside IT,msp,,,US,,,,\n"
    "Northwind Secure Renamed,reseller,https://northwind.example,,GB,,,,crm-northwind\n"
)

BAD = (
    "name,partner_type,website,country,company_size,customer_count,external_id\n"
    ",var,,,,,\n"  # row 2: no name
    "Alpine Networks,spaceship,,,,,\n"  # row 3: unknown type
    "Bayside IT,msp,not a url,USA,huge,-3,\n"  # row 4: four bad cells
    "Clean Row,isv,,,,,\n"  # row 5: fine
    "clean row,isv,,,,,\n"  # row 6: same name as row 5
    "Northwind Secure,var,,,,,\n"  # row 7: an existing partner's name, without its external_id
)


def upload(text: str | bytes, name: str = "partners.csv", content_type: str = "text/csv"):
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type=content_type)


def partner_count(tenant) -> int:
    with tenant_context(tenant):
        return PartnerOrganization.objects.count()


def error_rows(response) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in response.context["plan"].errors]


@pytest.fixture
def manager(client, member, partner_org, tenant):
    with tenant_context(tenant):
        PartnerOrganization.objects.filter(pk=partner_org.pk).update(external_id="crm-northwind")
    return login(client, member(Role.CHANNEL_MANAGER))


def test_dry_run_reports_every_bad_row_and_writes_nothing(manager, tenant):
    before = partner_count(tenant)

    response = manager.post(IMPORT, {"file": upload(BAD)})

    html = response.content.decode()
    assert response.status_code == 200
    assert error_rows(response) == [
        (2, "name"),
        (3, "partner_type"),
        (4, "website"),
        (4, "country"),
        (4, "company_size"),
        (4, "customer_count"),
        (6, "name"),
        (7, "name"),
    ]
    assert "8 problems found. Nothing was imported" in html
    assert "Unknown partner type &#x27;spaceship&#x27;." in html
    assert "&#x27;clean row&#x27; is also on row 5." in html
    assert "Give its external_id to update it." in html
    assert 'name="token"' not in html  # nothing to confirm
    assert partner_count(tenant) == before


def test_clean_file_dry_run_writes_nothing_then_confirm_imports_every_row(manager, tenant, partner_org):
    before = partner_count(tenant)

    dry_run = manager.post(IMPORT, {"file": upload(CLEAN)})

    summary = "<strong>2</strong> new partners, <strong>1</strong> update (matched by external_id)"
    assert summary in dry_run.content.decode()
    assert partner_count(tenant) == before
    token = dry_run.context["token"]

    confirmed = manager.post(IMPORT, {"token": token}, follow=True)

    assert "Imported 3 partners: 2 added, 1 updated." in confirmed.content.decode()
    assert partner_count(tenant) == before + 2
    with tenant_context(tenant):
        alpine = PartnerOrganization.objects.get(name="Alpine Networks")
        bayside = PartnerOrganization.objects.get(name="Bayside IT")
        northwind = PartnerOrganization.objects.get(pk=partner_org.pk)
        [event] = Event.objects.filter(type="partners.imported")
    assert alpine.email_domains == ["alpine.example", "alpine.de"]
    assert (alpine.country, alpine.company_size, alpine.customer_count) == ("DE", "51-200", 40)
    assert alpine.regions == ["EMEA"] and alpine.external_id == "crm-1"  # DACH is in EMEA
    assert northwind.name == "Northwind Secure Renamed" and northwind.website == "https://northwind.example"
    assert sorted(event.payload["created"]) == sorted([alpine.pk, bayside.pk])
    assert event.payload["updated"] == [partner_org.pk]


def test_a_file_that_became_invalid_since_the_dry_run_writes_nothing(manager, tenant):
    token = manager.post(IMPORT, {"file": upload(CLEAN)}).context["token"]
    PartnerOrganizationFactory(tenant=tenant, name="Bayside IT")  # someone added it meanwhile
    before = partner_count(tenant)

    response = manager.post(IMPORT, {"token": token})

    assert response.status_code == 400
    assert error_rows(response) == [(3, "name")]
    assert partner_count(tenant) == before
    with tenant_context(tenant):
        assert not PartnerOrganization.objects.filter(name="Alpine Networks").exists()


def test_a_confirmation_is_used_once(manager, tenant):
    token = manager.post(IMPORT, {"file": upload(CLEAN)}).context["token"]
    manager.post(IMPORT, {"token": token})
    before = partner_count(tenant)

    again = manager.post(IMPORT, {"token": token}, follow=True)

    assert "upload the file again" in again.content.decode()
    assert partner_count(tenant) == before


def test_a_forged_token_imports_nothing(manager, tenant):
    manager.post(IMPORT, {"file": upload(CLEAN)})
    before = partner_count(tenant)

    response = manager.post(IMPORT, {"token": "made-up"}, follow=True)

    assert "upload the file again" in response.content.decode()
    assert partner_count(tenant) == before


def test_a_utf8_file_with_byte_order_mark_and_accents_is_read(manager, tenant):
    data = "\ufeffname,partner_type\nSécurité Öffentlich,var\n".encode()

    response = manager.post(IMPORT, {"file": upload(data)})

    assert response.context["plan"].is_clean
    manager.post(IMPORT, {"token": response.context["token"]})
    with tenant_context(tenant):
        assert PartnerOrganization.objects.filter(name="Sécurité Öffentlich").exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(b"name,partner_type\n" + b"x" * (2 * 1024 * 1024 + 1)), "larger than 2 MB"),
        (upload(b"PK\x03\x04binary", name="partners.xlsx", content_type="application/vnd.ms-excel"), "Upload a .csv"),
        (upload(b"name,partner_type\n\x00\x01\x02", name="partners.csv"), "not a text file"),
        (upload(b"name,partner_type\nCaf\xe9,var\n"), "not UTF-8"),
        (upload(b"name,website\nA,https://a.example\n"), "lacks the column(s): partner_type"),
        (upload(b"name,partner_type,colour\nA,var,red\n"), "Unknown column(s): colour"),
        (upload(b""), "The submitted file is empty."),
    ],
)
def test_unusable_uploads_are_refused_naming_the_file_field(manager, tenant, file, message):
    before = partner_count(tenant)

    response = manager.post(IMPORT, {"file": file})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'id="id_file-error"' in response.content.decode()
    assert partner_count(tenant) == before


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MARKETING, Role.PARTNER_ADMIN])
def test_only_admins_and_channel_managers_may_import(client, member, role):
    login(client, member(role))

    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"file": upload(CLEAN)}).status_code == 404


def test_the_service_refuses_an_actor_without_the_right(tenant, member):
    analyst = member(Role.ANALYST)
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        services.partners_import(actor=analyst, rows=[{"name": "A", "partner_type": "var"}])


def test_the_service_writes_nothing_when_one_row_is_bad(tenant, member):
    manager = member(Role.CHANNEL_MANAGER)
    rows = [{"name": f"Partner {n}", "partner_type": "var"} for n in range(50)] + [{"name": "", "partner_type": "var"}]
    before = partner_count(tenant)

    with tenant_context(tenant), pytest.raises(services.ImportRejected) as rejected:
        services.partners_import(actor=manager, rows=rows)

    assert [(e.row, e.column) for e in rejected.value.errors] == [(52, "name")]
    assert partner_count(tenant) == before


def test_a_large_import_is_set_based_and_counted(tenant, member, django_assert_max_num_queries):
    manager = member(Role.CHANNEL_MANAGER)
    rows = [{"name": f"Bulk {n}", "partner_type": "isv", "regions": "EMEA"} for n in range(1200)]

    with tenant_context(tenant), django_assert_max_num_queries(20):
        result = services.partners_import(actor=manager, rows=rows)

    assert (result.created, result.updated) == (1200, 0)
    assert partner_count(tenant) == 1201
