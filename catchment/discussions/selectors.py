"""Reads for topic lists and topic pages, filtered by what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from catchment.accounts.permissions import Viewer, is_staff
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership, MembershipStatus
from catchment.communities.selectors import CommunityView
from catchment.discussions import permissions
from catchment.discussions.models import Attachment, Flag, Post, Topic, TopicKind, Visibility

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 25


@dataclass(frozen=True)
class TopicFilters:
    kind: str = ""
    unanswered: bool = False


def topics(community: Community, *, moderator: bool, filters: TopicFilters | None = None) -> QuerySet[Topic]:
    """The community's topics, pinned first then by latest post, with authors loaded."""
    filters = filters or TopicFilters()
    found = Topic.objects.filter(community=community)
    if not moderator:
        found = found.filter(status=Visibility.VISIBLE)
    if filters.kind in TopicKind.values:
        found = found.filter(kind=filters.kind)
    if filters.unanswered:
        found = found.filter(kind=TopicKind.QUESTION, accepted_post__isnull=True)
    return found.select_related("author").order_by("-is_pinned", "-last_posted_at", "-pk")


def recent_topics(community: Community, *, moderator: bool, limit: int = 5) -> list[Topic]:
    return list(topics(community, moderator=moderator).order_by("-last_posted_at", "-pk")[:limit])


def topic_for_viewer(view: CommunityView, pk: int, *, moderator: bool) -> Topic:
    """A topic of this community the viewer may read, or 404."""
    if not view.can_read:
        raise Http404
    topic = (
        Topic.objects.filter(community=view.community, pk=pk)
        .select_related("author", "accepted_post__author")
        .first()
    )
    if topic is None or not permissions.can_see_topic(topic, moderator):
        raise Http404
    topic.community = view.community  # already loaded with the viewer's rights
    return topic


def visible_posts(topic: Topic, *, moderator: bool) -> QuerySet[Post]:
    """A topic's posts in order, as the viewer may see them (moderators also see hidden ones)."""
    posts = topic.posts.select_related("author").order_by("number")
    return posts if moderator else posts.filter(status=Visibility.VISIBLE)


def posts_page(topic: Topic, *, moderator: bool, number: int) -> Page[Post]:
    """One page of a topic's posts in order, with authors and the posts they reply to."""
    posts = (
        visible_posts(topic, moderator=moderator)
        .select_related("reply_to__author", "moderated_by")
        .prefetch_related("attachments")
    )
    return Paginator(posts, POSTS_PER_PAGE).get_page(number)


def post_for_viewer(topic: Topic, pk: int, *, moderator: bool) -> Post:
    post = topic.posts.filter(pk=pk).select_related("author").first()
    if post is None or not permissions.can_see_post(post, moderator):
        raise Http404
    post.topic = topic
    return post


def attachment_for_viewer(topic: Topic, pk: int, *, moderator: bool) -> Attachment:
    """A file attached to a post of this topic that the viewer may read, or 404."""
    attachment = Attachment.objects.filter(pk=pk, post__topic=topic).select_related("post").first()
    if attachment is None or not permissions.can_see_post(attachment.post, moderator):
        raise Http404
    return attachment


def page_of_post(topic: Topic, post: Post, *, moderator: bool) -> int:
    """Which page of the topic a post is on (for links to a reply)."""
    earlier = topic.posts.filter(number__lt=post.number)
    if not moderator:
        earlier = earlier.filter(status=Visibility.VISIBLE)
    return earlier.count() // POSTS_PER_PAGE + 1


def flagged_by(user_id: int | None, posts: list[Post]) -> set[int]:
    """Which of these posts the viewer has already flagged (one query)."""
    if not user_id or not posts:
        return set()
    return set(
        Flag.objects.filter(reporter_id=user_id, post__in=[post.pk for post in posts]).values_list(
            "post_id", flat=True
        )
    )


@dataclass
class QueueItem:
    post: Post
    flags: list[Flag]


def review_queue(community: Community) -> list[QueueItem]:
    """Open flags of a community grouped by post, oldest first (two queries whatever their number)."""
    flags = list(
        Flag.objects.filter(post__topic__community=community, resolved_at__isnull=True)
        .select_related("reporter", "post__author", "post__topic")
        .order_by("created_at", "pk")[:500]
    )
    grouped: dict[int, QueueItem] = {}
    for flag in flags:
        grouped.setdefault(flag.post_id, QueueItem(post=flag.post, flags=[])).flags.append(flag)
    return list(grouped.values())


def resolved_flags(community: Community, limit: int = 30) -> list[Flag]:
    """The latest settled flags, for the queue's history."""
    return list(
        Flag.objects.filter(post__topic__community=community, resolved_at__isnull=False)
        .select_related("reporter", "resolved_by", "post__topic")
        .order_by("-resolved_at", "-pk")[:limit]
    )


def move_targets(viewer: Viewer, current: Community) -> list[Community]:
    """Communities a moderator could move a topic to: those they moderate too (all, for staff)."""
    communities = Community.objects.exclude(pk=current.pk).exclude(stage="archived")
    if not is_staff(viewer):
        moderated = Membership.objects.filter(
            user_id=viewer.pk or 0,
            status=MembershipStatus.ACTIVE,
            role__in=community_policy.roles_that_manage_members(),
        ).values("community_id")
        communities = communities.filter(pk__in=moderated)
    return list(communities.order_by("name").only("pk", "name", "slug")[:200])


def feed(viewer: Viewer, community: Community | None = None, limit: int = 10) -> list[Post]:
    """The latest visible topics and replies the viewer may read, hub-wide or in one community.

    Asking for "the newest posts of the communities I may read" makes the database gather and sort every
    post of those communities (half a million in a large one). But a topic's last_posted_at is the time of
    its newest post, so the `limit` newest posts lie in the `limit` most recently active topics: those are
    read first along an index, then their newest posts (two small queries, whatever the size)."""
    topics = Topic.objects.filter(status=Visibility.VISIBLE)
    if community is not None:
        topics = topics.filter(community=community)
    elif not is_staff(viewer):
        topics = topics.filter(
            community__in=Community.objects.filter(community_policy.readable_communities_q(viewer)).values(
                "pk"
            )
        )
    active = list(topics.order_by("-last_posted_at", "-pk").values_list("pk", flat=True)[:limit])
    return list(
        Post.objects.filter(status=Visibility.VISIBLE, topic_id__in=active)
        .select_related("author", "topic__community")
        .order_by("-created_at", "-pk")[:limit]
    )


def reactions_for(user_id: int | None, posts: list[Post]) -> dict[int, list[tuple[str, str, int, bool]]]:
    """Per post: (kind, label, count, whether the viewer gave it) for every reaction kind (two queries)."""
    from django.db.models import Count

    from catchment.discussions.models import REACTION_SYMBOLS, Reaction, ReactionKind

    ids = [post.pk for post in posts]
    counts: dict[tuple[int, str], int] = {}
    mine: set[tuple[int, str]] = set()
    if ids:
        for row in Reaction.objects.filter(post_id__in=ids).values("post_id", "kind").annotate(n=Count("pk")):
            counts[(row["post_id"], row["kind"])] = row["n"]
        if user_id:
            mine = set(
                Reaction.objects.filter(post_id__in=ids, user_id=user_id).values_list("post_id", "kind")
            )
    return {
        pk: [
            (
                kind.value,
                f"{REACTION_SYMBOLS[kind.value]} {kind.label}",
                counts.get((pk, kind.value), 0),
                (pk, kind.value) in mine,
            )
            for kind in ReactionKind
        ]
        for pk in ids
    }
