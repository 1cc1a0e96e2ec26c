"""Uploaded documents are judged by their content, never by their name; names are cleaned for download."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from catchment.core import uploads
from catchment.core.uploads import FileFamily, check_upload, clean_name

EVERYTHING = set(FileFamily)
LIMIT = 1024 * 1024


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes():
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Minutes of the basin committee")
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members, *, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_pdf_is_accepted_and_named_after_its_content():
    checked = check_upload(
        upload("Annual report 2025.PDF", pdf_bytes()), families=EVERYTHING, max_bytes=LIMIT
    )
    assert checked.type.content_type == "application/pdf"
    assert checked.name == "Annual report 2025.pdf"
    assert len(checked.sha256) == 64 and checked.size == len(pdf_bytes())


def test_a_word_document_is_recognised_from_inside_its_zip():
    checked = check_upload(upload("minutes.bin", docx_bytes()), families=EVERYTHING, max_bytes=LIMIT)
    assert checked.type.extension == "docx"
    assert checked.name == "minutes.docx"


def test_spreadsheets_and_opendocument_files_are_recognised():
    xlsx = zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    odt = zip_bytes(
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"},
        compression=zipfile.ZIP_STORED,
    )
    assert (
        check_upload(upload("data.xlsx", xlsx), families=EVERYTHING, max_bytes=LIMIT).type.extension == "xlsx"
    )
    assert check_upload(upload("note.odt", odt), families=EVERYTHING, max_bytes=LIMIT).type.extension == "odt"


def test_a_legacy_office_file_takes_its_kind_from_a_known_extension_only():
    ole = uploads.OLE2_MAGIC + b"\x00" * 512
    assert (
        check_upload(upload("budget.xls", ole), families=EVERYTHING, max_bytes=LIMIT).type.extension == "xls"
    )
    with pytest.raises(ValidationError):
        check_upload(upload("budget.exe", ole), families=EVERYTHING, max_bytes=LIMIT)


def test_pictures_and_plain_text_are_accepted_when_allowed():
    assert (
        check_upload(upload("map.png", png_bytes()), families=EVERYTHING, max_bytes=LIMIT).name == "map.png"
    )
    text = check_upload(
        upload("stations.csv", b"name;flow\nKisumu;12\n"), families=EVERYTHING, max_bytes=LIMIT
    )
    assert text.type.content_type == "text/csv"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("notes.txt", b"<!DOCTYPE html><html><body onload=alert(1)>"),
        ("notes.txt", b"<svg onload=alert(1)>"),
        ("binary.txt", b"abc\x00def"),
        ("latin1.txt", "café".encode("latin-1")),
        ("archive.docx", None),  # a zip that is not an office document
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("truncated.png", None),
    ],
)
def test_content_that_is_not_what_we_accept_is_refused_whatever_its_name(name, data):
    if name == "archive.docx":
        data = zip_bytes({"evil.sh": "rm -rf /"})
    if name == "truncated.png":
        data = png_bytes()[:30]
    with pytest.raises(ValidationError) as raised:
        check_upload(upload(name, data), families=EVERYTHING, max_bytes=LIMIT)
    assert raised.value.code == "type"


def test_a_family_the_caller_does_not_allow_is_refused():
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("notes.txt", b"plain words"), families={FileFamily.PDF}, max_bytes=LIMIT)
    assert "PDF" in raised.value.messages[0]


def test_a_zip_bomb_is_refused_before_anything_is_extracted():
    bomb = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": b"0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("innocent.docx", bomb), families=EVERYTHING, max_bytes=LIMIT)
    assert raised.value.code == "bomb"


def test_a_damaged_zip_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as raised:
        check_upload(
            upload("broken.docx", b"PK\x03\x04" + b"\x00" * 40), families=EVERYTHING, max_bytes=LIMIT
        )
    assert raised.value.code == "damaged"


def test_a_pixel_flood_is_refused(settings):
    settings.AVATAR_MAX_PIXELS = 50
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("flood.png", png_bytes((20, 20))), families=EVERYTHING, max_bytes=LIMIT)
    assert raised.value.code == "too_many_pixels"


def test_size_limits_and_empty_files():
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("big.pdf", pdf_bytes() + b" " * 2000), families=EVERYTHING, max_bytes=1000)
    assert raised.value.code == "too_large" and "big" in raised.value.messages[0]
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("empty.pdf", b""), families=EVERYTHING, max_bytes=1000)
    assert raised.value.code == "empty"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\amina\\report.final.docx", "report.final.pdf"),
        ("\u202egpj.exe", "gpj.pdf"),
        ("...", "file.pdf"),
        ("", "file.pdf"),
        ("  spaced\tout  name .pdf", "spaced out name.pdf"),
        (".bashrc", "bashrc.pdf"),
    ],
)
def test_download_names_lose_directories_controls_and_the_uploaded_extension(raw, expected):
    assert clean_name(raw, "pdf") == expected


@given(st.text(max_size=300))
def test_a_download_name_is_always_a_plain_short_name_with_our_extension(raw):
    name = clean_name(raw, "pdf")
    assert name.endswith(".pdf")
    assert "/" not in name and "\\" not in name
    assert all(ord(ch) >= 32 and ch not in "\u202e\u200f" for ch in name)
    assert 5 <= len(name) <= 104


def test_files_stored_during_a_failed_change_are_removed(settings):
    from django.core.files.storage import default_storage

    checked = check_upload(upload("a.pdf", pdf_bytes()), families=EVERYTHING, max_bytes=LIMIT)
    with pytest.raises(RuntimeError), uploads.kept_only_on_success() as stored:
        name = stored.save("attachments", checked)
        assert default_storage.exists(name)
        raise RuntimeError("the database went away")
    assert not default_storage.exists(name)


def test_a_full_disk_is_reported_as_storage_unavailable(monkeypatch):
    from django.core.files.storage import default_storage

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    checked = check_upload(upload("a.pdf", pdf_bytes()), families=EVERYTHING, max_bytes=LIMIT)
    with pytest.raises(uploads.StorageUnavailable) as raised, uploads.kept_only_on_success() as stored:
        stored.save("attachments", checked)
    assert "nothing was saved" in str(raised.value)
