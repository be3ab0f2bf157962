"""Opening an uploaded SCORM zip without trusting it.

Every entry is checked before a byte is written: no absolute paths or drive letters, no `..` that would leave the
package's folder (zip-slip), no symbolic links, no encrypted entries, no duplicates; the number of files, their
total unpacked size and each file's compression ratio stay under the limits in settings (a zip bomb is refused from
its headers). While unpacking, the bytes actually produced are counted again, so a header that lies is caught too
(Python's zipfile stops at the declared size and checks the CRC).
"""

from __future__ import annotations

import posixpath
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from enablement.conf import setting
from prm.errors import ValidationFailed

FIELD = "package"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# A file this small may compress as well as it likes (a blank image, a page of spaces): the ratio limit guards the
# files whose unpacked size would matter.
RATIO_EXEMPT_BYTES = 1024 * 1024
MAX_PATH_LENGTH = 900
MAX_SEGMENT_LENGTH = 255
CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


def refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field=FIELD)


@dataclass
class Archive:
    """A zip whose entries passed the checks: `files` maps each file's path in the package to its zip entry."""

    zip: zipfile.ZipFile
    files: dict[str, zipfile.ZipInfo]
    total_bytes: int

    def has(self, path: str) -> bool:
        return path in self.files

    def read(self, path: str, *, limit: int) -> bytes:
        info = self.files[path]
        if info.file_size > limit:
            raise refuse(_("“%(path)s” is larger than %(limit)s bytes.") % {"path": path, "limit": limit})
        with self.zip.open(info) as handle:
            return handle.read(limit + 1)[:limit]


def clean_entry_name(raw: str) -> str:
    """The entry's path inside the package, or a refusal naming it. Directories keep their trailing slash."""
    shown = raw[:200]
    if any(ord(ch) < 32 for ch in raw):
        raise refuse(_("The package contains a file name with a control character (“%(name)s”).") % {"name": shown})
    # ZIP names use "/", but zips made by some Windows tools use "\": both separate folders here, so "..\" is caught.
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        raise refuse(
            _("The package contains an absolute path (“%(name)s”): every file must be inside the package.")
            % {"name": shown}
        )
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise refuse(
            _("The package contains a path that leaves the package's folder (“%(name)s”): refused.") % {"name": shown}
        )
    if not parts:
        return ""
    if len(name) > MAX_PATH_LENGTH or any(len(part) > MAX_SEGMENT_LENGTH for part in parts):
        raise refuse(_("The package contains a path that is too long (“%(name)s”).") % {"name": shown})
    cleaned = "/".join(parts)
    return cleaned + "/" if name.endswith("/") else cleaned


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # The Unix mode sits in the high 16 bits of external_attr (zips made on Unix); 0o120000 is a symbolic link.
    return stat.S_ISLNK(info.external_attr >> 16)


def open_archive(upload) -> Archive:
    """Check an uploaded file is a zip whose entries are safe to unpack, within the limits; refuse otherwise."""
    if upload.size is not None and upload.size > setting("ENABLEMENT_SCORM_MAX_UPLOAD_BYTES"):
        raise refuse(
            _("The package is larger than %(limit)s MB.")
            % {"limit": setting("ENABLEMENT_SCORM_MAX_UPLOAD_BYTES") // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if not head.startswith(ZIP_SIGNATURES):
        raise refuse(_("The package must be a zip file (its content is not a zip archive)."))
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise refuse(_("The zip file is damaged and cannot be read.")) from error
    max_files, max_bytes = setting("ENABLEMENT_SCORM_MAX_FILES"), setting("ENABLEMENT_SCORM_MAX_BYTES")
    if len(entries) > 2 * max_files:
        raise refuse(_("The package has more than %(limit)s files.") % {"limit": max_files})
    files: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    total = 0
    for info in entries:
        name = clean_entry_name(info.filename)
        if _is_symlink(info):
            raise refuse(
                _("The package contains a symbolic link (“%(name)s”): links are refused.") % {"name": name or "/"}
            )
        if info.flag_bits & 0x1:
            raise refuse(_("The package contains an encrypted file (“%(name)s”).") % {"name": name})
        if not name or name.endswith("/"):
            continue
        folded = name.casefold()
        if folded in seen:
            raise refuse(_("The package contains “%(name)s” twice.") % {"name": name})
        seen.add(folded)
        files[name] = info
        total += info.file_size
        if len(files) > max_files:
            raise refuse(_("The package has more than %(limit)s files.") % {"limit": max_files})
        if total > max_bytes:
            raise refuse(_("The package unpacks to more than %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)})
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_EXEMPT_BYTES and ratio > setting("ENABLEMENT_SCORM_MAX_RATIO"):
            raise refuse(
                _("“%(name)s” is compressed %(ratio)s times: refused as a zip bomb.")
                % {"name": name, "ratio": int(ratio)}
            )
    return Archive(zip=archive, files=files, total_bytes=total)


class _Counted:
    """A zip member read with a byte budget: the package may not produce more than its headers said."""

    def __init__(self, handle, budget: list[int], name: str):
        self.handle, self.budget, self.name = handle, budget, name

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(CHUNK if size is None or size < 0 else size)
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise refuse(
                _("The package unpacks to more than %(limit)s MB.")
                % {"limit": setting("ENABLEMENT_SCORM_MAX_BYTES") // (1024 * 1024)}
            )
        return data


def storage_prefix(tenant_id: int, storage_key) -> str:
    """Where a package's files live in private storage: under the tenant, then the package's own key."""
    return f"enablement/scorm/{tenant_id}/{storage_key}"


def unpack_to_storage(archive: Archive, prefix: str, written: list[str]) -> None:
    """Write every file under `prefix` in default storage, appending each stored name to `written` (so the caller
    can remove them all if anything fails)."""
    budget = [setting("ENABLEMENT_SCORM_MAX_BYTES")]
    for path, info in archive.files.items():
        name = f"{prefix}/{path}"
        try:
            with archive.zip.open(info) as handle:
                stored = default_storage.save(name, File(_Counted(handle, budget, path), name=posixpath.basename(path)))
        except (zipfile.BadZipFile, OSError, EOFError) as error:  # a CRC mismatch, a truncated member
            raise refuse(_("The zip file is damaged: “%(name)s” cannot be read.") % {"name": path}) from error
        written.append(stored)
        if stored != name:  # storage renamed it: something else was there, which a fresh key rules out
            raise refuse(_("“%(name)s” could not be stored under its own name.") % {"name": path})


def delete_stored(prefix: str, names: list[str]) -> None:
    """Remove a package's stored files (after a refusal, or when the package is deleted), folders included."""
    for name in names:
        default_storage.delete(name)
    try:
        root = PurePosixPath(default_storage.path(prefix))
    except NotImplementedError:  # storage without a local file system (S3): files are gone, folders do not exist
        return
    shutil.rmtree(str(root), ignore_errors=True)
