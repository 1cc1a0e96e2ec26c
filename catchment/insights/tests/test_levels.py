"""Participation levels: fixture P1 (levels), P2 (hysteresis) and P3 (transitions) of the design notes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.insights.levels import Activity, Level, Previous, classify, shares, shares_by, transitions

P1 = {
    "m1": Activity(
        1, topics=6, replies=20, resources=3, attendances=4, hosted=2, active_weeks=12, days_visited=60
    ),
    "m2": Activity(2, topics=2, replies=15, resources=1, attendances=3, active_weeks=10, days_visited=40),
    "m3": Activity(3, topics=1, replies=6, attendances=2, active_weeks=6, days_visited=25),
    "m4": Activity(4, replies=4, attendances=1, active_weeks=4, days_visited=12),
    "m5": Activity(5, replies=1, attendances=1, active_weeks=2, days_visited=5),
    "m6": Activity(6, attendances=1, active_weeks=1, days_visited=3),
    "m7": Activity(7, days_visited=9),
    "m8": Activity(8),
    "m9": Activity(9, is_member=False, attendances=1, active_weeks=1, days_visited=1),
    "m10": Activity(10, replies=2, active_weeks=2, days_visited=4, roles=frozenset({"coordinator"})),
}
EXPECTED = {
    "m1": (78, Level.CORE),
    "m2": (41, Level.CORE),
    "m3": (17, Level.ACTIVE),
    "m4": (9, Level.ACTIVE),
    "m5": (3, Level.OCCASIONAL),
    "m6": (1, Level.OCCASIONAL),
    "m7": (0, Level.PERIPHERAL),
    "m8": (0, Level.LAPSED),
    "m9": (1, Level.TRANSACTIONAL),
    "m10": (4, Level.CORE),
}


def test_p1_levels_scores_and_the_core_quota():
    result = classify(list(P1.values()))
    assert result.core_quota == 2  # ceil(0.15 x 7 contributing members)
    for key, (score, level) in EXPECTED.items():
        assignment = result.assignments[P1[key].person]
        assert (assignment.score, assignment.level) == (score, level), key
    assert result.assignments[10].reason == "role"


def with_weeks(activity, weeks):
    return Activity(**{**activity.__dict__, "active_weeks": weeks})


def test_p2_one_quiet_window_does_not_demote_two_below_the_low_water_mark_do():
    m3 = P1["m3"]
    others = [a for key, a in P1.items() if key != "m3"]
    at_threshold = classify([*others, with_weeks(m3, 4)], previous={3: Previous(Level.ACTIVE)})
    assert at_threshold.assignments[3].level == Level.ACTIVE
    first_quiet = classify([*others, with_weeks(m3, 3)], previous={3: Previous(Level.ACTIVE)})
    kept = first_quiet.assignments[3]
    assert (kept.level, kept.quiet) == (Level.ACTIVE, 1)
    second_quiet = classify(
        [*others, with_weeks(m3, 3)], previous={3: Previous(Level.ACTIVE, quiet=kept.quiet)}
    )
    assert second_quiet.assignments[3].level == Level.OCCASIONAL


def test_a_demotion_moves_one_step_at_a_time():
    silent = Activity(20)  # would be lapsed at once
    first = classify([silent], previous={20: Previous(Level.CORE, quiet=1)})
    assert first.assignments[20].level == Level.ACTIVE


def test_promotion_is_immediate():
    result = classify(list(P1.values()), previous={1: Previous(Level.OCCASIONAL)})
    assert result.assignments[1].level == Level.CORE


def test_p3_transition_matrix():
    matrix = transitions({1: Level.CORE, 3: Level.ACTIVE}, {1: Level.ACTIVE, 3: Level.ACTIVE, 99: Level.CORE})
    assert matrix[Level.CORE][Level.ACTIVE] == 1
    assert matrix[Level.ACTIVE][Level.ACTIVE] == 1
    assert sum(sum(row.values()) for row in matrix.values()) == 2  # the newcomer 99 has no "before"


def test_shares_and_disparities_by_attribute():
    levels = {a.person: EXPECTED[key][1] for key, a in P1.items()}
    overall = shares(levels.values())
    assert overall[Level.CORE] == pytest.approx(3 / 9)
    assert overall[Level.TRANSACTIONAL] == 0
    by_country = shares_by(levels, {1: "SE", 2: "SE", 3: "KE", 4: "KE", 5: "KE"})
    assert by_country["SE"][Level.CORE] == 1.0
    assert by_country["KE"][Level.ACTIVE] == pytest.approx(2 / 3)
    assert "" in by_country  # people without the attribute are a group of their own


activity = st.builds(
    Activity,
    person=st.integers(1, 10_000),
    is_member=st.booleans(),
    topics=st.integers(0, 50),
    replies=st.integers(0, 200),
    resources=st.integers(0, 20),
    attendances=st.integers(0, 20),
    hosted=st.integers(0, 5),
    active_weeks=st.integers(0, 13),
    days_visited=st.integers(0, 90),
)


@given(st.lists(activity, max_size=60, unique_by=lambda a: a.person))
def test_everyone_gets_exactly_one_level_and_core_by_rank_stays_within_the_quota(people):
    result = classify(people)
    assert set(result.assignments) == {a.person for a in people}
    ranked_core = [
        a for a in result.assignments.values() if a.level == Level.CORE and a.reason == "regular_top"
    ]
    assert len(ranked_core) <= result.core_quota
    for a in people:
        if not a.is_member:
            assert result.assignments[a.person].level == Level.TRANSACTIONAL
