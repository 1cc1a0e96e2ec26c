"""Every community URL, as each community role, on public, private and secret communities.

Asserts the exact status and that no response a role may not read carries the community's private text.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catchment.communities.tests.factories import (
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
    person_in_role,
)
from tests.test_permission_matrix import all_patterns

ROLES = ["anonymous", "non_member", "applicant", "member", "moderator", "co_convenor", "convenor", "staff"]
VISIBILITIES = ["public", "private", "secret"]
EDITORS = {"co_convenor", "convenor", "staff"}
INSIDERS = {"member", "moderator", "co_convenor", "convenor", "staff"}
PRIVATE_TEXT = ("PRIVATE-DESCRIPTION-MARKER", "PRIVATE-CHARTER-MARKER", "PRIVATE-MEMBER-MARKER")


def sees(role, visibility):
    return visibility != "secret" or role in INSIDERS


def reads(role, visibility):
    return visibility == "public" or role in INSIDERS


def expected(name, role, visibility):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    anonymous = role == "anonymous"
    if name == "communities:catalogue":
        return 200
    if name == "communities:create":
        return 302 if anonymous else 200
    if name == "communities:detail":
        return 200 if sees(role, visibility) else 404
    if name in {
        "communities:join",
        "communities:request",
        "communities:leave",
        "communities:decide",
        "communities:stage",
        "communities:member_role",
        "communities:member_remove",
        "communities:hand_over",
    }:
        return 302 if anonymous else 405
    if name == "communities:charter":
        return 200 if reads(role, visibility) else 404
    if name == "communities:charter_edit":
        if anonymous:
            return 302
        return 200 if role in EDITORS else 404
    raise AssertionError(f"{name} is not in the community permission matrix")


COMMUNITY_URLS = sorted(name for name, _route, _entry in all_patterns() if name.startswith("communities:"))


def test_every_community_url_is_in_the_matrix():
    for name in COMMUNITY_URLS:
        expected(name, "member", "public")


def make_world(visibility):
    community = CommunityFactory(
        slug=f"c-{visibility}",
        visibility=visibility,
        join_policy="approval",
        description="PRIVATE-DESCRIPTION-MARKER",
    )
    CharterVersionFactory(community=community, purpose="PRIVATE-CHARTER-MARKER")
    MembershipFactory(community=community, user__display_name="PRIVATE-MEMBER-MARKER")
    return community


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_private_text_otherwise(db, role, visibility):
    community = make_world(visibility)
    person = person_in_role(role, community)
    client = Client()
    if role != "anonymous":
        client.force_login(person)
    problems = []
    for name in COMMUNITY_URLS:
        kwargs = {}
        if name != "communities:catalogue" and name != "communities:create":
            kwargs["slug"] = community.slug
        if name == "communities:decide":
            kwargs["pk"] = 1
        if name in {"communities:member_role", "communities:member_remove", "communities:hand_over"}:
            kwargs["username"] = "someone"
        response = client.get(reverse(name, kwargs=kwargs))
        want = expected(name, role, visibility)
        if response.status_code != want:
            problems.append(f"{name}: {response.status_code}, expected {want}")
        body = response.content.decode()
        if not reads(role, visibility) and any(marker in body for marker in PRIVATE_TEXT):
            problems.append(f"{name}: private text shown to {role}")
        if name == "communities:catalogue" and not sees(role, visibility) and community.name in body:
            problems.append(f"catalogue reveals a secret community to {role}")
    assert problems == []


@pytest.mark.parametrize("role", ["non_member", "applicant", "member", "moderator"])
def test_people_who_may_not_edit_cannot_save_a_charter(db, role):
    community = make_world("public")
    client = Client()
    client.force_login(person_in_role(role, community))
    response = client.post(
        reverse("communities:charter_edit", kwargs={"slug": community.slug}),
        {"purpose": "Hijacked", "based_on": "1"},
    )
    assert response.status_code == 404
    assert community.charter_versions.count() == 1
