"""Charters and plans as files: Markdown and Word (.docx) for the charter, CSV for the activity plan."""

from __future__ import annotations

import io
import re

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx import Document

from catchment.communities.charter import completeness
from catchment.communities.models import (
    CHARTER_SECTIONS,
    CharterRevision,
    CharterVersion,
    Community,
    charter_section_label,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text Word can store: control characters (which XML forbids) removed, line endings normalised."""
    return XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _saved_line(version: CharterVersion) -> str:
    saved = formats.date_format(timezone.localtime(version.created_at), "DATE_FORMAT")
    author = version.author.display_name if version.author else ""
    return _("Version %(number)s, saved on %(date)s by %(author)s. %(percent)s%% complete.") % {
        "number": version.number,
        "date": saved,
        "author": author or "—",
        "percent": round(100 * completeness(version.sections())),
    }


def _history_rows(history: list[CharterRevision]) -> tuple[list[str], list[list[str]]]:
    """The CDC template's version-history table."""
    header = [
        _("Version"),
        _("Implemented by"),
        _("Revision date"),
        _("Approved by"),
        _("Approval date"),
        _("Reason"),
    ]
    rows = [
        [
            str(line.version.number),
            line.implemented_by.display_name if line.implemented_by else "—",
            formats.date_format(line.revision_date, "DATE_FORMAT"),
            line.approved_by_name,
            formats.date_format(line.approval_date, "DATE_FORMAT"),
            line.reason,
        ]
        for line in history
    ]
    return header, rows


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def charter_markdown(
    community: Community, version: CharterVersion, history: list[CharterRevision] | None = None
) -> str:
    """The charter as a Markdown document; each element's text is kept as its authors wrote it. The
    version history of approvals comes first, as in the CDC template."""
    lines = [
        f"# {_('Charter of %(name)s') % {'name': community.name}}",
        "",
        f"_{_saved_line(version)}_",
        "",
    ]
    if history:
        header, rows = _history_rows(history)
        lines += [f"## {_('Version history')}", "", "| " + " | ".join(header) + " |"]
        lines += ["|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
        lines += [""]
    for name in CHARTER_SECTIONS:
        text = getattr(version, name).strip()
        lines += [f"## {charter_section_label(name)}", "", text or f"_{_('Not written yet.')}_", ""]
    return "\n".join(lines)


def charter_docx(
    community: Community, version: CharterVersion, history: list[CharterRevision] | None = None
) -> bytes:
    """The charter as a Word document: a title, the version line, the version history of approvals and
    one heading per element."""
    document = Document()
    title = _xml_text(_("Charter of %(name)s") % {"name": community.name})
    document.core_properties.title = title
    document.core_properties.author = _xml_text(version.author.display_name if version.author else "")
    document.add_heading(title, level=0)
    document.add_paragraph().add_run(_xml_text(_saved_line(version))).italic = True
    if history:
        header, rows = _history_rows(history)
        document.add_heading(_xml_text(_("Version history")), level=1)
        table = document.add_table(rows=1, cols=len(header))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = _xml_text(text)
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = _xml_text(text)
    for name in CHARTER_SECTIONS:
        document.add_heading(charter_section_label(name), level=1)
        text = _xml_text(getattr(version, name)).strip()
        if not text:
            document.add_paragraph(_("Not written yet."))
            continue
        for block in re.split(r"\n\s*\n", text):
            _add_block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_block(document: object, block: str) -> None:
    """A paragraph, or a bulleted list when every line starts with '- ' or '* ' (Markdown's lists)."""
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    if lines and all(line[:2] in ("- ", "* ") for line in lines):
        for line in lines:
            document.add_paragraph(line[2:], style="List Bullet")  # type: ignore[attr-defined]
    else:
        document.add_paragraph(" ".join(lines))  # type: ignore[attr-defined]
