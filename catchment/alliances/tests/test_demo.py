from __future__ import annotations

from collections import Counter

from catchment.accounts.demo import load_demo_hub
from catchment.alliances import mobilisation, stakeholders, systems
from catchment.alliances.demo import ALLIANCE_SLUG, load_demo_alliances
from catchment.alliances.models import (
    ActionResearchCycle,
    Assessment,
    CyclePhase,
    DirectionVersion,
    DisseminationOutput,
    LearningAlliance,
    MobilisationStep,
    Platform,
    ProcessEntry,
    Stakeholder,
    StakeholderRelation,
    SystemMap,
)
from catchment.communities.demo import load_demo_communities
from catchment.communities.models import Membership, MembershipStatus, Stage


def _loops(system_map):
    return systems.loops(
        systems.Link(link.source_id, link.target_id, link.polarity, link.delay)
        for link in system_map.links.all()
    )


def test_demo_alliance_is_complete_and_loads_once(db):
    load_demo_hub(member_count=30)
    load_demo_communities()
    assert load_demo_alliances() == 1

    alliance = LearningAlliance.objects.get(slug=ALLIANCE_SLUG)
    assert alliance.status == "active" and alliance.visibility == "public"
    assert list(alliance.initiators.values_list("email", flat=True)) == ["convenor@demo.catchment.example"]

    # The platform tree: one national root, two districts under it, three villages under the districts.
    platforms = list(Platform.objects.filter(alliance=alliance))
    assert len(platforms) == 6
    by_level = Counter(platform.level for platform in platforms)
    assert by_level == {"national": 1, "intermediate": 2, "community": 3}
    root = next(platform for platform in platforms if platform.parent_id is None)
    assert root.level == "national" and root.facilitator.email.startswith("convenor@")
    districts = [platform for platform in platforms if platform.level == "intermediate"]
    assert all(platform.parent_id == root.pk for platform in districts)
    villages = [platform for platform in platforms if platform.level == "community"]
    assert sorted(Counter(platform.parent_id for platform in villages).values()) == [1, 2]
    assert {platform.parent_id for platform in villages} == {platform.pk for platform in districts}
    assert len({platform.stage for platform in platforms}) == 6
    for platform in platforms:
        assert platform.community.stage == Stage.LAUNCHED
        assert platform.facilitator is not None
        assert Membership.objects.filter(
            community=platform.community, user=platform.facilitator, status=MembershipStatus.ACTIVE
        ).exists()
        assert 8 <= platform.community.memberships.count() <= 17
        assert platform.stage_changes.count() >= 1

    directions = list(DirectionVersion.objects.filter(alliance=alliance).order_by("number"))
    assert [version.number for version in directions] == [1, 2]
    assert directions[0].agreed_on is None and directions[1].agreed_on is not None

    # The register: 40 stakeholders, every mobilisation state, a re-approach, blockers, a history.
    register = list(Stakeholder.objects.filter(alliance=alliance))
    assert len(register) == 40
    assert {item.status for item in register} == set(mobilisation.STATES)
    assert all(item.platforms.exists() for item in register)
    assert (
        MobilisationStep.objects.filter(
            stakeholder__alliance=alliance, from_status="declined", to_status="contacted"
        )
        .exclude(reason="")
        .exists()
    )
    assert not MobilisationStep.objects.filter(stakeholder__alliance=alliance, fast_track=True).exists()
    assessed = [
        stakeholders.Assessed(item.pk, item.influence, item.interest, item.engagement_current, "neutral")
        for item in register
    ]
    assert len(stakeholders.blockers(assessed)) >= 2
    history = Counter(
        Assessment.objects.filter(stakeholder__alliance=alliance).values_list("stakeholder", flat=True)
    )
    assert sum(1 for count in history.values() if count >= 2) >= 8

    relations = StakeholderRelation.objects.filter(source__alliance=alliance).select_related(
        "source", "target"
    )
    assert 25 <= relations.count() <= 40
    linkage = stakeholders.linkage(
        [(relation.source.level, relation.target.level) for relation in relations],
        ["national", "intermediate", "community"],
    )
    assert linkage.horizontal and linkage.vertical
    assert linkage.unlinked_pairs == [("national", "community")]

    cycles = ActionResearchCycle.objects.filter(platform__alliance=alliance)
    assert cycles.count() >= 2
    following = cycles.filter(previous__isnull=False).select_related("previous").get()
    assert following.phase == CyclePhase.ACT
    assert following.previous.phase == CyclePhase.CLOSED and following.previous.reflection
    assert ProcessEntry.objects.filter(platform__alliance=alliance).count() >= 10
    assert DisseminationOutput.objects.filter(platform__alliance=alliance).count() == 5

    groundwater = SystemMap.objects.get(community=root.community, title="Groundwater and livelihoods")
    assert groundwater.variables.count() == 8 and groundwater.links.count() == 10
    loops = _loops(groundwater)
    assert len(loops) == 3
    assert sorted(loop.polarity for loop in loops) == ["B", "B", "R"]
    assert set(groundwater.loop_notes.values_list("key", flat=True)) == {loop.key for loop in loops}
    design_map = SystemMap.objects.exclude(pk=groundwater.pk).get()
    assert design_map.community.stage == Stage.DESIGN and design_map.variables.count() == 5

    counts = [
        model.objects.count()
        for model in (
            LearningAlliance,
            Platform,
            Stakeholder,
            Assessment,
            MobilisationStep,
            StakeholderRelation,
            ActionResearchCycle,
            ProcessEntry,
            SystemMap,
            Membership,
        )
    ]
    assert load_demo_alliances() == 0
    assert [
        model.objects.count()
        for model in (
            LearningAlliance,
            Platform,
            Stakeholder,
            Assessment,
            MobilisationStep,
            StakeholderRelation,
            ActionResearchCycle,
            ProcessEntry,
            SystemMap,
            Membership,
        )
    ] == counts
