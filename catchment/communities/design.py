"""Arithmetic of the design tools: resource totals, the support estimate and the activity timeline.

Pure functions over plain values, so they are tested with hand-computed expectations (domain.md §6.3).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# A full-time equivalent works 40 hours a week; a month has 52/12 weeks.
HOURS_PER_FTE_MONTH = Decimal(40 * 52) / Decimal(12)
SUPPORT_FTE_PER_THOUSAND = Decimal("1.5")  # Milton 2011, a practitioner heuristic (domain.md §6.1)
MIN_SUPPORT_FTE = Decimal("0.1")


def support_fte(members: int) -> Decimal:
    """Suggested facilitation support for a community of `members`: max(0.1, 1.5 * members / 1000)."""
    estimate = SUPPORT_FTE_PER_THOUSAND * Decimal(max(members, 0)) / Decimal(1000)
    return max(MIN_SUPPORT_FTE, estimate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hours_to_fte(hours_per_month: Decimal) -> Decimal:
    return (hours_per_month / HOURS_PER_FTE_MONTH).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ResourceLine:
    responsibility: str
    who: str
    hours_per_month: Decimal


@dataclass
class ResourceTotals:
    by_responsibility: list[tuple[str, Decimal]] = field(default_factory=list)
    by_person: list[tuple[str, Decimal]] = field(default_factory=list)
    total_hours: Decimal = Decimal(0)

    @property
    def total_fte(self) -> Decimal:
        return hours_to_fte(self.total_hours)


def resource_totals(lines: Iterable[ResourceLine]) -> ResourceTotals:
    """Hours per month summed per responsibility (the role on the sheet), per person, and overall.
    Responsibilities are grouped regardless of letter case and surrounding spaces."""
    per_role: dict[str, tuple[str, Decimal]] = {}
    per_person: dict[str, tuple[str, Decimal]] = {}
    total = Decimal(0)
    for line in lines:
        key = " ".join(line.responsibility.split()).casefold()
        label, hours = per_role.get(key, (" ".join(line.responsibility.split()), Decimal(0)))
        per_role[key] = (label, hours + line.hours_per_month)
        if line.who:
            label, hours = per_person.get(line.who, (line.who, Decimal(0)))
            per_person[line.who] = (label, hours + line.hours_per_month)
        total += line.hours_per_month
    return ResourceTotals(
        by_responsibility=sorted(per_role.values(), key=lambda pair: (-pair[1], pair[0].casefold())),
        by_person=sorted(per_person.values(), key=lambda pair: (-pair[1], pair[0].casefold())),
        total_hours=total,
    )


# The activity timeline --------------------------------------------------------------------------------

LABEL_WIDTH = 0
CHART_WIDTH = 640
ROW_HEIGHT = 30
AXIS_HEIGHT = 28
MAX_OCCURRENCES = 120
MAX_AXIS_MONTHS = 25 * 12  # a longer plan is drawn up to here; the table still lists everything
EARLIEST = datetime.date(1, 2, 1)
LATEST = datetime.date(9998, 12, 31)  # leaves room for month arithmetic below year 10000


def _clamp(day: datetime.date) -> datetime.date:
    return min(max(day, EARLIEST), LATEST)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def occurrences(cadence: str, start: datetime.date, end: datetime.date | None) -> list[datetime.date]:
    """The dates a recurring activity happens on, from start to end inclusive (once: just the start)."""
    if cadence == "once" or end is None:
        return [start]
    dates: list[datetime.date] = []
    step = 0
    while len(dates) < MAX_OCCURRENCES:
        if cadence == "weekly":
            day = start + datetime.timedelta(weeks=step)
        else:
            day = add_months(start, step * (3 if cadence == "quarterly" else 1))
        if day > end:
            break
        dates.append(day)
        step += 1
    return dates


@dataclass(frozen=True)
class TimelineInput:
    key: int
    title: str
    kind: str
    cadence: str
    status: str
    starts_on: datetime.date
    ends_on: datetime.date | None


@dataclass(frozen=True)
class TimelineRow:
    item: TimelineInput
    y: int
    x: float
    width: float
    marks: list[float]

    @property
    def label_end(self) -> bool:
        """Labels of bars in the right part of the chart end at the bar's end, so they stay inside."""
        return self.x > CHART_WIDTH * 0.55

    @property
    def label_x(self) -> float:
        return round(self.x + self.width, 1) if self.label_end else self.x


@dataclass(frozen=True)
class TimelineTick:
    x: float
    month: datetime.date
    labelled: bool


@dataclass
class Timeline:
    rows: list[TimelineRow]
    ticks: list[TimelineTick]
    width: int
    height: int
    today_x: float | None
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None


