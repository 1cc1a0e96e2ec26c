"""Participation levels (the "bulb": core, active, occasional, peripheral, transactional, plus lapsed),
computed from a member's activity in one window with the configurable rule of the design notes (§2.5):
weights, thresholds and a core quota, hysteresis so that nobody is demoted for one quiet window, and the
transition matrix between windows.

Pure: no database, no clock. Levels are legitimate and fluid; "peripheral" is not a failure (Wenger).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    CORE = "core"
    ACTIVE = "active"
    OCCASIONAL = "occasional"
    PERIPHERAL = "peripheral"
    TRANSACTIONAL = "transactional"
    LAPSED = "lapsed"


# Members' levels from the most to the least engaged; transactional people are outside the order (they
# are not members), and a demotion moves one step down it.
ORDER = (Level.CORE, Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL, Level.LAPSED)

# Reference proportions shown beside a community's own (Wenger, McDermott & Snyder 2002).
REFERENCE = {Level.CORE: (0.10, 0.15), Level.ACTIVE: (0.15, 0.20)}


@dataclass(frozen=True)
class LevelConfig:
    """Weights and thresholds (§2.5 defaults); every community may change them."""

    topic_weight: int = 3
    reply_weight: int = 2
    resource_weight: int = 2
    attendance_weight: int = 1
    hosting_weight: int = 5
    active_weeks: int = 4  # of 13: about monthly
    active_contributions: int = 3
    core_weeks: int = 8  # about 60 % of weeks
    core_share: float = 0.15  # the upper bound of Wenger, McDermott & Snyder's 10-15 %
    low_water: float = 0.9  # Discourse's LOW_WATER_MARK: demote only below 90 % of a threshold
    quiet_windows: int = 2  # consecutive windows below the low-water mark before a demotion
    # Holding one of these roles makes a member core "by role" (coordinators, facilitators, the core team).
    core_roles: frozenset[str] = frozenset({"convenor", "co_convenor", "moderator", "core", "coordinator"})


@dataclass(frozen=True)
class Activity:
    """What one person did in the window."""

    person: int
    is_member: bool = True
    topics: int = 0
    replies: int = 0
    resources: int = 0
    attendances: int = 0
    hosted: int = 0
    active_weeks: int = 0
    days_visited: int = 0
    other_interactions: int = 0  # downloads, registrations: what makes an outsider "transactional"
    roles: frozenset[str] = frozenset()

    def score(self, config: LevelConfig) -> int:
        return (
            config.topic_weight * self.topics
            + config.reply_weight * self.replies
            + config.resource_weight * self.resources
            + config.attendance_weight * self.attendances
            + config.hosting_weight * self.hosted
        )

    @property
    def contributions(self) -> int:
        return self.topics + self.replies + self.resources + self.hosted


@dataclass(frozen=True)
class Previous:
    """What the last computation said of a person: their level and how many windows in a row they have
    been below the low-water mark of it."""

    level: Level
    quiet: int = 0


@dataclass(frozen=True)
class Assignment:
    level: Level
    score: int
    reason: str  # a stable key for the reason, translated by the caller
    quiet: int = 0  # windows in a row below the low-water mark of the level kept


@dataclass
class Levels:
    assignments: dict[int, Assignment] = field(default_factory=dict)
    core_quota: int = 0

    def counts(self) -> dict[Level, int]:
        counted = dict.fromkeys(Level, 0)
        for assignment in self.assignments.values():
            counted[assignment.level] += 1
        return counted


def _raw(activity: Activity, config: LevelConfig, core_ranked: set[int]) -> tuple[Level, str]:
    if not activity.is_member:
        return Level.TRANSACTIONAL, "outsider"
    if activity.roles & config.core_roles:
        return Level.CORE, "role"
    if activity.score(config) == 0:
        return (Level.PERIPHERAL, "visits") if activity.days_visited > 0 else (Level.LAPSED, "silent")
    if activity.active_weeks >= config.active_weeks and activity.contributions >= config.active_contributions:
        if activity.person in core_ranked and activity.active_weeks >= config.core_weeks:
            return Level.CORE, "regular_top"
        return Level.ACTIVE, "regular"
    return Level.OCCASIONAL, "some"


def _holds(level: Level, activity: Activity, config: LevelConfig, cutoff: int) -> bool:
    """Whether the person is still within the low-water band of `level` (90 % of its thresholds)."""
    mark = config.low_water
    if level == Level.CORE:
        return activity.active_weeks >= mark * config.core_weeks and activity.score(config) >= mark * cutoff
    if level == Level.ACTIVE:
        return (
            activity.active_weeks >= mark * config.active_weeks
            and activity.contributions >= mark * config.active_contributions
        )
    if level == Level.OCCASIONAL:
        return activity.score(config) > 0
    return level == Level.PERIPHERAL and activity.days_visited > 0


def classify(
    activities: Sequence[Activity],
    config: LevelConfig | None = None,
    previous: Mapping[int, Previous] | None = None,
) -> Levels:
    """Each person's level for this window, given what the last window said (for hysteresis)."""
    config = config or LevelConfig()
    previous = previous or {}
    members = [a for a in activities if a.is_member]
    contributors = [a for a in members if a.score(config) > 0]
    quota = math.ceil(config.core_share * len(contributors)) if contributors else 0
    candidates = sorted(
        (
            a
            for a in members
            if a.active_weeks >= config.active_weeks
            and a.contributions >= config.active_contributions
            and not (a.roles & config.core_roles)
        ),
        key=lambda a: (-a.score(config), a.person),
    )
    core_ranked = {a.person for a in candidates[:quota]}
    ranked_scores = [a.score(config) for a in candidates[:quota]]
    cutoff = min(ranked_scores) if ranked_scores else 0
    result = Levels(core_quota=quota)
    for activity in activities:
        level, reason = _raw(activity, config, core_ranked)
        before = previous.get(activity.person)
        quiet = 0
        if (
            before is not None
            and level != Level.TRANSACTIONAL
            and before.level in ORDER
            and level in ORDER
            and ORDER.index(level) > ORDER.index(before.level)
        ):
            # A drop: keep the level while the person stays within 90 % of its thresholds, and demote one
            # step only after `quiet_windows` windows in a row below that mark.
            if _holds(before.level, activity, config, cutoff):
                level, reason = before.level, "kept"
            else:
                quiet = before.quiet + 1
                if quiet < config.quiet_windows:
                    level, reason = before.level, "kept_quiet"
                else:
                    step = ORDER[ORDER.index(before.level) + 1]
                    level = step if ORDER.index(step) < ORDER.index(level) else level
                    reason, quiet = "demoted", 0
        result.assignments[activity.person] = Assignment(
            level=level, score=activity.score(config), reason=reason, quiet=quiet
        )
    return result


def transitions(before: Mapping[int, Level], after: Mapping[int, Level]) -> dict[Level, dict[Level, int]]:
    """How many people moved from each level to each other between two windows (people in both)."""
    matrix = {level: dict.fromkeys(Level, 0) for level in Level}
    for person, level in after.items():
        if person in before:
            matrix[before[person]][level] += 1
    return matrix


def shares_by(levels: Mapping[int, Level], attribute: Mapping[int, str]) -> dict[str, dict[Level, float]]:
    """For each value of an attribute (organisation, country, stakeholder group, language), the share of
    its people at each level: unequal shares can reveal a disparity that is not about interest."""
    groups: dict[str, list[Level]] = {}
    for person, level in levels.items():
        groups.setdefault(attribute.get(person) or "", []).append(level)
    return {
        value: {level: members.count(level) / len(members) for level in Level}
        for value, members in sorted(groups.items())
    }


def shares(levels: Iterable[Level]) -> dict[Level, float]:
    """Each level's share of the members counted (transactional people excluded)."""
    members: list[Level] = [level for level in levels if level != Level.TRANSACTIONAL]
    return {level: (members.count(level) / len(members) if members else 0.0) for level in Level}
