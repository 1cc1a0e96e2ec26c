"""Social network analysis: fixtures F1, F1d and F2 of the design notes (§2.6), numbers from NetworkX 3.6.1."""

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.insights import network
from catchment.insights.network import SurveyTie, Tie

ORG = {"A": "GWP", "B": "GWP", "C": "MoW-KE", "D": "UoN", "E": "WaterCo", "F": "MoW-KE", "G": "SENAMHI"}
COUNTRY = {"A": "SE", "B": "SE", "C": "KE", "D": "KE", "E": "ZA", "F": "KE", "G": "PE"}
SECTOR = {
    "A": "NGO",
    "B": "NGO",
    "C": "Government",
    "D": "Academia",
    "E": "Private",
    "F": "Government",
    "G": "Government",
}
F1_EDGES = [("A", "B"), ("A", "C"), ("B", "C"), ("C", "D"), ("D", "E"), ("D", "F"), ("E", "F")]
F1D_EDGES = [
    ("A", "B"),
    ("B", "A"),
    ("A", "C"),
    ("C", "B"),
    ("C", "D"),
    ("D", "C"),
    ("D", "E"),
    ("E", "F"),
    ("F", "D"),
]


def approx(value):
    return pytest.approx(value, abs=1e-4)


@pytest.fixture
def f1():
    directed = network.interaction_graph([Tie(a, b) for a, b in F1_EDGES], people="ABCDEFG")
    return network.analyse(directed, {"organisation": ORG, "country": COUNTRY, "sector": SECTOR})


def test_sna1_density(f1):
    assert f1.density == approx(0.3333)


def test_sna2_degree_centrality(f1):
    assert f1.degree["C"] == approx(0.5) and f1.degree["D"] == approx(0.5)
    assert all(f1.degree[n] == approx(0.3333) for n in "ABEF")
    assert f1.degree["G"] == 0


def test_sna3_betweenness_and_brokers(f1):
    assert f1.betweenness["C"] == approx(0.4) and f1.betweenness["D"] == approx(0.4)
    assert all(f1.betweenness[n] == 0 for n in "ABEFG")
    assert set(f1.brokers) == {"C", "D"}


def test_sna4_eigenvector_per_component(f1):
    assert f1.eigenvector["C"] == approx(0.5) and f1.eigenvector["D"] == approx(0.5)
    assert all(f1.eigenvector[n] == approx(0.3536) for n in "ABEF")
    assert f1.eigenvector["G"] == 0


def test_sna5_clustering():
    graph = nx.Graph(F1_EDGES)
    graph.add_node("G")
    clustering = nx.clustering(graph)
    assert all(clustering[n] == approx(1.0) for n in "ABEF")
    assert clustering["C"] == approx(0.3333) and clustering["D"] == approx(0.3333)
    assert nx.average_clustering(graph, count_zeros=False) == approx(0.7778)


def test_sna5_average_and_transitivity(f1):
    assert f1.average_clustering == approx(0.6667)
    assert f1.transitivity == approx(0.6)


def test_sna6_isolates_bridges_articulation_points(f1):
    assert f1.isolates == ["G"]
    assert f1.bridges == [("C", "D")]
    assert f1.articulation_points == ["C", "D"]


def test_sna7_constraint_and_effective_size(f1):
    assert f1.constraint["C"] == approx(0.6111) and f1.constraint["D"] == approx(0.6111)
    assert f1.effective_size["C"] == approx(2.3333) and f1.effective_size["D"] == approx(2.3333)
    assert all(f1.constraint[n] == approx(1.0069) for n in "ABEF")
    assert all(f1.effective_size[n] == approx(1.0) for n in "ABEF")


def test_sna8_core_number(f1):
    assert all(f1.core_number[n] == 2 for n in "ABCDEF")
    assert f1.core_number["G"] == 0


def test_sna9_louvain_with_a_fixed_seed(f1):
    assert sorted(map(sorted, f1.clusters)) == [["A", "B", "C"], ["D", "E", "F"], ["G"]]
    assert f1.modularity == approx(0.3571)


def test_sna10_ei_index_by_organisation_country_and_sector(f1):
    assert f1.ei["organisation"] == approx(0.7143)
    assert f1.ei["country"] == approx(0.1429)
    assert f1.ei["sector"] == approx(0.7143)


def test_sna11_assortativity():
    graph = nx.Graph(F1_EDGES)
    graph.add_node("G")
    nx.set_node_attributes(graph, ORG, "org")
    nx.set_node_attributes(graph, COUNTRY, "country")
    assert nx.attribute_assortativity_coefficient(graph, "country") == approx(0.0)
    assert nx.attribute_assortativity_coefficient(graph, "org") == approx(-0.1831)


@pytest.fixture
def f1d():
    return network.interaction_graph([Tie(a, b) for a, b in F1D_EDGES], people="ABCDEFG")


def test_sna12_overall_reciprocity(f1d):
    assert network.analyse(f1d).reciprocity == approx(0.4444)


