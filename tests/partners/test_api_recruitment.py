"""/api/v1/applications/: applications from a website form or a CRM (submitted at once, scored, auto rule),
the same checks as the public page with field-named problems, upsert by external_id, the queue and decisions."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import ApplicationStatus, PartnerApplication, PartnerOrganization, PartnerStatus
from prm.models import Event, Invitation
from prm.roles import Role
from tests.api.conftest import fields_of, key_client, problem_of
from tests.factories import (
    IppCriterionFactory,
    PartnerApplicationFactory,
    PartnerOrganizationFactory,
    StaffFactory,
    make_api_key,
    set_program_settings,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"


def body(**overrides):
    data = {
        "company_name": "Contoso Security",
        "website": "https://contoso-security.de",
        "contact_first_name": "Klara",
        "contact_last_name": "Weiss",
        "contact_email": "klara@contoso-security.de",
        "partner_type": "msp",
        "country": "DE",
        "industries": ["Healthcare"],
        "customer_count": 40,
        "certifications": ["ISO 27001"],
        "external_id": "crm-lead-1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def criteria(tenant):
    return [
        IppCriterionFactory(tenant=tenant, label="DACH", value=["DE", "AT", "CH"], weight=60),
        IppCriterionFactory(
            tenant=tenant, label="Customers", attribute="customer_count", operator="gte", value=50, weight=40
        ),
    ]


def test_an_application_from_an_integration_is_submitted_scored_and_explained(api, criteria, scoped):
    response = api.post(URL, body(), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted" and data["source"] == "api" and data["email_domain"] == "contoso-security.de"
    assert data["ipp_score"] == 60 and data["confirmed_at"]
    assert data["ipp_explanation"] == [
        {
            "criterion": "DACH",
            "points": 60,
            "of": 60,
            "matched": True,
            "why": "Country Germany is one of Germany, Austria, Switzerland",
        },
        {"criterion": "Customers", "points": 0, "of": 40, "matched": False, "why": "Customer count 40 is below 50"},
    ]
    assert response["ETag"]
    with scoped():
        types = list(
            Event.objects.exclude(type="api_key.created").order_by("id").values_list("type", "actor_api_key_id")
        )
    assert [t for t, _ in types] == ["partner.applied", "application.submitted"]
    assert all(key_id is not None for _, key_id in types)
    assert mail.outbox == []  # no confirmation email: the integration vouches for the applicant

    retrieved = api.get(f"{URL}{data['id']}/")
    assert retrieved.status_code == 200 and retrieved.json()["ipp_explanation"] == data["ipp_explanation"]


def test_the_auto_rule_applies_to_applications_from_integrations(api, tenant, criteria, scoped):
    set_program_settings(tenant, applications_open=False, auto_approve_at=60)
    data = api.post(URL, body(), format="json").json()
    assert data["status"] == "approved" and data["auto_decided"] is True and data["decided_by"] is None
    with scoped():
        partner = PartnerOrganization.objects.get(pk=data["partner_organization"])
        assert partner.status == PartnerStatus.ONBOARDING
        assert Invitation.objects.get().email == "klara@contoso-security.de"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"website": "not a website"}, "website"),
        ({"website": "https://192.168.1.4"}, "website"),
        ({"website": "", "contact_email": "klara@yahoo.com"}, "website"),
        ({"contact_email": "klara"}, "contact_email"),
        ({"company_name": ""}, "company_name"),
        ({"partner_type": "astronaut"}, "partner_type"),
        ({"country": "XX1"}, "country"),
        ({"company_size": "enormous"}, "company_size"),
        ({"customer_count": -1}, "customer_count"),
        ({"industries": "Healthcare"}, "industries"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, scoped, overrides, field):
    response = api.post(URL, body(**overrides), format="json")
    assert fields_of(problem_of(response, 400)) == [field]
    with scoped():
        assert not PartnerApplication.objects.exists()
        assert not Event.objects.exclude(type="api_key.created").exists()


def test_an_open_application_for_the_domain_is_a_409_naming_the_field(api, tenant, scoped):
    PartnerApplicationFactory(tenant=tenant, email_domain="contoso-security.de")
    problem = problem_of(api.post(URL, body(), format="json"), 409)
    assert fields_of(problem) == ["website"]
    assert "An application for contoso-security.de is already open" in problem["errors"][0]["message"]
    with scoped():
        assert PartnerApplication.objects.count() == 1


def test_a_partners_domain_is_a_409_saying_they_are_a_partner(api, tenant):
    PartnerOrganizationFactory(tenant=tenant, name="Contoso", email_domains=["contoso-security.de"])
    problem = problem_of(api.post(URL, body(website="", external_id=""), format="json"), 409)
    assert fields_of(problem) == ["contact_email"]
    assert "already belongs to a partner of this program" in problem["detail"]


def test_sending_the_same_external_id_again_updates_and_rescores(api, criteria, scoped):
    first = api.post(URL, body(), format="json").json()
    again = api.post(URL, body(customer_count=75, contact_phone="+49 30 555"), format="json")
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first["id"] and again.json()["ipp_score"] == 100
    same = api.post(URL, body(customer_count=75, contact_phone="+49 30 555"), format="json")
    assert same.status_code == 200
    with scoped():
        assert PartnerApplication.objects.count() == 1
        assert Event.objects.filter(type="application.submitted").count() == 1


def test_a_decided_application_does_not_change_but_may_be_sent_unchanged(api, tenant, scoped):
    data = api.post(URL, body(), format="json").json()
    api.post(f"{URL}{data['id']}/decline/", {"reason": "Not now."}, format="json")
    assert api.post(URL, body(), format="json").status_code == 200
    problem_of(api.post(URL, body(customer_count=999), format="json"), 409)


def test_approve_and_decline_actions(api, tenant, scoped):
    first = PartnerApplicationFactory(tenant=tenant, company_name="Fabrikam")
    second = PartnerApplicationFactory(tenant=tenant, company_name="Tailspin")

    approved = api.post(f"{URL}{first.pk}/approve/", {"partner_name": "Fabrikam EMEA"}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] is None
    with scoped():
        partner = PartnerOrganization.objects.get(pk=approved.json()["partner_organization"])
    assert (partner.name, partner.status, partner.owner) == ("Fabrikam EMEA", PartnerStatus.ONBOARDING, None)
    conflict = problem_of(api.post(f"{URL}{first.pk}/decline/", {"reason": "x"}, format="json"), 409)
    assert conflict["detail"].startswith("Fabrikam was approved through the API at ")

    assert fields_of(problem_of(api.post(f"{URL}{second.pk}/decline/", {}, format="json"), 400)) == ["reason"]
    declined = api.post(f"{URL}{second.pk}/decline/", {"reason": "Competes with us."}, format="json")
    assert declined.json()["status"] == "declined" and declined.json()["decision_reason"] == "Competes with us."


def test_approving_under_a_taken_name_is_a_400_naming_partner_name(api, tenant):
    PartnerOrganizationFactory(tenant=tenant, name="Fabrikam")
    application = PartnerApplicationFactory(tenant=tenant, company_name="Fabrikam")
    problem = problem_of(api.post(f"{URL}{application.pk}/approve/", {}, format="json"), 400)
    assert fields_of(problem) == ["partner_name"]


def test_list_filters_by_status_and_orders_by_score(api, tenant):
    PartnerApplicationFactory(tenant=tenant, company_name="Low", ipp_score=10)
    PartnerApplicationFactory(tenant=tenant, company_name="High", ipp_score=90)
    PartnerApplicationFactory(tenant=tenant, company_name="Unscored", status=ApplicationStatus.PENDING_CONFIRMATION)
    PartnerApplicationFactory(tenant=tenant, company_name="Mid", ipp_score=50, status=ApplicationStatus.DECLINED)

    def names(**params):
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["company_name"] for row in response.json()["results"]]

    assert names(ordering="-ipp_score") == ["High", "Mid", "Low", "Unscored"]
    assert names(ordering="ipp_score") == ["Unscored", "Low", "Mid", "High"]
    assert names(status="submitted", ordering="-ipp_score") == ["High", "Low"]
    assert names(search="unsc") == ["Unscored"]
    assert names(min_score=50, ordering="-ipp_score") == ["High", "Mid"]
    assert fields_of(problem_of(api.get(URL, {"status": "lost"}), 400)) == ["status"]

    # Pages follow the score, unscored included.
    page = api.get(URL, {"ordering": "-ipp_score", "page_size": 2}).json()
    rest = api.get(page["next"]).json()
    assert [row["company_name"] for row in page["results"] + rest["results"]] == ["High", "Mid", "Low", "Unscored"]


def test_list_query_count_does_not_grow_with_applications(api, tenant):
    PartnerApplicationFactory.create_batch(3, tenant=tenant, ipp_score=5)
    api.get(URL)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get(URL, {"ordering": "-ipp_score"}).status_code == 200
        return len(captured)

    with_3 = count()
    PartnerApplicationFactory.create_batch(27, tenant=tenant, ipp_score=7)
    assert count() == with_3


def test_keys_need_the_applications_scope_and_partners_see_nothing(tenant, partner_org):
    application = PartnerApplicationFactory(tenant=tenant)
    reader = key_client(make_api_key(tenant, scopes=["applications:read"])[1])
    assert reader.get(f"{URL}{application.pk}/").status_code == 200
    assert "applications:write" in problem_of(reader.post(URL, body(), format="json"), 403)["detail"]
    assert problem_of(reader.post(f"{URL}{application.pk}/approve/", {}, format="json"), 403)

    other = key_client(make_api_key(tenant, scopes=["partners:write"])[1])
    assert "applications:read" in problem_of(other.get(URL), 403)["detail"]

    bound = key_client(make_api_key(tenant, scopes=["applications:write"], partner_organization=partner_org)[1])
    problem_of(bound.get(f"{URL}{application.pk}/"), 404)
    assert bound.post(URL, body(), format="json").status_code in (403, 404)


def test_a_channel_manager_signed_in_decides_through_the_api(client, tenant):
    manager = StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)
    application = PartnerApplicationFactory(tenant=tenant)
    client.force_login(manager.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"{URL}{application.pk}/decline/",
        {"reason": "Outside our regions."},
        content_type="application/json",
        HTTP_X_TENANT=tenant.slug,
    )
    assert response.status_code == 200, response.content
    assert response.json()["decided_by"] == manager.user_id
