"""Pure charter logic: completeness and side-by-side comparison. No database, no clock."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from catchment.communities.models import CHARTER_SECTIONS


def completeness(sections: Mapping[str, str]) -> float:
    """Share of the seven required elements that have text (domain.md §6.3: filled / 7)."""
    filled = sum(1 for name in CHARTER_SECTIONS if (sections.get(name) or "").strip())
    return filled / len(CHARTER_SECTIONS)


def missing_sections(sections: Mapping[str, str]) -> list[str]:
    """The required elements still empty, in charter order."""
    return [name for name in CHARTER_SECTIONS if not (sections.get(name) or "").strip()]


@dataclass(frozen=True)
class LinePair:
    left: str
    right: str
    change: str  # "same", "changed", "added", "removed"


def compare(old: str, new: str) -> list[LinePair]:
    """Align two texts line by line for a side-by-side view."""
    left, right = old.splitlines(), new.splitlines()
    pairs: list[LinePair] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs.extend(LinePair(line, line, "same") for line in left[i1:i2])
        elif tag == "delete":
            pairs.extend(LinePair(line, "", "removed") for line in left[i1:i2])
        elif tag == "insert":
            pairs.extend(LinePair("", line, "added") for line in right[j1:j2])
        else:
            old_lines, new_lines = left[i1:i2], right[j1:j2]
            for index in range(max(len(old_lines), len(new_lines))):
                a = old_lines[index] if index < len(old_lines) else ""
                b = new_lines[index] if index < len(new_lines) else ""
                pairs.append(LinePair(a, b, "changed" if a and b else ("removed" if a else "added")))
    return pairs
