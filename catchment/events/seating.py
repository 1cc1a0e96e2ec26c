"""World Café seating: who sits at which table in each round, so that people meet as many new faces as possible.

Pure computation: no Django, no database, no clock. All randomness comes from `random.Random(seed)`, so a
plan can be recomputed exactly from its inputs.

The objective is lexicographic (from the design notes): first no traveller returns to a table, then as few
pairs as possible share a table twice, then as few tables as possible hold two people from the same
organisation, then from the same country. Hosts stay put, and table sizes in a round differ by at most one.
`language` is carried for the caller but is not part of the objective, which the notes rank without it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

# The swap search ends when a pass changes nothing, which takes a handful of passes in practice; the cap
# only keeps a pathological input from running long.
_MAX_SEARCH_PASSES = 40
# A restart for 200 people with many shared organisations costs a hundred times one for 24, so restarts
# stop once this much work is done (about a second on a laptop). Work is counted, not timed, so that the
# same input and seed give the same plan on any machine.
_WORK_BUDGET = 6_000_000


@dataclass(frozen=True)
class Person:
    id: int
    organisation: str = ""
    country: str = ""
    language: str = ""


@dataclass(frozen=True)
class Plan:
    rounds: list[list[list[int]]]  # rounds[r][t]: ids at table t in round r, the host (if any) first
    hosts: list[int | None]  # hosts[t]: the id hosting table t, or None

    def repeated_pairs(self) -> int:
        """How many co-seatings repeat an earlier one: the sum over pairs of (times together - 1)."""
        together: dict[tuple[int, int], int] = {}
        for tables in self.rounds:
            for table in tables:
                for pair in combinations(sorted(table), 2):
                    together[pair] = together.get(pair, 0) + 1
        return sum(count - 1 for count in together.values() if count > 1)

    def table_sizes(self) -> list[list[int]]:
        """The number of people at each table, round by round."""
        return [[len(table) for table in tables] for tables in self.rounds]

    def revisits(self) -> int:
        """How many times a traveller sits at a table they have already sat at."""
        hosts = {host for host in self.hosts if host is not None}
        seen: set[tuple[int, int]] = set()
        count = 0
        for tables in self.rounds:
            for index, table in enumerate(tables):
                for person in table:
                    if person in hosts:
                        continue
                    if (person, index) in seen:
                        count += 1
                    seen.add((person, index))
        return count


class SeatingError(ValueError):
    """A request that no seating can satisfy.

    `template` and `params` are kept apart so that the caller can translate the template and then fill it
    in; str() of the error is the English message.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


@dataclass
class _Problem:
    """The validated request in terms of indexes 0..n-1, which the search uses instead of ids."""

    ids: list[int]
    tables: int
    rounds: int
    host_of: list[int | None]  # host_of[t]: index of the host of table t
    is_host: list[bool]
    organisation: list[int]  # a code per person; blanks get distinct negative codes, so never match
    country: list[int]
    organisation_members: list[list[int]]
    country_members: list[list[int]]

    @property
    def size(self) -> int:
        return len(self.ids)


def _codes(labels: list[str]) -> tuple[list[int], list[list[int]]]:
    codes: dict[str, int] = {}
    per_person: list[int] = []
    members: list[list[int]] = []
    for index, label in enumerate(labels):
        # Labels are typed by people, so "GWP " and "gwp" are the same organisation.
        label = label.strip().casefold()
        if not label:
            # A code of its own, below zero, so a blank never matches anyone, blank or not.
            per_person.append(-1 - index)
            continue
        if label not in codes:
            codes[label] = len(members)
            members.append([])
        per_person.append(codes[label])
        members[codes[label]].append(index)
    return per_person, members


