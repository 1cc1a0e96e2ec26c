"""Every library URL, as each community role, on public, private and secret communities: a community's
resources, files and covers reach only those who may read the community."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catchment.communities.tests.factories import (
    CommunityFactory,
    MembershipFactory,
    jpeg_bytes,
    person_in_role,
)
from catchment.library import services
from tests.sweep import body_of
from tests.test_community_permission_matrix import INSIDERS, MANAGERS, ROLES, VISIBILITIES, reads
from tests.test_permission_matrix import all_patterns

SECRET = "PRIVATE-41ab-RESOURCE"
ADDERS = {"member", "moderator", "co_convenor", "convenor", "staff"}


def expected(name, role, visibility):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    anonymous = role == "anonymous"
    if name == "library:list":
        return 200
    if name == "library:new":
        return 302 if anonymous else 200
    if name in {"library:community", "library:detail", "library:download", "library:cover"}:
        return 200 if reads(role, visibility) else 404
    if name == "library:community_new":
        if anonymous:
            return 302
        return 200 if role in ADDERS and role in INSIDERS else 404
    if name == "library:edit":
        if anonymous:
            return 302
        return 200 if role in MANAGERS else 404
    if name == "library:moderate":
        return 302 if anonymous else 405
    raise AssertionError(f"{name} is not in the library permission matrix")


NAMES = sorted(name for name, _route, _entry in all_patterns() if name.startswith("library:"))


def test_every_library_url_is_in_the_matrix():
    assert NAMES
    for name in NAMES:
        expected(name, "member", "public")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_private_text_otherwise(db, role, visibility):
    community = CommunityFactory(slug=f"lib-{visibility}", visibility=visibility)
    author = MembershipFactory(community=community).user
    resource = services.resource_create(
        actor=author,
        community=community,
        data=services.ResourceData(kind="document", title=f"{SECRET} title", language="en", summary=SECRET),
        upload=SimpleUploadedFile("r.pdf", f"%PDF-1.4 {SECRET}\n%%EOF".encode()),
        cover=SimpleUploadedFile("c.jpg", jpeg_bytes((600, 400))),
    )
    person = person_in_role(role, community)
    client = Client()
    if role != "anonymous":
        client.force_login(person)
    problems = []
    for name in NAMES:
        entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
        values = {"pk": resource.pk, "slug": community.slug}
        response = client.get(
            reverse(name, kwargs={key: values[key] for key in entry.pattern.regex.groupindex})
        )
        want = expected(name, role, visibility)
        if response.status_code != want:
            problems.append(f"{name}: {response.status_code}, expected {want}")
        if not reads(role, visibility) and SECRET in body_of(response):  # text, headers, Location
            problems.append(f"{name}: private text shown to {role}")
    assert problems == []
