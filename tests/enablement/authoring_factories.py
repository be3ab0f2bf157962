"""Helpers of the authoring tests: courses written through the services (as an author would), and small files whose
content really is of their type (built here, nothing downloaded)."""

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from enablement.models import Course, CourseModule, LessonKind
from enablement.services import authoring
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import StaffFactory


def author_of(tenant, role=Role.CHANNEL_MANAGER, **kwargs):
    return StaffFactory(tenant=tenant, role=role, **kwargs)


def draft_course(author, title="Selling the firewall", **audience) -> Course:
    """A course (draft version 1, one module) created by `author`."""
    with tenant_context(author.tenant):
        return authoring.course_create(actor=author, details=authoring.CourseDetails(title=title), **audience)


def first_module_of(course) -> CourseModule:
    with tenant_context(course.tenant):
        return CourseModule.objects.filter(version__course=course).order_by("-version__number", "position").first()


def add_text(author, module, title="Why partners win", body="# Why\n\nBecause they **know** the product."):
    with tenant_context(author.tenant):
        return authoring.lesson_create(
            actor=author, module=module, kind=LessonKind.TEXT, data=authoring.LessonInput(title=title, body=body)
        )


def add_video(author, module, title="Product tour", url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"):
    with tenant_context(author.tenant):
        return authoring.lesson_create(
            actor=author, module=module, kind=LessonKind.VIDEO, data=authoring.LessonInput(title=title, video_url=url)
        )


def add_file(author, module, upload=None, title="Battle card"):
    with tenant_context(author.tenant):
        return authoring.lesson_create(
            actor=author,
            module=module,
            kind=LessonKind.FILE,
            data=authoring.LessonInput(title=title, upload=upload or pdf_upload()),
        )


def published_course(author, title="Selling the firewall", lessons=("Why partners win", "Objections")) -> Course:
    """A course published as version 1 with text lessons."""
    course = draft_course(author, title=title)
    module = first_module_of(course)
    for lesson_title in lessons:
        add_text(author, module, title=lesson_title)
    with tenant_context(author.tenant):
        authoring.course_publish(actor=author, course=course)
        course.refresh_from_db()
    return course


# Files whose content is of their type ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def office_document(kind: str = "word") -> bytes:
    """A minimal Office Open XML package (docx: "word", xlsx: "xl", pptx: "ppt")."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{kind}/document.xml", "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "Deal registration playbook")
    return buffer.getvalue()


def mp4() -> bytes:
    ftyp = b"ftypisom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00\x00\x00\x08free"


def pdf_upload(name="battle-card.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name: str, content: bytes, content_type="application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
