"""Demo library: the partnership sourcebook in four languages, toolkits, case studies, a video and a few
community resources, one of them an uploaded PDF."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import Organisation, Theme, User
from catchment.communities.models import Community
from catchment.core.uploads import storage_name
from catchment.library.models import Licence, Resource, ResourceKind

SOURCEBOOK = {
    "en": "Multi-stakeholder partnerships: a sourcebook for water",
    "es": "Alianzas multiactor: manual para el agua",
    "fr": "Partenariats multi-acteurs : guide pour l'eau",
    "ru": "Многосторонние партнёрства: руководство для водного сектора",
}
HUB_RESOURCES = [
    (
        ResourceKind.TOOL,
        "IWRM ToolBox: communities of practice",
        "How to design, launch and facilitate a community of practice: charter, roles, activities and "
        "the value it creates.",
        2021,
        ["iwrm-planning"],
        "https://toolbox.example.org/communities-of-practice",
    ),
    (
        ResourceKind.TOOL,
        "Learning alliance facilitation guide",
        "Stages of a learning alliance, from stakeholder analysis to action research and dissemination.",
        2019,
        ["water-governance"],
        "https://learning.example.org/alliances",
    ),
    (
        ResourceKind.CASE_STUDY,
        "Water user associations that last: three districts compared",
        "What kept three associations working for ten years: simple maintenance schedules, fair turns "
        "at the canal and trusted treasurers.",
        2022,
        ["water-governance"],
        "https://cases.example.org/water-user-associations",
    ),
    (
        ResourceKind.PUBLICATION,
        "Integrated drought management programme: lessons",
        "Ten years of moving from crisis response to drought plans and early warning.",
        2024,
        ["drought"],
        "https://publications.example.org/drought-lessons",
    ),
]


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF with a title, written by hand so the demo needs no PDF library."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _pdf_resource(**fields: object) -> Resource:
    data = demo_pdf(str(fields["title"]))
    name = default_storage.save(storage_name("library", "pdf"), ContentFile(data))
    return Resource.objects.create(
        file=name,
        file_name="charter-template.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )


@transaction.atomic
def load_demo_library() -> int:
    """Fill the library once; returns how many resources were created."""
    if Resource.objects.exists():
        return 0
    admin = User.objects.filter(email=f"admin@{DEMO_DOMAIN}").first()
    convenor = User.objects.filter(email=f"convenor@{DEMO_DOMAIN}").first()
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    partnership = Organisation.objects.order_by("pk").first()
    created = 0
    original = None
    for language, title in SOURCEBOOK.items():
        resource = Resource.objects.create(
            kind=ResourceKind.PUBLICATION,
            title=title,
            summary="How partners from government, civil society, research and business build partnerships "
            "that last: **convening**, **agreeing rules of the game**, **learning together**."
            if language == "en"
            else "",
            authors="Partnership programme team",
            organisation=partnership,
            year=2023,
            language=language,
            licence=Licence.CC_BY,
            url=f"https://publications.example.org/sourcebook-{language}",
            is_featured=language == "en",
            original=original,
            added_by=admin,
        )
        original = original or resource
        resource.themes.set(
            [theme for slug, theme in themes.items() if slug in {"water-governance", "iwrm-planning"}]
        )
        created += 1
    for kind, title, summary, year, theme_slugs, url in HUB_RESOURCES:
        resource = Resource.objects.create(
            kind=kind,
            title=title,
            summary=summary,
            year=year,
            language="en",
            licence=Licence.CC_BY_SA,
            url=url,
            is_featured=kind == ResourceKind.TOOL,
            added_by=admin,
        )
        resource.themes.set([themes[slug] for slug in theme_slugs if slug in themes])
        created += 1
    Resource.objects.create(
        kind=ResourceKind.VIDEO,
        title="Recording: network launch of the partnership sourcebook",
        summary="The launch webinar of 30 May 2023, with interpretation into Spanish, French and Russian.",
        year=2023,
        language="en",
        url="https://video.example.org/sourcebook-launch",
        added_by=admin,
    )
    created += 1
    for community in Community.objects.exclude(stage="design").order_by("pk")[:6]:
        _pdf_resource(
            community=community,
            kind=ResourceKind.DOCUMENT,
            title=f"{community.name}: charter template",
            summary="The seven elements of our charter, ready to fill in.",
            year=2025,
            language="en",
            licence=Licence.CC_BY,
            added_by=convenor,
        )
        created += 1
    return created
