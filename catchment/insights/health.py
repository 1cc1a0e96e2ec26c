"""Community health and rhythm (design notes §7): response times and rates, stickiness, retention, the
temporal regularity of activity (burstiness, memory, cadence) and the heartbeat of touchpoints.

Pure: no database, no clock (any "now" is an `as_of` argument). Bots, staff test accounts and other
non-qualifying actors are filtered out by the caller, except where a function says otherwise. Every ratio
is None when its denominator is empty, so a young or quiet community shows "no data" rather than a zero.
"""

from __future__ import annotations

import calendar
import itertools
import math
import statistics
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, timedelta


class HealthInputError(ValueError):
    """Input that no community could have produced (a reply before its topic, a negative count)."""


# Topics and their first response ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    author: int
    created_at: datetime
    is_bot: bool = False


@dataclass(frozen=True)
class TopicThread:
    author: int
    created_at: datetime
    replies: tuple[Reply, ...] = ()


def first_response(topic: TopicThread) -> Reply | None:
    """The earliest reply by a human other than the topic's author, or None if nobody has answered."""
    # CHAOSS time-to-first-response excludes automated replies; a self-reply (a correction, a bump) is not
    # a response either.
    qualifying = [reply for reply in topic.replies if not reply.is_bot and reply.author != topic.author]
    if not qualifying:
        return None
    earliest = min(qualifying, key=lambda reply: reply.created_at)
    if earliest.created_at < topic.created_at:
        raise HealthInputError("a reply cannot be older than its topic")
    return earliest


def _first_response_delay(topic: TopicThread) -> timedelta | None:
    reply = first_response(topic)
    return None if reply is None else reply.created_at - topic.created_at


def first_response_hours(topic: TopicThread) -> float | None:
    """Hours from the topic's creation to its first qualifying reply (None if unanswered)."""
    delay = _first_response_delay(topic)
    return None if delay is None else delay.total_seconds() / 3600


@dataclass(frozen=True)
class ResponseStats:
    topics: int
    answered: int
    ttfr_median_h: float | None
    response_rate_any: float | None
    response_rate_24h: float | None
    response_rate_48h: float | None
    unanswered_share: float | None
    peer_answer_share: float | None


def response_stats(
    topics: Sequence[TopicThread], facilitators: AbstractSet[int] = frozenset()
) -> ResponseStats:
    """Median time to first response, answer rates (within 24 h and 48 h, inclusive) and the peer share."""
    delays: list[timedelta] = []
    peer_answers = 0
    for topic in topics:
        reply = first_response(topic)
        if reply is None:
            continue
        delays.append(reply.created_at - topic.created_at)
        # A community sustains itself when members, not the people paid to, answer each other.
        if reply.author not in facilitators:
            peer_answers += 1
    total, answered = len(topics), len(delays)

    def share_of_topics(count: int) -> float | None:
        return count / total if total else None

    # Compare durations, not float hours, so that exactly 24 h counts as "within 24 h".
    within_24h = sum(1 for delay in delays if delay <= timedelta(hours=24))
    within_48h = sum(1 for delay in delays if delay <= timedelta(hours=48))
    return ResponseStats(
        topics=total,
        answered=answered,
        ttfr_median_h=(
            statistics.median(delay.total_seconds() / 3600 for delay in delays) if delays else None
        ),
        response_rate_any=share_of_topics(answered),
        response_rate_24h=share_of_topics(within_24h),
        response_rate_48h=share_of_topics(within_48h),
        unanswered_share=share_of_topics(total - answered),
        peer_answer_share=peer_answers / answered if answered else None,
    )


# Activity ratios ---------------------------------------------------------------------------------------


def stickiness(dau_avg: float, mau: int) -> float | None:
    """DAU/MAU: the share of the month's active users who show up on an average day."""
    if dau_avg < 0 or mau < 0:
        raise HealthInputError("active-user counts cannot be negative")
    if mau == 0:
        return None
    if dau_avg > mau:
        raise HealthInputError("more daily than monthly active users")
    return dau_avg / mau


def contributor_ratio(contributors: int, mau: int) -> float | None:
    """Share of the month's active users who posted, replied or shared a resource."""
    if contributors < 0 or mau < 0:
        raise HealthInputError("user counts cannot be negative")
    if mau == 0:
        return None
    if contributors > mau:
        raise HealthInputError("more contributors than active users")
    return contributors / mau


def retention(cohort: AbstractSet[int], active_later: AbstractSet[int]) -> float | None:
    """Share of a joining cohort that is active in a later period (retention_m{k})."""
    if not cohort:
        return None
    return len(cohort & active_later) / len(cohort)


