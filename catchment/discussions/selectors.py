"""Reads for topic lists and topic pages, filtered by what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from catchment.communities.models import Community
from catchment.communities.selectors import CommunityView
from catchment.discussions import permissions
from catchment.discussions.models import Post, Topic, TopicKind, Visibility

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


def posts_page(topic: Topic, *, moderator: bool, number: int) -> Page[Post]:
    """One page of a topic's posts in order, with authors and the posts they reply to."""
    posts = topic.posts.select_related("author", "reply_to__author", "moderated_by").order_by("number")
    if not moderator:
        posts = posts.filter(status=Visibility.VISIBLE)
    return Paginator(posts, POSTS_PER_PAGE).get_page(number)


def post_for_viewer(topic: Topic, pk: int, *, moderator: bool) -> Post:
    post = topic.posts.filter(pk=pk).select_related("author").first()
    if post is None or not permissions.can_see_post(post, moderator):
        raise Http404
    post.topic = topic
    return post


def page_of_post(topic: Topic, post: Post, *, moderator: bool) -> int:
    """Which page of the topic a post is on (for links to a reply)."""
    earlier = topic.posts.filter(number__lt=post.number)
    if not moderator:
        earlier = earlier.filter(status=Visibility.VISIBLE)
    return earlier.count() // POSTS_PER_PAGE + 1
