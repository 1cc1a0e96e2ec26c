"""Social network analysis of a community, with NetworkX: who is connected to whom, who sits at the core
and who at the periphery, who brokers between groups, and how much the community crosses organisational,
national and sectoral boundaries (design notes §2.2–2.3, fixtures §2.6).

Pure: graphs are built from plain edge lists; no database, no clock. Betweenness can be sampled (`k`) for
large communities; Louvain clusters use a fixed seed so results are reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
from networkx.algorithms import bipartite

# Weights by kind of tie (design notes §2.2): reactions are weak ties.
TIE_WEIGHTS = {"reply": 1.0, "mention": 1.0, "reaction": 0.5}
LOUVAIN_SEED = 42


@dataclass(frozen=True)
class Tie:
    """A directed interaction: `source` responded to, mentioned or reacted to `target`."""

    source: int | str
    target: int | str
    kind: str = "reply"
    count: int = 1


def interaction_graph(ties: Iterable[Tie], people: Iterable[int | str] = ()) -> nx.DiGraph:
    """A weighted directed graph of ties, self-loops dropped; `people` adds members with no tie (isolates)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(people)
    for tie in ties:
        if tie.source == tie.target:
            continue
        weight = TIE_WEIGHTS.get(tie.kind, 1.0) * tie.count
        if graph.has_edge(tie.source, tie.target):
            graph[tie.source][tie.target]["weight"] += weight
        else:
            graph.add_edge(tie.source, tie.target, weight=weight)
    return graph


def undirected(graph: nx.DiGraph) -> nx.Graph:
    """The same ties without direction; weights of both directions added."""
    plain = nx.Graph()
    plain.add_nodes_from(graph.nodes(data=True))
    for source, target, data in graph.edges(data=True):
        weight = data.get("weight", 1.0)
        if plain.has_edge(source, target):
            plain[source][target]["weight"] += weight
        else:
            plain.add_edge(source, target, weight=weight)
    return plain


def co_attendance(events: Mapping[str, Iterable[int | str]], collaboration: bool = False) -> nx.Graph:
    """People linked by the events they both attended (bipartite projection). With `collaboration`,
    Newman's weighting damps large webinars (each event adds 1/(n-1) to each pair)."""
    bipartite_graph = nx.Graph()
    people: set[int | str] = set()
    if not any(True for attendees in events.values() for _ in attendees):
        return nx.Graph()
    for event, attendees in events.items():
        node = ("event", event)
        bipartite_graph.add_node(node, bipartite=1)
        for person in attendees:
            people.add(person)
            bipartite_graph.add_node(person, bipartite=0)
            bipartite_graph.add_edge(person, node)
    if collaboration:
        return bipartite.collaboration_weighted_projected_graph(bipartite_graph, people)
    return bipartite.weighted_projected_graph(bipartite_graph, people)


def ei_index(graph: nx.Graph, attribute: Mapping[int | str, str]) -> float | None:
    """Krackhardt and Stern's E-I index: (external − internal) / all ties, from −1 (insular) to +1."""
    external = internal = 0
    for source, target in graph.edges():
        left, right = attribute.get(source), attribute.get(target)
        if not left or not right:
            continue
        if left == right:
            internal += 1
        else:
            external += 1
    total = external + internal
    return (external - internal) / total if total else None


def node_ei(graph: nx.Graph, attribute: Mapping[int | str, str]) -> dict[int | str, float | None]:
    """Each person's own E-I index (their ties across the attribute's boundary)."""
    result: dict[int | str, float | None] = {}
    for node in graph:
        own = attribute.get(node)
        outside = inside = 0
        for neighbour in graph.neighbors(node):
            other = attribute.get(neighbour)
            if not own or not other:
                continue
            if other == own:
                inside += 1
            else:
                outside += 1
        result[node] = (outside - inside) / (outside + inside) if outside + inside else None
    return result


def eigenvector_per_component(graph: nx.Graph) -> dict[int | str, float]:
    """Eigenvector centrality computed within each connected component (it is ill-defined across them);
    isolated people score 0."""
    scores: dict[int | str, float] = {}
    for component in nx.connected_components(graph):
        if len(component) < 2:
            scores.update(dict.fromkeys(component, 0.0))
            continue
        scores.update(nx.eigenvector_centrality(graph.subgraph(component), max_iter=1000))
    return scores