def test_sna13_reciprocity_per_person(f1d):
    values = nx.reciprocity(f1d, list("ABCDEF"))
    assert values["A"] == approx(0.6667) and values["B"] == approx(0.6667)
    assert values["C"] == approx(0.5) and values["D"] == approx(0.5)
    assert values["E"] == values["F"] == 0


def test_sna14_in_degree(f1d):
    values = nx.in_degree_centrality(f1d)
    assert all(values[n] == approx(0.3333) for n in "BCD")
    assert all(values[n] == approx(0.1667) for n in "AEF")
    assert values["G"] == 0


def test_sna15_gould_fernandez_brokerage(f1d):
    roles = network.gould_fernandez(f1d, ORG)
    nonzero = {node: {role: n for role, n in counts.items() if n} for node, counts in roles.items()}
    assert nonzero == {
        "A": {"representative": 1},
        "B": {"gatekeeper": 1},
        "C": {"liaison": 2},
        "D": {"itinerant": 1, "liaison": 2},
        "E": {"liaison": 1},
        "F": {"liaison": 1},
        "G": {},
    }


F2 = {"E1": ["A", "B", "C"], "E2": ["C", "D"], "E3": ["A", "C", "D", "E"]}


def weights(graph):
    return {tuple(sorted((u, v))): round(d["weight"], 4) for u, v, d in graph.edges(data=True)}


def test_sna16_weighted_projection():
    assert weights(network.co_attendance(F2)) == {
        ("A", "B"): 1,
        ("A", "C"): 2,
        ("A", "D"): 1,
        ("A", "E"): 1,
        ("B", "C"): 1,
        ("C", "D"): 2,
        ("C", "E"): 1,
        ("D", "E"): 1,
    }


def test_sna17_collaboration_projection():
    assert weights(network.co_attendance(F2, collaboration=True)) == {
        ("A", "B"): 0.5,
        ("A", "C"): 0.8333,
        ("A", "D"): 0.3333,
        ("A", "E"): 0.3333,
        ("B", "C"): 0.5,
        ("C", "D"): 1.3333,
        ("C", "E"): 0.3333,
        ("D", "E"): 0.3333,
    }


def test_reactions_are_weak_ties_and_self_loops_are_dropped():
    graph = network.interaction_graph([Tie(1, 2, "reaction"), Tie(1, 2, "reply"), Tie(3, 3)])
    assert graph[1][2]["weight"] == 1.5
    assert not graph.has_node(3)


def test_boundary_spanners_cross_organisations(f1):
    # D's three neighbours (C, E, F) all belong to other organisations; A's and B's are half their own.
    assert "D" in f1.boundary_spanners
    assert "G" not in f1.boundary_spanners


def test_survey_channels_reach_and_bridging():
    ties = [
        SurveyTie("A", "B", "email"),
        SurveyTie("A", "C", "whatsapp"),
        SurveyTie("C", "D", "whatsapp"),
        SurveyTie("D", "E", "linkedin"),
        SurveyTie("B", "A", "email"),
    ]
    result = {c.channel: c for c in network.channels(ties, ORG)}
    assert result["whatsapp"].reach == approx(2 / 4)
    assert result["email"].reach == approx(2 / 4)
    assert result["whatsapp"].bridging == approx(1.0)  # A–C and C–D cross organisations
    assert result["email"].bridging == approx(-1.0)  # A–B inside GWP
    assert network.channels(ties, ORG)[0].channel == "whatsapp"


def test_graphml_export_is_readable_by_networkx():
    graph = network.interaction_graph([Tie(1, 2), Tie(2, 3, "mention")], people=[4])
    text = network.graphml(graph)
    assert text.startswith("<?xml")
    import io

    again = nx.read_graphml(io.StringIO(text))
    assert again.number_of_nodes() == 4 and again.number_of_edges() == 2


def test_an_empty_community_has_empty_metrics():
    metrics = network.analyse(network.interaction_graph([]))
    assert metrics.nodes == 0 and metrics.density == 0 and metrics.modularity is None


def test_sampled_betweenness_is_reproducible():
    ties = [Tie(n, (n * 7 + 3) % 60) for n in range(60)] + [Tie(n, n + 1) for n in range(59)]
    first = network.analyse(network.interaction_graph(ties), betweenness_sample=20)
    second = network.analyse(network.interaction_graph(ties), betweenness_sample=20)
    assert first.betweenness == second.betweenness


# The existing-connections survey, worked by hand: respondents A, B, C, D; X is named but did not answer.
SURVEY_ORG = {"A": "org1", "B": "org1", "C": "org2", "D": "org3", "X": "org2"}
SURVEY_TIES = [
    SurveyTie("A", "C", "email", 3),
    SurveyTie("A", "C", "meetings", 2),
    SurveyTie("A", "X", "messaging", 4),
    SurveyTie("B", "A", "email", 4),
    SurveyTie("B", "X", "messaging", 3),
    SurveyTie("C", "X", "email", 2),
    SurveyTie("C", "D", "linkedin", 1),
    SurveyTie("D", "X", "messaging", 5),
    SurveyTie("D", "A", "email", 2),
]


