"""Certification pages: staff definitions and revocation, the learner's and the partner admin's pages, the PDF and
credential downloads (holder, their partner admin and staff only: anyone else gets a 404), and the public
verification page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enablement.models import AwardStatus, Certification, CertificationAward
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.certifications_support import certify, complete, program, revoke
from tests.enablement.factories import CourseFactory
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.prm.query_counts import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return program()


def award_urls(p, award):
    base = f"/t/{p.tenant.slug}/certifications/awards/{award.pk}/"
    return [base, base + "certificate.pdf", base + "credential.jwt"]


def test_the_holder_their_partner_admin_and_staff_open_the_award_and_download_the_pdf_and_credential(client, p):
    award = certify(p)
    partner_admin = PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner)
    analyst = StaffFactory(tenant=p.tenant, role="analyst")
    for who in (p.learner, partner_admin, analyst):
        login(client, who)
        page, pdf, jwt = (client.get(url) for url in award_urls(p, award))
        assert page.status_code == 200 and b"Ada Byron" in page.content
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].startswith("attachment;")
        assert pdf["X-Content-Type-Options"] == "nosniff"
        assert jwt.status_code == 200 and jwt.content.decode() == award.credential
        client.logout()


def test_a_colleague_another_organization_and_another_tenant_get_404_on_certificates(client, p):
    award = certify(p)
    colleague = PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner, role="partner_sales")
    other_admin = PartnerUserFactory(tenant=p.tenant, partner_organization=PartnerOrganizationFactory(tenant=p.tenant))
    other_program = program("otherco")
    for who in (colleague, other_admin, other_program.admin, other_program.learner):
        login(client, who)
        for url in award_urls(p, award):
            assert client.get(url).status_code == 404, (who.role, url)
        # Under their own program's address, this program's award does not exist either.
        own = f"/t/{who.tenant.slug}/certifications/awards/{award.pk}/certificate.pdf"
        assert client.get(own).status_code == 404
        client.logout()


def test_my_certifications_lists_mine_with_downloads_and_what_i_can_earn(client, p):
    certify(p)
    advanced = CourseFactory(tenant=p.tenant, title="Advanced threat defence")
    from tests.enablement.factories import CertificationFactory

    CertificationFactory(tenant=p.tenant, courses=[p.courses[0], advanced], name="Threat Defence Expert")
    login(client, p.learner)
    response = client.get(f"/t/{p.tenant.slug}/portal/certifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Certified Seller" in html and "certificate.pdf" in html and "credential.jwt" in html
    assert "Threat Defence Expert" in html and "Advanced threat defence" in html
    assert "My team" not in html  # a seller is not the partner's admin


def test_a_partner_admin_sees_the_organizations_people_and_no_one_elses(client, p):
    certify(p)
    outsider = PartnerUserFactory(tenant=p.tenant, user__first_name="Olga", user__last_name="Outsider")
    certify(p, outsider)
    partner_admin = PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner)
    login(client, partner_admin)
    response = client.get(f"/t/{p.tenant.slug}/portal/certifications/team/")
    assert response.status_code == 200
    assert b"Ada Byron" in response.content and b"Olga Outsider" not in response.content
    login(client, p.learner)
    assert client.get(f"/t/{p.tenant.slug}/portal/certifications/team/").status_code == 404


def test_the_public_verification_page_shows_only_name_certification_issuer_and_dates(client, p):
    award = certify(p)
    response = client.get(f"/t/{p.tenant.slug}/verify/{award.verification_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate is genuine and valid." in html
    assert "Ada Byron" in html and "Certified Seller" in html and p.tenant.display_name in html
    assert p.learner.user.email not in html and "Northwind Secure" not in html
    assert response["X-Robots-Tag"].startswith("noindex") and '<meta name="robots" content="noindex' in html


def test_the_verification_page_says_revoked_and_expired(client, p):
    award = certify(p)
    url = f"/t/{p.tenant.slug}/verify/{award.verification_code}/"
    with tenant_context(p.tenant):
        CertificationAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert b"genuine but expired on" in client.get(url).content
    revoke(p, award)
    assert b"was revoked by the issuer" in client.get(url).content


def test_an_unknown_code_or_another_programs_address_is_a_404(client, p):
    award = certify(p)
    other = program("otherco")
    assert client.get(f"/t/{p.tenant.slug}/verify/not-a-real-code/").status_code == 404
    assert client.get(f"/t/{other.tenant.slug}/verify/{award.verification_code}/").status_code == 404


def test_staff_define_a_certification_from_courses(client, p):
    login(client, p.admin)
    url = f"/t/{p.tenant.slug}/certifications/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "", "courses": [p.courses[0].pk], "validity_months": "12"})
    assert response.status_code == 400 and b"Name the certification." in response.content
    response = client.post(
        url,
        {"name": "Deployment Expert", "courses": [c.pk for c in p.courses], "validity_months": "24", "active": "on"},
    )
    assert response.status_code == 302
    with tenant_context(p.tenant):
        created = Certification.objects.get(name="Deployment Expert")
        assert created.validity_months == 24 and created.required_courses.count() == 2
    assert client.get(response.url).status_code == 200


def test_editing_the_validity_asks_whether_it_applies_to_existing_certificates(client, p):
    award = certify(p)
    login(client, p.admin)
    url = f"/t/{p.tenant.slug}/certifications/{p.certification.pk}/edit/"
    assert b"apply-to-existing" in client.get(url).content
    fields = {"name": "Certified Seller", "courses": [c.pk for c in p.courses], "validity_months": "24", "active": "on"}
    response = client.post(url, fields)
    assert response.status_code == 400
    assert b"choose whether it applies to certificates already awarded" in response.content
    response = client.post(url, {**fields, "apply_to_existing": "existing_awards"})
    assert response.status_code == 302
    with tenant_context(p.tenant):
        award.refresh_from_db()
    assert award.expires_at.year == award.awarded_at.year + 2


def test_staff_revoke_an_award_with_a_reason(client, p):
    award = certify(p)
    url = f"/t/{p.tenant.slug}/certifications/awards/{award.pk}/revoke/"
    manager = StaffFactory(tenant=p.tenant, role="channel_manager")
    analyst = StaffFactory(tenant=p.tenant, role="analyst")
    login(client, analyst)
    assert client.post(url, {"reason": "No"}).status_code == 404
    login(client, manager)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and b"Say why it is revoked." in response.content
    response = client.post(url, {"reason": "Shared exam answers"})
    assert response.status_code == 302
    with tenant_context(p.tenant):
        award.refresh_from_db()
    assert award.status == AwardStatus.REVOKED and award.revoked_by_id == manager.user_id
    page = client.get(response.url)
    assert b"Shared exam answers" in page.content and b"Revoke this certificate" not in page.content


def test_certification_pages_run_a_constant_number_of_queries(client, p):
    certify(p)
    staff, partner_admin = p.admin, PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner)
    urls = {
        staff: [
            f"/t/{p.tenant.slug}/certifications/",
            f"/t/{p.tenant.slug}/certifications/{p.certification.pk}/",
            f"/t/{p.tenant.slug}/certifications/{p.certification.pk}/?state=all",
        ],
        partner_admin: [f"/t/{p.tenant.slug}/portal/certifications/team/"],
        p.learner: [f"/t/{p.tenant.slug}/portal/certifications/"],
    }

    def counts():
        result = {}
        for who, pages in urls.items():
            login(client, who)
            result |= {url: queries_for(client, url) for url in pages}
        return result

    before = counts()
    for n in range(4):
        person = PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner, role="partner_sales")
        certify(p, person)
        second = CourseFactory(tenant=p.tenant, title=f"Extra {n}")
        from tests.enablement.factories import CertificationFactory

        CertificationFactory(tenant=p.tenant, courses=[second], name=f"Extra certification {n}")
        complete(p, second)
    assert counts() == before