def gould_fernandez(graph: nx.DiGraph, group: Mapping[int | str, str]) -> dict[int | str, dict[str, int]]:
    """Gould and Fernandez's brokerage roles, counting open two-paths a→b→c (no a→c tie) at each b."""
    roles = {
        node: {"coordinator": 0, "itinerant": 0, "representative": 0, "gatekeeper": 0, "liaison": 0}
        for node in graph
    }
    for middle in graph:
        for first in graph.predecessors(middle):
            for last in graph.successors(middle):
                if len({first, middle, last}) < 3 or graph.has_edge(first, last):
                    continue
                a, b, c = group.get(first), group.get(middle), group.get(last)
                if a == b == c:
                    role = "coordinator"
                elif a == c != b:
                    role = "itinerant"
                elif a == b != c:
                    role = "representative"
                elif b == c != a:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                roles[middle][role] += 1
    return roles


def constraint(graph: nx.Graph, nodes: Iterable[int | str] | None = None) -> dict[int | str, float]:
    """Burt's constraint, unweighted, as `nx.constraint(graph, nodes)` computes it, but fast on large
    communities: NetworkX recomputes each neighbour's normalised weight inside a triple loop (cubic in the
    degree of the best connected people), here the shares p(i, j) = 1 / degree(i) are known and the
    indirect paths i → q → j run only over the common neighbours of i and j. Isolates are left out
    (their constraint is undefined)."""
    neighbours = {node: set(graph[node]) - {node} for node in graph}
    result: dict[int | str, float] = {}
    for node in graph if nodes is None else nodes:
        around = neighbours[node]
        if not around:
            continue
        share = 1.0 / len(around)
        total = 0.0
        for other in around:
            # p(node, q) * p(q, other) over the q both know; p(q, other) = 1 / degree(q).
            indirect = sum(share / len(neighbours[q]) for q in around & neighbours[other])
            total += (share + indirect) ** 2
        result[node] = total
    return result


def effective_size(graph: nx.Graph, nodes: Iterable[int | str] | None = None) -> dict[int | str, float]:
    """Burt's effective size, unweighted: degree − 2 × (ties among the neighbours) / degree, as
    `nx.effective_size` gives it, from triangle counts."""
    chosen = [node for node in (graph if nodes is None else nodes) if graph.degree(node) > 0]
    triangles = nx.triangles(graph, chosen) if chosen else {}
    return {node: graph.degree(node) - 2 * triangles[node] / graph.degree(node) for node in chosen}


def _top_decile(
    values: Mapping[int | str, float], among: Iterable[int | str], highest: bool
) -> set[int | str]:
    candidates = [node for node in among if values.get(node) is not None and not math.isnan(values[node])]
    if not candidates:
        return set()
    count = max(1, math.ceil(len(candidates) / 10))
    ordered = sorted(candidates, key=lambda node: values[node], reverse=highest)
    threshold = values[ordered[count - 1]]
    if highest and threshold <= 0:
        return set()
    return {
        node for node in candidates if (values[node] >= threshold if highest else values[node] <= threshold)
    }


@dataclass
class Metrics:
    """What the network view and its tables show."""

    nodes: int
    edges: int
    density: float
    average_clustering: float
    transitivity: float
    components: list[list[int | str]]
    isolates: list[int | str]
    bridges: list[tuple[int | str, int | str]]
    articulation_points: list[int | str]
    degree: dict[int | str, float]
    betweenness: dict[int | str, float]
    eigenvector: dict[int | str, float]
    core_number: dict[int | str, int]
    clusters: list[list[int | str]]
    modularity: float | None
    constraint: dict[int | str, float]
    effective_size: dict[int | str, float]
    brokers: list[int | str]
    boundary_spanners: list[int | str]
    ei: dict[str, float | None] = field(default_factory=dict)
    reciprocity: float | None = None


def _sorted(nodes: Iterable[int | str]) -> list[int | str]:
    return sorted(nodes, key=str)


