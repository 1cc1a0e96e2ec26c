"""The denormalised counters stay right under real concurrency: members joining and leaving one community at
the same moment, and replies posted to one topic at the same moment, each on its own database connection."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from django.db import connection, connections
from django.utils import timezone

from catchment.accounts.tests.factories import UserFactory
from catchment.communities import services
from catchment.communities.models import Community, Membership, Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions import services as discussions
from catchment.discussions.models import Topic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent connections need PostgreSQL; the embedded SQLite serialises writers (IMMEDIATE)",
    ),
]

ROUNDS = 3


def at_once(action, people):
    barrier = threading.Barrier(len(people))

    def attempt(person):
        try:
            barrier.wait(timeout=30)
            action(person)
            return "ok"
        except Exception as error:
            return f"error: {error!r}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(attempt, people))


def join_or_leave(community_pk, leavers, person):
    community = Community.objects.get(pk=community_pk)
    if person in leavers:
        services.membership_leave(actor=person, community=community)
    else:
        services.community_join(actor=person, community=community, accept_conduct=True)


def reply(topic_pk, person):
    discussions.post_reply(actor=person, topic=Topic.objects.get(pk=topic_pk), body=f"From {person.pk}")


def test_members_joining_and_leaving_at_once_leave_the_count_right():
    for _round in range(ROUNDS):
        community = CommunityFactory(visibility="public", join_policy="open")
        MembershipFactory(community=community, role=Role.CONVENOR)
        leavers = [MembershipFactory(community=community).user for _ in range(10)]
        joiners = [UserFactory() for _ in range(20)]

        outcomes = at_once(partial(join_or_leave, community.pk, set(leavers)), leavers + joiners)
        assert [outcome for outcome in outcomes if outcome != "ok"] == []
        community.refresh_from_db()
        assert (
            community.member_count == Membership.objects.filter(community=community, status="active").count()
        )
        assert community.member_count == 1 + 20


def test_replies_posted_at_once_are_numbered_and_counted_right():
    joined = timezone.now() - datetime.timedelta(days=60)
    for _round in range(ROUNDS):
        community = CommunityFactory(visibility="public")
        opener = MembershipFactory(community=community, user__date_joined=joined).user
        writers = [MembershipFactory(community=community, user__date_joined=joined).user for _ in range(20)]
        topic = discussions.topic_create(
            actor=opener, community=community, kind="discussion", title="Busy", body="Go", language="en"
        )

        outcomes = at_once(partial(reply, topic.pk), writers)
        assert [outcome for outcome in outcomes if outcome != "ok"] == []
        topic.refresh_from_db()
        numbers = sorted(topic.posts.values_list("number", flat=True))
        assert numbers == list(range(1, 22))
        assert topic.reply_count == 20