def _problem(
    people: Sequence[Person],
    tables: int,
    rounds: int,
    hosts: Sequence[int | None] | None,
    max_table_size: int | None,
) -> _Problem:
    if tables < 1:
        raise SeatingError("There must be at least one table.")
    if rounds < 1:
        raise SeatingError("There must be at least one round.")
    index_of: dict[int, int] = {}
    for person in people:
        if person.id in index_of:
            raise SeatingError("Participant %(id)s is listed more than once.", id=person.id)
        index_of[person.id] = len(index_of)
    host_ids = list(hosts or [])
    if len(host_ids) > tables:
        raise SeatingError(
            "There are more hosts (%(hosts)s) than tables (%(tables)s).", hosts=len(host_ids), tables=tables
        )
    host_of: list[int | None] = [None] * tables
    is_host = [False] * len(people)
    for table, host in enumerate(host_ids):
        if host is None:
            continue
        if host not in index_of:
            raise SeatingError("Host %(id)s is not among the participants.", id=host)
        if is_host[index_of[host]]:
            raise SeatingError("Participant %(id)s cannot host more than one table.", id=host)
        host_of[table] = index_of[host]
        is_host[index_of[host]] = True
    if len(people) < 2 * tables:
        raise SeatingError(
            "%(people)s participants cannot fill %(tables)s tables with at least two people each.",
            people=len(people),
            tables=tables,
        )
    if max_table_size is not None and len(people) > tables * max_table_size:
        raise SeatingError(
            "%(people)s participants do not fit at %(tables)s tables of at most %(size)s people.",
            people=len(people),
            tables=tables,
            size=max_table_size,
        )
    organisation, organisation_members = _codes([person.organisation for person in people])
    country, country_members = _codes([person.country for person in people])
    return _Problem(
        ids=[person.id for person in people],
        tables=tables,
        rounds=rounds,
        host_of=host_of,
        is_host=is_host,
        organisation=organisation,
        country=country,
        organisation_members=organisation_members,
        country_members=country_members,
    )


def _to_plan(problem: _Problem, seating: list[list[list[int]]]) -> Plan:
    ids = problem.ids
    rounds = []
    for tables in seating:
        round_ids = []
        for table, members in enumerate(tables):
            host = problem.host_of[table]
            # Host first, then travellers by id, so a printed plan reads the same way every time.
            travellers = sorted(ids[person] for person in members if person != host)
            round_ids.append(([ids[host]] if host is not None else []) + travellers)
        rounds.append(round_ids)
    return Plan(rounds=rounds, hosts=[None if host is None else ids[host] for host in problem.host_of])


def _cost(problem: _Problem, seating: list[list[list[int]]]) -> tuple[int, int, int, int]:
    """(revisits, repeated pairs, same-organisation pairs, same-country pairs) of a seating."""
    organisation, country = problem.organisation, problem.country
    visited: set[tuple[int, int]] = set()
    together: dict[tuple[int, int], int] = {}
    revisits = repeats = same_organisation = same_country = 0
    for tables in seating:
        for table, members in enumerate(tables):
            for person in members:
                if problem.is_host[person]:
                    continue
                if (person, table) in visited:
                    revisits += 1
                visited.add((person, table))
            for a, b in combinations(sorted(members), 2):
                count = together.get((a, b), 0)
                repeats += count > 0
                together[(a, b)] = count + 1
                same_organisation += organisation[a] >= 0 and organisation[a] == organisation[b]
                same_country += country[a] >= 0 and country[a] == country[b]
    return revisits, repeats, same_organisation, same_country


def _spread_bound(groups: list[list[int]], tables: int) -> int:
    """The fewest same-label pairs one round can have: each label spread as evenly as the tables allow."""
    total = 0
    for members in groups:
        share, extra = divmod(len(members), tables)
        total += extra * (share + 1) * share // 2 + (tables - extra) * share * (share - 1) // 2
    return total


def _lower_bound(problem: _Problem) -> tuple[int, int, int, int]:
    travellers = problem.size - sum(problem.is_host)
    return (
        travellers * max(0, problem.rounds - problem.tables),
        0,
        problem.rounds * _spread_bound(problem.organisation_members, problem.tables),
        problem.rounds * _spread_bound(problem.country_members, problem.tables),
    )


