"""Partner documents: checked uploads (size, type by name and by content), the event that completes upload steps,
and downloads only for those who may see the partner's documents."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.models import OnboardingStepKind, PartnerDocument, PartnerStatus
from partners.services import documents
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory
from tests.partners.onboarding_support import events_of, make_plan, relay, start, steps_of
from tests.prm.helpers import tiny_png

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes(with_document=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, partner, title, name, content):
    return client.post(
        f"/t/acme/partners/{partner.pk}/documents/",
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def documents_of(tenant, partner):
    with tenant_context(tenant):
        return list(PartnerDocument.objects.filter(partner_organization=partner))


def test_a_partner_admin_uploads_a_document_which_completes_the_upload_step(client, tenant, partner_org, partner_admin):
    with tenant_context(tenant):
        partner_org.status = PartnerStatus.ONBOARDING
        partner_org.save(update_fields=["status"])
    make_plan(tenant, [{"title": "Upload your W-9", "kind": OnboardingStepKind.UPLOAD_DOCUMENT}])
    onboarding = start(tenant, partner_org)
    login(client, partner_admin)
    response = upload(client, partner_org, "W-9 tax form", "w9.PDF", PDF)
    assert response.status_code == 302
    [document] = documents_of(tenant, partner_org)
    assert (document.title, document.content_type, document.size) == ("W-9 tax form", "application/pdf", len(PDF))
    assert document.uploaded_by_id == partner_admin.user_id
    # The stored name is the server's: tenant, partner, random token (never the uploaded name).
    assert (
        document.file.name.startswith("partner-documents/") and f"/{tenant.pk}/{partner_org.pk}/" in document.file.name
    )
    assert "w9" not in document.file.name
    [event] = events_of(tenant, "partner.document_uploaded")
    assert event.payload == {
        "partner_organization_id": partner_org.pk,
        "document_id": document.pk,
        "title": "W-9 tax form",
        "content_type": "application/pdf",
        "size": len(PDF),
    }
    relay(tenant)
    assert steps_of(tenant, onboarding)["Upload your W-9"].completed_at is not None


@pytest.mark.parametrize(
    ("title", "name", "content", "field", "message"),
    [
        ("Logo", "logo.gif", b"GIF89a....", "file", "Upload a PDF, PNG, JPEG or Word (.docx) file"),
        ("Tax form", "form.pdf", tiny_png(), "file", "not what its name says (.pdf)"),
        ("Tax form", "form.png", PDF, "file", "not what its name says (.png)"),
        ("Contract", "contract.docx", docx_bytes(with_document=False), "file", "not what its name says (.docx)"),
        ("Script", "evil.pdf.exe", b"MZ\x90\x00", "file", "Upload a PDF, PNG, JPEG or Word (.docx) file"),
        ("Empty", "empty.pdf", b"", "file", "The submitted file is empty"),
        ("", "form.pdf", PDF, "title", "This field is required"),
    ],
)
def test_bad_uploads_are_refused_beside_their_field_and_nothing_is_stored(
    client, tenant, partner_org, partner_admin, title, name, content, field, message
):
    login(client, partner_admin)
    response = upload(client, partner_org, title, name, content)
    assert response.status_code == 400
    assert message in response.text and f'id="id_{field}-error"' in response.text
    assert documents_of(tenant, partner_org) == []
    assert events_of(tenant, "partner.document_uploaded") == []


def test_a_file_over_ten_megabytes_is_refused(client, tenant, partner_org, partner_admin):
    login(client, partner_admin)
    response = upload(client, partner_org, "Brochure", "big.pdf", PDF + b"0" * documents.MAX_DOCUMENT_BYTES)
    assert response.status_code == 400 and "larger than 10 MB" in response.text
    assert documents_of(tenant, partner_org) == []


def test_word_and_images_are_accepted(client, tenant, partner_org, partner_admin):
    login(client, partner_admin)
    assert upload(client, partner_org, "NDA", "nda.docx", docx_bytes()).status_code == 302
    assert upload(client, partner_org, "Certificate", "cert.png", tiny_png()).status_code == 302
    assert sorted(d.content_type for d in documents_of(tenant, partner_org)) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


@pytest.fixture
def document(tenant, partner_org, partner_admin, client):
    login(client, partner_admin)
    upload(client, partner_org, "Insurance certificate", "insurance.pdf", PDF)
    client.logout()
    [document] = documents_of(tenant, partner_org)
    return document


def test_the_partner_admin_and_staff_download_it_as_an_attachment(client, tenant, partner_org, partner_admin, document):
    url = f"/t/acme/partners/{partner_org.pk}/documents/{document.pk}/"
    for member in (partner_admin, StaffFactory(tenant=tenant, role=Role.CHANNEL_MANAGER)):
        login(client, member)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Insurance certificate.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    listing = client.get(f"/t/acme/partners/{partner_org.pk}/documents/").text
    assert "Insurance certificate" in listing and url in listing


def test_other_partners_and_partner_sales_get_404(client, tenant, partner_org, document):
    other = PartnerOrganizationFactory(tenant=tenant, name="Contoso")
    url = f"/t/acme/partners/{partner_org.pk}/documents/{document.pk}/"
    for member in (
        PartnerUserFactory(tenant=tenant, partner_organization=other),
        PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_SALES),
    ):
        login(client, member)
        assert client.get(url).status_code == 404
        assert client.get(f"/t/acme/partners/{partner_org.pk}/documents/").status_code == 404
    # The document under another partner's address is not found either.
    login(client, StaffFactory(tenant=tenant))
    assert client.get(f"/t/acme/partners/{other.pk}/documents/{document.pk}/").status_code == 404


def test_an_analyst_sees_documents_but_cannot_upload(client, tenant, partner_org, document):
    login(client, StaffFactory(tenant=tenant, role=Role.ANALYST))
    page = client.get(f"/t/acme/partners/{partner_org.pk}/documents/")
    assert page.status_code == 200 and "Upload a document" not in page.text
    assert upload(client, partner_org, "Sneaky", "s.pdf", PDF).status_code == 404
    assert len(documents_of(tenant, partner_org)) == 1
