"""Every community URL, as each community role, on public, private and secret communities.

Asserts the exact status and that no response a role may not read carries the community's private text.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catchment.accounts.tests.factories import UserFactory
from catchment.communities import services
from catchment.communities.models import Consultation
from catchment.communities.tests.factories import (
    ActivityFactory,
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
    MilestoneFactory,
    ResourceCommitmentFactory,
    jpeg_bytes,
    person_in_role,
)
from catchment.discussions import services as services_discussions
from catchment.webhooks import services as webhooks
from tests.sweep import body_of
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


MANAGERS = {"moderator", "co_convenor", "convenor", "staff"}
WRITERS = {"member", "moderator", "co_convenor", "convenor"}  # active members; staff moderate, not post
POSTS_ONLY = {
    "communities:join",
    "communities:request",
    "communities:leave",
    "communities:decide",
    "communities:stage",
    "communities:member_role",
    "communities:member_remove",
    "communities:hand_over",
    "communities:invitation_withdraw",
    "communities:resource_delete",
    "communities:activity_delete",
    "communities:milestone_delete",
    "communities:charter_approve",
}
READABLE = {
    "communities:members",
    "communities:charter",
    "communities:charter_markdown",
    "communities:charter_docx",
    "communities:consultation",
    "communities:resources",
    "communities:activities",
    "communities:activities_csv",
    "communities:milestones",
}
EDIT_PAGES = {
    "communities:charter_edit",
    "communities:settings",
    "communities:resource_edit",
    "communities:activity_edit",
    "communities:milestone_edit",
}


def expected(name, role, visibility):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    anonymous = role == "anonymous"
    if name == "communities:catalogue":
        return 200
    if name == "communities:create":
        return 302 if anonymous else 200
    if name in {"communities:detail", "communities:cover"}:
        return 200 if sees(role, visibility) else 404
    if name in POSTS_ONLY:
        return 302 if anonymous else 405
    if name in READABLE:
        return 200 if reads(role, visibility) else 404
    if name == "communities:conduct":
        if anonymous:
            return 302
        return 200 if reads(role, visibility) else 404
    if name in EDIT_PAGES:
        if anonymous:
            return 302
        return 200 if role in EDITORS else 404
    if name == "communities:invitations":
        if anonymous:
            return 302
        return 200 if role in MANAGERS else 404
    if name == "communities:invitation":
        # Whoever holds a valid link may read the invitation; members are sent to the community instead.
        return 302 if role in INSIDERS - {"staff"} else 200
    if name in {
        "discussions:topics",
        "discussions:topic",
        "discussions:post_history",
        "discussions:attachment",
    }:
        return 200 if reads(role, visibility) else 404
    if name in {
        "discussions:reply",
        "discussions:accept",
        "discussions:topic_moderate",
        "discussions:post_moderate",
        "discussions:resolve",
        "discussions:topic_move",
        "discussions:react",
    }:
        return 302 if anonymous else 405
    if name == "discussions:flag":
        # The form's page: active members flag other people's messages (the opening post is the author's).
        if anonymous:
            return 302
        return 200 if role in WRITERS else 404
    if name == "discussions:topic_new":
        if anonymous:
            return 302
        return 200 if role in WRITERS else 404
    if name in {"discussions:post_edit", "discussions:moderation_log", "discussions:review_queue"}:
        # The opening post belongs to someone else: only moderators (and staff) may edit it.
        if anonymous:
            return 302
        return 200 if role in MANAGERS else 404
    if name in {"webhooks:list", "webhooks:detail"}:
        # Webhooks send the community's activity elsewhere: its convenors and co-convenors (and staff).
        if anonymous:
            return 302
        return 200 if role in EDITORS else 404
    if name == "webhooks:act":
        return 302 if anonymous else 405
    raise AssertionError(f"{name} is not in the community permission matrix")


COMMUNITY_URLS = sorted(
    name
    for name, _route, _entry in all_patterns()
    if name.startswith(("communities:", "discussions:", "webhooks:"))
)


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
    community.cover.save("cover.jpg", ContentFile(jpeg_bytes()), save=True)
    CharterVersionFactory(community=community, purpose="PRIVATE-CHARTER-MARKER")
    MembershipFactory(community=community, user__display_name="PRIVATE-MEMBER-MARKER")
    Consultation.objects.create(community=community, motivation="PRIVATE-CHARTER-MARKER")
    sent = services.invitation_create(
        actor=UserFactory(is_staff=True), community=community, email="invitee@example.org"
    )
    author = MembershipFactory(community=community).user
    topic = services_discussions.topic_create(
        actor=author,
        community=community,
        kind="question",
        title="PRIVATE-CHARTER-MARKER",
        body="Body",
        language="en",
    )
    services_discussions.post_reply(
        actor=author,
        topic=topic,
        body="PRIVATE-CHARTER-MARKER reply",
        files=[SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 PRIVATE-CHARTER-MARKER\n%%EOF")],
    )
    return {
        "community": community,
        "topic": topic,
        "token": sent.token,
        "resource": ResourceCommitmentFactory(community=community, responsibility="PRIVATE-CHARTER-MARKER"),
        "activity": ActivityFactory(community=community, title="PRIVATE-CHARTER-MARKER"),
        "milestone": MilestoneFactory(community=community, title="PRIVATE-CHARTER-MARKER"),
        "invitation": sent.invitation,
        "endpoint": webhooks.endpoint_create(
            actor=UserFactory(is_staff=True),
            community=community,
            url="https://partner.example.org/hook",
            events=["member.joined"],
            description="PRIVATE-CHARTER-MARKER",
        ),
    }


def url_kwargs(name, world):
    community = world["community"]
    if name in {"communities:catalogue", "communities:create"}:
        return {}
    if name == "communities:invitation":
        return {"token": world["token"]}
    kwargs = {"slug": community.slug}
    if name in {"webhooks:detail", "webhooks:act"}:
        kwargs["pk"] = world["endpoint"].pk
    if name == "webhooks:act":
        kwargs["action"] = "ping"
    if name.startswith("discussions:") and name not in {
        "discussions:topics",
        "discussions:topic_new",
        "discussions:moderation_log",
        "discussions:review_queue",
        "discussions:resolve",
    }:
        kwargs["pk"] = world["topic"].pk
    if name in {
        "discussions:post_edit",
        "discussions:post_history",
        "discussions:post_moderate",
        "discussions:flag",
        "discussions:resolve",
        "discussions:react",
    }:
        kwargs["post"] = world["topic"].posts.get(number=1).pk
        return kwargs
    if name == "discussions:attachment":
        kwargs["attachment"] = world["topic"].posts.get(number=2).attachments.get().pk
        return kwargs
    if name == "communities:decide":
        kwargs["pk"] = 1
    if name in {"communities:member_role", "communities:member_remove", "communities:hand_over"}:
        kwargs["username"] = "someone"
    for prefix, key in (("resource", "resource"), ("activity", "activity"), ("milestone", "milestone")):
        if name.startswith(f"communities:{prefix}_"):
            kwargs["pk"] = world[key].pk
    if name == "communities:invitation_withdraw":
        kwargs["pk"] = world["invitation"].pk
    return kwargs


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_private_text_otherwise(db, role, visibility):
    world = make_world(visibility)
    community = world["community"]
    person = person_in_role(role, community)
    client = Client()
    if role != "anonymous":
        client.force_login(person)
    problems = []
    for name in COMMUNITY_URLS:
        response = client.get(reverse(name, kwargs=url_kwargs(name, world)))
        want = expected(name, role, visibility)
        if response.status_code != want:
            problems.append(f"{name}: {response.status_code}, expected {want}")
        body = body_of(response)  # the text and every header, a redirect's Location among them
        if not reads(role, visibility) and any(marker in body for marker in PRIVATE_TEXT):
            problems.append(f"{name}: private text shown to {role}")
        if name == "communities:catalogue" and not sees(role, visibility) and community.name in body:
            problems.append(f"catalogue reveals a secret community to {role}")
    assert problems == []


@pytest.mark.parametrize("role", ["anonymous", "non_member", "member", "moderator"])
def test_an_unknown_invitation_token_is_a_clear_404_for_everyone(db, role):
    world = make_world("secret")
    client = Client()
    if role != "anonymous":
        client.force_login(person_in_role(role, world["community"]))
    response = client.get(reverse("communities:invitation", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 404
    assert world["community"].name not in response.content.decode()


@pytest.mark.parametrize("role", ["non_member", "applicant", "member", "moderator"])
def test_people_who_may_not_edit_cannot_save_a_charter(db, role):
    community = make_world("public")["community"]
    client = Client()
    client.force_login(person_in_role(role, community))
    response = client.post(
        reverse("communities:charter_edit", kwargs={"slug": community.slug}),
        {"purpose": "Hijacked", "based_on": "1"},
    )
    assert response.status_code == 404
    assert community.charter_versions.count() == 1
