"""Value creation: fixtures VC1-VC8 of the design notes (§1.5), and the rules around them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.insights import value
from catchment.insights.value import Capital, Cycle, DataSource, ValueStoryError


def test_vc1_a_story_up_to_applied_value() -> None:
    result = value.coverage([Cycle.IMMEDIATE, Cycle.POTENTIAL, Cycle.APPLIED])
    assert result.cycles == {Cycle.IMMEDIATE, Cycle.POTENTIAL, Cycle.APPLIED}
    assert result.highest == Cycle.APPLIED
    assert result.contiguous is True
    assert result.gaps == ()
    assert result.complete_to_impact is False
    assert result.warnings == ()


def test_vc2_realized_value_without_applied_value() -> None:
    result = value.coverage([Cycle.IMMEDIATE, Cycle.REALIZED])
    assert result.highest == Cycle.REALIZED
    assert result.contiguous is False
    assert result.gaps == (Cycle.POTENTIAL, Cycle.APPLIED)
    assert result.complete_to_impact is False
    assert result.warnings == ("applied-value evidence missing",)


def test_vc3_a_story_may_start_mid_chain() -> None:
    result = value.coverage([Cycle.APPLIED, Cycle.REALIZED])
    assert result.highest == Cycle.REALIZED
    assert result.contiguous is True
    assert result.gaps == ()
    assert result.complete_to_impact is True
    assert result.warnings == ()


def test_complete_to_impact_needs_every_step_from_the_first_to_realized() -> None:
    assert value.coverage([1, 2, 3, 4, 5]).complete_to_impact is True
    assert value.coverage([2, 3, 4]).complete_to_impact is True
    # Potential value is missing on the way from immediate to realized.
    skipping = value.coverage([Cycle.IMMEDIATE, Cycle.APPLIED, Cycle.REALIZED])
    assert skipping.complete_to_impact is False
    assert skipping.gaps == (Cycle.POTENTIAL,)
    assert skipping.warnings == ()
    # Realized alone claims impact with nothing applied.
    alone = value.coverage([Cycle.REALIZED])
    assert alone.complete_to_impact is False
    assert alone.contiguous is True
    assert alone.warnings == ("applied-value evidence missing",)
    assert value.coverage([Cycle.REFRAMING]).complete_to_impact is False


def test_coverage_of_a_story_without_steps() -> None:
    result = value.coverage([])
    assert result.cycles == frozenset()
    assert result.highest is None
    assert result.contiguous is False
    assert result.gaps == ()
    assert result.complete_to_impact is False
    assert result.warnings == ()


def test_coverage_counts_a_cycle_once_and_rejects_unknown_cycles() -> None:
    assert value.coverage([Cycle.POTENTIAL, Cycle.POTENTIAL]).cycles == {Cycle.POTENTIAL}
    with pytest.raises(ValueStoryError):
        value.coverage([6])


def test_vc4_publication_needs_consent() -> None:
    with pytest.raises(ValueStoryError):
        value.validate_publication("published", consent_publish=False)
    value.validate_publication("published", consent_publish=True)
    value.validate_publication("draft", consent_publish=False)
    value.validate_publication("verified", consent_publish=False)
    assert issubclass(ValueStoryError, ValueError)


def test_vc5_capital_types_only_on_potential_value() -> None:
    value.validate_step(Cycle.POTENTIAL, frozenset({Capital.SOCIAL, Capital.TANGIBLE}))
    with pytest.raises(ValueStoryError):
        value.validate_step(Cycle.APPLIED, frozenset({Capital.SOCIAL}))
    value.validate_step(Cycle.APPLIED, frozenset())


def test_capital_values_are_lower_case() -> None:
    assert [capital.value for capital in Capital] == [
        "human",
        "social",
        "tangible",
        "reputational",
        "learning",
    ]


VC6 = [
    frozenset({Cycle.IMMEDIATE, Cycle.POTENTIAL}),
    frozenset({Cycle.IMMEDIATE, Cycle.POTENTIAL, Cycle.APPLIED}),
    frozenset({Cycle.POTENTIAL, Cycle.APPLIED, Cycle.REALIZED}),
]


def test_vc6_matrix_and_value_flow() -> None:
    assert value.matrix(VC6) == {
        Cycle.IMMEDIATE: 2,
        Cycle.POTENTIAL: 3,
        Cycle.APPLIED: 2,
        Cycle.REALIZED: 1,
        Cycle.REFRAMING: 0,
    }
    assert value.transitions(VC6) == {
        (Cycle.IMMEDIATE, Cycle.POTENTIAL): 2,
        (Cycle.POTENTIAL, Cycle.APPLIED): 2,
        (Cycle.APPLIED, Cycle.REALIZED): 1,
        (Cycle.REALIZED, Cycle.REFRAMING): 0,
    }


def test_transitions_only_count_consecutive_cycles() -> None:
    # Immediate to applied skips a cycle: no flow is drawn.
    flow = value.transitions([frozenset({Cycle.IMMEDIATE, Cycle.APPLIED})])
    assert set(flow.values()) == {0}


def test_matrix_and_flow_of_no_stories() -> None:
    assert value.matrix([]) == dict.fromkeys(Cycle, 0)
    assert set(value.transitions([]).values()) == {0}


def test_vc7_follow_ups_after_one_and_three_months() -> None:
    assert value.follow_up_dates(date(2024, 3, 1), [1, 3]) == [date(2024, 4, 1), date(2024, 6, 1)]
    assert value.follow_up_dates(date(2024, 3, 1)) == [date(2024, 4, 1), date(2024, 6, 1), date(2024, 9, 1)]


def test_follow_ups_clamp_to_the_end_of_shorter_months() -> None:
    assert value.follow_up_dates(date(2024, 1, 31), [1]) == [date(2024, 2, 29)]
    assert value.follow_up_dates(date(2023, 1, 31), [1]) == [date(2023, 2, 28)]
    assert value.follow_up_dates(date(2024, 11, 30), [3]) == [date(2025, 2, 28)]
    assert value.follow_up_dates(date(2024, 12, 15), [1, 12]) == [date(2025, 1, 15), date(2025, 12, 15)]
    assert value.follow_up_dates(date(2024, 3, 1), []) == []
    with pytest.raises(ValueStoryError):
        value.follow_up_dates(date(2024, 3, 1), [0])


def test_follow_ups_are_needed_for_aspirations_from_applied_value_on() -> None:
    assert value.needs_follow_up([Cycle.POTENTIAL, Cycle.APPLIED]) is True
    assert value.needs_follow_up([Cycle.REFRAMING]) is True
    assert value.needs_follow_up([Cycle.IMMEDIATE, Cycle.POTENTIAL]) is False
    assert value.needs_follow_up([]) is False


def test_vc8_distinct_participants() -> None:
    a, b, c, d, e = 1, 2, 3, 4, 5
    assert value.distinct_participants([{a, b, c}, {c, d}, {a, c, d, e}]) == 5
    assert value.distinct_participants([]) == 0


def test_cross_check_flags() -> None:
    assert value.cross_check(has_realized=True, realized_evidence=False, consent=True) == [
        "realized value claimed without evidence"
    ]
    assert value.cross_check(has_realized=False, realized_evidence=False, consent=False) == [
        "no consent to publish"
    ]
    assert value.cross_check(has_realized=True, realized_evidence=False, consent=False) == [
        "realized value claimed without evidence",
        "no consent to publish",
    ]
    assert value.cross_check(has_realized=True, realized_evidence=True, consent=True) == []


def test_seed_indicators_cover_every_cycle_with_stable_query_keys() -> None:
    assert {indicator.cycle for indicator in value.SEED_INDICATORS} == set(Cycle)
    keys = [indicator.query_key for indicator in value.SEED_INDICATORS if indicator.query_key]
    assert len(keys) == len(set(keys))
    assert {
        "distinct_participants",
        "posts_and_replies",
        "resources_published",
        "downloads",
        "new_ties",
        "cross_boundary_ties",
    } <= set(keys)
    for cycle, name, definition, source, query_key in value.SEED_INDICATORS:
        assert name
        assert definition
        # Only what the platform computes itself has a query key.
        assert bool(query_key) == (source == DataSource.PLATFORM_AUTO), (cycle, name)


@given(st.sets(st.sampled_from(list(Cycle))))
def test_coverage_is_consistent(cycles: set[Cycle]) -> None:
    result = value.coverage(cycles)
    assert result.contiguous == (bool(cycles) and not result.gaps)
    assert not set(result.gaps) & cycles
    if result.complete_to_impact:
        assert result.contiguous
        assert {Cycle.APPLIED, Cycle.REALIZED} <= cycles
