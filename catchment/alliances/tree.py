"""The platform tree of a learning alliance: a platform's parent is another platform of the same alliance,
and no platform may become its own ancestor. Pure: works on a {platform: parent} mapping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

LEVELS = ("national", "basin", "regional", "intermediate", "community")


class TreeError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def ancestors(parents: Mapping[K, K | None], node: K) -> list[K]:
    """From the parent up to the root; stops (without looping) if the data already holds a cycle."""
    seen: list[K] = []
    current = parents.get(node)
    while current is not None and current not in seen and current != node:
        seen.append(current)
        current = parents.get(current)
    return seen


def check_parent(parents: Mapping[K, K | None], node: K | None, parent: K | None) -> None:
    """Refuse a parent that is the platform itself, unknown, or one of its descendants (a cycle)."""
    if parent is None:
        return
    if node is not None and parent == node:
        raise TreeError("own_parent")
    if parent not in parents:
        raise TreeError("unknown_parent")
    if node is not None and node in ancestors(parents, parent):
        raise TreeError("own_ancestor")


def arrange(parents: Mapping[K, K | None], order: Sequence[K]) -> list[tuple[K, int]]:
    """The tree as (node, depth) in display order: roots first, each followed by its children, depth-first,
    siblings in `order`. Nodes caught in a cycle (from bad data) come last at depth 0, never lost."""
    rank = {node: index for index, node in enumerate(order)}
    children: dict[K | None, list[K]] = defaultdict(list)
    for node in order:
        parent = parents.get(node)
        children[parent if parent in parents else None].append(node)
    for kids in children.values():
        kids.sort(key=lambda node: rank[node])
    result: list[tuple[K, int]] = []
    placed: set[K] = set()
    stack: list[tuple[K, int]] = [(node, 0) for node in reversed(children[None])]
    while stack:
        node, depth = stack.pop()
        if node in placed:
            continue
        placed.add(node)
        result.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node, [])))
    result.extend((node, 0) for node in order if node not in placed)
    return result
