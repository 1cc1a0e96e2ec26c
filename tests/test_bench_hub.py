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
