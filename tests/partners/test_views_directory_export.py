"""CSV export of the directory: the filtered rows, streamed, every cell safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import PartnerStatus
from prm.roles import Role
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory

EXPORT = "/t/acme/partners/export.csv"


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def partners(tenant, partner_org):
    PartnerOrganizationFactory(tenant=tenant, name="Bayside IT", status=PartnerStatus.SUSPENDED, region="NA")
    PartnerOrganizationFactory(
        tenant=tenant,
        name='=HYPERLINK("http://evil.example","Click")',
        legal_name="+1 555 SUM(A1)",
        region="@risk",
        tier="-gold",
        email_domains=["evil.example", "x.example"],
    )


@pytest.mark.parametrize("role", [Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST])
def test_staff_who_may_export_get_the_whole_directory_as_csv(client, member, partners, role):
    login(client, member(role))

    response = client.get(EXPORT)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="partners-acme-')
    assert len(rows_of(response)) == 3


def test_export_applies_the_directory_filters(client, tenant_admin, partners):
    login(client, tenant_admin)

    rows = rows_of(client.get(EXPORT, {"status": "suspended"}))

    assert [row["name"] for row in rows] == ["Bayside IT"]
    assert rows[0]["status"] == "suspended" and rows[0]["region"] == "NA"


def test_cells_that_look_like_formulas_are_neutralised(client, tenant_admin, partners):
    login(client, tenant_admin)

    [row] = rows_of(client.get(EXPORT, {"search": "evil.example"}))

    assert row["name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["legal_name"] == "'+1 555 SUM(A1)"
    assert row["region"] == "'@risk"
    assert row["tier"] == "'-gold"
    assert row["email_domains"] == "evil.example; x.example"


def test_export_columns_are_the_documented_ones(client, tenant_admin, partners):
    login(client, tenant_admin)

    [first, *_] = rows_of(client.get(EXPORT))

    assert list(first) == [
        "id",
        "name",
        "legal_name",
        "partner_type",
        "status",
        "tier",
        "ipp_score",
        "owner_email",
        "website",
        "email_domains",
        "country",
        "region",
        "regions",
        "industries",
        "company_size",
        "customer_count",
        "external_id",
        "created_at",
    ]


@pytest.mark.parametrize("role", [Role.MARKETING, Role.FINANCE, Role.PARTNER_ADMIN])
def test_others_get_404(client, member, partners, role):
    login(client, member(role))

    assert client.get(EXPORT).status_code == 404


def test_export_shows_no_partner_of_another_program(client, tenant_admin, partners, other_tenant):
    PartnerOrganizationFactory(tenant=other_tenant, name="Foreign Partner")
    login(client, tenant_admin)

    assert "Foreign Partner" not in [row["name"] for row in rows_of(client.get(EXPORT))]


def test_export_query_count_does_not_grow_with_partners(client, tenant, tenant_admin):
    login(client, tenant_admin)
    PartnerOrganizationFactory.create_batch(3, tenant=tenant, owner=tenant_admin.user)

    def count():
        with CaptureQueriesContext(connection) as captured:
            rows_of(client.get(EXPORT))
        return len(captured)

    with_3 = count()
    PartnerOrganizationFactory.create_batch(27, tenant=tenant, owner=tenant_admin.user)

    assert count() == with_3
