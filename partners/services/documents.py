"""Documents a partner uploads (tax form, insurance certificate, signed NDA…), e.g. for an onboarding step.

Uploads are checked for size, extension *and* content (magic bytes), stored privately under a name the server
generates (prefixed with the tenant and the partner), and served only through an authorized view as an attachment.
"""

from __future__ import annotations

import secrets
import zipfile

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import PartnerDocument, PartnerOrganization
from prm import policy
from prm.cleaning import clean_text
from prm.errors import ValidationFailed
from prm.events import record_event
from prm.policy import Actor

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_TITLE = PartnerDocument._meta.get_field("title").max_length
# Trusted extension -> what the file must start with, and the content type it is served with.
DOCUMENT_TYPES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
ALLOWED_LABEL = gettext_lazy("PDF, PNG, JPEG or Word (.docx)")


def _extension_of(name: str) -> str | None:
    name = (name or "").lower()
    if "." not in name:
        return None
    extension = name.rsplit(".", 1)[1]
    extension = EXTENSION_ALIASES.get(extension, extension)
    return extension if extension in DOCUMENT_TYPES else None


def _is_word_document(upload) -> bool:
    """A .docx is a zip holding word/document.xml (any other zip — or a renamed archive — is refused)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def validate_document(upload) -> str:
    """The trusted extension of an upload, or a refusal naming the `file` field: at most 10 MB, an allowed type by
    its name, and content that really is of that type."""
    if upload is None:
        raise ValidationFailed(_("Choose a file to upload."), field="file")
    if upload.size == 0:
        raise ValidationFailed(_("The file is empty."), field="file")
    if upload.size > MAX_DOCUMENT_BYTES:
        limit = MAX_DOCUMENT_BYTES // (1024 * 1024)
        raise ValidationFailed(_("The file is larger than %(megabytes)s MB.") % {"megabytes": limit}, field="file")
    extension = _extension_of(upload.name)
    if extension is None:
        raise ValidationFailed(_("Upload a %(types)s file.") % {"types": ALLOWED_LABEL}, field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signature, _content_type = DOCUMENT_TYPES[extension]
    if not head.startswith(signature) or (extension == "docx" and not _is_word_document(upload)):
        raise ValidationFailed(
            _("The file's content is not what its name says (.%(extension)s): upload a %(types)s file.")
            % {"extension": extension, "types": ALLOWED_LABEL},
            field="file",
        )
    return extension


@transaction.atomic
def partner_document_upload(*, actor: Actor, partner: PartnerOrganization, title: str, upload) -> PartnerDocument:
    """A partner admin (or staff who manage partners) adds a document to the partner's file. Records
    `partner.document_uploaded`, which completes the partner's "upload a document" onboarding steps."""
    policy.require(actor, "documents.upload", partner)
    title = clean_text(
        title, field="title", max_length=MAX_TITLE, required=_("Give the document a title, such as “W-9 tax form”.")
    )
    extension = validate_document(upload)
    document = PartnerDocument(
        partner_organization=partner,
        title=title,
        content_type=DOCUMENT_TYPES[extension][1],
        size=upload.size,
        uploaded_by=getattr(actor, "user", None),
    )
    # The stored name is ours: the tenant, the partner and a random token (the uploaded name is never a path).
    name = f"{partner.tenant_id}/{partner.pk}/{secrets.token_hex(16)}.{extension}"
    document.file.save(name, upload, save=False)
    document.save()
    record_event(
        "partner.document_uploaded",
        subject=document,
        payload={
            "partner_organization_id": partner.pk,
            "document_id": document.pk,
            "title": document.title,
            "content_type": document.content_type,
            "size": document.size,
        },
        actor=actor,
    )
    return document


def download_name(document: PartnerDocument) -> str:
    """The file name a download gets: the title (safe characters only) and the trusted extension."""
    extension = document.file.name.rsplit(".", 1)[-1]
    stem = "".join(c if c.isalnum() or c in " -_" else "-" for c in document.title).strip() or "document"
    return f"{stem[:80]}.{extension}"
