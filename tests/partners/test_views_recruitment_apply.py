"""The public application page: branded, no login, clear field-named refusals, spam kept out, nothing stored on
any refusal; a good application waits for its email confirmation."""

import re
from html import unescape as html_unescape

import pytest
from django.core import mail
from django.urls import reverse

from partners.models import ApplicationStatus, CustomPartnerType, PartnerApplication
from partners.services import applications as application_services
from prm.tenancy import tenant_context
from tests.factories import PartnerApplicationFactory, PartnerOrganizationFactory, TenantFactory, set_program_settings

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://\S+/t/(?P<slug>[\w-]+)/apply/confirm/(?P<token>[\w-]+)/")


def form(**overrides):
    data = {
        "company_name": "Contoso Security",
        "legal_name": "Contoso Security GmbH",
        "website": "https://www.contoso-security.de/about",
        "contact_first_name": "Klara",
        "contact_last_name": "Weiss",
        "contact_email": "klara@contoso-security.de",
        "contact_phone": "+49 30 1234567",
        "contact_job_title": "Head of Alliances",
        "partner_type": "var",
        "country": "DE",
        "regions": ["EMEA", "NA"],
        "industries": "Healthcare; Finance",
        "company_size": "51-200",
        "annual_revenue_band": "10m-50m",
        "customer_count": "120",
        "certifications": "ISO 27001, CISSP",
        "message": "We resell firewalls to hospitals.",
        "homepage": "",
    }
    data.update(overrides)
    return data


def apply_url(tenant):
    return reverse("apply", args=[tenant.slug])


def applications(tenant):
    with tenant_context(tenant):
        return list(PartnerApplication.objects.order_by("pk"))


def field_error(response, field):
    """The message shown beside `field` (the page marks it for assistive technology)."""
    html = response.content.decode()
    match = re.search(rf'id="id_{field}-error">([^<]*)<', html)
    assert match, f"no error beside {field}"
    return html_unescape(match.group(1))


def test_the_page_is_branded_and_open_to_anyone(client, tenant):
    response = client.get(apply_url(tenant))
    assert response.status_code == 200
    assert tenant.display_name.encode() in response.content
    assert b"Become a partner" in response.content
    assert b'name="homepage"' in response.content and b'tabindex="-1"' in response.content


def test_an_unknown_program_is_a_404(client, db):
    assert client.get("/t/no-such-program/apply/").status_code == 404


def test_a_tenants_own_partner_types_are_offered(client, tenant):
    with tenant_context(tenant):
        CustomPartnerType.objects.create(key="marketplace", label="Cloud marketplace")
    response = client.get(apply_url(tenant))
    assert b'value="marketplace"' in response.content and b"Cloud marketplace" in response.content
    client.post(apply_url(tenant), form(partner_type="marketplace"))
    assert applications(tenant)[0].partner_type == "marketplace"


