"""domain.md §3.4: the stakeholder-analysis fixtures SA1–SA10, with the numbers worked by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.alliances import mobilisation, stakeholders
from catchment.alliances.mobilisation import InvalidTransition, ReasonRequired
from catchment.alliances.stakeholders import Assessed


@pytest.mark.parametrize(
    ("fixture", "power", "interest", "expected"),
    [
        ("SA1", 5, 5, "manage_closely"),
        ("SA2", 5, 2, "keep_satisfied"),
        ("SA3", 3, 5, "keep_informed"),  # 3 < t = 4
        ("SA4", 1, 1, "monitor"),
    ],
)
def test_sa1_to_sa4_quadrants(fixture, power, interest, expected):
    assert stakeholders.quadrant(power, interest) == expected


def test_the_threshold_is_configurable():
    assert stakeholders.quadrant(3, 5, threshold=3) == "manage_closely"


@pytest.mark.parametrize("bad", [0, 6, -1, True, "4", 4.5])
def test_scores_outside_the_scale_are_refused(bad):
    with pytest.raises(stakeholders.ScoreError):
        stakeholders.quadrant(bad, 3)


def test_sa5_resistant_to_supportive_is_a_gap_of_two():
    assert stakeholders.gap("resistant", "supportive") == 2
    assert stakeholders.action_required("resistant", "supportive") is True


def test_sa6_leading_when_supportive_is_wanted_needs_no_action():
    assert stakeholders.gap("leading", "supportive") == -1
    assert stakeholders.action_required("leading", "supportive") is False
    assert stakeholders.over_engaged("leading", "supportive") is True


def test_sa7_identified_to_active_member_only_through_the_intermediate_states():
    with pytest.raises(InvalidTransition) as caught:
        mobilisation.check("identified", "active_member")
    assert caught.value.code == "skips_states"
    state = "identified"
    for target in ("contacted", "briefed", "consulted", "committed", "active_member"):
        mobilisation.check(state, target)
        state = target


def test_sa7_fast_track_needs_a_reason():
    with pytest.raises(ReasonRequired):
        mobilisation.check("identified", "active_member", fast_track=True)
    mobilisation.check("identified", "active_member", reason="Signed the MoU at the launch", fast_track=True)


def test_sa8_declined_to_contacted_needs_a_reason():
    with pytest.raises(ReasonRequired):
        mobilisation.check("declined", "contacted")
    with pytest.raises(ReasonRequired):
        mobilisation.check("declined", "contacted", reason="   ")
    mobilisation.check("declined", "contacted", reason="New director, open to talk")


def test_declined_and_withdrawn_from_anywhere_but_nothing_backwards():
    for state in mobilisation.PIPELINE:
        mobilisation.check(state, "declined")
        mobilisation.check(state, "withdrawn")
    with pytest.raises(InvalidTransition) as caught:
        mobilisation.check("committed", "briefed")
    assert caught.value.code == "backwards"
    with pytest.raises(InvalidTransition):
        mobilisation.check("declined", "committed", reason="x")
    with pytest.raises(InvalidTransition):
        mobilisation.check("contacted", "contacted")


@given(st.sampled_from(mobilisation.STATES), st.sampled_from(mobilisation.STATES), st.booleans())
def test_the_allowed_moves_without_fast_track_are_exactly_next_states(current, target, with_reason):
    reason = "because" if with_reason else ""
    try:
        mobilisation.check(current, target, reason=reason)
        allowed = True
    except InvalidTransition:
        allowed = False
    needs_reason = mobilisation.is_reapproach(current, target)
    assert allowed == (target in mobilisation.next_states(current) and (with_reason or not needs_reason))


def test_sa9_horizontal_and_vertical_ties():
    ties = [
        ("national", "national"),
        ("national", "intermediate"),
        ("intermediate", "community"),
        ("community", "community"),
    ]
    result = stakeholders.linkage(ties, ["national", "intermediate", "community"])
    assert (result.horizontal, result.vertical, result.vertical_share) == (2, 2, 0.5)
    assert result.unlinked_pairs == [("national", "community")]
    assert result.isolated_levels == []


def test_a_level_with_no_ties_to_others_is_reported():
    result = stakeholders.linkage([("national", "national")], ["national", "community"])
    assert result.vertical_share == 0.0
    assert result.isolated_levels == ["national", "community"]
    assert stakeholders.linkage([], ["national"]).vertical_share is None


def test_sa10_blockers_with_power():
    people = [
        Assessed("S1", power=5, interest=3, current="resistant", desired="neutral"),
        Assessed("S2", power=2, interest=3, current="resistant", desired="neutral"),
        Assessed("S3", power=5, interest=3, current="neutral", desired="neutral"),
    ]
    assert [item.key for item in stakeholders.blockers(people)] == ["S1"]


def test_actions_are_sorted_by_gap_times_power():
    people = [
        Assessed("A", power=2, interest=3, current="unaware", desired="leading"),  # 4 × 2 = 8
        Assessed("B", power=5, interest=3, current="neutral", desired="supportive"),  # 1 × 5 = 5
        Assessed("C", power=3, interest=3, current="resistant", desired="supportive"),  # 2 × 3 = 6
        Assessed("D", power=5, interest=3, current="leading", desired="supportive"),  # no action
    ]
    assert [(item.key, size) for item, size in stakeholders.actions(people)] == [("A", 4), ("C", 2), ("B", 1)]


def test_coverage_counts_types_with_someone_committed_or_further():
    people = [
        Assessed(1, 3, 3, "neutral", "neutral", org_type="gov", status="committed"),
        Assessed(2, 3, 3, "neutral", "neutral", org_type="ngo", status="briefed"),
        Assessed(3, 3, 3, "neutral", "neutral", org_type="utility", status="active_member"),
    ]
    share, per_type = stakeholders.coverage(
        people, ["gov", "ngo", "utility", "academia"], mobilisation.COMMITTED_OR_FURTHER
    )
    assert share == 0.5
    assert per_type == {"gov": 1, "ngo": 0, "utility": 1, "academia": 0}
    assert stakeholders.coverage(people, [], mobilisation.COMMITTED_OR_FURTHER) == (None, {})
