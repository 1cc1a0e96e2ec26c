"""A community's full data as one JSON document, for its convenors: its settings, charter versions, plan,
members, discussions (hidden messages included, marked), events with registrations, and library records.

Written as a stream, table by table, so a community of tens of thousands of messages never sits in memory
whole. Files themselves are not inside: each resource and attachment names its file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from catchment.communities import selectors as community_selectors
from catchment.communities.models import CHARTER_SECTIONS, Community, Membership
from catchment.discussions.models import Post, Topic
from catchment.events.models import Event, Registration
from catchment.library.models import Resource

FORMAT = "catchment-community-archive/1"
BATCH = 500


def _dump(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _array(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for item in items:
        yield ("" if first else ",") + _dump(item)
        first = False
    yield "]"


def _person(user: Any) -> dict[str, str] | None:
    return None if user is None else {"username": user.username, "display_name": user.display_name}


def _members(community: Community) -> Iterator[dict[str, Any]]:
    for membership in (
        Membership.objects.filter(community=community)
        .select_related("user", "organisation")
        .order_by("joined_at", "pk")
        .iterator(chunk_size=BATCH)
    ):
        yield {
            "member": _person(membership.user),
            "email": membership.user.email,
            "role": membership.role,
            "status": membership.status,
            "organisation": membership.organisation.name if membership.organisation else None,
            "joined_at": membership.joined_at,
            "conduct_accepted_at": membership.conduct_accepted_at,
        }


def _topics(community: Community) -> Iterator[dict[str, Any]]:
    for topic in (
        Topic.objects.filter(community=community).select_related("author").order_by("pk").iterator(BATCH)
    ):
        yield {
            "id": topic.pk,
            "kind": topic.kind,
            "title": topic.title,
            "language": topic.language,
            "author": _person(topic.author),
            "created_at": topic.created_at,
            "status": topic.status,
        }


def _posts(community: Community) -> Iterator[dict[str, Any]]:
    posts = (
        Post.objects.filter(topic__community=community)
        .select_related("author")
        .order_by("topic_id", "number")
    )
    for post in posts.iterator(chunk_size=BATCH):
        yield {
            "id": post.pk,
            "topic": post.topic_id,
            "number": post.number,
            "author": _person(post.author),
            "body": post.body,
            "reply_to": post.reply_to_id,
            "status": post.status,
            "created_at": post.created_at,
        }


def _events(community: Community) -> Iterator[dict[str, Any]]:
    for event in (
        Event.objects.filter(community=community).select_related("organiser").order_by("starts_at", "pk")
    ):
        yield {
            "id": event.pk,
            "kind": event.kind,
            "title": event.title,
            "summary": event.summary,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "time_zone": event.time_zone,
            "capacity": event.capacity,
            "status": event.status,
            "organiser": _person(event.organiser),
        }


def _registrations(community: Community) -> Iterator[dict[str, Any]]:
    registrations = (
        Registration.objects.filter(event__community=community)
        .select_related("user")
        .order_by("event_id", "pk")
    )
    for registration in registrations.iterator(chunk_size=BATCH):
        yield {
            "event": registration.event_id,
            "person": _person(registration.user),
            "email": registration.user.email,
            "status": registration.status,
            "language": registration.language,
            "attended": registration.attended,
            "created_at": registration.created_at,
        }


def _resources(community: Community) -> Iterator[dict[str, Any]]:
    for resource in Resource.objects.filter(community=community).select_related("added_by").order_by("pk"):
        yield {
            "id": resource.pk,
            "kind": resource.kind,
            "title": resource.title,
            "summary": resource.summary,
            "authors": resource.authors,
            "year": resource.year,
            "language": resource.language,
            "link": resource.url,
            "file": resource.file_name or None,
            "status": resource.status,
            "added_by": _person(resource.added_by),
            "created_at": resource.created_at,
        }


def community_archive(community: Community) -> Iterator[str]:
    """The archive's JSON text, in pieces."""
    header = {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "community": {
            "slug": community.slug,
            "name": community.name,
            "summary": community.summary,
            "description": community.description,
            "visibility": community.visibility,
            "join_policy": community.join_policy,
            "membership_basis": community.membership_basis,
            "stage": community.stage,
            "created_at": community.created_at,
        },
        "charter_versions": [
            {
                "number": version.number,
                "status": version.status,
                "saved_at": version.created_at,
                "note": version.note,
                **{section: getattr(version, section) for section in CHARTER_SECTIONS},
            }
            for version in community_selectors.charter_versions(community)
        ],
        "activities": [
            {
                "title": activity.title,
                "kind": activity.kind,
                "cadence": activity.cadence,
                "starts_on": activity.starts_on,
                "ends_on": activity.ends_on,
            }
            for activity in community_selectors.activities(community)
        ],
        "milestones": [
            {"title": milestone.title, "due_on": milestone.due_on, "status": milestone.status}
            for milestone in community_selectors.milestones(community)
        ],
    }
    yield _dump(header)[:-1]
    for name, rows in (
        ("members", _members(community)),
        ("topics", _topics(community)),
        ("posts", _posts(community)),
        ("events", _events(community)),
        ("registrations", _registrations(community)),
        ("resources", _resources(community)),
    ):
        yield f',"{name}":'
        yield from _array(rows)
    yield "}"
