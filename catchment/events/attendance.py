"""Reading who attended from a video-conferencing tool's participant export (Zoom, Teams, Webex, Jitsi…):
a CSV whose header row names an email column, sometimes after a few lines about the meeting itself.

Pure: bytes in, addresses out; no database, no clock.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
EMAIL_HEADERS = re.compile(r"(e-?mail|courriel|correo|почта)", re.IGNORECASE)
ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class AttendanceFileError(ValueError):
    """The file cannot be read as a participant list; the message says why."""


@dataclass(frozen=True)
class Participants:
    emails: list[str]  # lower-cased, each once, in the order of the file
    rows: int  # participant rows read (a person who joined twice counts twice)
    without_email: int


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_participants(data: bytes) -> Participants:
    """The addresses in the email column of a participant export."""
    if len(data) > MAX_BYTES:
        raise AttendanceFileError(_("The file is larger than 5 MB."))
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AttendanceFileError(_("This is not a CSV file."))
    try:
        text = _text(data)
    except UnicodeDecodeError as error:
        raise AttendanceFileError(_("The file could not be read as text.")) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    column = None
    emails: dict[str, None] = {}
    rows = without = 0
    try:
        for row in reader:
            # A header names an email column and holds no address; Zoom writes a meeting summary with its
            # own header first, then the participants' header: the latest header wins.
            header = next((i for i, cell in enumerate(row) if EMAIL_HEADERS.search(cell or "")), None)
            if header is not None and not any("@" in cell for cell in row):
                column = header
                continue
            if column is None:
                continue
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if rows > MAX_ROWS:
                raise AttendanceFileError(_("The file has more than 50,000 rows."))
            value = row[column].strip().lower() if column < len(row) else ""
            if ADDRESS.match(value):
                emails.setdefault(value, None)
            else:
                without += 1
    except csv.Error as error:
        raise AttendanceFileError(_("The file could not be read as CSV.")) from error
    if column is None:
        raise AttendanceFileError(_("No column of email addresses was found in the file."))
    return Participants(list(emails), rows, without)
