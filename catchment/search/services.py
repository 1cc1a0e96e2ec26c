"""Writing the index: one document per searchable thing, rebuilt whenever it changes."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from catchment.accounts.models import Profile, ProfileVisibility
from catchment.communities.models import Community, Visibility
from catchment.discussions.models import Post, Topic
from catchment.discussions.models import Visibility as PostVisibility
from catchment.events.models import Event
from catchment.library.models import Resource, ResourceStatus
from catchment.search.models import CONFIGS, Audience, Kind, SearchDocument

MAX_BODY = 20000


def _engine_write(document: SearchDocument) -> None:
    if connection.vendor == "postgresql":
        config = CONFIGS.get(document.language, "simple")
        SearchDocument.objects.filter(pk=document.pk).update(
            vector=SearchVector("title", weight="A", config=config)
            + SearchVector("body", weight="B", config=config)
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [document.pk])
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [document.pk, document.title, document.body],
            )


def _engine_remove(pk: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [pk])


def put(
    *,
    kind: str,
    object_id: int,
    title: str,
    body: str,
    url: str,
    community: Community | None = None,
    audience: str = Audience.PUBLIC,
    language: str = "",
    updated_at: object = None,
) -> SearchDocument:
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            defaults={
                "title": title[:300],
                "body": body[:MAX_BODY],
                "url": url,
                "community": community,
                "audience": audience,
                "language": language,
                "updated_at": updated_at or timezone.now(),
            },
        )
        _engine_write(document)
    return document


def remove(kind: str, object_id: int) -> None:
    for pk in SearchDocument.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True):
        _engine_remove(pk)
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def index_topic(topic: Topic) -> None:
    if topic.status != PostVisibility.VISIBLE:
        remove(Kind.TOPIC, topic.pk)
        return
    opening = topic.posts.filter(number=1).values_list("body", flat=True).first() or ""
    put(
        kind=Kind.TOPIC,
        object_id=topic.pk,
        title=topic.title,
        body=opening,
        url=reverse("discussions:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk}),
        community=topic.community,
        language=topic.language,
        updated_at=topic.last_posted_at,
    )


def index_post(post: Post) -> None:
    topic = post.topic
    if post.number == 1:
        index_topic(topic)
        return
    if post.status != PostVisibility.VISIBLE or topic.status != PostVisibility.VISIBLE:
        remove(Kind.POST, post.pk)
        return
    put(
        kind=Kind.POST,
        object_id=post.pk,
        title=topic.title,
        body=post.body,
        url=reverse("discussions:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk})
        + f"#post-{post.number}",
        community=topic.community,
        language=topic.language,
        updated_at=post.created_at,
    )


def index_community(community: Community) -> None:
    put(
        kind=Kind.COMMUNITY,
        object_id=community.pk,
        title=community.name,
        body=f"{community.summary}\n\n{community.description}",
        url=reverse("communities:detail", kwargs={"slug": community.slug}),
        # Secret communities are found only by their members: their own read rule applies.
        community=community if community.visibility == Visibility.SECRET else None,
        updated_at=community.updated_at,
    )


def index_profile(profile: Profile) -> None:
    user = profile.user
    if not user.is_active:
        remove(Kind.PERSON, profile.pk)
        return
    parts = [
        profile.position,
        profile.organisation.name if profile.organisation else "",
        str(profile.country.name or ""),
        profile.bio,
    ]
    put(
        kind=Kind.PERSON,
        object_id=profile.pk,
        title=user.display_name or user.username,
        body="\n".join(part for part in parts if part),
        url=reverse("accounts:profile", kwargs={"username": user.username}),
        audience=Audience.PUBLIC if profile.visibility == ProfileVisibility.PUBLIC else Audience.MEMBERS,
        updated_at=profile.updated_at,
    )


def index_resource(resource: Resource) -> None:
    if resource.status != ResourceStatus.VISIBLE:
        remove(Kind.RESOURCE, resource.pk)
        return
    parts = [
        resource.authors,
        resource.organisation.name if resource.organisation else resource.publisher,
        str(resource.year or ""),
        resource.summary,
    ]
    put(
        kind=Kind.RESOURCE,
        object_id=resource.pk,
        title=resource.title,
        body="\n".join(part for part in parts if part),
        url=reverse("library:detail", kwargs={"pk": resource.pk}),
        community=resource.community,
        language=resource.language,
        updated_at=resource.updated_at,
    )


def index_event(event: Event) -> None:
    language = event.languages.filter(interpretation=False).values_list("code", flat=True).first() or ""
    put(
        kind=Kind.EVENT,
        object_id=event.pk,
        title=event.title,
        body="\n".join(part for part in (event.summary, event.agenda, event.venue) if part),
        url=reverse("events:detail", kwargs={"pk": event.pk}),
        community=event.community,
        language=language,
        updated_at=event.starts_at,
    )


def rebuild() -> int:
    """Index everything again (after an import or a restore)."""
    count = 0
    for profile in Profile.objects.select_related("user", "organisation").iterator():
        index_profile(profile)
        count += 1
    for community in Community.objects.iterator():
        index_community(community)
        count += 1
    for topic in Topic.objects.select_related("community").iterator():
        index_topic(topic)
        count += 1
    for post in Post.objects.filter(number__gt=1).select_related("topic__community").iterator():
        index_post(post)
        count += 1
    for resource in Resource.objects.select_related("community", "organisation").iterator():
        index_resource(resource)
        count += 1
    for event in Event.objects.select_related("community").iterator():
        index_event(event)
        count += 1
    return count
