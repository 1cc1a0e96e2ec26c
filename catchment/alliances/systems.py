"""Causal-loop maps of a socio-hydrological system (domain.md §5.3). Pure: no database.

Loops are found with NetworkX's `simple_cycles` (bounded length, so loops stay readable); a loop is
reinforcing (R) when the product of its link signs is +1 (an even number of negative links) and
balancing (B) otherwise. A loop's key rotates it so its smallest variable comes first, so the same loop
found again matches its stored name and narrative. Influence and dependence are the direct out- and
in-degrees (optionally weighted by strength), split into four quadrants at their medians.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

LOOP_LENGTH = 8
POLARITIES = (1, -1)
VARIABLE_TYPES = ("stock", "flow", "factor", "actor", "resource")
DOMAINS = ("hydrological", "ecological", "social", "economic", "governance")
WATER_SIDE = frozenset({"hydrological", "ecological"})
HUMAN_SIDE = frozenset({"social", "economic", "governance"})
FORCES = ("enabler", "inhibitor", "neutral")
CAUSE_TYPES = ("structural", "attitudinal", "transactional")


class PolarityError(ValueError):
    """A link's polarity is not +1 or −1."""


@dataclass(frozen=True)
class Link:
    source: int | str
    target: int | str
    polarity: int
    delay: bool = False
    strength: int = 1

    def __post_init__(self) -> None:
        if self.polarity not in POLARITIES or isinstance(self.polarity, bool):
            raise PolarityError(self.polarity)


@dataclass(frozen=True)
class Loop:
    variables: tuple[int | str, ...]  # rotated: the smallest first, then in the direction of the links
    signs: tuple[int, ...]  # sign of the link leaving each variable, in the same order
    delays: tuple[bool, ...]

    @property
    def key(self) -> str:
        return "-".join(str(variable) for variable in self.variables)

    @property
    def n_negative(self) -> int:
        return sum(1 for sign in self.signs if sign < 0)

    @property
    def sign(self) -> int:
        return math.prod(self.signs)

    @property
    def polarity(self) -> str:
        return "R" if self.sign > 0 else "B"

    @property
    def has_delay(self) -> bool:
        return any(self.delays)


def _sort_key(value: int | str) -> tuple[int, int | str]:
    return (0, value) if isinstance(value, int) else (1, value)


def graph(links: Iterable[Link]) -> nx.DiGraph:
    result = nx.DiGraph()
    for link in links:
        result.add_edge(
            link.source, link.target, polarity=link.polarity, delay=link.delay, strength=link.strength
        )
    return result


def rotate(cycle: Sequence[int | str]) -> tuple[int | str, ...]:
    """The cycle starting at its smallest variable (ids before labels), direction kept."""
    start = min(range(len(cycle)), key=lambda index: _sort_key(cycle[index]))
    return tuple(cycle[start:]) + tuple(cycle[:start])


def loops(links: Iterable[Link], length_bound: int = LOOP_LENGTH) -> list[Loop]:
    """Every simple cycle of at most `length_bound` links, labelled R or B, in a stable order (shortest
    first, then by key)."""
    directed = graph(links)
    found = []
    for cycle in nx.simple_cycles(directed, length_bound=length_bound):
        ordered = rotate(cycle)
        steps = [(ordered[index], ordered[(index + 1) % len(ordered)]) for index in range(len(ordered))]
        found.append(
            Loop(
                variables=ordered,
                signs=tuple(directed.edges[step]["polarity"] for step in steps),
                delays=tuple(bool(directed.edges[step]["delay"]) for step in steps),
            )
        )
    return sorted(found, key=lambda loop: (len(loop.variables), [_sort_key(v) for v in loop.variables]))


def loop_polarity(signs: Iterable[int]) -> str:
    """R when the product of the signs is +1, B when −1 (the sign rule)."""
    checked = list(signs)
    for sign in checked:
        if isinstance(sign, bool) or sign not in POLARITIES:
            raise PolarityError(sign)
    return "R" if math.prod(checked) > 0 else "B"


@dataclass(frozen=True)
class Position:
    influence: float
    dependence: float
    quadrant: str  # driver, relay, dependent, autonomous


