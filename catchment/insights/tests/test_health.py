"""Community health and rhythm: fixtures H1-H8 of the design notes (§7.3), against hand-computed values."""

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.insights import health
from catchment.insights.health import HealthInputError, Reply, TopicThread

A, B, C, D, E, F, BOT = 1, 2, 3, 4, 5, 6, 99


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


# Fixture H1: four topics; T1's first reply is its author's own, T2's is a bot's, T3 has none.
T1 = TopicThread(A, at(3, 1, 9), (Reply(A, at(3, 1, 9, 30)), Reply(B, at(3, 1, 12))))
T2 = TopicThread(C, at(3, 2, 10), (Reply(BOT, at(3, 2, 10, 1), is_bot=True), Reply(D, at(3, 4, 10))))
T3 = TopicThread(E, at(3, 3, 8))
T4 = TopicThread(F, at(3, 5, 14), (Reply(A, at(3, 5, 15)),))
H1 = [T1, T2, T3, T4]


def test_h1a_time_to_first_response_skips_self_replies_and_bots() -> None:
    # T1: B at 12:00, not A's own 09:30 -> 3 h. T2: D two days later, not the bot after a minute -> 48 h.
    assert health.first_response_hours(T1) == 3.0
    assert health.first_response_hours(T2) == 48.0
    assert health.first_response_hours(T3) is None
    assert health.first_response_hours(T4) == 1.0
    first = health.first_response(T2)
    assert first is not None
    assert first.author == D
    # Median of 3, 48 and 1 (the unanswered T3 is left out).
    assert health.response_stats(H1).ttfr_median_h == 3.0


def test_h1b_response_rates_with_inclusive_bounds() -> None:
    stats = health.response_stats(H1)
    assert stats.topics == 4
    assert stats.answered == 3
    assert stats.response_rate_any == 0.75  # T1, T2, T4
    assert stats.response_rate_24h == 0.5  # T1 (3 h), T4 (1 h)
    assert stats.response_rate_48h == 0.75  # T2 answered after exactly 48 h counts
    assert stats.unanswered_share == 0.25


def test_h1_peer_answer_share_leaves_out_facilitators() -> None:
    # First responders: B (T1), D (T2), A (T4). With A a facilitator, 2 of the 3 answers came from peers.
    assert health.response_stats(H1, facilitators=frozenset({A})).peer_answer_share == pytest.approx(2 / 3)
    assert health.response_stats(H1).peer_answer_share == 1.0


def test_first_response_takes_the_earliest_reply_whatever_the_order_given() -> None:
    topic = TopicThread(A, at(3, 1, 9), (Reply(C, at(3, 1, 14)), Reply(B, at(3, 1, 11))))
    assert health.first_response_hours(topic) == 2.0


def test_a_reply_older_than_its_topic_is_rejected() -> None:
    topic = TopicThread(A, at(3, 1, 9), (Reply(B, at(3, 1, 8)),))
    with pytest.raises(HealthInputError):
        health.first_response_hours(topic)


def test_response_stats_of_no_topics_are_empty_not_zero() -> None:
    stats = health.response_stats([])
    assert stats.topics == 0
    assert stats.answered == 0
    assert stats.ttfr_median_h is None
    assert stats.response_rate_any is None
    assert stats.response_rate_24h is None
    assert stats.response_rate_48h is None
    assert stats.unanswered_share is None
    assert stats.peer_answer_share is None


def test_response_stats_with_nothing_answered() -> None:
    stats = health.response_stats([T3])
    assert stats.ttfr_median_h is None
    assert stats.response_rate_any == 0.0
    assert stats.unanswered_share == 1.0
    assert stats.peer_answer_share is None


def h2_actions() -> list[tuple[int, datetime]]:
    # April 2024 has 30 days. Twenty users, each active on six different days: 120 user-days, so 4 a day
    # on average. Each user also acts twice on their first day, which must not count twice.
    actions = []
    for user in range(20):
        days = [(user * 6 + k) % 30 + 1 for k in range(6)]
        actions += [(user, at(4, day, 10)) for day in days]
        actions.append((user, at(4, days[0], 18)))
    # Just outside the month, by people otherwise silent.
    actions += [(100, at(3, 31, 23, 59)), (101, at(5, 1, 0))]
    return actions


def test_h2_stickiness() -> None:
    actions = h2_actions()
    assert health.mau(actions, 2024, 4) == 20
    assert health.dau_average(actions, 2024, 4) == 4.0
    assert health.stickiness(4.0, 20) == pytest.approx(0.20)


def test_dau_average_counts_silent_days() -> None:
    # One user on one day of a 29-day February.
    assert health.dau_average([(A, datetime(2024, 2, 10, 9, tzinfo=UTC))], 2024, 2) == pytest.approx(1 / 29)