def test_an_application_waits_for_its_email_confirmation(client, tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(tenant), form(), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert b"klara@contoso-security.de" in response.content
    [application] = applications(tenant)
    assert application.status == ApplicationStatus.PENDING_CONFIRMATION
    assert application.email_domain == "contoso-security.de"
    assert application.website == "https://www.contoso-security.de/about"
    assert application.country == "DE"
    assert application.regions == ["EMEA", "NA"]
    assert application.industries == ["Healthcare", "Finance"]
    assert application.certifications == ["ISO 27001", "CISSP"]
    assert application.customer_count == 120
    assert application.submitted_ip == "203.0.113.7"
    assert application.ipp_score is None and application.confirmed_at is None
    [email] = mail.outbox
    assert email.to == ["klara@contoso-security.de"]
    link = CONFIRM_LINK.search(email.body)
    assert link and link["slug"] == tenant.slug
    # Only the token's hash is stored.
    assert link["token"] not in application.confirmation_token_hash
    assert application.confirmation_token_hash == application_services.hash_token(link["token"])


def test_without_a_website_the_domain_comes_from_the_email(client, tenant):
    client.post(apply_url(tenant), form(website="", contact_email="Klara@Mail.Contoso.CO.UK"))
    [application] = applications(tenant)
    assert application.email_domain == "contoso.co.uk"
    assert application.contact_email == "klara@mail.contoso.co.uk"


def test_a_website_without_scheme_is_read_as_https(client, tenant):
    client.post(apply_url(tenant), form(website="contoso-security.de"))
    assert applications(tenant)[0].website == "https://contoso-security.de"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"website": "https://"}, "website", "Enter your company's web address"),
        ({"website": "http://10.0.0.7/"}, "website", "not an IP address"),
        ({"website": "https://localhost"}, "website", "Enter your company's"),
        ({"website": "ftp://contoso.de"}, "website", "Enter your company's web address"),
        ({"website": "", "contact_email": "klara@gmail.com"}, "website", "a gmail.com address does not tell us"),
        ({"contact_email": "klara@"}, "contact_email", "Enter a valid email address."),
        ({"company_name": ""}, "company_name", "This field is required."),
        ({"partner_type": "astronaut"}, "partner_type", "Select a valid choice."),
        ({"country": "Germany"}, "country", "Select a valid choice."),
        ({"country": "XY"}, "country", "Select a valid choice."),
        ({"regions": ["EMEA", "Narnia"]}, "regions", "Select a valid choice."),
        ({"contact_phone": "call me maybe"}, "contact_phone", "Enter a phone number"),
        ({"customer_count": "-3"}, "customer_count", "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(client, tenant, overrides, field, message):
    response = client.post(apply_url(tenant), form(**overrides))
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert applications(tenant) == []
    assert mail.outbox == []


def test_a_second_open_application_for_the_same_domain_is_refused_on_its_field(client, tenant):
    client.post(apply_url(tenant), form())
    # Another person of the same company, from another page of its website.
    response = client.post(
        apply_url(tenant), form(website="http://shop.contoso-security.de", contact_email="max@contoso-security.de")
    )
    assert response.status_code == 400
    assert "waiting for its email confirmation" in field_error(response, "website")
    assert len(applications(tenant)) == 1


def test_an_application_in_review_blocks_its_domain_too(client, tenant):
    PartnerApplicationFactory(tenant=tenant, email_domain="contoso-security.de")
    response = client.post(apply_url(tenant), form(website="", contact_email="klara@contoso-security.de"))
    assert response.status_code == 400
    assert "An application for contoso-security.de is already open" in field_error(response, "contact_email")


def test_a_decided_application_does_not_block_a_new_one(client, tenant):
    PartnerApplicationFactory(tenant=tenant, email_domain="contoso-security.de", status=ApplicationStatus.DECLINED)
    assert client.post(apply_url(tenant), form()).status_code == 200
    assert len(applications(tenant)) == 2


@pytest.mark.parametrize(
    "partner_fields",
    [{"email_domains": ["contoso-security.de"]}, {"website": "https://contoso-security.de/"}],
    ids=["email domain", "website"],
)
def test_a_company_that_is_a_partner_already_is_told_so(client, tenant, partner_fields):
    PartnerOrganizationFactory(tenant=tenant, name="Contoso", **partner_fields)
    response = client.post(apply_url(tenant), form())
    assert response.status_code == 400
    assert "contoso-security.de already belongs to a partner of this program" in field_error(response, "website")
    assert applications(tenant) == []


def test_a_partner_of_another_program_does_not_count(client, tenant, other_tenant):
    PartnerOrganizationFactory(tenant=other_tenant, name="Contoso", email_domains=["contoso-security.de"])
    PartnerApplicationFactory(tenant=other_tenant, email_domain="contoso-security.de")
    assert client.post(apply_url(tenant), form()).status_code == 200


def test_the_honeypot_pretends_success_and_stores_nothing(client, tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(tenant), form(homepage="https://cheap-pills.example"))
    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert applications(tenant) == []
    assert mail.outbox == []


def test_a_flood_from_one_address_is_stopped_at_the_sixth_attempt(client, tenant):
    for n in range(5):
        response = client.post(
            apply_url(tenant),
            form(website=f"https://company{n}.com", contact_email=f"a@company{n}.com"),
            REMOTE_ADDR="198.51.100.9",
        )
        assert response.status_code == 200, n
    response = client.post(
        apply_url(tenant),
        form(website="https://company6.com", contact_email="a@company6.com"),
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 429
    assert b"Please try again in an hour" in response.content
    assert response["Retry-After"] == "3600"
    assert len(applications(tenant)) == 5
    # Another address, and the same address at another program, are not affected.
    assert client.post(apply_url(tenant), form(), REMOTE_ADDR="198.51.100.10").status_code == 200
    other = TenantFactory(slug="initech", name="Initech")
    assert client.post(apply_url(other), form(), REMOTE_ADDR="198.51.100.9").status_code == 200


def test_invalid_attempts_count_towards_the_limit(client, tenant):
    for _ in range(5):
        assert client.post(apply_url(tenant), form(company_name=""), REMOTE_ADDR="198.51.100.9").status_code == 400
    assert client.post(apply_url(tenant), form(), REMOTE_ADDR="198.51.100.9").status_code == 429
    assert applications(tenant) == []


def test_a_closed_program_takes_no_applications(client, tenant):
    set_program_settings(tenant, applications_open=False)
    response = client.get(apply_url(tenant))
    assert b"Applications are closed" in response.content
    client.post(apply_url(tenant), form())
    assert applications(tenant) == []


def test_an_expired_unconfirmed_application_no_longer_blocks_its_domain(client, tenant):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - application_services.CONFIRMATION_TTL - timezone.timedelta(minutes=1)):
        client.post(apply_url(tenant), form())
    [stale] = applications(tenant)
    assert client.post(apply_url(tenant), form(contact_email="max@contoso-security.de")).status_code == 200
    [fresh] = applications(tenant)
    assert fresh.pk != stale.pk and fresh.contact_email == "max@contoso-security.de"
