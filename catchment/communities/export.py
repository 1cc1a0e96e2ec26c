"""Charters and plans as files: Markdown and Word (.docx) for the charter, CSV for the activity plan."""

from __future__ import annotations

import io
import re

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx import Document

from catchment.communities.charter import completeness
from catchment.communities.models import CHARTER_SECTIONS, CharterVersion, Community, charter_section_label

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


def charter_markdown(community: Community, version: CharterVersion) -> str:
    """The charter as a Markdown document; each element's text is kept as its authors wrote it."""
    lines = [
        f"# {_('Charter of %(name)s') % {'name': community.name}}",
        "",
        f"_{_saved_line(version)}_",
        "",
    ]
    for name in CHARTER_SECTIONS:
        text = getattr(version, name).strip()
        lines += [f"## {charter_section_label(name)}", "", text or f"_{_('Not written yet.')}_", ""]
    return "\n".join(lines)


def charter_docx(community: Community, version: CharterVersion) -> bytes:
    """The charter as a Word document: a title, the version line and one heading per element."""
    document = Document()
    title = _xml_text(_("Charter of %(name)s") % {"name": community.name})
    document.core_properties.title = title
    document.core_properties.author = _xml_text(version.author.display_name if version.author else "")
    document.add_heading(title, level=0)
    document.add_paragraph().add_run(_xml_text(_saved_line(version))).italic = True
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