def test_h3_contributor_ratio() -> None:
    assert health.contributor_ratio(6, 20) == pytest.approx(0.30)


def test_h4_retention_of_a_cohort() -> None:
    january = set(range(10))
    february = {0, 1, 2, 3, 50, 51}  # 50 and 51 joined later and do not count
    assert health.retention(january, february) == pytest.approx(0.40)


def test_ratios_without_a_denominator_are_none() -> None:
    assert health.stickiness(0, 0) is None
    assert health.contributor_ratio(0, 0) is None
    assert health.retention(set(), {1, 2}) is None
    assert health.mau([], 2024, 4) == 0
    assert health.dau_average([], 2024, 4) == 0.0


def test_impossible_counts_are_rejected() -> None:
    with pytest.raises(HealthInputError):
        health.stickiness(5, 4)
    with pytest.raises(HealthInputError):
        health.stickiness(-1, 4)
    with pytest.raises(HealthInputError):
        health.contributor_ratio(7, 6)
    with pytest.raises(HealthInputError):
        health.contributor_ratio(-1, 6)
    with pytest.raises(HealthInputError):
        health.mau([], 2024, 13)
    with pytest.raises(HealthInputError):
        health.dau_average([], 2024, 0)


def test_h5_a_weekly_metronome() -> None:
    days = [0, 7, 14, 21, 28, 35]
    assert health.cadence_cv(days) == 0.0
    assert health.burstiness(days) == -1.0


def test_h6_burstiness_of_clustered_activity() -> None:
    # Gaps 1, 1, 1, 27, 1, 29: mu = 10, population variance (3*81 + 17**2 + 81 + 19**2) / 6 = 974 / 6,
    # sigma = 12.741, B = 2.741 / 22.741.
    days = [0, 1, 2, 3, 30, 31, 60]
    sigma = math.sqrt(974 / 6)
    assert health.burstiness(days) == pytest.approx((sigma - 10) / (sigma + 10))
    assert health.burstiness(days) == pytest.approx(0.1205, abs=1e-4)
    shuffled = days[:]
    random.Random(7).shuffle(shuffled)
    assert health.burstiness(shuffled) == pytest.approx(0.1205, abs=1e-4)


def test_cadence_cv_of_irregular_gaps() -> None:
    # Gaps 10 and 20: mu = 15, population sigma = 5.
    assert health.cadence_cv([0, 10, 30]) == pytest.approx(5 / 15)


def test_rhythm_needs_enough_events() -> None:
    for times in ([], [1.0], [1.0, 5.0]):
        assert health.burstiness(times) is None
        assert health.cadence_cv(times) is None
        assert health.memory_coefficient(times) is None
    assert health.memory_coefficient([0, 1, 3]) is None  # two gaps, one pair: no correlation
    # All at the same instant: gaps of zero have no rhythm.
    assert health.burstiness([5, 5, 5]) is None
    assert health.cadence_cv([5, 5, 5]) is None


def test_memory_coefficient() -> None:
    # Alternating short and long gaps (1, 3, 1, 3, 1): every long gap follows a short one.
    assert health.memory_coefficient([0, 1, 4, 5, 8, 9]) == pytest.approx(-1.0)
    # Growing gaps (1, 2, 3, 4): each gap is longer than the one before.
    assert health.memory_coefficient([0, 1, 3, 6, 10]) == pytest.approx(1.0)
    # Gaps 1, 2, 4, 3: pairs (1, 2), (2, 4), (4, 3); sum of products 1, sums of squares 42/9 and 2.
    assert health.memory_coefficient([0, 1, 3, 7, 10]) == pytest.approx(1 / math.sqrt(84 / 9))
    # Constant gaps have no variation to correlate.
    assert health.memory_coefficient([0, 7, 14, 21]) is None


def test_h7_cadence_adherence() -> None:
    planned = [date(2024, month, 15) for month in range(1, 13)]
    offsets = {1: 0, 2: 1, 3: -1, 4: 3, 5: -3, 6: 2, 7: 0, 8: -2, 9: 0, 10: 1}  # ten within 3 days
    held = [date(2024, month, 15) + timedelta(days=offset) for month, offset in offsets.items()]
    held.append(date(2024, 11, 21))  # six days late
    # December was cancelled.
    assert health.cadence_adherence(planned, held) == pytest.approx(10 / 12)
    assert health.cadence_adherence(planned, held) == pytest.approx(0.833, abs=1e-3)
    # With a week's tolerance the late one counts too.
    assert health.cadence_adherence(planned, held, tolerance_days=7) == pytest.approx(11 / 12)


def test_cadence_adherence_counts_each_held_event_once() -> None:
    assert health.cadence_adherence([date(2024, 6, 10), date(2024, 6, 12)], [date(2024, 6, 11)]) == 0.5


