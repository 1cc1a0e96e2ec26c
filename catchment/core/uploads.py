"""Checking uploaded documents: the content decides the type, never the name or the browser's claim.

Used for message attachments and (later) library files. A file is accepted only when its bytes are one of
the kinds the caller allows: PDF, office documents (OOXML, OpenDocument, legacy OLE2), raster pictures
(decoded by Pillow within a pixel limit) or plain UTF-8 text. Zip containers are inspected from their
central directory without extracting anything, and refused when they claim more than a bounded total size
or ratio (zip bombs). The name shown and offered on download is rebuilt from a cleaned stem and the
extension of the detected type, so "invoice.pdf.exe" holding a PDF downloads as "invoice.pdf.pdf" and a
script named "notes.pdf" is refused. Stored files get a random name; the uploaded name never reaches the
disk.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError


class FileFamily(StrEnum):
    PDF = "pdf"
    DOCUMENT = "document"  # word processing, spreadsheets, presentations
    IMAGE = "image"
    TEXT = "text"


@dataclass(frozen=True)
class FileType:
    family: FileFamily
    content_type: str
    extension: str


PDF = FileType(FileFamily.PDF, "application/pdf", "pdf")
IMAGES = {
    "JPEG": FileType(FileFamily.IMAGE, "image/jpeg", "jpg"),
    "PNG": FileType(FileFamily.IMAGE, "image/png", "png"),
    "GIF": FileType(FileFamily.IMAGE, "image/gif", "gif"),
    "WEBP": FileType(FileFamily.IMAGE, "image/webp", "webp"),
}
OOXML = {
    "word/document.xml": FileType(
        FileFamily.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xl/workbook.xml": FileType(
        FileFamily.DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    "ppt/presentation.xml": FileType(
        FileFamily.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}
OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": FileType(
        FileFamily.DOCUMENT, "application/vnd.oasis.opendocument.text", "odt"
    ),
    b"application/vnd.oasis.opendocument.spreadsheet": FileType(
        FileFamily.DOCUMENT, "application/vnd.oasis.opendocument.spreadsheet", "ods"
    ),
    b"application/vnd.oasis.opendocument.presentation": FileType(
        FileFamily.DOCUMENT, "application/vnd.oasis.opendocument.presentation", "odp"
    ),
}
# Legacy Office files share one container format (OLE2); which program made it is not recorded in a place
# worth parsing, so the uploaded extension chooses among these three and anything else is refused.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2 = {
    "doc": FileType(FileFamily.DOCUMENT, "application/msword", "doc"),
    "xls": FileType(FileFamily.DOCUMENT, "application/vnd.ms-excel", "xls"),
    "ppt": FileType(FileFamily.DOCUMENT, "application/vnd.ms-powerpoint", "ppt"),
}
TEXT_TYPES = {
    "csv": FileType(FileFamily.TEXT, "text/csv", "csv"),
    "md": FileType(FileFamily.TEXT, "text/markdown", "md"),
    "txt": FileType(FileFamily.TEXT, "text/plain", "txt"),
}

logger = logging.getLogger(__name__)

ZIP_MAX_MEMBERS = 5000
ZIP_MAX_TOTAL = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its detected type, the name to offer, its size and SHA-256."""

    type: FileType
    name: str
    size: int
    sha256: str
    data: bytes


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def clean_stem(raw: str) -> str:
    """The uploaded base name without directories, control characters or its own extension, at most 100
    characters ("file" when nothing is left)."""
    base = re.split(r"[\\/]", raw or "")[-1]
    base = re.sub(r"\s+", " ", unicodedata.normalize("NFC", base))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return re.sub(" +", " ", stem).strip(" .-_")[:100].strip() or "file"


def clean_name(raw: str, extension: str) -> str:
    """A download name: the cleaned stem with the detected type's extension."""
    return f"{clean_stem(raw)}.{extension}"


def _zip_type(data: bytes) -> FileType | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(_("This document is damaged and cannot be read."), "damaged") from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise _refuse(_("This document holds too many parts to be safe to share."), "bomb")
    total = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    if total > ZIP_MAX_TOTAL or total / compressed > ZIP_MAX_RATIO:
        raise _refuse(_("This document expands to far more than its size; it is refused."), "bomb")
    names = {member.filename for member in members}
    if "mimetype" in names:
        try:
            declared = archive.read("mimetype").strip()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
            raise _refuse(_("This document is damaged and cannot be read."), "damaged") from exc
        if declared in OPENDOCUMENT:
            return OPENDOCUMENT[declared]
    if "[Content_Types].xml" in names:
        for marker, found in OOXML.items():
            if marker in names:
                return found
    return None


def _image_type(data: bytes) -> FileType | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format or ""
                width, height = probe.size
                probe.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return None
    found = IMAGES.get(image_format)
    if found is not None and width * height > settings.AVATAR_MAX_PIXELS:
        raise _refuse(_("The picture has too many pixels."), "too_many_pixels")
    return found


