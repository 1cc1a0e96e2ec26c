"""The interaction log written by the services, the backfill, and the snapshots computed from the log."""

import datetime

import pytest
from django.utils import timezone

from catchment.accounts.tests.factories import ProfileFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.core.models import Interaction
from catchment.discussions import services as discussions
from catchment.insights import services
from catchment.insights.models import Snapshot


def member(community, role=Role.MEMBER, organisation=None, country="KE"):
    profile = ProfileFactory(country=country, user__date_joined=timezone.now() - datetime.timedelta(days=400))
    if organisation is not None:
        profile.organisation = organisation
        profile.save()
    MembershipFactory(community=community, user=profile.user, role=role)
    return profile.user


@pytest.fixture
def lively(db):
    community = CommunityFactory(slug="lively")
    convenor = member(community, Role.CONVENOR)
    people = [member(community, country=["KE", "PE", "SE"][n % 3]) for n in range(8)]
    topic = discussions.topic_create(
        actor=people[0],
        community=community,
        kind="question",
        title="Which pumps?",
        body="Ideas?",
        language="en",
    )
    first = discussions.post_reply(actor=people[1], topic=topic, body="Rope pumps.")
    discussions.post_reply(actor=people[0], topic=topic, body="Thanks @" + people[2].username, reply_to=first)
    discussions.post_reply(actor=people[2], topic=topic, body="Treadle pumps too.")
    discussions.reaction_toggle(actor=people[3], post=first, kind="thanks")
    return community, convenor, people, topic


def test_the_services_write_the_log_with_whom_people_answered(lively):
    community, _convenor, people, _topic = lively
    verbs = list(
        Interaction.objects.filter(community_id=community.pk).values_list("verb", "actor_id", "target_id")
    )
    assert ("topic", people[0].pk, None) in verbs
    assert ("reply", people[1].pk, people[0].pk) in verbs  # answered the asker
    assert ("reply", people[0].pk, people[1].pk) in verbs  # replied to Rope pumps' author
    assert ("mention", people[0].pk, people[2].pk) in verbs
    assert ("reaction", people[3].pk, people[1].pk) in verbs


def test_a_computation_stores_levels_network_and_health_with_their_parameters(lively):
    community, convenor, people, _topic = lively
    snapshots = services.compute_community(community)
    assert {s.kind for s in snapshots} == {"levels", "network", "health"}
    levels = Snapshot.objects.get(kind="levels").data
    assert levels["people"][str(convenor.pk)]["level"] == "core"  # by role
    assert levels["people"][str(people[7].pk)]["level"] in {"lapsed", "peripheral"}
    assert sum(levels["counts"].values()) == 9
    network = Snapshot.objects.get(kind="network")
    assert network.data["summary"]["edges"] >= 3
    assert network.params["louvain_seed"] == 42 and network.params["code_version"]
    health = Snapshot.objects.get(kind="health").data
    assert health["response"]["topics"] == 1 and health["response"]["answered"] == 1
    assert len(health["weekly"]) == 13


def test_the_backfill_rebuilds_the_log_once(lively):
    from catchment.insights.backfill import backfill

    community, _convenor, _people, _topic = lively
    live = set(Interaction.objects.values_list("source", flat=True))
    Interaction.objects.all().delete()
    backfill()
    rebuilt = set(Interaction.objects.values_list("source", flat=True))
    assert live <= rebuilt  # the live writers and the backfill agree on every source key
    assert Interaction.objects.filter(verb="join", community_id=community.pk).count() == 9
    count = Interaction.objects.count()
    backfill()
    assert Interaction.objects.count() == count


def test_the_commands_run(lively):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("backfill_interactions", stdout=out)
    call_command("compute_insights", community="lively", stdout=out)
    call_command("compute_insights", stdout=out)
    assert "snapshot(s) computed" in out.getvalue()
    assert Snapshot.objects.filter(kind="hub").count() == 2
