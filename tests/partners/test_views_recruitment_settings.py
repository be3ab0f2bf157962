"""The ideal partner profile page: criteria with checked values (a refusal names its field and changes nothing),
rescoring of the applications in review, and the public page's switch and automatic decisions."""

import re
from html import unescape

import pytest
from django.urls import reverse

from partners.models import ApplicationStatus, IppCriterion, PartnerApplication
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import (
    IppCriterionFactory,
    PartnerApplicationFactory,
    StaffFactory,
    program_settings_of,
    set_program_settings,
)

pytestmark = pytest.mark.django_db


def field_error(response, field):
    match = re.search(rf'id="id_{field}-error">([^<]*)<', response.content.decode())
    assert match, f"no error beside {field}: {response.status_code}"
    return unescape(match.group(1))


def criteria(tenant):
    with tenant_context(tenant):
        return list(
            IppCriterion.objects.order_by("position", "id").values("label", "attribute", "operator", "value", "weight")
        )


def scores(tenant):
    with tenant_context(tenant):
        return dict(PartnerApplication.objects.values_list("company_name", "ipp_score"))


@pytest.fixture
def admin_client(client, tenant_admin):
    return login(client, tenant_admin)


def add(client, tenant, **data):
    return client.post(reverse("criterion_create", args=[tenant.slug]), {"weight": 10, "label": "", **data})


def test_adding_criteria_rescores_the_applications_in_review_only(admin_client, tenant):
    PartnerApplicationFactory(tenant=tenant, company_name="German VAR", country="DE", ipp_score=0)
    PartnerApplicationFactory(tenant=tenant, company_name="French VAR", country="FR", ipp_score=0)
    PartnerApplicationFactory(
        tenant=tenant, company_name="Decided", country="DE", ipp_score=5, status=ApplicationStatus.DECLINED
    )

    response = add(admin_client, tenant, attribute="country", operator="in", value="de, at", weight=30)
    assert response.status_code == 302
    response = add(
        admin_client, tenant, label="Many customers", attribute="customer_count", operator="gte", value="50", weight=10
    )
    assert response.status_code == 302

    assert criteria(tenant) == [
        {
            "label": "Country is one of Germany, Austria",
            "attribute": "country",
            "operator": "in",
            "value": ["DE", "AT"],
            "weight": 30,
        },
        {"label": "Many customers", "attribute": "customer_count", "operator": "gte", "value": 50, "weight": 10},
    ]
    assert scores(tenant) == {"German VAR": 75, "French VAR": 0, "Decided": 5}
    page = admin_client.get(reverse("recruitment_settings", args=[tenant.slug])).content.decode()
    assert "Country is one of Germany, Austria" in page and "Customer count is at least 50" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"attribute": "country", "operator": "gte", "value": "5"}, "operator", "“is at least” compares amounts"),
        ({"attribute": "industries", "operator": "in", "value": "Retail"}, "operator", "“is one of” compares a single"),
        (
            {"attribute": "partner_type", "operator": "any", "value": "var"},
            "operator",
            "“includes any of” compares lists",
        ),
        ({"attribute": "customer_count", "operator": "gte", "value": "many"}, "value", "Enter a whole number"),
        ({"attribute": "company_size", "operator": "gte", "value": "huge"}, "value", "Choose one of: 1-10, 11-50"),
        ({"attribute": "country", "operator": "in", "value": "Germany"}, "value", "two-letter country codes"),
        ({"attribute": "annual_revenue_band", "operator": "in", "value": "big"}, "value", "Unknown values big"),
        ({"attribute": "partner_type", "operator": "in", "value": "astronaut"}, "value", "Unknown partner types"),
        ({"attribute": "regions", "operator": "any", "value": " , ;"}, "value", "List at least one value"),
        (
            {"attribute": "country", "operator": "in", "value": "DE", "weight": 0},
            "weight",
            "greater than or equal to 1",
        ),
        ({"attribute": "planet", "operator": "in", "value": "DE"}, "attribute", "Select a valid choice"),
    ],
)
def test_a_criterion_that_does_not_fit_is_refused_on_its_field(admin_client, tenant, data, field, message):
    response = add(admin_client, tenant, **data)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert criteria(tenant) == []


def test_editing_and_removing_a_criterion_rescore(admin_client, tenant):
    PartnerApplicationFactory(tenant=tenant, company_name="Big", company_size="201-1000", ipp_score=0)
    criterion = IppCriterionFactory(tenant=tenant, label="Germany", value=["DE"], weight=10)
    other = IppCriterionFactory(tenant=tenant, label="France", value=["FR"], weight=10)
    url = reverse("criterion_edit", args=[tenant.slug, criterion.pk])
    assert b"Germany" in admin_client.get(url).content

    response = admin_client.post(
        url,
        {
            "label": "Mid-size or larger",
            "attribute": "company_size",
            "operator": "gte",
            "value": "51-200",
            "weight": 30,
        },
    )
    assert response.status_code == 302
    assert scores(tenant) == {"Big": 75}

    response = admin_client.post(
        url, {"label": "", "attribute": "company_size", "operator": "gte", "value": "", "weight": 30}
    )
    assert response.status_code == 400 and criteria(tenant)[0]["value"] == "51-200"

    admin_client.post(reverse("criterion_delete", args=[tenant.slug, other.pk]))
    assert [c["label"] for c in criteria(tenant)] == ["Mid-size or larger"]
    assert scores(tenant) == {"Big": 100}


def test_auto_rule_and_switch_are_saved_in_the_program_settings(admin_client, tenant):
    url = reverse("recruitment_settings", args=[tenant.slug])
    response = admin_client.post(url, {"auto_approve_at": "85", "auto_decline_below": "30"})
    assert response.status_code == 302
    saved = program_settings_of(tenant)
    assert (saved.applications_open, saved.auto_approve_at, saved.auto_decline_below) == (False, 85, 30)

    admin_client.post(url, {"is_open": "on", "auto_approve_at": "", "auto_decline_below": ""})
    saved = program_settings_of(tenant)
    assert (saved.applications_open, saved.auto_approve_at, saved.auto_decline_below) == (True, None, None)
    tenant.refresh_from_db()
    assert "recruitment" not in tenant.settings  # each app keeps its settings in its own model


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"auto_approve_at": "40", "auto_decline_below": "60"},
            "auto_approve_at",
            "must be above the auto-decline score (60)",
        ),
        ({"auto_approve_at": "50", "auto_decline_below": "50"}, "auto_approve_at", "must be above"),
        ({"auto_approve_at": "101"}, "auto_approve_at", "less than or equal to 100"),
        ({"auto_decline_below": "-1"}, "auto_decline_below", "greater than or equal to 0"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused(admin_client, tenant, data, field, message):
    set_program_settings(tenant, applications_open=False, auto_approve_at=90)
    response = admin_client.post(reverse("recruitment_settings", args=[tenant.slug]), {"is_open": "on", **data})
    assert response.status_code == 400
    assert message in field_error(response, field)
    saved = program_settings_of(tenant)
    assert (saved.applications_open, saved.auto_approve_at, saved.auto_decline_below) == (False, 90, None)


def test_only_tenant_admins_manage_the_profile(client, tenant):
    criterion = IppCriterionFactory(tenant=tenant)
    login(client, StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER))
    for url in (
        reverse("recruitment_settings", args=[tenant.slug]),
        reverse("criterion_edit", args=[tenant.slug, criterion.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("criterion_delete", args=[tenant.slug, criterion.pk])).status_code == 404
    assert len(criteria(tenant)) == 1