def timeline(items: Sequence[TimelineInput], today: datetime.date) -> Timeline:
    """Place activities on a month axis: a bar from start to end, a mark for each occurrence."""
    if not items:
        return Timeline(rows=[], ticks=[], width=CHART_WIDTH, height=AXIS_HEIGHT, today_x=None)
    first = _clamp(min(item.starts_on for item in items)).replace(day=1)
    last_end = _clamp(max((item.ends_on or item.starts_on) for item in items))
    last = add_months(last_end.replace(day=1), 1)
    last = max(last, add_months(first, 3))
    if first.year + MAX_AXIS_MONTHS // 12 < LATEST.year:
        last = min(last, add_months(first, MAX_AXIS_MONTHS))
    span = (last - first).days

    def x(day: datetime.date) -> float:
        offset = min(max((day - first).days, 0), span)
        return round(LABEL_WIDTH + CHART_WIDTH * offset / span, 1)

    rows = []
    for index, item in enumerate(items):
        starts_on = _clamp(item.starts_on)
        ends_on = _clamp(item.ends_on) if item.ends_on else None
        start_x = x(starts_on)
        end_x = x((ends_on or starts_on) + datetime.timedelta(days=1))
        marks = [x(day) for day in occurrences(item.cadence, starts_on, ends_on) if first <= day < last]
        rows.append(
            TimelineRow(
                item=item,
                y=AXIS_HEIGHT + index * ROW_HEIGHT,
                x=start_x,
                width=max(round(end_x - start_x, 1), 3.0),
                marks=marks,
            )
        )
    months = []
    month = first
    while month < last:
        months.append(month)
        month = add_months(month, 1)
    every = -(-len(months) // 12)  # at most twelve labels, so they never overlap
    ticks = [TimelineTick(x=x(m), month=m, labelled=i % every == 0) for i, m in enumerate(months)]
    return Timeline(
        rows=rows,
        ticks=ticks,
        width=LABEL_WIDTH + CHART_WIDTH,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 4,
        today_x=x(today) if first <= today <= last else None,
        first_day=first,
        last_day=last,
    )


# Roles a community needs (CDC resource kit; design notes §6.3), recognised in the free-text
# responsibilities of the roles-and-resources sheet by these words in the four languages.
ROLE_WORDS = {
    "sponsor": ("sponsor", "patrocinador", "parrain", "marraine", "commanditaire", "спонсор", "покровител"),
    "leader": (
        "convenor",
        "leader",
        "coordinator",
        "coordinador",
        "coordinadora",
        "coordonn",
        "líder",
        "руковод",
        "координатор",
    ),
    "facilitator": ("facilitat", "moderat", "animat", "фасилитатор", "модератор"),
    "knowledge_manager": (
        "knowledge manager",
        "librarian",
        "gestor del conocimiento",
        "gestion des connaissances",
        "bibliothéc",
        "bibliotec",
        "управлен",
        "библиотек",
    ),
}
BLOCKING_ROLES = ("sponsor", "leader")
MAX_ROLES_PER_PERSON = 3


@dataclass(frozen=True)
class RoleGaps:
    blockers: tuple[str, ...]  # missing roles a community cannot run without
    warnings: tuple[str, ...]  # missing roles it will miss
    overloaded: tuple[str, ...]  # people holding more than MAX_ROLES_PER_PERSON responsibilities


def roles_named(responsibility: str) -> set[str]:
    """The needed roles a responsibility on the roles sheet names ("Sponsor (Secretariat)" → sponsor),
    in any of the four languages."""
    text = responsibility.casefold()
    return {role for role, words in ROLE_WORDS.items() if any(word in text for word in words)}


def role_gaps(lines: Iterable[tuple[str, str]]) -> RoleGaps:
    """Which needed roles nobody holds, from (responsibility, person) lines: a missing sponsor or leader
    blocks, a missing facilitator or knowledge manager warns; one person may hold several roles, but more
    than three is flagged."""
    held: set[str] = set()
    per_person: dict[str, int] = {}
    for responsibility, person in lines:
        if not person.strip():
            continue  # a line nobody has taken yet holds no role
        held |= roles_named(responsibility)
        per_person[person] = per_person.get(person, 0) + 1
    missing = [role for role in ROLE_WORDS if role not in held]
    return RoleGaps(
        blockers=tuple(role for role in missing if role in BLOCKING_ROLES),
        warnings=tuple(role for role in missing if role not in BLOCKING_ROLES),
        overloaded=tuple(sorted(person for person, n in per_person.items() if n > MAX_ROLES_PER_PERSON)),
    )
