"""Value creation (Wenger, Trayner & de Laat 2011; design notes §1): the five value cycles, the coverage of
a value-creation story, the rules a story must keep, the value-creation matrix and flow, follow-up dates
and the seed catalogue of indicators.

Pure: no database, no clock. Cycles may be given as `Cycle` members or as the integers stored for them.
Warning and flag texts are English keys; the caller translates them.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import NamedTuple


class ValueStoryError(ValueError):
    """A value-creation story or step that breaks one of the framework's rules."""


class Cycle(IntEnum):
    IMMEDIATE = 1
    POTENTIAL = 2
    APPLIED = 3
    REALIZED = 4
    REFRAMING = 5


class Capital(StrEnum):
    """The five forms of knowledge capital, i.e. of potential value (cycle 2)."""

    HUMAN = "human"
    SOCIAL = "social"
    TANGIBLE = "tangible"
    REPUTATIONAL = "reputational"
    LEARNING = "learning"


class DataSource(StrEnum):
    PLATFORM_AUTO = "platform_auto"
    SURVEY = "survey"
    MANUAL = "manual"
    EXTERNAL = "external"


APPLIED_EVIDENCE_MISSING = "applied-value evidence missing"
REALIZED_WITHOUT_EVIDENCE = "realized value claimed without evidence"
NO_CONSENT = "no consent to publish"


def _cycle(value: int) -> Cycle:
    try:
        return Cycle(value)
    except ValueError:
        raise ValueStoryError(f"{value!r} is not a value cycle") from None


# Story coverage ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    cycles: frozenset[Cycle]
    highest: Cycle | None
    contiguous: bool
    gaps: tuple[Cycle, ...]
    complete_to_impact: bool
    warnings: tuple[str, ...]


def coverage(steps: Iterable[int]) -> Coverage:
    """Which cycles a story touches, the gaps between its first and highest cycle, and whether it reaches impact."""
    cycles = frozenset(_cycle(step) for step in steps)
    if not cycles:
        return Coverage(cycles, None, contiguous=False, gaps=(), complete_to_impact=False, warnings=())
    lowest, highest = min(cycles), max(cycles)
    # A story may start in any cycle (Wenger-Trayner), so gaps are counted from its first cycle, not from 1.
    gaps = tuple(Cycle(value) for value in range(lowest, highest + 1) if value not in cycles)
    path_to_impact = {Cycle(value) for value in range(lowest, Cycle.REALIZED + 1)}
    warnings: list[str] = []
    if Cycle.REALIZED in cycles and Cycle.APPLIED not in cycles:
        # Performance cannot improve through knowledge nobody applied: the story skips its evidence.
        warnings.append(APPLIED_EVIDENCE_MISSING)
    return Coverage(
        cycles=cycles,
        highest=highest,
        contiguous=not gaps,
        gaps=gaps,
        complete_to_impact={Cycle.APPLIED, Cycle.REALIZED} <= cycles and path_to_impact <= cycles,
        warnings=tuple(warnings),
    )


def validate_step(cycle: int, capitals: AbstractSet[Capital]) -> None:
    """Reject knowledge-capital types on a step of any cycle but POTENTIAL, the only one they describe."""
    if capitals and cycle != Cycle.POTENTIAL:
        raise ValueStoryError("knowledge-capital types belong only to potential-value steps")


def validate_publication(status: str, consent_publish: bool) -> None:
    """Reject publishing a story its teller has not consented to publish."""
    if status == "published" and not consent_publish:
        raise ValueStoryError("a story can be published only with the teller's consent")


def needs_follow_up(aspirational_cycles: Iterable[int]) -> bool:
    """Whether a story's aspirational steps promise applied value or more, which calls for follow-ups."""
    return any(cycle >= Cycle.APPLIED for cycle in aspirational_cycles)


def follow_up_dates(created_on: date, months: Sequence[int] = (1, 3, 6)) -> list[date]:
    """The follow-up due dates, one per month offset, clamped to the last day of shorter months."""
    due: list[date] = []
    for offset in months:
        if offset < 1:
            raise ValueStoryError("follow-ups are due at least one month later")
        month_index = created_on.month - 1 + offset
        year, month = created_on.year + month_index // 12, month_index % 12 + 1
        day = min(created_on.day, calendar.monthrange(year, month)[1])
        due.append(date(year, month, day))
    return due


def cross_check(has_realized: bool, realized_evidence: bool, consent: bool) -> list[str]:
    """Flags for a story that claims realized value without evidence, or that lacks consent."""
    flags: list[str] = []
    if has_realized and not realized_evidence:
        flags.append(REALIZED_WITHOUT_EVIDENCE)
    if not consent:
        flags.append(NO_CONSENT)
    return flags


# The value-creation matrix and flow --------------------------------------------------------------------