def _text_type(data: bytes, extension: str) -> FileType | None:
    if extension not in TEXT_TYPES or b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = text[:2048].lstrip().lower()
    # A text file that a browser would take for markup is refused outright, whatever it is named.
    if lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script")):
        return None
    return TEXT_TYPES[extension]


def detect(data: bytes, name: str) -> FileType | None:
    """The type of these bytes, or None when they are none of the kinds we know."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(OLE2_MAGIC):
        return OLE2.get(extension)
    image = _image_type(data)
    if image is not None:
        return image
    return _text_type(data, extension)


def check_upload(upload: UploadedFile, *, families: set[FileFamily], max_bytes: int) -> CheckedFile:
    """Read and check one uploaded file; raise a translated ValidationError when it is refused."""
    if upload.size is not None and upload.size > max_bytes:
        raise _refuse(
            _("“%(name)s” is too large: the limit is %(limit)s.")
            % {"name": clean_stem(upload.name or ""), "limit": filesizeformat(max_bytes)},
            "too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(
            _("“%(name)s” is too large: the limit is %(limit)s.")
            % {"name": clean_stem(upload.name or ""), "limit": filesizeformat(max_bytes)},
            "too_large",
        )
    if not data:
        raise _refuse(_("The file is empty."), "empty")
    found = detect(data, upload.name or "")
    if found is None or found.family not in families:
        raise _refuse(
            _("“%(name)s” is not a kind of file we accept. Use %(kinds)s.")
            % {"name": clean_stem(upload.name or ""), "kinds": describe(families)},
            "type",
        )
    return CheckedFile(
        type=found,
        name=clean_name(upload.name or "", found.extension),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def describe(families: set[FileFamily]) -> str:
    """The accepted kinds in words, for help texts and error messages."""
    words = {
        FileFamily.PDF: _("PDF"),
        FileFamily.DOCUMENT: _("office documents (Word, Excel, PowerPoint, OpenDocument)"),
        FileFamily.IMAGE: _("pictures (JPEG, PNG, GIF, WebP)"),
        FileFamily.TEXT: _("plain text or CSV"),
    }
    return ", ".join(str(words[family]) for family in FileFamily if family in families)


def storage_name(prefix: str, extension: str) -> str:
    """A random path for a stored file; the uploaded name never reaches the disk."""
    token = uuid.uuid4().hex
    return f"{prefix}/{token[:2]}/{token}.{extension}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files; cleaned to a list (empty when none were chosen). The
    content checks happen in the service that stores them, so every entry point applies the same rules."""

    def __init__(self, *args: Any, max_files: int = 5, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(items) > self.max_files:
            raise ValidationError(
                _("Attach at most %(limit)d files to one message.") % {"limit": self.max_files},
                code="too_many",
            )
        single = super().clean
        return [single(item, initial) for item in items]


class StorageUnavailable(OSError):
    """The file store refused a write (a full disk, a failing bucket); nothing of the change was kept."""

    def __str__(self) -> str:
        return _("The file could not be stored just now, so nothing was saved. Please try again later.")


@dataclass
class StoredFiles:
    """Files written to storage during one change, so they can be removed again if the change fails."""

    names: list[str] = field(default_factory=list)

    def save(self, prefix: str, checked: CheckedFile) -> str:
        name = store(default_storage, storage_name(prefix, checked.type.extension), ContentFile(checked.data))
        self.names.append(name)
        return name

    def save_as(self, name: str, content: File[bytes]) -> str:
        """Store `content` under `name` (which holds a random part, see store()); removed if the change fails."""
        saved = store(default_storage, name, content)
        self.names.append(saved)
        return saved

    def discard(self) -> None:
        for name in self.names:
            delete_quietly(name)
        self.names.clear()


def store(storage: Storage, name: str, content: File[bytes]) -> str:
    """Write `content` under `name`, which must hold a random part (storage_name() or a token), so no other
    upload has it. When the write fails (a full disk, a failing bucket) whatever was partly written under
    that name is removed, and StorageUnavailable is raised."""
    try:
        return storage.save(name, content)
    except OSError as exc:
        logger.warning("could not store %s: %s", name, exc)
        delete_quietly(name, storage)
        raise StorageUnavailable(str(exc)) from exc


def delete_quietly(name: str, storage: Storage | None = None) -> None:
    """Remove a stored file; a failure is logged for the operator, never shown to the person."""
    try:
        (storage or default_storage).delete(name)
    except OSError:
        logger.exception("could not remove the stored file %s", name)


@contextmanager
def kept_only_on_success() -> Iterator[StoredFiles]:
    """Wrap a change that stores files: if it raises (a refused write, a rolled-back transaction), the files
    it stored are deleted, so no orphan is left behind."""
    stored = StoredFiles()
    try:
        yield stored
    except BaseException:
        stored.discard()
        raise