def analyse(
    directed: nx.DiGraph,
    attributes: Mapping[str, Mapping[int | str, str]] | None = None,
    betweenness_sample: int | None = None,
    seed: int = LOUVAIN_SEED,
) -> Metrics:
    """Every metric of the design notes for one interaction network. `attributes` maps an attribute name
    (organisation, country, stakeholder group) to each person's value, for E-I indices and spanners."""
    attributes = attributes or {}
    graph = undirected(directed)
    non_isolates = [node for node in graph if graph.degree(node) > 0]
    sample = (
        betweenness_sample if betweenness_sample and betweenness_sample < graph.number_of_nodes() else None
    )
    betweenness = nx.betweenness_centrality(graph, normalized=True, k=sample, seed=seed if sample else None)
    constrained = constraint(graph, non_isolates)
    effective = effective_size(graph, non_isolates)
    clusters = (
        [_sorted(c) for c in nx.community.louvain_communities(graph, seed=seed)]
        if graph.number_of_nodes()
        else []
    )
    modularity = nx.community.modularity(graph, clusters) if graph.number_of_edges() else None
    connected = [node for node in graph if graph.degree(node) >= 2]
    brokers = _top_decile(betweenness, connected, highest=True) | _top_decile(
        constrained, connected, highest=False
    )
    spanners: set[int | str] = set()
    for values in attributes.values():
        own = node_ei(graph, values)
        spanners |= {node for node in connected if (own.get(node) or -1) > 0}
    return Metrics(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=nx.density(graph) if graph.number_of_nodes() > 1 else 0.0,
        average_clustering=nx.average_clustering(graph, count_zeros=True) if graph.number_of_nodes() else 0.0,
        transitivity=nx.transitivity(graph),
        components=sorted(
            (_sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), str(c))
        ),
        isolates=_sorted(nx.isolates(graph)),
        bridges=sorted((tuple(sorted(edge, key=str)) for edge in nx.bridges(graph)), key=str),
        articulation_points=_sorted(nx.articulation_points(graph)),
        degree=nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else dict.fromkeys(graph, 0.0),
        betweenness=betweenness,
        eigenvector=eigenvector_per_component(graph),
        core_number=nx.core_number(graph),
        clusters=sorted(clusters, key=lambda c: (-len(c), str(c))),
        modularity=modularity,
        constraint=constrained,
        effective_size=effective,
        brokers=_sorted(brokers),
        boundary_spanners=_sorted(spanners),
        ei={name: ei_index(graph, values) for name, values in attributes.items()},
        reciprocity=nx.overall_reciprocity(directed) if directed.number_of_edges() else None,
    )


@dataclass(frozen=True)
class SurveyTie:
    """An answer to "whom do you turn to for advice on this topic, and through which channel?"."""

    respondent: int | str
    alter: int | str
    channel: str
    frequency: int = 1


@dataclass(frozen=True)
class ChannelReach:
    channel: str
    reach: float  # share of respondents who use it
    tie_share: float  # share of all ties that go through it
    bridging: float | None  # cross-organisation E-I index of its ties
    respondents: int = 0  # how many respondents use it
    ties: int = 0  # how many ties go through it


def clean_ties(ties: Iterable[SurveyTie]) -> list[SurveyTie]:
    """Survey ties as counted: nobody turns to themselves, and a respondent naming the same person twice
    on one channel is one tie (the higher frequency kept). Order is kept."""
    kept: dict[tuple[int | str, int | str, str], SurveyTie] = {}
    for tie in ties:
        if tie.respondent == tie.alter:
            continue
        key = (tie.respondent, tie.alter, tie.channel)
        if key not in kept or kept[key].frequency < tie.frequency:
            kept[key] = tie
    return list(kept.values())


def channels(
    ties: Sequence[SurveyTie],
    organisation: Mapping[int | str, str],
    respondents: Iterable[int | str] | None = None,
) -> list[ChannelReach]:
    """For each channel of the existing-connections survey: the share of respondents who use it (of all
    `respondents`, those who named nobody included; by default those who named someone), the share of ties
    it carries, and how far it bridges organisations; best for outreach first (reach, then bridging)."""
    everyone = set(respondents) if respondents is not None else {tie.respondent for tie in ties}
    everyone |= {tie.respondent for tie in ties}
    result = []
    for channel in sorted({tie.channel for tie in ties}):
        used = [tie for tie in ties if tie.channel == channel]
        graph = nx.Graph()
        graph.add_edges_from((tie.respondent, tie.alter) for tie in used if tie.respondent != tie.alter)
        users = len({tie.respondent for tie in used})
        result.append(
            ChannelReach(
                channel=channel,
                reach=users / len(everyone),
                tie_share=len(used) / len(ties),
                bridging=ei_index(graph, organisation),
                respondents=users,
                ties=len(used),
            )
        )
    return sorted(
        result, key=lambda c: (-c.reach, -(c.bridging if c.bridging is not None else -2), c.channel)
    )


