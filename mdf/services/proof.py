"""Proof of performance: invoices, photos and attendee lists checked by size, by an allowed type by name *and* by
content (`filetype` reads the magic bytes: an executable renamed `.pdf` is refused), stored privately under a name
the server makes up (prefixed with the tenant; the same private storage as enablement's lesson files), served
only through an authorized view. And the optional leads CSV, checked row by row (errors name the row and column).
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
import secrets
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mdf.models import ClaimLead, ProofFile, ProofKind
from prm.errors import ValidationFailed
from prm.tenancy import current_tenant

# Extension -> (what the content may be detected as, the content type it is served with). CSV is text: it has no
# magic bytes, so its content must be text (UTF-8, no NUL) and match no binary type.
FILE_TYPES = {
    "pdf": ({"pdf"}, "application/pdf"),
    "png": ({"png"}, "image/png"),
    "jpg": ({"jpg"}, "image/jpeg"),
    "xlsx": ({"xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ({None}, "text/csv"),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
ALLOWED_LABEL = gettext_lazy("PDF, PNG, JPEG, Excel (.xlsx) or CSV")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME = ProofFile._meta.get_field("name").max_length
CHUNK = 64 * 1024
MAX_LEADS = 10_000


def max_bytes() -> int:
    return getattr(settings, "MDF_PROOF_MAX_BYTES", DEFAULT_MAX_BYTES)


def _extension_of(name: str) -> str:
    extension = posixpath.splitext((name or "").lower())[1].lstrip(".")
    return EXTENSION_ALIASES.get(extension, extension)


def _head(upload, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _detected(upload) -> str | None:
    kind = filetype.guess(_head(upload))
    return kind.extension if kind else None


def _is_text(upload) -> bool:
    head = _head(upload)
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def validate_proof_file(upload, *, field: str = "files") -> str:
    """The trusted extension of an upload, or a refusal naming `field`."""
    if upload is None:
        raise ValidationFailed(_("Choose a file to upload."), field=field)
    if not upload.size:
        raise ValidationFailed(_("The file is empty."), field=field)
    if upload.size > max_bytes():
        raise ValidationFailed(
            _("The file is larger than %(megabytes)s MB.") % {"megabytes": max(1, max_bytes() // (1024 * 1024))},
            field=field,
        )
    extension = _extension_of(upload.name)
    if extension not in FILE_TYPES:
        raise ValidationFailed(_("Upload a %(types)s file.") % {"types": ALLOWED_LABEL}, field=field)
    detected = _detected(upload)
    matches = detected is None and _is_text(upload) if extension == "csv" else detected in FILE_TYPES[extension][0]
    if not matches:
        raise ValidationFailed(
            _("The file's content is not what its name says (.%(extension)s): upload a %(types)s file.")
            % {"extension": extension, "types": ALLOWED_LABEL},
            field=field,
        )
    return extension


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _display_name(name: str, extension: str) -> str:
    name = posixpath.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip() or f"file.{extension}"
    if len(name) > MAX_NAME:
        stem, dot_extension = posixpath.splitext(name)
        name = stem[: MAX_NAME - len(dot_extension)] + dot_extension
    return name


@dataclass
class CheckedFile:
    upload: object
    kind: str
    extension: str
    sha256: str


def check_proof_files(files, *, field: str = "files") -> list[CheckedFile]:
    """Check every (kind, upload) pair before anything is stored: one bad file refuses them all."""
    checked = []
    for index, item in enumerate(files or []):
        kind, upload = item
        if kind not in ProofKind.values:
            raise ValidationFailed(_("Say what each file is (invoice, photo, attendee list, other)."), field=field)
        extension = validate_proof_file(upload, field=field if len(files) == 1 else f"{field}[{index}]")
        checked.append(CheckedFile(upload=upload, kind=kind, extension=extension, sha256=sha256_of(upload)))
    return checked


def proof_files_store(*, claim, files: list[CheckedFile], uploaded_by=None) -> list[ProofFile]:
    """Store checked files privately for the claim; a file stored for a row that fails is removed again."""
    stored = []
    try:
        for item in files:
            proof = ProofFile(
                claim=claim,
                kind=item.kind,
                name=_display_name(item.upload.name, item.extension),
                content_type=FILE_TYPES[item.extension][1],
                size=item.upload.size,
                sha256=item.sha256,
                uploaded_by=uploaded_by,
            )
            # The stored name is ours: the tenant and a random token (the uploaded name is never a path).
            proof.file.save(f"{current_tenant().pk}/{secrets.token_hex(16)}.{item.extension}", item.upload, save=False)
            stored.append(proof)
            proof.save(force_insert=True)
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(proofs) -> None:
    """Remove stored files whose rows will not exist (the use case failed after storing them)."""
    for proof in proofs or []:
        if proof is not None and proof.file.name:
            proof.file.storage.delete(proof.file.name)


# Leads -----------------------------------------------------------------------------------------------------------

LEAD_COLUMNS = ("email", "first_name", "last_name", "company", "country")
REQUIRED_LEAD_COLUMNS = ("email", "company")


def parse_leads_csv(content, *, field: str = "leads_csv") -> list[dict]:
    """The leads of a CSV (a header row with at least `email` and `company`; `first_name`, `last_name`, `country`
    optional), checked row by row. Errors name the row (as a spreadsheet numbers it: the header is row 1) and the
    column; the first few are listed together."""
    if content is None:
        return []
    if hasattr(content, "read"):
        content.seek(0)
        content = content.read()
    if isinstance(content, bytes):
        if b"\x00" in content:
            raise ValidationFailed(_("The leads file is not a CSV text file."), field=field)
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(_("The leads file must be UTF-8 text."), field=field) from None
    reader = csv.reader(io.StringIO(content))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise ValidationFailed(_("The leads file is empty."), field=field) from None
    except csv.Error:
        raise ValidationFailed(_("The leads file is not a valid CSV file."), field=field) from None
    missing = [column for column in REQUIRED_LEAD_COLUMNS if column not in header]
    if missing:
        raise ValidationFailed(
            _("Row 1: the leads file needs the column(s) %(columns)s.") % {"columns": ", ".join(missing)}, field=field
        )
    errors, leads = [], []
    try:
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(leads) >= MAX_LEADS:
                raise ValidationFailed(
                    _("The leads file has more than %(count)s leads.") % {"count": MAX_LEADS}, field=field
                )
            values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
            lead = {column: values.get(column, "") for column in LEAD_COLUMNS}
            row_errors = _lead_errors(lead)
            errors.extend(
                _("Row %(row)s, column %(column)s: %(error)s") % {"row": number, "column": column, "error": error}
                for column, error in row_errors
            )
            lead["country"] = lead["country"].upper()
            leads.append(lead)
    except csv.Error:
        raise ValidationFailed(_("The leads file is not a valid CSV file."), field=field) from None
    if errors:
        shown = errors[:5]
        more = len(errors) - len(shown)
        message = " ".join(shown)
        if more:
            message += " " + _("(%(count)s more errors)") % {"count": more}
        raise ValidationFailed(message, field=field)
    return leads


def _lead_errors(lead: dict) -> list[tuple[str, str]]:
    errors = []
    try:
        validate_email(lead["email"])
    except ValidationError:
        errors.append(("email", _("not an email address")))
    if not lead["company"]:
        errors.append(("company", _("empty")))
    for column, limit in (("first_name", 100), ("last_name", 100), ("company", 200)):
        if len(lead[column]) > limit:
            errors.append((column, _("longer than %(limit)s characters") % {"limit": limit}))
    if lead["country"] and (len(lead["country"]) != 2 or not lead["country"].isalpha()):
        errors.append(("country", _("not a two-letter country code")))
    return errors


def leads_store(*, claim, leads: list[dict]) -> int:
    ClaimLead.objects.bulk_create([ClaimLead(claim=claim, **lead) for lead in leads])
    return len(leads)