class _Search:
    """One restart: a greedy seating round by round, then a swap search over the whole plan."""

    def __init__(self, problem: _Problem, rng: random.Random) -> None:
        self.problem = problem
        self.rng = rng
        n = problem.size
        # Integer weights make the lexicographic order one comparison. A single move or swap changes each
        # component by less than 4n, so a base of 4n + 4 keeps a lower component from outweighing a higher one.
        base = 4 * n + 4
        self.w_country = base
        self.w_organisation = base**2
        self.w_repeat = base**3
        self.w_revisit = base**4
        self.travellers = [person for person in range(n) if not problem.is_host[person]]
        self.low, self.extra = divmod(n, problem.tables)
        # labels[p][q]: the weighted cost of p and q sharing an organisation or country, looked up rather
        # than compared because the swap search asks for it millions of times.
        organisation, country = problem.organisation, problem.country
        self.labels = [
            [
                (self.w_organisation if organisation[person] == organisation[other] else 0)
                + (self.w_country if country[person] == country[other] else 0)
                for other in range(n)
            ]
            for person in range(n)
        ]
        for person in range(n):
            self.labels[person][person] = 0
        self.work = 0  # pair look-ups so far, a clock that reads the same on every machine
        self.met: list[set[int]] = []  # met[p]: everyone p has shared a table with so far in this restart

    def _sit(self, person: int, table: int, tables: list[list[int]], penalty: list[list[int]]) -> None:
        # Every later candidate's cost at this table rises for each person here they would meet again or
        # share a label with; updating the rows now makes each later choice a row minimum.
        problem = self.problem
        tables[table].append(person)
        for other in self.met[person]:
            penalty[other][table] += self.w_repeat
        organisation, country = problem.organisation[person], problem.country[person]
        if organisation >= 0:
            for other in problem.organisation_members[organisation]:
                penalty[other][table] += self.w_organisation
        if country >= 0:
            for other in problem.country_members[country]:
                penalty[other][table] += self.w_country

    def _constraint(self, person: int) -> tuple[int, int, int]:
        # Most constrained first: those who have met the most people, then those from the largest
        # organisation or country, have the fewest good tables left, so they choose while there is room.
        problem = self.problem
        organisation, country = problem.organisation[person], problem.country[person]
        return (
            -len(self.met[person]),
            -len(problem.organisation_members[organisation]) if organisation >= 0 else 0,
            -len(problem.country_members[country]) if country >= 0 else 0,
        )

    def seat(self) -> list[list[list[int]]]:
        """A greedy seating: each round, each traveller takes the cheapest table that still has room."""
        problem, rng = self.problem, self.rng
        n, table_count = problem.size, problem.tables
        self.met = [set() for _ in range(n)]
        visits = [[0] * table_count for _ in range(n)]
        seating: list[list[list[int]]] = []
        for _ in range(problem.rounds):
            penalty = [[self.w_revisit if seen else 0 for seen in row] for row in visits]
            self.work += n * table_count
            tables: list[list[int]] = [[] for _ in range(table_count)]
            for table, host in enumerate(problem.host_of):
                if host is not None:
                    self._sit(host, table, tables, penalty)
            order = self.travellers[:]
            rng.shuffle(order)
            order.sort(key=self._constraint)
            table_order = list(range(table_count))
            rng.shuffle(table_order)
            big_tables = 0
            for person in order:
                row = penalty[person]
                best_table = -1
                best_score = 0
                for table in table_order:
                    size = len(tables[table])
                    if size > self.low or (size == self.low and big_tables >= self.extra):
                        continue
                    # Fuller tables lose ties, which keeps sizes even while there are still choices.
                    score = row[table] + size
                    if best_table < 0 or score < best_score:
                        best_table, best_score = table, score
                if len(tables[best_table]) == self.low:
                    big_tables += 1
                self._sit(person, best_table, tables, penalty)
            for table, members in enumerate(tables):
                for person in members:
                    visits[person][table] += 1
                    self.met[person].update(members)
                    self.met[person].discard(person)
            seating.append(tables)
        return seating

    def improve(self, seating: list[list[list[int]]]) -> None:
        """Swap or move travellers within a round while that lowers the weighted cost of the whole plan."""
        problem = self.problem
        n, table_count = problem.size, problem.tables
        is_host, labels = problem.is_host, self.labels
        w_revisit, w_repeat = self.w_revisit, self.w_repeat
        max_pair_cost = w_repeat + self.w_organisation + self.w_country
        together = [[0] * n for _ in range(n)]
        visits = [[0] * table_count for _ in range(n)]
        for tables in seating:
            for table, members in enumerate(tables):
                for person in members:
                    visits[person][table] += 1
                    row = together[person]
                    for other in members:
                        row[other] += 1
        for person in range(n):
            together[person][person] = 0

        def pair_cost(person: int, other: int) -> int:
            # What seating these two together adds, given every other round as it stands.
            return (w_repeat if together[person][other] else 0) + labels[person][other]

        def leave_gain(person: int, tables: list[list[int]], table: int) -> int:
            # What the plan saves when `person` leaves `table`: each pair there that repeats, each shared
            # label, and the revisit if they had sat here before.
            met, shared = together[person], labels[person]
            gain = w_revisit if visits[person][table] >= 2 else 0
            self.work += len(tables[table])
            for other in tables[table]:
                if other != person:
                    gain += (w_repeat if met[other] >= 2 else 0) + shared[other]
            return gain

        def join_cost(person: int, tables: list[list[int]], table: int) -> int:
            met, shared = together[person], labels[person]
            cost = w_revisit if visits[person][table] else 0
            self.work += len(tables[table])
            for other in tables[table]:
                cost += (w_repeat if met[other] else 0) + shared[other]
            return cost

        # Per round: where each person sits, and cached gains and join costs (-1 until computed). The caches
        # live for the whole search and are corrected after each move, because recomputing them for every
        # pass costs far more than the moves themselves.
        wheres = []
        for tables in seating:
            where = [0] * n
            for table, members in enumerate(tables):
                for person in members:
                    where[person] = table
            wheres.append(where)
        all_gains = [[-1] * n for _ in seating]
        all_joins = [[[-1] * table_count for _ in range(n)] for _ in seating]
        # Whether a person's options in a round may have changed since they were last searched: a search
        # that found nothing finds nothing again until one of their cached costs moves.
        all_stale = [[True] * n for _ in seating]

        def relocate(round_index: int, person: int, old: int, new: int) -> None:
            tables = seating[round_index]
            source, target = tables[old], tables[new]
            source.remove(person)
            row = together[person]
            for other in source:
                row[other] -= 1
                together[other][person] -= 1
            for other in target:
                row[other] += 1
                together[other][person] += 1
            target.append(person)
            visits[person][old] -= 1
            visits[person][new] += 1
            wheres[round_index][person] = new

        def forget(round_index: int, movers: tuple[int, ...], here: int, there: int) -> None:
            tables = seating[round_index]
            moved = {*tables[here], *tables[there]}
            gains, joins = all_gains[round_index], all_joins[round_index]
            # In this round only the two tables changed. Those seated at them now have new pair counts,
            # so their entries are recomputed; for everyone else joining either table simply costs the
            # newcomer instead of the leaver.
            all_stale[round_index] = [True] * n
            person = movers[0]
            for other, row in enumerate(joins):
                if other in moved:
                    row[here] = row[there] = -1
                    gains[other] = -1
                    continue
                shift = pair_cost(other, person) - (pair_cost(other, movers[1]) if len(movers) > 1 else 0)
                if row[here] >= 0:
                    row[here] -= shift
                if row[there] >= 0:
                    row[there] += shift
            # In other rounds, only entries that involve a mover alongside someone whose count with them
            # changed are stale: the movers' own rows, and those people at the movers' tables.
            for other_round, other_tables in enumerate(seating):
                if other_round == round_index:
                    continue
                gains, joins, where = all_gains[other_round], all_joins[other_round], wheres[other_round]
                stale = all_stale[other_round]
                for mover in movers:
                    joins[mover] = [-1] * table_count
                    table = where[mover]
                    for other in other_tables[table]:
                        gains[other] = -1
                        stale[other] = True
                    for other in moved:
                        joins[other][table] = -1
                        stale[other] = True

        for _ in range(_MAX_SEARCH_PASSES):
            improved = False
            for round_index, tables in enumerate(seating):
                where, gains, joins = wheres[round_index], all_gains[round_index], all_joins[round_index]
                for person in self.travellers:
                    stale = all_stale[round_index]  # rebound by every move in this round
                    if not stale[person]:
                        continue
                    stale[person] = False
                    self.work += table_count
                    here = where[person]
                    if gains[person] < 0:
                        gains[person] = leave_gain(person, tables, here)
                    gain = gains[person]
                    if gain == 0:
                        continue  # nothing about this seat costs anything, so no move can help
                    size_here = len(tables[here])
                    best_delta, best_there, best_other = 0, -1, -1
                    met, shared = together[person], labels[person]
                    for there, members_there in enumerate(tables):
                        if there == here:
                            continue
                        if joins[person][there] < 0:
                            joins[person][there] = join_cost(person, tables, there)
                        join = joins[person][there] - gain
                        if len(members_there) < size_here and join < best_delta:
                            # From a fuller table to an emptier one only swaps their sizes: still balanced.
                            best_delta, best_there, best_other = join, there, -1
                        if join >= max_pair_cost:
                            continue  # see below: no partner at this table can make this person's side pay
                        self.work += len(members_there)
                        for other in members_there:
                            # A swap that pays has a side that pays on its own: one of the two is better off
                            # at the other's table even without the other there. Only partners for whom that
                            # holds on this person's side are priced in full; the rest are left to the search
                            # from the partner's side, which trades the odd missed swap for a far smaller
                            # search.
                            cost_together = (w_repeat if met[other] else 0) + shared[other]
                            if is_host[other] or join >= cost_together:
                                continue
                            if gains[other] < 0:
                                gains[other] = leave_gain(other, tables, there)
                            if joins[other][here] < 0:
                                joins[other][here] = join_cost(other, tables, here)
                            # Each joins the other's table without the other, hence the pair's cost twice.
                            delta = join + joins[other][here] - gains[other] - 2 * cost_together
                            if delta < best_delta:
                                best_delta, best_there, best_other = delta, there, other
                    if best_there < 0:
                        continue
                    relocate(round_index, person, here, best_there)
                    if best_other >= 0:
                        relocate(round_index, best_other, best_there, here)
                        forget(round_index, (person, best_other), here, best_there)
                    else:
                        forget(round_index, (person,), here, best_there)
                    improved = True
            if not improved:
                break


