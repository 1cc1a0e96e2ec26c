"""Filling the interaction log from what is already in the database (topics, replies, mentions,
reactions, memberships, events, registrations, attendance, resources, downloads). Uses the same source
keys as the live writers, so running it again, or after the services have written, adds nothing twice."""

from __future__ import annotations

from collections.abc import Iterator

from catchment.communities.models import Membership, MembershipStatus
from catchment.core import interactions
from catchment.core.interactions import Entry
from catchment.core.models import Verb
from catchment.discussions.models import Post, Reaction
from catchment.events.models import Event, Registration, RegistrationStatus
from catchment.library.models import Download, Resource
from catchment.notifications.models import Kind, Notification

BATCH = 5000


def _entries() -> Iterator[Entry]:
    for pk, user_id, community_id, joined_at in (
        Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .values_list("pk", "user_id", "community_id", "joined_at")
        .iterator(chunk_size=BATCH)
    ):
        yield Entry(user_id, Verb.JOIN, f"join:{pk}", community_id, occurred_at=joined_at)
    posts = Post.objects.values_list(
        "pk",
        "number",
        "author_id",
        "created_at",
        "topic_id",
        "topic__community_id",
        "topic__author_id",
        "reply_to__author_id",
    )
    for pk, number, author, created_at, topic, community, starter, answered in posts.iterator(
        chunk_size=BATCH
    ):
        if author is None:
            continue
        if number == 1:
            yield Entry(author, Verb.TOPIC, f"post:{pk}", community, None, "topic", topic, created_at)
        else:
            yield Entry(
                author, Verb.REPLY, f"post:{pk}", community, answered or starter, "topic", topic, created_at
            )
    for actor, recipient, post, community, topic, created_at in (
        Notification.objects.filter(kind=Kind.MENTION, actor__isnull=False, post__isnull=False)
        .values_list(
            "actor_id", "recipient_id", "post_id", "topic__community_id", "topic_id", "post__created_at"
        )
        .iterator(chunk_size=BATCH)
    ):
        yield Entry(
            actor,
            Verb.MENTION,
            f"mention:{post}:{recipient}",
            community,
            recipient,
            "topic",
            topic,
            created_at,
        )
    for post, user, kind, community, author, topic, created_at in Reaction.objects.values_list(
        "post_id",
        "user_id",
        "kind",
        "post__topic__community_id",
        "post__author_id",
        "post__topic_id",
        "created_at",
    ).iterator(chunk_size=BATCH):
        yield Entry(
            user,
            Verb.REACTION,
            f"reaction:{post}:{user}:{kind}",
            community,
            author,
            "topic",
            topic,
            created_at,
        )
    for pk, organiser, community, starts_at in (
        Event.objects.filter(organiser__isnull=False)
        .values_list("pk", "organiser_id", "community_id", "starts_at")
        .iterator(chunk_size=BATCH)
    ):
        yield Entry(organiser, Verb.HOST, f"host:{pk}", community, None, "event", pk, starts_at)
    registrations = Registration.objects.exclude(status=RegistrationStatus.CANCELLED).values_list(
        "pk", "user_id", "event_id", "event__community_id", "created_at", "attended", "event__starts_at"
    )
    for pk, user, event, community, created_at, attended, starts_at in registrations.iterator(
        chunk_size=BATCH
    ):
        yield Entry(user, Verb.REGISTER, f"register:{pk}", community, None, "event", event, created_at)
        if attended:
            yield Entry(user, Verb.ATTEND, f"attend:{pk}", community, None, "event", event, starts_at)
    for pk, added_by, community, created_at in (
        Resource.objects.filter(added_by__isnull=False)
        .values_list("pk", "added_by_id", "community_id", "created_at")
        .iterator(chunk_size=BATCH)
    ):
        yield Entry(added_by, Verb.SHARE, f"resource:{pk}", community, None, "resource", pk, created_at)
    for pk, user, resource, community, owner, created_at in (
        Download.objects.filter(user__isnull=False)
        .values_list(
            "pk", "user_id", "resource_id", "resource__community_id", "resource__added_by_id", "created_at"
        )
        .iterator(chunk_size=BATCH)
    ):
        yield Entry(user, Verb.DOWNLOAD, f"download:{pk}", community, owner, "resource", resource, created_at)


def backfill() -> int:
    """Write every interaction the database already holds evidence of; returns how many lines were read."""
    batch: list[Entry] = []
    seen = 0
    for entry in _entries():
        batch.append(entry)
        if len(batch) >= BATCH:
            interactions.record_many(batch)
            seen += len(batch)
            batch = []
    if batch:
        interactions.record_many(batch)
        seen += len(batch)
    return seen
