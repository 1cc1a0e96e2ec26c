"""A member with a long history gets their archive in time (reliability.md #30, "generated ≤ 60 s for a 10k-post
user"): 10,000 posts in 100 topics, a reaction on each of another member's 2,000, the archive built as the
download page builds it, timed. `make test-reliability` runs it (RELIABILITY_EXPORT_POSTS, 10,000 by default)."""

from __future__ import annotations

import json
import os
import time
import zipfile

import pytest
from django.utils import timezone

from catchment.accounts import export
from catchment.accounts.tests.factories import ProfileFactory
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions.models import Post, Reaction, Topic

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

POSTS = int(os.environ.get("RELIABILITY_EXPORT_POSTS", "10000"))
PER_TOPIC = 100
LIMIT_S = 60.0


def test_an_archive_of_ten_thousand_posts_is_made_within_a_minute():
    writer, other = ProfileFactory().user, ProfileFactory().user
    community = CommunityFactory(visibility="public")
    MembershipFactory(community=community, user=writer)
    MembershipFactory(community=community, user=other)
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(community=community, title=f"Season {n}", author=writer, language="en", last_posted_at=now)
        for n in range(-(-POSTS // PER_TOPIC))
    )
    Post.objects.bulk_create(
        (
            Post(
                topic=topics[n // PER_TOPIC],
                number=n % PER_TOPIC + 1,
                author=writer,
                body=f"Reading {n}: " * 20,
            )
            for n in range(POSTS)
        ),
        batch_size=1000,
    )
    theirs = Topic.objects.create(
        community=community, title="Theirs", author=other, language="en", last_posted_at=now
    )
    their_posts = Post.objects.bulk_create(
        Post(topic=theirs, number=n + 1, author=other, body="A finding") for n in range(POSTS // 5)
    )
    Reaction.objects.bulk_create(Reaction(post=post, user=writer, kind="thanks") for post in their_posts)

    started = time.monotonic()
    archive = export.build_archive(writer)
    took = time.monotonic() - started
    size = archive.seek(0, os.SEEK_END)
    archive.seek(0)
    with zipfile.ZipFile(archive) as opened:
        data = json.loads(opened.read("data.json"))
    archive.close()
    assert len(data["posts"]["written"]) == POSTS
    assert len(data["reactions"]) == POSTS // 5
    print(f"export: {POSTS} posts and {POSTS // 5} reactions in {took:.1f} s ({size / 1e6:.1f} MB)")
    assert took <= LIMIT_S
