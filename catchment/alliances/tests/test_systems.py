"""domain.md §5.5: the systems-map fixtures SM1–SM8 on the groundwater example of §5.4."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.alliances import systems
from catchment.alliances.systems import ImportProblem, Link, PolarityError

IRRIGATED, ABSTRACTION, LEVEL, COST, INCOME, INVESTMENT, AWARENESS, ENFORCEMENT = range(1, 9)
NAMES = {
    IRRIGATED: "Irrigated area",
    ABSTRACTION: "Groundwater abstraction",
    LEVEL: "Groundwater level",
    COST: "Pumping cost",
    INCOME: "Farm income",
    INVESTMENT: "Investment in wells",
    AWARENESS: "Awareness of scarcity",
    ENFORCEMENT: "Regulation enforcement",
}
GROUNDWATER = [
    Link(IRRIGATED, ABSTRACTION, +1),
    Link(ABSTRACTION, LEVEL, -1),
    Link(LEVEL, COST, -1),
    Link(COST, IRRIGATED, -1),
    Link(IRRIGATED, INCOME, +1),
    Link(INCOME, INVESTMENT, +1, delay=True),
    Link(INVESTMENT, IRRIGATED, +1),
    Link(LEVEL, AWARENESS, -1),
    Link(AWARENESS, ENFORCEMENT, +1),
    Link(ENFORCEMENT, ABSTRACTION, -1),
]


def _loop(members):
    found = {frozenset(loop.variables): loop for loop in systems.loops(GROUNDWATER)}
    return found[frozenset(members)]


def test_sm1_exactly_three_loops():
    assert len(systems.loops(GROUNDWATER)) == 3


def test_sm2_the_pumping_cost_loop_is_balancing():
    loop = _loop({IRRIGATED, ABSTRACTION, LEVEL, COST})
    assert (loop.n_negative, loop.polarity) == (3, "B")
    assert loop.variables == (IRRIGATED, ABSTRACTION, LEVEL, COST)
    assert loop.key == "1-2-3-4"


def test_sm3_the_regulation_loop_is_balancing():
    loop = _loop({ABSTRACTION, LEVEL, AWARENESS, ENFORCEMENT})
    assert (loop.n_negative, loop.polarity) == (3, "B")
    assert loop.variables == (ABSTRACTION, LEVEL, AWARENESS, ENFORCEMENT)


def test_sm4_the_investment_loop_is_reinforcing_and_delayed():
    loop = _loop({IRRIGATED, INCOME, INVESTMENT})
    assert (loop.n_negative, loop.polarity, loop.has_delay) == (0, "R", True)


def test_sm5_the_product_rule():
    assert systems.loop_polarity([+1, -1, +1]) == "B"
    assert systems.loop_polarity([+1, -1, -1]) == "R"
    three = [Link("a", "b", +1), Link("b", "c", -1), Link("c", "a", +1)]
    assert [loop.polarity for loop in systems.loops(three)] == ["B"]


def test_sm6_direct_influence_and_dependence():
    positions = systems.influence_dependence(NAMES, GROUNDWATER)
    assert (positions[LEVEL].influence, positions[LEVEL].dependence) == (2, 1)
    assert (positions[IRRIGATED].influence, positions[IRRIGATED].dependence) == (2, 2)
    assert (positions[ABSTRACTION].influence, positions[ABSTRACTION].dependence) == (1, 2)
    # medians are 1 and 1: strictly above is high
    assert positions[LEVEL].quadrant == "driver"
    assert positions[IRRIGATED].quadrant == "relay"
    assert positions[ABSTRACTION].quadrant == "dependent"
    assert positions[COST].quadrant == "autonomous"


@pytest.mark.parametrize("polarity", [0, 2, -2, True])
def test_sm7_a_link_with_polarity_zero_is_rejected(polarity):
    with pytest.raises(PolarityError):
        Link(1, 2, polarity)
    with pytest.raises(PolarityError):
        systems.loop_polarity([1, polarity])


def _kumu_of_groundwater():
    variables = [{"id": key, "label": label, "domain": "hydrological"} for key, label in NAMES.items()]
    links = [
        {
            "id": index,
            "source": link.source,
            "target": link.target,
            "polarity": link.polarity,
            "delay": link.delay,
        }
        for index, link in enumerate(GROUNDWATER, start=1)
    ]
    found = systems.loops(GROUNDWATER)
    names = {found[0].key: {"name": "Wells pay", "narrative": "Income buys wells."}}
    return systems.to_kumu(variables, links, found, names), found


def test_sm8_kumu_round_trip_keeps_elements_connections_loops_and_polarity():
    blueprint, found = _kumu_of_groundwater()
    parsed = systems.parse_kumu(json.loads(json.dumps(blueprint)))
    assert [variable.label for variable in parsed.variables] == list(NAMES.values())
    by_label = {label: key for key, label in NAMES.items()}
    links = [
        Link(by_label[link.source], by_label[link.target], link.polarity, link.delay) for link in parsed.links
    ]
    assert sorted((link.source, link.target, link.polarity, link.delay) for link in links) == sorted(
        (link.source, link.target, link.polarity, link.delay) for link in GROUNDWATER
    )
    again = systems.loops(links)
    assert [(loop.key, loop.polarity) for loop in again] == [(loop.key, loop.polarity) for loop in found]
    assert len(parsed.loops) == 3
    named = [loop for loop in parsed.loops if loop.name == "Wells pay"]
    assert named and systems.rotate([by_label[label] for label in named[0].labels]) == found[0].variables
    assert named[0].narrative == "Income buys wells."


def test_a_plain_kumu_blueprint_with_word_polarities_is_read():
    parsed = systems.parse_kumu(
        {
            "elements": [{"label": "Rain"}, {"label": "Recharge", "tags": ["Hydrological"]}],
            "connections": [{"from": "Rain", "to": "Recharge", "type": "Same", "delay": "yes"}],
        }
    )
    assert parsed.links[0].polarity == 1 and parsed.links[0].delay is True
    assert parsed.variables[1].domain == "hydrological"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"nodes": []}, ("file", 0, "elements", "not_a_map")),
        ({"elements": [{"label": ""}]}, ("element", 1, "label", "missing")),
        ({"elements": [{"label": "A"}, {"label": "a"}]}, ("element", 2, "label", "duplicate")),
        (
            {"elements": [{"label": "A"}], "connections": [{"from": "A", "to": "B", "type": "+"}]},
            ("connection", 1, "to", "unknown_element"),
        ),
        (
            {"elements": [{"label": "A"}, {"label": "B"}], "connections": [{"from": "A", "to": "B"}]},
            ("connection", 1, "polarity", "missing_polarity"),
        ),
        (
            {
                "elements": [{"label": "A"}, {"label": "B"}],
                "connections": [{"from": "A", "to": "B", "polarity": "0"}],
            },
            ("connection", 1, "polarity", "missing_polarity"),
        ),
        (
            {
                "elements": [{"label": "A"}, {"label": "B"}],
                "connections": [{"from": "A", "to": "B", "type": "+", "strength": 7}],
            },
            ("connection", 1, "strength", "out_of_scale"),
        ),
    ],
)
def test_bad_files_name_the_item_and_field(data, where):
    with pytest.raises(ImportProblem) as caught:
        systems.parse_kumu(data)
    problem = caught.value
    assert (problem.section, problem.number, problem.field, problem.code) == where


def test_coupling_checks():
    domains = {1: "hydrological", 2: "social", 3: "economic"}
    coupled = systems.coupling(domains, [Link(1, 2, 1), Link(2, 3, 1)])
    assert coupled.warnings == ()
    assert (coupled.cross_domain_share, coupled.cross_side_share) == (1.0, 0.5)
    assert systems.coupling({1: "social", 2: "economic"}, [Link(1, 2, 1)]).warnings == ("only_human",)
    assert systems.coupling({1: "hydrological", 2: "social"}, []).warnings == ("not_coupled",)
    assert "unclassified" in systems.coupling({1: "", 2: "hydrological"}, []).warnings


edges = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.sampled_from([1, -1])), max_size=20).map(
    lambda items: list({(a, b): s for a, b, s in items if a != b}.items())
)


@given(edges)
def test_every_loop_is_closed_labelled_by_the_sign_rule_and_found_once(items):
    links = [Link(a, b, sign) for (a, b), sign in items]
    signs = {(link.source, link.target): link.polarity for link in links}
    found = systems.loops(links)
    assert len({loop.key for loop in found}) == len(found)
    for loop in found:
        assert loop.variables[0] == min(loop.variables)
        steps = list(zip(loop.variables, loop.variables[1:] + loop.variables[:1], strict=True))
        assert all(step in signs for step in steps)
        negatives = sum(1 for step in steps if signs[step] < 0)
        assert loop.polarity == ("R" if negatives % 2 == 0 else "B")


def test_odd_kumu_files_are_cleaned_or_refused_never_crash():
    parsed = systems.parse_kumu(
        {
            "elements": [{"label": "A\x00\ud800", "tags": 5}, {"label": "B", "tags": True}],
            "connections": [{"from": "A?", "to": "B", "type": "+"}],
            "loops": [{"label": "long", "elements": ["A?", "B"] * 40}],
        }
    )
    assert parsed.variables[0].label == "A?"
    assert parsed.loops == []
    with pytest.raises(ImportProblem) as caught:
        systems.parse_kumu({"elements": [{"label": f"v{n}"} for n in range(systems.MAX_VARIABLES + 1)]})
    assert caught.value.code == "too_many_variables"
