"""Mass assignment (reliability.md #5): every write operation of the API, sent by a plain member with its
valid body plus privileged extras, changes nothing those extras name."""

from __future__ import annotations

import json

from rest_framework.test import APIClient

from catchment.accounts.models import User
from catchment.api import services as token_services
from catchment.api.models import AccessToken
from catchment.communities.models import Community, Membership
from catchment.discussions.models import Post, Topic
from catchment.events.models import Event, Registration
from catchment.webhooks.models import Endpoint
from tests.test_api_permission_matrix import BODIES, MATRIX, places, url_of  # noqa: F401 - the matrix's fixture

EXTRAS = {
    "is_staff": True,
    "is_superuser": True,
    "is_active": False,
    "role": "convenor",
    "status": "hidden",
    "visibility": "public",
    "stage": "archived",
    "author": 1,
    "user": 1,
    "community": "m-secret",
    "is_pinned": True,
    "is_locked": True,
    "member_count": 999999,
    "registered_count": 0,
    "capacity": 1,
    "scope": "admin",
    "key_hash": "0" * 64,
    "secret": "attacker-known",
    "revoked_at": None,
    "id": 1,
    "pk": 1,
    "created_at": "2001-01-01T00:00:00Z",
}


def snapshot():
    return {
        "users": sorted(User.objects.values_list("pk", "is_staff", "is_superuser", "is_active")),
        "roles": sorted(Membership.objects.values_list("community_id", "user_id", "role", "status")),
        "communities": sorted(Community.objects.values_list("pk", "visibility", "stage", "member_count")),
        "topics": sorted(Topic.objects.values_list("pk", "is_pinned", "is_locked", "status", "community_id")),
        "posts": sorted(Post.objects.filter(number=1).values_list("pk", "status", "author_id")),
        "events": sorted(Event.objects.values_list("pk", "capacity", "community_id")),
        "tokens": sorted(AccessToken.objects.values_list("pk", "scope", "key_hash", "revoked_at")),
        "endpoints": sorted(Endpoint.objects.values_list("pk", "secret", "community_id")),
    }


def test_privileged_extras_in_every_write_change_nothing(places):  # noqa: F811
    _outsider, _staff, worlds = places
    world = worlds["public"]
    member = world["member"]
    _token, secret = token_services.token_create(actor=member, name="extras", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    before = snapshot()
    writes = [(name, method) for name, method in MATRIX if method in ("POST", "PUT", "PATCH")]
    succeeded = []
    for name, method in writes:
        body = {**BODIES.get((name, method), {}), **EXTRAS}
        if name == "api:resources":
            body["community"] = world["community"].slug
        response = client.generic(
            method, url_of(name, world), data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code < 500, (name, response.status_code)
        if response.status_code < 300:
            succeeded.append(name)
    after = snapshot()
    # New rows are the member's ordinary effects (a topic, a reply, a registration…); nothing that existed changed.
    for key, rows in before.items():
        if key == "communities":
            continue
        assert set(rows) - set(after[key]) == set(), key
    settings_before = {row[0]: row[1:3] for row in before["communities"]}
    assert {row[0]: row[1:3] for row in after["communities"]} == settings_before  # visibility and stage
    assert not User.objects.filter(pk=member.pk, is_staff=True).exists()
    assert Membership.objects.get(community=world["community"], user=member).role == "member"
    assert not Registration.objects.filter(user=member).exclude(event=world["event"]).exists()
    assert len(writes) >= 15 and len(EXTRAS) >= 15
    # The extras did not merely make every request fail: the member's ordinary writes went through.
    assert {
        "api:topics",
        "api:posts",
        "api:reactions",
        "api:flags",
        "api:registration",
        "api:resources",
    } <= set(succeeded)