def influence_dependence(
    variables: Iterable[int | str], links: Iterable[Link], weighted: bool = False
) -> dict[int | str, Position]:
    """Direct influence (out-degree) and dependence (in-degree) of each variable, weighted by strength if
    asked; quadrants split at the medians: high means strictly above the median. High influence and low
    dependence: driver (a leverage candidate); both high: relay; low influence, high dependence:
    dependent (an outcome); both low: autonomous."""
    nodes = list(dict.fromkeys(variables))
    influence: dict[int | str, float] = dict.fromkeys(nodes, 0.0)
    dependence: dict[int | str, float] = dict.fromkeys(nodes, 0.0)
    for link in links:
        amount = float(link.strength if weighted else 1)
        influence[link.source] = influence.get(link.source, 0.0) + amount
        dependence[link.target] = dependence.get(link.target, 0.0) + amount
    if not influence:
        return {}
    influence_median = statistics.median(influence.values())
    dependence_median = statistics.median(dependence.values())
    result = {}
    for node in influence:
        high_influence = influence[node] > influence_median
        high_dependence = dependence[node] > dependence_median
        if high_influence and not high_dependence:
            kind = "driver"
        elif high_influence:
            kind = "relay"
        elif high_dependence:
            kind = "dependent"
        else:
            kind = "autonomous"
        result[node] = Position(influence[node], dependence[node], kind)
    return result


@dataclass(frozen=True)
class Coupling:
    has_water: bool
    has_human: bool
    cross_domain_links: int
    cross_side_links: int
    links: int
    warnings: tuple[str, ...]

    @property
    def cross_domain_share(self) -> float | None:
        return self.cross_domain_links / self.links if self.links else None

    @property
    def cross_side_share(self) -> float | None:
        return self.cross_side_links / self.links if self.links else None


def coupling(domains: Mapping[int | str, str], links: Iterable[Link]) -> Coupling:
    """Socio-hydrology checks: does the map hold both water and human variables, and are they coupled?
    Warnings: "only_human", "only_water", "not_coupled" (both sides present, no link between them),
    "unclassified" (variables with no domain)."""
    links = list(links)
    present = {domain for domain in domains.values() if domain}
    has_water = bool(present & WATER_SIDE)
    has_human = bool(present & HUMAN_SIDE)

    def side(domain: str) -> str:
        return "water" if domain in WATER_SIDE else "human" if domain in HUMAN_SIDE else ""

    cross_domain = cross_side = 0
    for link in links:
        first, second = domains.get(link.source, ""), domains.get(link.target, "")
        if first and second and first != second:
            cross_domain += 1
        if side(first) and side(second) and side(first) != side(second):
            cross_side += 1
    warnings = []
    if domains and has_human and not has_water:
        warnings.append("only_human")
    if domains and has_water and not has_human:
        warnings.append("only_water")
    if has_water and has_human and cross_side == 0:
        warnings.append("not_coupled")
    if any(not domain for domain in domains.values()):
        warnings.append("unclassified")
    return Coupling(has_water, has_human, cross_domain, cross_side, len(links), tuple(warnings))


# --- Kumu-compatible JSON (elements, connections, loops) -------------------------------------------------


@dataclass
class ImportedVariable:
    ref: str
    label: str
    type: str = "factor"
    domain: str = ""
    force: str = "neutral"
    cause_type: str = ""
    unit: str = ""
    notes: str = ""


@dataclass
class ImportedLink:
    source: str
    target: str
    polarity: int
    delay: bool = False
    strength: int = 1
    confidence: int = 2
    evidence: str = ""


@dataclass
class ImportedLoop:
    labels: tuple[str, ...]
    name: str = ""
    narrative: str = ""


@dataclass
class ImportedMap:
    variables: list[ImportedVariable] = field(default_factory=list)
    links: list[ImportedLink] = field(default_factory=list)
    loops: list[ImportedLoop] = field(default_factory=list)


class ImportProblem(ValueError):
    """Where the file is wrong: the section, the item number (from 1), the field and what is wrong."""

    def __init__(self, section: str, number: int, field_name: str, code: str, value: str = "") -> None:
        super().__init__(f"{section} {number} {field_name}: {code}")
        self.section = section
        self.number = number
        self.field = field_name
        self.code = code
        self.value = value