def survey_graph(ties: Iterable[SurveyTie]) -> nx.DiGraph:
    """The advice network from the survey: respondent → the person they turn to, weighted by frequency."""
    graph = nx.DiGraph()
    for tie in ties:
        if tie.respondent == tie.alter:
            continue
        if graph.has_edge(tie.respondent, tie.alter):
            graph[tie.respondent][tie.alter]["weight"] += tie.frequency
            graph[tie.respondent][tie.alter]["channels"] += f",{tie.channel}"
        else:
            graph.add_edge(tie.respondent, tie.alter, weight=float(tie.frequency), channels=tie.channel)
    return graph


@dataclass
class SurveyReport:
    """What the existing-connections survey says (design notes §2.2)."""

    respondents: int
    named: int  # distinct people named as someone to turn to
    cross_organisation: float | None  # share of respondent–contact pairs that cross organisations
    channels: list[ChannelReach]
    recommended: list[str]  # the channels to reach the audience through
    in_degree: dict[int | str, int]  # how many respondents turn to each person
    go_to: list[int | str]  # turned to by at least two respondents, most first
    to_draw_in: list[int | str]  # "peripheral specialists": go-to people not engaged on the platform
    metrics: Metrics


def survey_report(
    ties: Sequence[SurveyTie],
    respondents: Iterable[int | str],
    organisation: Mapping[int | str, str],
    engaged: Iterable[int | str] = (),
    recommend: int = 2,
) -> SurveyReport:
    """Analyse the survey's advice network like the interaction network, plus reach and bridging per
    channel. `engaged` are the people already core or active on the platform: the go-to people in the top
    decile of in-degree who are not among them are the specialists to draw in."""
    respondents = set(respondents)
    ties = clean_ties(ties)
    graph = survey_graph(ties)
    graph.add_nodes_from(respondents)  # those who named nobody are isolates, not absent
    in_degree = {node: graph.in_degree(node) for node in graph}
    named = [node for node, count in in_degree.items() if count > 0]
    go_to = sorted((node for node in named if in_degree[node] >= 2), key=lambda n: (-in_degree[n], str(n)))
    top = _top_decile({node: float(in_degree[node]) for node in named}, named, highest=True)
    engaged_set = set(engaged)
    pairs = {
        tuple(sorted((tie.respondent, tie.alter), key=str)) for tie in ties if tie.respondent != tie.alter
    }
    known = [(a, b) for a, b in pairs if organisation.get(a) and organisation.get(b)]
    reach = channels(ties, organisation, respondents) if ties else []
    return SurveyReport(
        respondents=len(respondents),
        named=len(named),
        cross_organisation=(
            sum(1 for a, b in known if organisation[a] != organisation[b]) / len(known) if known else None
        ),
        channels=reach,
        recommended=[channel.channel for channel in reach[:recommend]],
        in_degree=in_degree,
        go_to=go_to,
        to_draw_in=[node for node in go_to if node in top and node not in engaged_set],
        metrics=analyse(graph, {"organisation": organisation}),
    )


def layout(graph: nx.Graph, seed: int = LOUVAIN_SEED) -> dict[int | str, tuple[float, float]]:
    """Positions in the unit square for drawing (force-directed, seeded, so the same network is drawn the
    same way each time)."""
    alone = sorted((node for node in graph if graph.degree(node) == 0), key=str)
    connected = graph.subgraph([node for node in graph if graph.degree(node) > 0])
    result: dict[int | str, tuple[float, float]] = {}
    # People with no tie would push everyone else into the middle: they get a row of their own below.
    height = 0.86 if alone else 0.96
    if connected.number_of_nodes() == 1:
        result[next(iter(connected.nodes))] = (0.5, height / 2)
    elif connected.number_of_nodes() > 1:
        positions = nx.spring_layout(connected, seed=seed, weight="weight", iterations=80)
        xs = [float(x) for x, _y in positions.values()]
        ys = [float(y) for _x, y in positions.values()]
        span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        for node, (x, y) in positions.items():
            result[node] = (
                round(0.04 + 0.92 * (float(x) - min(xs)) / span_x, 4),
                round(0.04 + (height - 0.08) * (float(y) - min(ys)) / span_y, 4),
            )
    for index, node in enumerate(alone):
        result[node] = (round(0.04 + 0.92 * (index + 0.5) / len(alone), 4), 0.95)
    return result


def graphml(graph: nx.Graph | nx.DiGraph) -> str:
    """The network as GraphML (for Gephi, yEd, Kumu, NodeXL)."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(nx.generate_graphml(graph))