def plan_seating(
    people: Sequence[Person],
    tables: int,
    rounds: int,
    *,
    hosts: Sequence[int | None] | None = None,
    max_table_size: int | None = None,
    seed: int = 0,
    restarts: int = 60,
) -> Plan:
    """Seat `people` at `tables` for `rounds` rounds, hosts staying, so that travellers meet new people."""
    # `restarts` is a ceiling: the search also stops at a provably best plan or when the work budget is spent.
    problem = _problem(people, tables, rounds, hosts, max_table_size)
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffles, not secrets
    search = _Search(problem, rng)
    bound = _lower_bound(problem)
    best_cost: tuple[int, int, int, int] | None = None
    best_seating: list[list[list[int]]] = []
    # At least one attempt, whatever `restarts` says, so a plan always comes back.
    for _ in range(max(1, restarts)):
        seating = search.seat()
        search.improve(seating)
        cost = _cost(problem, seating)
        if best_cost is None or cost < best_cost:
            best_cost, best_seating = cost, seating
        if cost == bound:
            break  # each count is at its lower bound, so no further restart can do better
        if search.work > _WORK_BUDGET:
            break
    return _to_plan(problem, best_seating)


def random_plan(
    people: Sequence[Person],
    tables: int,
    rounds: int,
    *,
    hosts: Sequence[int | None] | None = None,
    seed: int = 0,
) -> Plan:
    """A baseline to compare against: hosts stay, travellers shuffled uniformly into balanced tables."""
    problem = _problem(people, tables, rounds, hosts, None)
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffles, not secrets
    low, extra = divmod(problem.size, tables)
    travellers = [person for person in range(problem.size) if not problem.is_host[person]]
    seating = []
    for _ in range(rounds):
        big = set(rng.sample(range(tables), extra))
        rng.shuffle(travellers)
        round_tables: list[list[int]] = []
        start = 0
        for table, host in enumerate(problem.host_of):
            seats = low + (table in big) - (host is not None)
            round_tables.append(([host] if host is not None else []) + travellers[start : start + seats])
            start += seats
        seating.append(round_tables)
    return _to_plan(problem, seating)
