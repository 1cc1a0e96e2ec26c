"""Reads for systems maps (domain.md §5), each in a constant number of queries whatever the size of the
map or the number of maps. Who may read is decided by the views with `permissions`; these only load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import networkx as nx
from django.db.models import Count

from catchment.alliances import systems
from catchment.alliances.models import CausalLink, LoopNote, Platform, SystemMap, Variable
from catchment.communities.models import Community

# A dense map can hold millions of loops; the page lists at most this many (found in bounded time, since
# NetworkX yields bounded cycles one by one) and says so. Beyond a few dozen, a loop list helps no one.
MAX_LOOPS = 50


def maps_of(community: Community) -> list[SystemMap]:
    """The community's maps with `variable_count`, `link_count` and `loop_count` (a "+" in
    `loops_truncated` when there are more than MAX_LOOPS): two queries."""
    maps: list[SystemMap] = list(
        SystemMap.objects.filter(community=community)
        .annotate(
            variable_count=Count("variables", distinct=True),
            link_count=Count("links", distinct=True),
        )
        .order_by("title", "pk")
    )
    by_map: dict[int, list[systems.Link]] = defaultdict(list)
    rows = CausalLink.objects.filter(map__community=community).values_list(
        "map_id", "source_id", "target_id", "polarity", "delay"
    )
    for map_id, source, target, polarity, delay in rows:
        by_map[map_id].append(systems.Link(source, target, polarity, delay))
    for system_map in maps:
        found, truncated = loops_of(by_map.get(system_map.pk, []))
        system_map.loop_count = len(found)  # type: ignore[attr-defined]
        system_map.loops_truncated = truncated  # type: ignore[attr-defined]
    return maps


def map_for(community: Community, pk: int) -> SystemMap | None:
    return SystemMap.objects.filter(community=community, pk=pk).first()


def facilitator_of(community: Community) -> int | None:
    """The facilitator of the platform this community is, if it is one (the policy lets them edit maps)."""
    return Platform.objects.filter(community=community).values_list("facilitator_id", flat=True).first()


def loops_of(links: Iterable[systems.Link]) -> tuple[list[systems.Loop], bool]:
    """The map's loops (systems.loops), or the first MAX_LOOPS of them and True when there are more."""
    links = list(links)
    directed = systems.graph(links)
    cycles = list(islice(nx.simple_cycles(directed, length_bound=systems.LOOP_LENGTH), MAX_LOOPS + 1))
    if len(cycles) <= MAX_LOOPS:
        return systems.loops(links), False
    found = []
    for cycle in cycles[:MAX_LOOPS]:
        ordered = systems.rotate(cycle)
        steps = [(ordered[index], ordered[(index + 1) % len(ordered)]) for index in range(len(ordered))]
        found.append(
            systems.Loop(
                variables=ordered,
                signs=tuple(directed.edges[step]["polarity"] for step in steps),
                delays=tuple(bool(directed.edges[step]["delay"]) for step in steps),
            )
        )
    found.sort(key=lambda loop: (len(loop.variables), [str(v) for v in loop.variables]))
    return found, True


@dataclass
class MapContent:
    system_map: SystemMap
    variables: list[Variable]
    links: list[CausalLink]
    notes: dict[str, LoopNote]
    loops: list[systems.Loop]
    loops_truncated: bool

    @property
    def pure_links(self) -> list[systems.Link]:
        return [
            systems.Link(link.source_id, link.target_id, link.polarity, link.delay, link.strength)
            for link in self.links
        ]


def content(system_map: SystemMap) -> MapContent:
    """A map's variables, links and loop notes (three queries), with its loops found."""
    variables = list(Variable.objects.filter(map=system_map).order_by("pk"))
    links = list(CausalLink.objects.filter(map=system_map).order_by("pk"))
    notes = {note.key: note for note in LoopNote.objects.filter(map=system_map)}
    found, truncated = loops_of(
        systems.Link(link.source_id, link.target_id, link.polarity, link.delay) for link in links
    )
    return MapContent(system_map, variables, links, notes, found, truncated)