POLARITY_WORDS = {
    "+": 1,
    "+1": 1,
    "1": 1,
    "positive": 1,
    "same": 1,
    "s": 1,
    "-": -1,
    "−": -1,
    "-1": -1,
    "negative": -1,
    "opposite": -1,
    "o": -1,
}
TRUE_WORDS = {"true", "yes", "1", "delay", "delayed"}
MAX_ITEMS = 2000
MAX_VARIABLES = 150  # a map people read; larger ones also outgrow the server-side drawing
MAX_TEXT = 2000


def _attributes(item: Any) -> dict[str, Any]:
    """Kumu writes fields flat in blueprints and under "attributes" in project exports: read both, with
    case-insensitive names."""
    if not isinstance(item, dict):
        return {}
    merged = dict(item)
    if isinstance(item.get("attributes"), dict):
        merged.update(item["attributes"])
    return {str(key).strip().lower(): value for key, value in merged.items()}


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any) -> str:
    """Text from the file, cleaned: no control characters (PostgreSQL refuses NUL), no lone surrogates
    (they cannot be stored as UTF-8), at most MAX_TEXT characters."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(part) for part in value)
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub("", text).strip()[:MAX_TEXT]


def _choice(value: Any, allowed: Sequence[str], default: str) -> str:
    text = _text(value).lower()
    return text if text in allowed else default


def _score(value: Any, section: str, number: int, name: str, default: int, top: int) -> int:
    if value in (None, ""):
        return default
    try:
        score = int(str(value).strip())
    except ValueError:
        raise ImportProblem(section, number, name, "not_a_number", _text(value)) from None
    if not 1 <= score <= top:
        raise ImportProblem(section, number, name, "out_of_scale", str(score))
    return score


def parse_kumu(data: Any) -> ImportedMap:
    """Read a Kumu blueprint or export. Elements need a label; connections need a known `from` and `to`
    and a polarity (a "polarity", "sign" or "type" of +, −, positive, negative, same or opposite). Loops
    are read for their names and narratives; their polarity is always recomputed."""
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise ImportProblem("file", 0, "elements", "not_a_map")
    elements, connections = data["elements"], data.get("connections") or []
    loops_in = data.get("loops") or []
    if not isinstance(connections, list) or not isinstance(loops_in, list):
        raise ImportProblem("file", 0, "connections", "not_a_map")
    if len(elements) + len(connections) + len(loops_in) > MAX_ITEMS:
        raise ImportProblem("file", 0, "elements", "too_many")
    if len(elements) > MAX_VARIABLES:
        raise ImportProblem("file", 0, "elements", "too_many_variables", str(MAX_VARIABLES))
    result = ImportedMap()
    by_ref: dict[str, str] = {}
    labels: set[str] = set()
    for number, raw in enumerate(elements, start=1):
        item = _attributes(raw)
        label = _text(item.get("label"))[:200]
        if not label:
            raise ImportProblem("element", number, "label", "missing")
        if label.lower() in labels:
            raise ImportProblem("element", number, "label", "duplicate", label)
        labels.add(label.lower())
        raw_tags = item.get("tags")
        tags = (
            [tag.strip().lower() for tag in raw_tags if isinstance(tag, str)]
            if isinstance(raw_tags, list)
            else []
        )
        domain = _choice(item.get("domain"), DOMAINS, "")
        if not domain:
            domain = next((tag for tag in tags if tag in DOMAINS), "")
        variable = ImportedVariable(
            ref=_text(item.get("id")) or label,
            label=label,
            type=_choice(item.get("type"), VARIABLE_TYPES, "factor"),
            domain=domain,
            force=_choice(item.get("force"), FORCES, "neutral"),
            cause_type=_choice(item.get("cause type") or item.get("cause_type"), CAUSE_TYPES, ""),
            unit=_text(item.get("unit"))[:60],
            notes=_text(item.get("description")),
        )
        result.variables.append(variable)
        by_ref[variable.ref] = label
        by_ref.setdefault(label, label)
    connection_ends: dict[str, tuple[str, str]] = {}
    seen_pairs: set[tuple[str, str]] = set()
    for number, raw in enumerate(connections, start=1):
        item = _attributes(raw)
        ends = []
        for name in ("from", "to"):
            ref = _text(item.get(name))
            if ref not in by_ref:
                raise ImportProblem("connection", number, name, "unknown_element", ref)
            ends.append(by_ref[ref])
        source, target = ends
        if source == target:
            raise ImportProblem("connection", number, "to", "self_link", target)
        if (source, target) in seen_pairs:
            raise ImportProblem("connection", number, "to", "duplicate", f"{source} → {target}")
        seen_pairs.add((source, target))
        word = next(
            (
                _text(item.get(name)).lower()
                for name in ("polarity", "sign", "type")
                if _text(item.get(name)).lower() in POLARITY_WORDS
            ),
            "",
        )
        if not word:
            raw_value = _text(item.get("polarity") or item.get("sign") or item.get("type"))
            raise ImportProblem("connection", number, "polarity", "missing_polarity", raw_value)
        delay = item.get("delay")
        result.links.append(
            ImportedLink(
                source=source,
                target=target,
                polarity=POLARITY_WORDS[word],
                delay=delay is True or _text(delay).lower() in TRUE_WORDS,
                strength=_score(item.get("strength"), "connection", number, "strength", 1, 3),
                confidence=_score(item.get("confidence"), "connection", number, "confidence", 2, 3),
                evidence=_text(item.get("evidence") or item.get("description")),
            )
        )
        if item.get("id") is not None:
            connection_ends[_text(item.get("id"))] = (source, target)
    for number, raw in enumerate(loops_in, start=1):
        item = _attributes(raw)
        members: list[str] = []
        if isinstance(item.get("elements"), list):
            for ref in item["elements"]:
                if _text(ref) not in by_ref:
                    raise ImportProblem("loop", number, "elements", "unknown_element", _text(ref))
                members.append(by_ref[_text(ref)])
        elif isinstance(item.get("connections"), list):
            for ref in item["connections"]:
                if _text(ref) not in connection_ends:
                    raise ImportProblem("loop", number, "connections", "unknown_connection", _text(ref))
                members.append(connection_ends[_text(ref)][0])
        if not 2 <= len(members) <= LOOP_LENGTH:
            continue  # a loop with no members is only a label, and a longer one is never detected
        result.loops.append(
            ImportedLoop(
                labels=tuple(members),
                name=_text(item.get("label"))[:200],
                narrative=_text(item.get("description")),
            )
        )
    return result


def to_kumu(
    variables: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]],
    found: Sequence[Loop],
    names: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    """The map as a Kumu blueprint: elements (with their type, domain, force and notes), connections
    (directed, with polarity as + or −, delay, strength, confidence), loops (their connections, elements,
    R or B, and the facilitator's name and narrative). `variables` carry "id" and "label"; `links`
    carry "id", "source", "target", "polarity", "delay", "strength", "confidence", "evidence"."""
    label = {variable["id"]: variable["label"] for variable in variables}
    link_id = {(link["source"], link["target"]): f"c{link['id']}" for link in links}
    elements = [
        {
            "id": f"e{variable['id']}",
            "label": variable["label"],
            "type": variable.get("type", "factor"),
            "description": variable.get("notes", ""),
            "tags": [tag for tag in (variable.get("domain"), variable.get("force")) if tag],
            "domain": variable.get("domain", ""),
            "force": variable.get("force", ""),
            "cause type": variable.get("cause_type", ""),
            "unit": variable.get("unit", ""),
        }
        for variable in variables
    ]
    connections = [
        {
            "id": f"c{link['id']}",
            "from": f"e{link['source']}",
            "to": f"e{link['target']}",
            "direction": "directed",
            "type": "+" if link["polarity"] > 0 else "-",
            "polarity": "+" if link["polarity"] > 0 else "-",
            "delay": bool(link.get("delay")),
            "strength": link.get("strength", 1),
            "confidence": link.get("confidence", 2),
            "evidence": link.get("evidence", ""),
        }
        for link in links
    ]
    loop_items = []
    numbers = {"R": 0, "B": 0}
    for index, loop in enumerate(found, start=1):
        numbers[loop.polarity] += 1
        stored = names.get(loop.key, {})
        steps = [
            (loop.variables[i], loop.variables[(i + 1) % len(loop.variables)])
            for i in range(len(loop.variables))
        ]
        loop_items.append(
            {
                "id": f"l{index}",
                "label": stored.get("name") or f"{loop.polarity}{numbers[loop.polarity]}",
                "type": "Reinforcing" if loop.polarity == "R" else "Balancing",
                "description": stored.get("narrative", ""),
                "connections": [link_id[step] for step in steps],
                "elements": [label[variable] for variable in loop.variables],
            }
        )
    return {"elements": elements, "connections": connections, "loops": loop_items}
