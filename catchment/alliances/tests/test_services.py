"""The alliance services: tree integrity, scores on their scale, the mobilisation machine, the shared
direction's versions, and the all-or-nothing CSV import."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from catchment.accounts.tests.factories import UserFactory
from catchment.alliances import services
from catchment.alliances.models import (
    Assessment,
    MobilisationStep,
    Platform,
    Stakeholder,
    StakeholderRelation,
)
from catchment.alliances.services import AllianceError, StakeholderData
from catchment.alliances.tests.factories import alliance_world

pytestmark = pytest.mark.django_db


def _stakeholder(world, name="Ministry of Water", **scores):
    data = StakeholderData(name=name, org_type="gov", level="national", platforms=[world.national], **scores)
    return services.stakeholder_save(actor=world.initiator, alliance=world.alliance, data=data)


def test_a_platform_cannot_become_its_own_ancestor():
    world = alliance_world()
    changes = services.PlatformChanges(level="national", parent=world.village, facilitator=world.initiator)
    with pytest.raises(AllianceError, match="own ancestor"):
        services.platform_update(actor=world.initiator, platform=world.national, changes=changes)
    changes.parent = world.national
    with pytest.raises(AllianceError, match="part of itself"):
        services.platform_update(actor=world.initiator, platform=world.national, changes=changes)
    assert Platform.objects.get(pk=world.national.pk).parent_id is None


def test_a_platform_of_another_alliance_is_not_a_parent():
    world, other = alliance_world(), alliance_world()
    changes = services.PlatformChanges(level="community", parent=other.national, facilitator=world.initiator)
    with pytest.raises(AllianceError, match="same alliance"):
        services.platform_update(actor=world.initiator, platform=world.village, changes=changes)


def test_only_the_convenor_of_a_community_makes_it_a_platform_and_only_once():
    world = alliance_world()
    with pytest.raises(AllianceError, match="already a platform"):
        services.platform_add(
            actor=world.initiator,
            alliance=world.alliance,
            community=world.village.community,
            changes=services.PlatformChanges(level="community"),
        )
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.platform_add(
            actor=stranger,
            alliance=world.alliance,
            community=world.village.community,
            changes=services.PlatformChanges(level="community"),
        )


def test_a_facilitator_must_be_a_member_of_the_platform():
    world = alliance_world()
    outsider = UserFactory(display_name="Outsider")
    changes = services.PlatformChanges(level="community", parent=world.district, facilitator=outsider)
    with pytest.raises(AllianceError, match="not a member"):
        services.platform_update(actor=world.initiator, platform=world.village, changes=changes)


def test_stage_changes_are_kept_as_a_path():
    world = alliance_world()
    for stage in ("stakeholder_analysis", "mobilisation", "stakeholder_analysis"):
        services.platform_update(
            actor=world.initiator,
            platform=world.village,
            changes=services.PlatformChanges(
                level="community", parent=world.district, facilitator=world.initiator, stage=stage
            ),
        )
    assert list(world.village.stage_changes.values_list("stage", flat=True)) == [
        "initiation",
        "stakeholder_analysis",
        "mobilisation",
        "stakeholder_analysis",
    ]


@pytest.mark.parametrize("bad", [0, 6, -3])
def test_scores_outside_the_scale_are_refused_with_the_field_named(bad):
    world = alliance_world()
    with pytest.raises(AllianceError, match=f"interest must be a whole number from 1 to 5, not {bad}"):
        _stakeholder(world, interest=bad)
    assert not Stakeholder.objects.exists()


def test_the_database_refuses_scores_outside_the_scale_too():
    world = alliance_world()
    item = _stakeholder(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.filter(pk=item.pk).update(influence=9)


def test_every_change_of_scores_adds_to_the_history_and_nothing_else_does():
    world = alliance_world()
    item = _stakeholder(world, influence=5, interest=2)
    data = StakeholderData(
        name="Ministry of Water", org_type="gov", level="national", influence=5, interest=2
    )
    services.stakeholder_save(actor=world.initiator, alliance=world.alliance, data=data, stakeholder=item)
    assert Assessment.objects.filter(stakeholder=item).count() == 1
    data.interest = 4
    services.stakeholder_save(actor=world.initiator, alliance=world.alliance, data=data, stakeholder=item)
    assert list(Assessment.objects.filter(stakeholder=item).values_list("interest", flat=True)) == [4, 2]


def test_mobilisation_moves_step_by_step_and_refuses_jumps():
    world = alliance_world()
    item = _stakeholder(world)
    with pytest.raises(AllianceError, match="cannot go straight to Active member"):
        services.stakeholder_move(actor=world.initiator, stakeholder=item, target="active_member")
    for target in ("contacted", "briefed", "declined"):
        services.stakeholder_move(actor=world.initiator, stakeholder=item, target=target)
    with pytest.raises(AllianceError, match="needs a reason"):
        services.stakeholder_move(actor=world.initiator, stakeholder=item, target="contacted")
    services.stakeholder_move(
        actor=world.initiator, stakeholder=item, target="contacted", reason="New director"
    )
    step = services.stakeholder_move(
        actor=world.initiator, stakeholder=item, target="committed", reason="Signed the MoU", fast_track=True
    )
    assert step.fast_track is True
    assert Stakeholder.objects.get(pk=item.pk).status == "committed"
    assert MobilisationStep.objects.filter(stakeholder=item).count() == 5


def test_a_stale_move_is_refused():
    world = alliance_world()
    item = _stakeholder(world)
    services.stakeholder_move(actor=world.initiator, stakeholder=item, target="contacted")
    with pytest.raises(AllianceError, match="meanwhile"):
        services.stakeholder_move(
            actor=world.initiator, stakeholder=item, target="contacted", expected="identified"
        )


def test_the_shared_direction_is_versioned_and_a_stale_edit_refused():
    world = alliance_world()
    first = services.direction_save(
        actor=world.initiator, alliance=world.alliance, values={"vision": "Water for all uses"}, based_on=None
    )
    assert first.number == 1
    second = services.direction_save(
        actor=world.initiator,
        alliance=world.alliance,
        values={"vision": "Water for all uses", "core_values": ["equity", "transparency"]},
        based_on=1,
    )
    assert second.number == 2
    with pytest.raises(AllianceError, match="newer version"):
        services.direction_save(
            actor=world.initiator, alliance=world.alliance, values={"vision": "x"}, based_on=1
        )
    with pytest.raises(AllianceError, match="Nothing has changed"):
        services.direction_save(
            actor=world.initiator,
            alliance=world.alliance,
            values={"vision": "Water for all uses", "core_values": ["equity", "transparency"]},
            based_on=2,
        )


def test_only_initiators_write_the_shared_direction():
    world = alliance_world()
    with pytest.raises(PermissionDenied):
        services.direction_save(
            actor=UserFactory(), alliance=world.alliance, values={"vision": "x"}, based_on=None
        )


HEADER = "name,type,level,platforms,interest,influence,engagement_current,engagement_desired,mobilisation\n"


def _import(world, text):
    return services.stakeholders_import(actor=world.initiator, alliance=world.alliance, raw=text.encode())


def test_a_good_import_adds_and_updates():
    world = alliance_world()
    _stakeholder(world, interest=2)
    slug = world.village.community.slug
    added, updated = _import(
        world,
        HEADER
        + "Ministry of Water,gov,national,,4,5,neutral,supportive,contacted\n"
        + f"Village WASH committee,cbo,community,{slug},5,2,supportive,leading,committed\n",
    )
    assert (added, updated) == (1, 1)
    village = Stakeholder.objects.get(name="Village WASH committee")
    assert (village.status, list(village.platforms.all())) == ("committed", [world.village])
    assert Stakeholder.objects.get(name="Ministry of Water").interest == 4


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name,type,colour\nA,gov,red\n", "Line 1, column “colour”"),
        ("name,type\nA,gov\n", "Line 1, column “level”"),
        (
            HEADER
            + "A,gov,national,,4,5,neutral,supportive,identified\nB,gov,national,,9,5,neutral,supportive,identified\n",
            "Line 3, column “interest”",
        ),
        (
            HEADER
            + "A,gov,national,,4,5,neutral,supportive,identified\n"
            + '=HYPERLINK("x"),gov,national,,4,5,neutral,supportive,identified\n',
            "Line 3, column “name”",
        ),
        (
            HEADER
            + "A,gov,national,,4,5,neutral,supportive,identified\nB,gov,national,,4,5,neutral,supportive,@SUM(1)\n",
            "Line 3, column “mobilisation”",
        ),
        (HEADER + "A,spaceship,national,,4,5,neutral,supportive,identified\n", "Line 2, column “type”"),
        (HEADER + "A,gov,national,nowhere,4,5,neutral,supportive,identified\n", "Line 2, column “platforms”"),
        (
            HEADER
            + "A,gov,national,,4,5,neutral,supportive,identified\nA,gov,national,,4,5,neutral,supportive,identified\n",
            "Line 3, column “name”",
        ),
        (HEADER + "A,gov,national\n", "Line 2"),
    ],
)
def test_a_bad_import_names_the_line_and_column_and_imports_nothing(text, where):
    world = alliance_world()
    with pytest.raises(AllianceError) as caught:
        _import(world, text)
    assert str(caught.value).startswith(where)
    assert "Nothing was imported" in str(caught.value)
    assert not Stakeholder.objects.exists()


def test_binary_or_empty_files_are_refused_clearly():
    world = alliance_world()
    with pytest.raises(AllianceError, match="not UTF-8"):
        services.stakeholders_import(
            actor=world.initiator, alliance=world.alliance, raw=b"\xff\xfe\x00\xd8\x00"
        )
    with pytest.raises(AllianceError, match="empty"):
        _import(world, "")


def test_the_export_imports_back_unchanged():
    world = alliance_world()
    item = _stakeholder(world, interest=5, rationale="=looks like a formula")
    rows = list(services.export_rows(Stakeholder.objects.filter(pk=item.pk), {}))
    import csv
    import io

    from catchment.core.csvfiles import csv_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(services.CSV_COLUMNS)
    writer.writerows([[csv_safe(cell) for cell in row] for row in rows])
    added, updated = _import(world, buffer.getvalue())
    assert (added, updated) == (0, 1)
    again = Stakeholder.objects.get(pk=item.pk)
    assert (again.rationale, again.interest) == ("=looks like a formula", 5)
    assert Assessment.objects.filter(stakeholder=item).count() == 1


def test_relations_feed_horizontal_and_vertical_linkage():
    from catchment.alliances import selectors

    world = alliance_world()
    ministry = _stakeholder(world, name="Ministry")
    agency = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="Agency", org_type="gov", level="national"),
    )
    district = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="District office", org_type="gov", level="intermediate"),
    )
    village = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="Committee", org_type="cbo", level="community"),
    )
    other_village = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="Other committee", org_type="cbo", level="community"),
    )
    for source, target in (
        (ministry, agency),
        (ministry, district),
        (district, village),
        (village, other_village),
    ):
        services.relation_add(
            actor=world.initiator, source=source, target=target, kind="information", strength=3
        )
    result = selectors.linkage(world.alliance, selectors.platforms_of(world.alliance))
    assert (result.horizontal, result.vertical, result.vertical_share) == (2, 2, 0.5)
    assert result.unlinked_pairs == [("national", "community")]
    with pytest.raises(AllianceError):
        services.relation_add(
            actor=world.initiator, source=village, target=village, kind="conflict", strength=2
        )
    assert StakeholderRelation.objects.count() == 4


def test_closing_a_cycle_needs_its_reflection_and_the_next_one_follows():
    world = alliance_world()
    first = services.cycle_save(
        actor=world.initiator, platform=world.village, values={"question": "Can we pay for pumps?"}
    )
    with pytest.raises(AllianceError, match="reflection"):
        services.cycle_save(
            actor=world.initiator, platform=world.village, values={"phase": "closed"}, cycle=first
        )
    services.cycle_save(
        actor=world.initiator,
        platform=world.village,
        values={"phase": "closed", "reflection": "Tariffs work."},
        cycle=first,
    )
    second = services.cycle_save(
        actor=world.initiator, platform=world.village, values={"question": "Which tariff?"}
    )
    assert (second.number, second.previous_id) == (2, first.pk)


def test_closed_alliances_are_read_only():
    world = alliance_world()
    world.alliance.status = "closed"
    world.alliance.save()
    with pytest.raises(PermissionDenied):
        _stakeholder(world)
    with pytest.raises(PermissionDenied):
        services.process_entry_save(
            actor=world.initiator, platform=world.village, values={"title": "x", "happened_on": "2026-01-01"}
        )


def test_the_import_normalises_the_step_and_keeps_to_the_state_machine():
    world = alliance_world()
    _import(world, "name,type,level,mobilisation\nAcme,gov,national,Committed\n")
    acme = Stakeholder.objects.get()
    assert acme.status == "committed"
    with pytest.raises(AllianceError) as caught:
        _import(world, "name,type,level,mobilisation\nAcme,gov,national,identified\n")
    assert str(caught.value).startswith("Line 2, column “mobilisation”")
    assert Stakeholder.objects.get().status == "committed"


def test_the_import_refuses_odd_digits_and_names_a_wrong_encoding():
    world = alliance_world()
    with pytest.raises(AllianceError, match="Line 2, column “interest”"):
        _import(world, "name,type,level,interest\nAcme,gov,national,²\n")
    with pytest.raises(AllianceError, match="not UTF-8"):
        services.stakeholders_import(
            actor=world.initiator,
            alliance=world.alliance,
            raw="name,type,level\nCaf\xe9,gov,na\n".encode("cp1252"),
        )


def test_empty_cells_keep_what_the_register_holds():
    world = alliance_world()
    item = _stakeholder(world, interest=5, rationale="Controls permits")
    _import(world, "name,type,level,platforms,rationale,interest\nMinistry of Water,gov,national,,,\n")
    again = Stakeholder.objects.get(pk=item.pk)
    assert (again.rationale, again.interest, list(again.platforms.all())) == (
        "Controls permits",
        5,
        [world.national],
    )


def test_per_platform_linkage_counts_each_tie_once():
    from catchment.alliances import selectors

    world = alliance_world()
    both = [world.national, world.district, world.village]
    first = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="A", org_type="gov", level="national", platforms=both),
    )
    second = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="B", org_type="gov", level="national", platforms=both[:2]),
    )
    services.relation_add(actor=world.initiator, source=first, target=second, kind="information", strength=2)
    assert selectors.linkage_by_platform(world.alliance) == {
        world.national.pk: (1, 0),
        world.district.pk: (1, 0),
        world.village.pk: (1, 0),
    }
