"""Every newsletter URL, as everyone who might try it: editors manage, recipients read, nobody else sees a
word of a community's newsletter."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catchment.accounts.tests.factories import UserFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.newsletters import services
from tests.sweep import body_of
from tests.test_permission_matrix import all_patterns

ROLES = ["anonymous", "outsider", "moderator", "convenor", "staff"]
SECRET = "PRIVATE-9d2e-NEWSLETTER"
POSTS_ONLY = {"newsletters:test", "newsletters:send", "newsletters:retry"}
EDITORS = {"convenor", "staff"}


def expected(name, role):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    if name == "newsletters:unsubscribe":
        return 404  # a forged token, for everyone
    if role == "anonymous":
        return 302
    if name in POSTS_ONLY:
        return 405
    if name == "newsletters:preferences":
        return 200
    if name in {"newsletters:hub_list", "newsletters:hub_new"}:
        return 200 if role == "staff" else 404
    if name in {
        "newsletters:detail",
        "newsletters:edit",
        "newsletters:community_list",
        "newsletters:community_new",
    }:
        return 200 if role in EDITORS else 404
    if name == "newsletters:read":
        return 200 if role != "outsider" else 404
    raise AssertionError(f"{name} is not in the newsletter permission matrix")


NAMES = sorted(name for name, _route, _entry in all_patterns() if name.startswith("newsletters:"))


def test_every_newsletter_url_is_in_the_matrix():
    assert NAMES
    for name in NAMES:
        expected(name, "outsider")


@pytest.mark.parametrize("visibility", ["public", "private", "secret"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_private_text_otherwise(
    db, role, visibility, django_capture_on_commit_callbacks
):
    community = CommunityFactory(visibility=visibility)
    people = {
        "convenor": MembershipFactory(community=community, role=Role.CONVENOR).user,
        "moderator": MembershipFactory(community=community, role=Role.MODERATOR).user,
        "outsider": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }
    draft = services.Draft(default_language="en", editions={"en": ("News", f"{SECRET} body")})
    sent = services.newsletter_create(actor=people["convenor"], community=community, draft=draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=people["convenor"], newsletter=sent)
    waiting = services.newsletter_create(actor=people["convenor"], community=community, draft=draft)
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    problems = []
    for name in NAMES:
        entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
        values = {
            "pk": sent.pk if name == "newsletters:read" else waiting.pk,
            "slug": community.slug,
            "token": "forged-token",
        }
        kwargs = {key: values[key] for key in entry.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        if response.status_code != expected(name, role):
            problems.append(f"{name}: {response.status_code}, expected {expected(name, role)}")
        if expected(name, role) != 200 and SECRET in body_of(response):  # text, headers, Location
            problems.append(f"{name}: private text shown to {role}")
    assert problems == []


@pytest.mark.parametrize("role", ["outsider", "moderator"])
def test_people_who_do_not_edit_cannot_send_or_change_a_newsletter(db, role):
    community = CommunityFactory()
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    person = (
        MembershipFactory(community=community, role=Role.MODERATOR).user
        if role == "moderator"
        else UserFactory()
    )
    draft = services.Draft(default_language="en", editions={"en": ("News", "Body")})
    newsletter = services.newsletter_create(actor=convenor, community=community, draft=draft)
    client = Client()
    client.force_login(person)
    for name, data in (
        ("newsletters:send", {"confirm": "on"}),
        ("newsletters:test", {"language": "en"}),
        ("newsletters:retry", {}),
        ("newsletters:edit", {"default_language": "en", "subject_en": "Hijacked", "body_en": "x"}),
    ):
        assert client.post(reverse(name, kwargs={"pk": newsletter.pk}), data).status_code == 404, name
    newsletter.refresh_from_db()
    assert newsletter.status == "draft" and newsletter.editions.get().subject == "News"
    assert newsletter.deliveries.count() == 0
