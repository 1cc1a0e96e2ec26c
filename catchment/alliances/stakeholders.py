"""Stakeholder analysis for learning alliances (design notes, domain.md §3.3). Pure: no database.

Scores run on a 1–5 scale; `high(x)` means x ≥ t (t = 4 by default). The same quadrant function serves the
Mendelow power–interest grid, ODA influence × importance and the ODI alignment × interest matrix.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

SCALE = (1, 5)
THRESHOLD = 4

ENGAGEMENT = ("unaware", "resistant", "neutral", "supportive", "leading")
STRATEGIES = ("inform", "consult", "involve", "collaborate", "empower")
QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")


class ScoreError(ValueError):
    """A score outside the scale."""


def check_score(value: int, scale: tuple[int, int] = SCALE) -> int:
    low, high = scale
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScoreError(value)
    return value


def high(value: int, threshold: int = THRESHOLD) -> bool:
    return value >= threshold


def quadrant(power: int, interest: int, threshold: int = THRESHOLD) -> str:
    """Mendelow: (P high, I high) manage closely; (P high, I low) keep satisfied; (P low, I high) keep
    informed; (P low, I low) monitor."""
    check_score(power)
    check_score(interest)
    if high(power, threshold):
        return "manage_closely" if high(interest, threshold) else "keep_satisfied"
    return "keep_informed" if high(interest, threshold) else "monitor"


def gap(current: str, desired: str) -> int:
    """idx(desired) − idx(current) on unaware < resistant < neutral < supportive < leading."""
    return ENGAGEMENT.index(desired) - ENGAGEMENT.index(current)


def action_required(current: str, desired: str) -> bool:
    return gap(current, desired) > 0


def over_engaged(current: str, desired: str) -> bool:
    """More engaged than the plan wants: shown only where the alliance asks for it."""
    return gap(current, desired) < 0


@dataclass(frozen=True)
class Assessed:
    """What the analysis needs to know of one stakeholder."""

    key: int | str
    power: int
    interest: int
    current: str
    desired: str
    org_type: str = ""
    level: str = ""
    status: str = "identified"


def actions(stakeholders: Iterable[Assessed]) -> list[tuple[Assessed, int]]:
    """The engagement gaps as an action list: every stakeholder whose desired engagement is above the
    current one, sorted by gap × power (largest first; ties by the larger gap, then by key)."""
    rows = [(item, gap(item.current, item.desired)) for item in stakeholders]
    wanted = [(item, size) for item, size in rows if size > 0]
    return sorted(wanted, key=lambda row: (-row[1] * row[0].power, -row[1], str(row[0].key)))


def blockers(stakeholders: Iterable[Assessed], threshold: int = THRESHOLD) -> list[Assessed]:
    """The priority risk list: resistant stakeholders with power ≥ t, the most powerful first."""
    found = [item for item in stakeholders if item.current == "resistant" and high(item.power, threshold)]
    return sorted(found, key=lambda item: (-item.power, -item.interest, str(item.key)))


@dataclass(frozen=True)
class Linkage:
    horizontal: int
    vertical: int
    vertical_share: float | None
    by_pair: dict[tuple[str, str], int]
    unlinked_pairs: list[tuple[str, str]]
    isolated_levels: list[str]


def linkage(ties: Iterable[tuple[str, str]], levels: Sequence[str]) -> Linkage:
    """Horizontal (same level) and vertical (across levels) ties. `levels` are the levels the alliance has,
    in order from the top; a pair of them with no tie at all is reported, and so is a level tied to no
    other level."""
    order = {level: index for index, level in enumerate(levels)}
    horizontal = vertical = 0
    pairs: Counter[tuple[str, str]] = Counter()
    for first, second in ties:
        if first == second:
            horizontal += 1
        else:
            vertical += 1
            pair = tuple(sorted((first, second), key=lambda level: (order.get(level, len(order)), level)))
            pairs[(pair[0], pair[1])] += 1
    total = horizontal + vertical
    present = list(dict.fromkeys(levels))
    unlinked = [pair for pair in combinations(present, 2) if pairs[pair] == 0]
    linked_levels = {level for pair in pairs for level in pair}
    isolated = [level for level in present if level not in linked_levels] if len(present) > 1 else []
    return Linkage(
        horizontal=horizontal,
        vertical=vertical,
        vertical_share=(vertical / total) if total else None,
        by_pair=dict(pairs),
        unlinked_pairs=unlinked,
        isolated_levels=isolated,
    )


def coverage(
    stakeholders: Iterable[Assessed], targets: Iterable[str], committed_statuses: Iterable[str]
) -> tuple[float | None, dict[str, int]]:
    """The share of the wanted stakeholder types with at least one stakeholder committed or further, and
    how many each type has. `targets` are the types a platform needs."""
    wanted = list(dict.fromkeys(targets))
    statuses = set(committed_statuses)
    count: dict[str, int] = defaultdict(int)
    for item in stakeholders:
        if item.status in statuses:
            count[item.org_type] += 1
    if not wanted:
        return None, {}
    per_type = {kind: count.get(kind, 0) for kind in wanted}
    covered = sum(1 for kind in wanted if per_type[kind] > 0)
    return covered / len(wanted), per_type
