"""A lesson's downloadable file: checked for size, for an allowed type by its name *and* by its content (`filetype`
reads the magic bytes, and tells Office documents from other zip files), stored privately under a name the server
makes up (prefixed with the tenant), and served only through `lesson_file_download` to the course's authors and to
the learners enrolled in a version that has it."""

from __future__ import annotations

import hashlib
import posixpath
import secrets
import unicodedata

import filetype
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enablement.conf import setting
from enablement.models import LessonFile
from prm.errors import ValidationFailed
from prm.tenancy import current_tenant

# Extension -> (the types the content may be detected as, the content type it is served with). A .zip may hold
# anything zipped, Office documents included; every other extension must be what its content says.
FILE_TYPES = {
    "pdf": ({"pdf"}, "application/pdf"),
    "pptx": ({"pptx"}, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "docx": ({"docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ({"xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "zip": ({"zip", "docx", "xlsx", "pptx"}, "application/zip"),
    "png": ({"png"}, "image/png"),
    "jpg": ({"jpg"}, "image/jpeg"),
    "mp4": ({"mp4", "m4v"}, "video/mp4"),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
ACCEPT = ",".join(f".{extension}" for extension in [*FILE_TYPES, *EXTENSION_ALIASES])
ALLOWED_LABEL = gettext_lazy("PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx), ZIP, PNG, JPEG or MP4")
MAX_NAME = LessonFile._meta.get_field("name").max_length
CHUNK = 64 * 1024


def max_bytes() -> int:
    return setting("ENABLEMENT_FILE_MAX_BYTES")


def max_megabytes() -> int:
    return max(1, max_bytes() // (1024 * 1024))


def _extension_of(name: str) -> str:
    extension = posixpath.splitext((name or "").lower())[1].lstrip(".")
    return EXTENSION_ALIASES.get(extension, extension)


def _detected(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.extension if kind else None


def validate_lesson_file(upload, *, field: str = "file") -> str:
    """The trusted extension of an upload, or a refusal naming `field`: not empty, at most
    ENABLEMENT_FILE_MAX_BYTES, an allowed type by its name, and content of that type."""
    if upload is None:
        raise ValidationFailed(_("Choose a file to upload."), field=field)
    if not upload.size:
        raise ValidationFailed(_("The file is empty."), field=field)
    if upload.size > max_bytes():
        raise ValidationFailed(
            _("The file is larger than %(megabytes)s MB.") % {"megabytes": max_megabytes()}, field=field
        )
    extension = _extension_of(upload.name)
    if extension not in FILE_TYPES:
        raise ValidationFailed(_("Upload a %(types)s file.") % {"types": ALLOWED_LABEL}, field=field)
    if _detected(upload) not in FILE_TYPES[extension][0]:
        raise ValidationFailed(
            _("The file's content is not what its name says (.%(extension)s): upload a %(types)s file.")
            % {"extension": extension, "types": ALLOWED_LABEL},
            field=field,
        )
    return extension


def _display_name(name: str, extension: str) -> str:
    """The name learners see and download under: the uploaded name without folders or control characters."""
    name = posixpath.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip() or f"file.{extension}"
    if len(name) > MAX_NAME:
        stem, dot_extension = posixpath.splitext(name)
        name = stem[: MAX_NAME - len(dot_extension)] + dot_extension
    return name


def lesson_file_store(*, upload, uploaded_by=None, field: str = "file") -> LessonFile:
    """Check and store an upload privately; the caller's transaction saves the row (a use case calls this only after
    the rest of its input passed, and removes the stored file when its transaction fails: see `discard`)."""
    extension = validate_lesson_file(upload, field=field)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    lesson_file = LessonFile(
        name=_display_name(upload.name, extension),
        content_type=FILE_TYPES[extension][1],
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=uploaded_by,
    )
    # The stored name is ours: the tenant and a random token (the uploaded name is never a path).
    lesson_file.file.save(f"{current_tenant().pk}/{secrets.token_hex(16)}.{extension}", upload, save=False)
    try:
        lesson_file.save()
    except BaseException:
        discard(lesson_file)
        raise
    return lesson_file


def discard(lesson_file: LessonFile | None) -> None:
    """Remove a stored file whose row will not exist (the use case failed after storing it)."""
    if lesson_file is not None and lesson_file.file.name:
        lesson_file.file.storage.delete(lesson_file.file.name)
