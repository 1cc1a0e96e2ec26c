"""The platform tree: no platform is its own parent or ancestor; display order depth-first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catchment.alliances import tree
from catchment.alliances.tree import TreeError

PARENTS = {"nat": None, "d1": "nat", "d2": "nat", "c1": "d1", "c2": "d1", "c3": "d2"}


def test_arrange_is_depth_first_in_the_given_order():
    order = ["nat", "d1", "d2", "c1", "c2", "c3"]
    assert tree.arrange(PARENTS, order) == [
        ("nat", 0),
        ("d1", 1),
        ("c1", 2),
        ("c2", 2),
        ("d2", 1),
        ("c3", 2),
    ]


@pytest.mark.parametrize(
    ("node", "parent", "code"),
    [
        ("d1", "d1", "own_parent"),
        ("nat", "c1", "own_ancestor"),
        ("d1", "c2", "own_ancestor"),
        ("d1", "x", "unknown_parent"),
    ],
)
def test_cycles_are_refused(node, parent, code):
    with pytest.raises(TreeError) as caught:
        tree.check_parent(PARENTS, node, parent)
    assert caught.value.code == code


def test_a_legal_move_and_a_new_platform_pass():
    tree.check_parent(PARENTS, "c3", "d1")
    tree.check_parent(PARENTS, None, "c3")
    tree.check_parent(PARENTS, "d2", None)


def test_data_that_already_loops_is_shown_not_lost():
    broken = {"a": "b", "b": "a", "c": None}
    assert sorted(tree.arrange(broken, ["a", "b", "c"])) == [("a", 0), ("b", 0), ("c", 0)]
    assert tree.ancestors(broken, "a") == ["b"]


@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=7))
def test_accepted_parents_never_make_a_cycle(choices):
    parents: dict[int, int | None] = {}
    for node, wanted in enumerate(choices):
        parents[node] = None
        parent = wanted if wanted in parents else None
        try:
            tree.check_parent(parents, node, parent)
            parents[node] = parent
        except TreeError:
            pass
    for node in parents:
        assert node not in tree.ancestors(parents, node)
    assert len(tree.arrange(parents, list(parents))) == len(parents)