def test_cadence_adherence_finds_the_pairing_that_serves_most_plans() -> None:
    # Pairing by closeness would give June 11 to June 10 (1 day) and leave June 13 with nothing;
    # June 7 (3 days before June 10) and June 11 (2 days before June 13) serve both.
    planned = [date(2024, 6, 10), date(2024, 6, 13)]
    held = [date(2024, 6, 11), date(2024, 6, 7)]
    assert health.cadence_adherence(planned, held) == 1.0


def test_cadence_adherence_edges() -> None:
    assert health.cadence_adherence([], [date(2024, 1, 1)]) is None
    assert health.cadence_adherence([date(2024, 1, 1)], []) == 0.0
    assert health.cadence_adherence([date(2024, 1, 1)], [date(2024, 1, 2)], tolerance_days=0) == 0.0
    with pytest.raises(HealthInputError):
        health.cadence_adherence([date(2024, 1, 1)], [], tolerance_days=-1)


def test_h8_heartbeat_gap_and_lethargy_alert() -> None:
    gap = health.heartbeat_gap_days(date(2024, 4, 1), as_of=date(2024, 5, 10))
    assert gap == 39  # 29 days left in April + 10 in May
    assert health.lethargy_alert(gap) is True
    assert health.lethargy_alert(gap, threshold=45) is False


def test_lethargy_alert_is_strictly_above_the_threshold() -> None:
    assert health.lethargy_alert(30) is False
    assert health.lethargy_alert(31) is True
    assert health.lethargy_alert(None) is False


def test_heartbeat_gap_edges() -> None:
    assert health.heartbeat_gap_days(None, date(2024, 5, 10)) is None
    assert health.heartbeat_gap_days(date(2024, 5, 10), date(2024, 5, 10)) == 0
    with pytest.raises(HealthInputError):
        health.heartbeat_gap_days(date(2024, 5, 11), date(2024, 5, 10))


def test_weekly_series_by_iso_week() -> None:
    actions = [
        (A, at(3, 3, 23)),  # Sunday before the first week: left out
        (A, at(3, 4, 10)),  # Monday
        (B, at(3, 5, 9)),
        (A, at(3, 10, 23, 59)),  # Sunday, same week, same person
        (C, at(3, 11, 0)),  # next Monday
        (D, at(3, 25, 8)),  # after the third week: left out
    ]
    # Start on a Wednesday: the series begins on that week's Monday.
    assert health.weekly_series(actions, date(2024, 3, 6), weeks=3) == [
        (date(2024, 3, 4), 2, 3),
        (date(2024, 3, 11), 1, 1),
        (date(2024, 3, 18), 0, 0),
    ]
    assert health.weekly_series(actions, date(2024, 3, 4), weeks=0) == []
    with pytest.raises(HealthInputError):
        health.weekly_series(actions, date(2024, 3, 4), weeks=-1)


def test_weekly_autocorrelation_of_a_weekly_spike() -> None:
    # Four weeks with activity on Mondays only: mean 5/7; deviations 30/7 (spike) and -5/7.
    # Denominator 4*900/49 + 24*25/49 = 4200/49; lag-7 products 3*900/49 + 18*25/49 = 3150/49 -> 0.75.
    series = [5, 0, 0, 0, 0, 0, 0] * 4
    assert health.weekly_autocorrelation(series) == pytest.approx(0.75)


def test_weekly_autocorrelation_edges() -> None:
    assert health.weekly_autocorrelation([1, 2, 3, 4, 5, 6, 7]) is None  # no pair seven days apart
    assert health.weekly_autocorrelation([3] * 28) is None
    assert health.weekly_autocorrelation([]) is None
    with pytest.raises(HealthInputError):
        health.weekly_autocorrelation([1, 2, 3], lag=0)


def test_seven_principles() -> None:
    keys = [principle.key for principle in health.PRINCIPLES]
    assert keys == ["evolution", "perspectives", "levels", "spaces", "value", "familiarity", "rhythm"]
    assert all(principle.label for principle in health.PRINCIPLES)


event_times = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False), max_size=40
)


@given(event_times)
def test_burstiness_stays_within_its_bounds(times: list[float]) -> None:
    value = health.burstiness(times)
    if len(times) < 3:
        assert value is None
    if value is not None:
        assert -1.0 <= value <= 1.0


@given(event_times)
def test_memory_coefficient_is_a_correlation(times: list[float]) -> None:
    value = health.memory_coefficient(times)
    if value is not None:
        assert -1.0 <= value <= 1.0


@given(st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), min_size=1, max_size=20))
def test_events_held_as_planned_adhere_fully(planned: list[date]) -> None:
    assert health.cadence_adherence(planned, planned, tolerance_days=0) == 1.0
    assert health.cadence_adherence(planned, planned[:-1]) == pytest.approx((len(planned) - 1) / len(planned))
