"""Partner costs: by hand (tenant admins and finance; other staff read), CSV import with a dry run and row-numbered
errors (nothing written unless every row is good), exchange rates; and bad input named by field."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.models import ExchangeRate, PartnerCost
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(tenant):
    return PartnerOrganizationFactory(tenant=tenant, name="Delta Data")


def costs_in(tenant):
    with tenant_context(tenant):
        return list(
            PartnerCost.objects.order_by("id").values_list("partner_organization_id", "amount", "currency", "source")
        )


def test_finance_records_a_cost_by_hand(client, tenant, partner):
    login(client, StaffFactory(tenant=tenant, role=Role.FINANCE))
    url = reverse("analytics_costs", args=[tenant.slug])
    body = {"partner_organization": partner.pk, "period_start": "2026-03-01", "kind": "enablement", "amount": "1500.50",
            "currency": "EUR", "note": "Bootcamp"}  # fmt: skip
    response = client.post(url, body)
    assert response.status_code == 302
    assert costs_in(tenant) == [(partner.pk, Decimal("1500.50"), "EUR", "manual")]
    page = client.get(url).content.decode()
    assert "Delta Data" in page and "1,500.50 EUR" in page


@pytest.mark.parametrize(
    ("change", "field_text"),
    [
        ({"amount": "-5"}, "amount"),
        ({"period_start": "soon"}, "period_start"),
        ({"period_end": "2026-02-01"}, "The period cannot end before it starts."),
        ({"kind": "bribes"}, "kind"),
        ({"currency": "XXX"}, "currency"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, tenant, partner, change, field_text):
    login(client, StaffFactory(tenant=tenant, role=Role.TENANT_ADMIN))
    body = {"partner_organization": partner.pk, "period_start": "2026-03-01", "kind": "other", "amount": "10",
            "currency": "USD", **change}  # fmt: skip
    response = client.post(reverse("analytics_costs", args=[tenant.slug]), body)
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert costs_in(tenant) == []


def test_channel_managers_and_analysts_read_costs_but_do_not_write_them(client, tenant, partner):
    for role in (Role.CHANNEL_MANAGER, Role.ANALYST):
        login(client, StaffFactory(tenant=tenant, role=role))
        url = reverse("analytics_costs", args=[tenant.slug])
        assert client.get(url).status_code == 200
        body = {"partner_organization": partner.pk, "period_start": "2026-03-01", "kind": "other", "amount": "10",
                "currency": "USD"}  # fmt: skip
        assert client.post(url, body).status_code == 403
        assert client.get(reverse("analytics_cost_import", args=[tenant.slug])).status_code == 404
    assert costs_in(tenant) == []


def upload(client, tenant, text):
    file = SimpleUploadedFile("costs.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("analytics_cost_import", args=[tenant.slug]), {"file": file})


def test_csv_import_reports_every_bad_row_by_number_and_writes_nothing(client, tenant, partner):
    login(client, StaffFactory(tenant=tenant, role=Role.FINANCE))
    text = (
        "partner,period_start,kind,amount,currency,note\n"
        f"{partner.pk},2026-01-01,mdf,100,USD,ok\n"
        f"{partner.pk},2026-13-01,mdf,100,USD,bad date\n"
        "999999,2026-01-01,mdf,100,USD,unknown partner\n"
        f"{partner.pk},2026-01-01,gifts,100,USD,bad kind\n"
        f"{partner.pk},2026-01-01,mdf,-1,USD,negative\n"
    )
    response = upload(client, tenant, text)
    assert response.status_code == 400
    page = response.content.decode()
    errors = page.split('id="import-errors"')[1]
    for row, column in ((3, "period_start"), (4, "partner"), (5, "kind"), (6, "amount")):
        assert f"<td>{row}</td><td><code>{column}</code></td>" in errors
    assert "<td>2</td>" not in errors
    assert costs_in(tenant) == []


def test_csv_import_dry_run_then_confirm(client, tenant, partner):
    login(client, StaffFactory(tenant=tenant, role=Role.FINANCE))
    text = "partner,period_start,period_end,kind,amount,currency\n"
    text += f"{partner.pk},2026-01-01,2026-03-31,incentives,2500,EUR\n"
    response = upload(client, tenant, text)
    assert response.status_code == 200 and "Nothing has been written yet." in response.content.decode()
    assert costs_in(tenant) == []
    token = response.content.decode().split('name="token" value="')[1].split('"')[0]
    response = client.post(reverse("analytics_cost_import", args=[tenant.slug]), {"token": token})
    assert response.status_code == 302
    assert costs_in(tenant) == [(partner.pk, Decimal("2500.00"), "EUR", "csv")]
    # The token is used up: a second confirmation imports nothing more.
    client.post(reverse("analytics_cost_import", args=[tenant.slug]), {"token": token})
    assert len(costs_in(tenant)) == 1


def test_csv_with_a_bad_header_is_refused(client, tenant, partner):
    login(client, StaffFactory(tenant=tenant, role=Role.FINANCE))
    response = upload(client, tenant, "partner,amount\n1,2\n")
    assert response.status_code == 400
    assert "period_start" in response.content.decode()


def test_exchange_rates_set_and_refused(client, tenant):
    login(client, StaffFactory(tenant=tenant, role=Role.FINANCE))
    url = reverse("analytics_rates", args=[tenant.slug])
    assert client.post(url, {"currency": "EUR", "rate": "1.0850"}).status_code == 302
    assert client.post(url, {"currency": "EUR", "rate": "1.10"}).status_code == 302
    assert client.post(url, {"currency": "GBP", "rate": "0"}).status_code == 400
    with tenant_context(tenant):
        assert list(ExchangeRate.objects.values_list("currency", "rate")) == [("EUR", Decimal("1.10000000"))]


def test_an_mdf_payout_adds_its_cost_once(tenant, partner):
    from datetime import date

    from analytics.services import cost_delete, cost_record_mdf_payout
    from prm.errors import ValidationFailed
    from prm.policy import ProgramActor

    actor = ProgramActor(tenant.pk)
    with tenant_context(tenant):
        first = cost_record_mdf_payout(
            actor=actor,
            claim_reference="42",
            partner_id=partner.pk,
            amount="750.00",
            currency="EUR",
            paid_on=date(2026, 4, 1),
        )
        again = cost_record_mdf_payout(
            actor=actor,
            claim_reference="42",
            partner_id=partner.pk,
            amount="750.00",
            currency="EUR",
            paid_on=date(2026, 4, 1),
        )
        assert first.pk == again.pk and first.kind == "mdf"
        with pytest.raises(ValidationFailed):
            cost_delete(actor=actor, cost=first)
    assert costs_in(tenant) == [(partner.pk, Decimal("750.00"), "EUR", "mdf")]