def _check_month(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise HealthInputError("month must be between 1 and 12")
    return calendar.monthrange(year, month)[1]


def mau(actions: Iterable[tuple[int, datetime]], year: int, month: int) -> int:
    """Distinct users with at least one action in the calendar month (in the timestamps' own time zone)."""
    _check_month(year, month)
    return len({user for user, acted_at in actions if (acted_at.year, acted_at.month) == (year, month)})


def dau_average(actions: Iterable[tuple[int, datetime]], year: int, month: int) -> float:
    """Mean number of distinct users per day over every day of the month, silent days included."""
    days_in_month = _check_month(year, month)
    users_by_day: dict[int, set[int]] = {}
    for user, acted_at in actions:
        if (acted_at.year, acted_at.month) == (year, month):
            users_by_day.setdefault(acted_at.day, set()).add(user)
    # Dividing by the days with activity would hide the quiet days that stickiness is meant to reveal.
    return sum(len(users) for users in users_by_day.values()) / days_in_month


# Rhythm -----------------------------------------------------------------------------------------------


def _gaps(times: Sequence[float]) -> list[float]:
    ordered = sorted(times)
    return [later - earlier for earlier, later in itertools.pairwise(ordered)]


def burstiness(times: Sequence[float]) -> float | None:
    """Goh-Barabasi B = (sigma - mu) / (sigma + mu) of the gaps between events: -1 periodic, 0 random, 1 bursty."""
    # Two gaps are the fewest from which a spread can be read. The population standard deviation follows
    # the fixtures of §7.3 (the sample one gives a different B on short series).
    if len(times) < 3:
        return None
    gaps = _gaps(times)
    mean, spread = statistics.fmean(gaps), statistics.pstdev(gaps)
    if spread + mean == 0:
        return None  # every event at the same instant: no rhythm to speak of
    return (spread - mean) / (spread + mean)


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    denominator = math.sqrt(math.fsum(d * d for d in dx) * math.fsum(d * d for d in dy))
    if denominator == 0:
        return None
    # Rounding can push a perfect correlation a hair past 1.
    return max(-1.0, min(1.0, math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / denominator))


def memory_coefficient(times: Sequence[float]) -> float | None:
    """Goh-Barabasi M: correlation of each gap with the next (positive: long gaps follow long gaps)."""
    # Three gaps give two consecutive pairs, the fewest a correlation can be computed on.
    if len(times) < 4:
        return None
    gaps = _gaps(times)
    return _correlation(gaps[:-1], gaps[1:])


def cadence_cv(event_days: Sequence[float]) -> float | None:
    """Coefficient of variation (population sigma / mu) of the gaps between events: 0 is perfectly regular."""
    # With a single gap the spread is always 0, which would call any two events "perfectly regular".
    if len(event_days) < 3:
        return None
    gaps = _gaps(event_days)
    mean = statistics.fmean(gaps)
    if mean == 0:
        return None
    return statistics.pstdev(gaps) / mean


def cadence_adherence(planned: Sequence[date], held: Sequence[date], tolerance_days: int = 3) -> float | None:
    """Share of planned occurrences held within +/- tolerance days, each held occurrence counted once."""
    if tolerance_days < 0:
        raise HealthInputError("the tolerance cannot be negative")
    if not planned:
        return None
    tolerance = timedelta(days=tolerance_days)
    available = sorted(held)
    matched = 0
    # Every planned date accepts a window of the same width, so taking the planned dates in order and
    # giving each the earliest free held date in its window matches as many as possible; pairing by
    # closeness first can leave a planned date unmatched that another pairing would have served.
    for planned_on in sorted(planned):
        for index, held_on in enumerate(available):
            if held_on > planned_on + tolerance:
                break
            if held_on >= planned_on - tolerance:
                del available[index]
                matched += 1
                break
    return matched / len(planned)


def heartbeat_gap_days(last_touchpoint_on: date | None, as_of: date) -> int | None:
    """Days since the last community-wide touchpoint (event, digest, featured thread); None if never."""
    if last_touchpoint_on is None:
        return None
    if last_touchpoint_on > as_of:
        raise HealthInputError("the last touchpoint cannot be after the reference date")
    return (as_of - last_touchpoint_on).days


def lethargy_alert(gap_days: int | None, threshold: int = 30) -> bool:
    """Whether the heartbeat gap is above the threshold (a community with no touchpoint yet is not flagged)."""
    # A brand-new community has no touchpoint; the dashboard says so instead of raising an alarm on day one.
    if gap_days is None:
        return False
    return gap_days > threshold


def weekly_series(
    actions: Iterable[tuple[int, datetime]], start_on: date, weeks: int
) -> list[tuple[date, int, int]]:
    """(Monday, distinct active users, actions) for each ISO week from the week containing start_on."""
    if weeks < 0:
        raise HealthInputError("the number of weeks cannot be negative")
    first_monday = start_on - timedelta(days=start_on.weekday())
    users: list[set[int]] = [set() for _ in range(weeks)]
    counts = [0] * weeks
    for user, acted_at in actions:
        week = (acted_at.date() - first_monday).days // 7
        if 0 <= week < weeks:
            users[week].add(user)
            counts[week] += 1
    return [(first_monday + timedelta(weeks=week), len(users[week]), counts[week]) for week in range(weeks)]


def weekly_autocorrelation(daily_counts: Sequence[float], lag: int = 7) -> float | None:
    """Sample autocorrelation of a daily series at `lag` (7: the weekly heartbeat); a report, not a grade."""
    if lag < 1:
        raise HealthInputError("the lag must be at least one day")
    if len(daily_counts) <= lag:
        return None
    mean = statistics.fmean(daily_counts)
    deviations = [count - mean for count in daily_counts]
    variance_sum = math.fsum(d * d for d in deviations)
    if variance_sum == 0:
        return None
    # The usual estimator: lagged products over the whole series' variance, which keeps |r| <= 1.
    lagged = math.fsum(a * b for a, b in zip(deviations, deviations[lag:], strict=False))
    return lagged / variance_sum


# The seven principles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principle:
    key: str
    label: str


# Wenger, McDermott & Snyder (2002), as listed in §7.2 of the design notes. Keys are stable because stored
# settings and indicators refer to them; the indicators themselves are computed by the modules owning the data.
PRINCIPLES: tuple[Principle, ...] = (
    Principle("evolution", "Design for evolution"),
    Principle("perspectives", "Open a dialogue between inside and outside perspectives"),
    Principle("levels", "Invite different levels of participation"),
    Principle("spaces", "Develop both public and private community spaces"),
    Principle("value", "Focus on value"),
    Principle("familiarity", "Combine familiarity and excitement"),
    Principle("rhythm", "Create a rhythm for the community"),
)