def test_survey_report_by_hand():
    report = network.survey_report(SURVEY_TIES, "ABCD", SURVEY_ORG, engaged={"A"})
    assert report.respondents == 4
    # X is named by all four, A by B and D, C by A, D by C.
    assert report.in_degree == {"A": 2, "B": 0, "C": 1, "D": 1, "X": 4}
    assert report.named == 4
    assert report.go_to == ["X", "A"]
    # Top decile of the four named people is X alone; X is not engaged on the platform.
    assert report.to_draw_in == ["X"]
    # Pairs: A-C, A-X, A-B, B-X, C-X, C-D, D-X, A-D; A-B and C-X stay inside an organisation: 6 of 8 cross.
    assert report.cross_organisation == pytest.approx(0.75)
    by_channel = {c.channel: c for c in report.channels}
    # email: used by all four; 4 of 9 ties; A-C and A-D cross, A-B and C-X do not: E-I = (2 - 2) / 4.
    assert by_channel["email"].reach == 1.0
    assert by_channel["email"].tie_share == pytest.approx(4 / 9)
    assert by_channel["email"].bridging == 0.0
    # messaging: A, B and D; 3 of 9 ties, every one across organisations.
    assert by_channel["messaging"].reach == 0.75
    assert by_channel["messaging"].bridging == 1.0
    assert [c.channel for c in report.channels] == ["email", "messaging", "linkedin", "meetings"]
    assert report.recommended == ["email", "messaging"]
    # Five people, eight undirected ties out of ten possible; no tie is returned.
    assert report.metrics.nodes == 5
    assert report.metrics.edges == 8
    assert report.metrics.density == pytest.approx(0.8)
    assert report.metrics.reciprocity == 0.0


def test_survey_report_counts_silent_respondents_and_an_empty_survey():
    report = network.survey_report([SurveyTie("A", "B", "email")], ["A", "Q", "R", "S"], {})
    assert report.respondents == 4
    # Reach is a share of everyone who answered, those who named nobody included: 1 of 4.
    assert report.channels[0].reach == 0.25 and report.channels[0].respondents == 1
    assert "Q" in report.metrics.isolates
    assert report.cross_organisation is None
    assert report.go_to == []  # one respondent naming someone is not yet a go-to person
    empty = network.survey_report([], [], {})
    assert (empty.respondents, empty.named, empty.channels, empty.recommended) == (0, 0, [], [])


survey_ties = st.lists(
    st.builds(
        SurveyTie,
        st.sampled_from("ABCDE"),
        st.sampled_from("ABCDEXYZ"),
        st.sampled_from(["email", "messaging", "linkedin", "meetings"]),
        st.integers(1, 5),
    ),
    max_size=40,
)


@given(survey_ties, st.dictionaries(st.sampled_from("ABCDEXYZ"), st.sampled_from(["o1", "o2", "o3"])))
def test_survey_report_shares_stay_in_bounds(ties, organisation):
    report = network.survey_report(ties, {tie.respondent for tie in ties}, organisation)
    if any(tie.respondent != tie.alter for tie in ties):
        assert sum(c.tie_share for c in report.channels) == pytest.approx(1.0)
    for channel in report.channels:
        assert 0 < channel.reach <= 1
        assert channel.bridging is None or -1 <= channel.bridging <= 1
    assert all(report.in_degree[node] >= 2 for node in report.go_to)
    assert set(report.to_draw_in) <= set(report.go_to)
    assert report.cross_organisation is None or 0 <= report.cross_organisation <= 1


def test_survey_ties_drop_self_ties_and_count_a_person_once_per_channel():
    ties = [
        SurveyTie("A", "A", "email", 5),  # typed their own name
        SurveyTie("A", "B", "email", 2),
        SurveyTie("A", "B", "email", 4),  # the same person on two lines
        SurveyTie("A", "B", "meetings", 1),
    ]
    assert network.clean_ties(ties) == [SurveyTie("A", "B", "email", 4), SurveyTie("A", "B", "meetings", 1)]
    report = network.survey_report(ties, ["A"], {})
    assert {c.channel: (c.ties, c.tie_share) for c in report.channels} == {
        "email": (1, 0.5),
        "meetings": (1, 0.5),
    }
    assert report.in_degree == {"A": 0, "B": 1}


graphs = st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=60).map(
    lambda edges: nx.Graph([(a, b) for a, b in edges if a != b])
)


@given(graphs)
def test_fast_constraint_and_effective_size_agree_with_networkx(graph):
    nodes = [node for node in graph if graph.degree(node) > 0]
    expected = nx.constraint(graph, nodes=nodes) if nodes else {}
    assert network.constraint(graph, nodes) == pytest.approx(expected)
    assert network.effective_size(graph, nodes) == pytest.approx(
        nx.effective_size(graph, nodes=nodes) if nodes else {}
    )