def matrix(stories: Iterable[AbstractSet[int]]) -> dict[Cycle, int]:
    """Number of stories touching each cycle (every cycle present, zero included)."""
    counts = dict.fromkeys(Cycle, 0)
    for cycles in stories:
        for cycle in set(cycles):
            counts[_cycle(cycle)] += 1
    return counts


def transitions(stories: Iterable[AbstractSet[int]]) -> dict[tuple[Cycle, Cycle], int]:
    """Number of stories holding each consecutive pair of cycles (i to i+1), for the value-flow diagram."""
    # Every pair is listed, zero included: a zero is where value leaks, which is what the diagram is for.
    pairs = [(earlier, Cycle(earlier + 1)) for earlier in Cycle if earlier < max(Cycle)]
    counts = dict.fromkeys(pairs, 0)
    for cycles in stories:
        for pair in pairs:
            if pair[0] in cycles and pair[1] in cycles:
                counts[pair] += 1
    return counts


def distinct_participants(events: Iterable[Iterable[int]]) -> int:
    """Number of different people across a set of events (each event given as its participants)."""
    return len({person for participants in events for person in participants})


# The seed catalogue of indicators -----------------------------------------------------------------------


class SeedIndicator(NamedTuple):
    cycle: Cycle
    name: str
    definition: str
    data_source: DataSource
    query_key: str  # "" unless the platform computes the indicator itself


# Recalled from §5 of the 2011 report, which could not be read in full (§1.2, marked [U]): a starting
# catalogue that admins edit, not a published standard.
SEED_INDICATORS: tuple[SeedIndicator, ...] = (
    SeedIndicator(
        Cycle.IMMEDIATE,
        "Distinct participants",
        "Different people who took part in at least one activity in the period.",
        DataSource.PLATFORM_AUTO,
        "distinct_participants",
    ),
    SeedIndicator(
        Cycle.IMMEDIATE,
        "Posts and replies",
        "Discussion posts and replies written in the period.",
        DataSource.PLATFORM_AUTO,
        "posts_and_replies",
    ),
    SeedIndicator(
        Cycle.IMMEDIATE,
        "Reply depth",
        "Average number of replies per discussion thread started in the period.",
        DataSource.PLATFORM_AUTO,
        "reply_depth",
    ),
    SeedIndicator(
        Cycle.IMMEDIATE,
        "Event rating",
        "Average rating participants give an event, on a scale from 1 to 5.",
        DataSource.SURVEY,
        "",
    ),
    SeedIndicator(
        Cycle.IMMEDIATE,
        "New ties",
        "Pairs of members who interacted for the first time in the period.",
        DataSource.PLATFORM_AUTO,
        "new_ties",
    ),
    SeedIndicator(
        Cycle.POTENTIAL,
        "Resources published",
        "Documents, tools and other resources shared in the library in the period.",
        DataSource.PLATFORM_AUTO,
        "resources_published",
    ),
    SeedIndicator(
        Cycle.POTENTIAL,
        "Downloads",
        "Downloads of the community's resources in the period.",
        DataSource.PLATFORM_AUTO,
        "downloads",
    ),
    SeedIndicator(
        Cycle.POTENTIAL,
        "Cross-boundary ties",
        "New ties between members of different organisations, countries or sectors.",
        DataSource.PLATFORM_AUTO,
        "cross_boundary_ties",
    ),
    SeedIndicator(
        Cycle.POTENTIAL,
        "Skills and contacts gained",
        "Share of respondents who say they gained a skill, information or a useful contact.",
        DataSource.SURVEY,
        "",
    ),
    SeedIndicator(
        Cycle.APPLIED,
        "Reported use",
        "Share of respondents to the follow-up survey who used something they got from the community.",
        DataSource.SURVEY,
        "",
    ),
    SeedIndicator(
        Cycle.APPLIED,
        "Resource reuse",
        "Documented reuse or adaptation of the community's resources in members' own work.",
        DataSource.MANUAL,
        "",
    ),
    SeedIndicator(
        Cycle.APPLIED,
        "Co-authored projects",
        "Projects or proposals started by members who met or worked together in the community.",
        DataSource.MANUAL,
        "",
    ),
    SeedIndicator(
        Cycle.REALIZED,
        "Performance improvement",
        "A personal or organisational result linked to a story, with evidence.",
        DataSource.MANUAL,
        "",
    ),
    SeedIndicator(
        Cycle.REFRAMING,
        "Strategy revisions",
        "Charter or strategy revisions that refer to the community or its work.",
        DataSource.MANUAL,
        "",
    ),
    SeedIndicator(
        Cycle.REFRAMING,
        "Policy citations",
        "Policy or institutional documents citing the community's outputs.",
        DataSource.EXTERNAL,
        "",
    ),
)
