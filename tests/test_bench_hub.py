"""The synthetic hub of issue 8's benchmarks, at its tiny scale: the sizes asked for, the long-tailed
shape, consistent denormalised counters, and the same hub from the same seed."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from bench import hub
from catchment.communities.models import Community, Membership
from catchment.discussions.models import Post, Topic

pytestmark = pytest.mark.django_db


def test_the_tiny_hub_has_the_sizes_and_shape_asked_for(monkeypatch):
    monkeypatch.setattr(hub, "BATCH", 97)  # many batches, as at the large scales
    made = hub.generate("xs")
    size = hub.SCALES["xs"]
    assert (made.members, made.communities, made.posts, made.events, made.resources) == (
        size.members,
        size.communities,
        size.posts,
        size.events,
        size.resources,
    )
    # 90-9-1: the busiest tenth of the writers wrote most of the posts, and most members wrote nothing
    per_author = Counter(Post.objects.values_list("author_id", flat=True))
    busiest = sum(count for _author, count in per_author.most_common(max(1, size.members // 10)))
    assert busiest > 0.5 * size.posts
    assert len(per_author) <= 0.1 * size.members
    # communities of very different sizes
    sizes = sorted(Membership.objects.values("community").annotate(n=Count("pk")).values_list("n", flat=True))
    assert sizes[-1] >= 3 * sizes[0]
    # every topic's counters agree with its posts, and numbering has no gaps
    for topic in Topic.objects.annotate(n=Count("posts")):
        assert topic.reply_count == topic.n - 1
        numbers = sorted(topic.posts.values_list("number", flat=True))
        assert numbers == list(range(1, topic.n + 1))
    assert set(Topic.objects.values_list("language", flat=True)) <= {"en", "es", "fr", "ru"}


def test_generating_again_keeps_the_hub():
    first = hub.generate("xs")
    assert hub.generate("xs") == first
    assert Community.objects.filter(slug__startswith=hub.PREFIX).count() == hub.SCALES["xs"].communities


def test_the_generated_hub_is_searchable_like_one_written_through_the_services(client):
    made = hub.generate("xs")
    written = hub.index()
    topics = Topic.objects.count()
    assert written == made.members + made.communities + topics + (made.posts - topics) + made.resources
    assert hub.index() == 0  # once only
    public = Topic.objects.filter(community__visibility="public", language="en").first()
    found = client.get("/search/", {"q": public.title.split(" (")[0]}).content.decode()
    assert f"/topics/{public.pk}/" in found
    secret = Topic.objects.filter(community__visibility="secret").first()
    if secret is not None:
        assert f"/topics/{secret.pk}/" not in client.get("/search/", {"q": secret.title}).content.decode()


def test_every_community_counts_its_members():
    hub.generate("xs")
    for community in Community.objects.annotate(n=Count("memberships")):
        assert community.member_count == community.n


def test_the_generated_activity_is_in_the_interaction_log_the_insights_read():
    from catchment.core.models import Interaction
    from catchment.insights import services
    from catchment.insights.models import Snapshot

    made = hub.generate("xs")
    memberships = Membership.objects.count()
    assert hub.log_interactions() == made.posts + memberships
    assert hub.log_interactions() == 0  # once only
    topics = Topic.objects.count()
    assert Interaction.objects.filter(verb="topic").count() == topics
    assert Interaction.objects.filter(verb="reply").count() == made.posts - topics
    reply = Interaction.objects.filter(verb="reply").first()
    post = Post.objects.select_related("topic").get(pk=int(reply.source.split(":")[1]))
    assert (reply.actor_id, reply.target_id, reply.object_id) == (
        post.author_id,
        post.topic.author_id,
        post.topic_id,
    )
    largest = Community.objects.get(slug=f"{hub.PREFIX}0")
    services.compute_community(largest)
    levels = Snapshot.objects.get(community=largest, kind="levels")
    assert levels.data["shares"]["core"] > 0
