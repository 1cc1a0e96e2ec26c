"""World Café seating: the design notes' acceptance fixtures (WC1-WC3), the issue's 24-person case, and
properties that must hold for any group."""

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catchment.events.seating import Person, Plan, SeatingError, plan_seating, random_plan


def group(count, labels=None):
    """People with ids 1..count; `labels` maps an id to its organisation and country, if any."""
    labels = labels or {}
    return [Person(id=number, **labels.get(number, {})) for number in range(1, count + 1)]


def assert_everyone_sits_once_per_round(plan, people):
    ids = sorted(person.id for person in people)
    for tables in plan.rounds:
        assert sorted(seat for table in tables for seat in table) == ids


def assert_hosts_stay(plan, hosts):
    for tables in plan.rounds:
        for table, host in enumerate(hosts):
            if host is not None:
                assert tables[table][0] == host


def assert_balanced(plan, limit=None):
    for sizes in plan.table_sizes():
        assert max(sizes) - min(sizes) <= 1
        if limit is not None:
            assert max(sizes) <= limit


def tables_visited(plan, person_id):
    return [index for tables in plan.rounds for index, table in enumerate(tables) if person_id in table]


def test_plan_counts_repeated_pairs_and_revisits_by_hand():
    plan = Plan(
        rounds=[
            [[1, 2], [3, 4]],
            [[1, 3], [2, 4]],
            [[1, 2], [3, 4]],
        ],
        hosts=[1, None],
    )
    # {1,2} and {3,4} each sit together twice: one repeat each.
    assert plan.repeated_pairs() == 2
    # 1 hosts; 2 returns to table 0 once, 3 to table 1 once, 4 sits at table 1 three times (two returns).
    assert plan.revisits() == 4
    assert plan.table_sizes() == [[2, 2], [2, 2], [2, 2]]


def test_wc1_sixteen_with_four_hosts_never_meet_anyone_twice():
    people = group(16)
    hosts = [1, 2, 3, 4]
    plan = plan_seating(people, tables=4, rounds=3, hosts=hosts)
    assert plan.table_sizes() == [[4, 4, 4, 4]] * 3
    assert plan.hosts == hosts
    assert_hosts_stay(plan, hosts)
    assert_everyone_sits_once_per_round(plan, people)
    for traveller in range(5, 17):
        assert len(set(tables_visited(plan, traveller))) == 3
    assert plan.revisits() == 0
    assert plan.repeated_pairs() == 0


def test_wc2_eighteen_at_four_tables_sit_in_fours_and_fives():
    people = group(18)
    plan = plan_seating(people, tables=4, rounds=3)
    for sizes in plan.table_sizes():
        assert set(sizes) <= {4, 5}
        assert sorted(sizes) == [4, 4, 5, 5]
    assert_everyone_sits_once_per_round(plan, people)
    assert plan.revisits() == 0


def test_wc3_two_people_from_one_organisation_are_not_seated_together_in_round_one():
    organisations = ["GWP", "GWP", "IWMI", "UNICEF", "WaterAid", "IRC", "SIWI", "", "", "IWA", "FAO", "WHO"]
    people = [Person(id=number, organisation=name) for number, name in enumerate(organisations, start=1)]
    plan = plan_seating(people, tables=3, rounds=3)
    assert not any({1, 2} <= set(table) for table in plan.rounds[0])


def test_organisation_labels_match_regardless_of_case_and_spaces():
    people = group(4, {1: {"organisation": "GWP"}, 2: {"organisation": " gwp "}})
    plan = plan_seating(people, tables=2, rounds=1)
    assert not any({1, 2} <= set(table) for table in plan.rounds[0])


def test_colleagues_and_compatriots_are_spread_one_to_a_table():
    # Four tables of two: 1-4 share an organisation and 5-8 a country, so each table gets one of each.
    labels = {n: {"organisation": "GWP"} for n in range(1, 5)} | {n: {"country": "KE"} for n in range(5, 9)}
    people = group(8, labels)
    plan = plan_seating(people, tables=4, rounds=1)
    for table in plan.rounds[0]:
        assert len(set(table) & {1, 2, 3, 4}) == 1
        assert len(set(table) & {5, 6, 7, 8}) == 1


@pytest.mark.parametrize("hosts", [None, [1, 2, 3, 4]], ids=["no hosts", "four hosts"])
def test_the_issues_24_people_meet_more_new_people_than_a_random_shuffle(hosts):
    people = group(24)
    plan = plan_seating(people, tables=4, rounds=3, hosts=hosts, max_table_size=6)
    assert plan.table_sizes() == [[6, 6, 6, 6]] * 3
    assert_everyone_sits_once_per_round(plan, people)
    assert_hosts_stay(plan, hosts or [])
    assert plan.revisits() == 0
    shuffled = [random_plan(people, 4, 3, hosts=hosts, seed=seed).repeated_pairs() for seed in range(20)]
    assert plan.repeated_pairs() < statistics.mean(shuffled)


def test_the_issues_24_people_reach_the_fewest_repeats_possible_without_revisits():
    # Without hosts, a round-2 table of six draws from the three other round-1 tables (returning is
    # ruled out), so at best 2+2+2: three repeated pairs per table, 12 a round. Round 3 repeats at
    # least as many, so 24 is the floor. With four hosts, five travellers come from three tables: 2+2+1,
    # two repeats per table, so 16.
    assert plan_seating(group(24), tables=4, rounds=3).repeated_pairs() == 24
    assert plan_seating(group(24), tables=4, rounds=3, hosts=[1, 2, 3, 4]).repeated_pairs() == 16


def test_the_same_seed_gives_the_same_plan():
    people = group(
        30, {n: {"organisation": "GWP" if n % 3 else "IWMI", "country": "KE"} for n in range(1, 9)}
    )
    first = plan_seating(people, tables=5, rounds=3, hosts=[1, None, 3], seed=7)
    again = plan_seating(people, tables=5, rounds=3, hosts=[1, None, 3], seed=7)
    assert first == again
    assert random_plan(people, 5, 3, seed=7) == random_plan(people, 5, 3, seed=7)


@pytest.mark.parametrize("hosts", [None, list(range(1, 21))], ids=["no hosts", "twenty hosts"])
def test_two_hundred_people_at_twenty_tables_never_return_to_a_table(hosts):
    people = group(200)
    plan = plan_seating(people, tables=20, rounds=4, hosts=hosts)
    assert plan.revisits() == 0
    assert plan.table_sizes() == [[10] * 20] * 4
    assert_everyone_sits_once_per_round(plan, people)
    assert_hosts_stay(plan, hosts or [])


def test_more_rounds_than_tables_keeps_returns_to_the_unavoidable_minimum():
    # Three rounds at two tables: every traveller must return once.
    people = group(8)
    plan = plan_seating(people, tables=2, rounds=3)
    assert plan.revisits() == 8


def test_random_plan_keeps_hosts_and_balances_tables():
    people = group(23)
    hosts = [5, None, 7]
    plan = random_plan(people, tables=4, rounds=3, hosts=hosts, seed=3)
    assert plan.hosts == [5, None, 7, None]
    assert_hosts_stay(plan, hosts)
    assert_balanced(plan)
    assert_everyone_sits_once_per_round(plan, people)


@pytest.mark.parametrize(
    ("people", "tables", "rounds", "options", "message"),
    [
        (group(12), 2, 3, {"hosts": [1, 2, 3]}, "more hosts (3) than tables (2)"),
        (group(12), 2, 3, {"hosts": [1, 99]}, "Host 99 is not among the participants"),
        (group(12), 2, 3, {"hosts": [1, 1]}, "cannot host more than one table"),
        ([*group(6), Person(id=3)], 2, 3, {}, "Participant 3 is listed more than once"),
        (group(12), 0, 3, {}, "at least one table"),
        (group(12), 2, 0, {}, "at least one round"),
        (group(7), 4, 3, {}, "7 participants cannot fill 4 tables"),
        (group(25), 4, 3, {"max_table_size": 6}, "25 participants do not fit at 4 tables of at most 6"),
    ],
    ids=[
        "more hosts than tables",
        "host not a participant",
        "one host at two tables",
        "duplicate id",
        "no tables",
        "no rounds",
        "fewer than two a table",
        "over the table limit",
    ],
)
def test_impossible_requests_raise_seating_error(people, tables, rounds, options, message):
    with pytest.raises(SeatingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan_seating(people, tables, rounds, **options)


def test_random_plan_refuses_the_same_impossible_requests():
    with pytest.raises(SeatingError):
        random_plan(group(12), 2, 3, hosts=[1, 2, 3])


def test_seating_error_keeps_the_template_apart_for_translation():
    with pytest.raises(SeatingError) as caught:
        plan_seating(group(12), 2, 3, hosts=[1, 2, 3])
    error = caught.value
    assert error.template == "There are more hosts (%(hosts)s) than tables (%(tables)s)."
    assert error.params == {"hosts": 3, "tables": 2}
    assert str(error) == "There are more hosts (3) than tables (2)."
    assert isinstance(error, ValueError)


@st.composite
def seating_requests(draw):
    size = draw(st.integers(2, 60))
    tables = draw(st.integers(1, min(8, size // 2)))
    rounds = draw(st.integers(1, 4))
    people = [
        Person(
            id=number * 10,  # ids need not be 1..n
            organisation=draw(st.sampled_from(["", "GWP", "IWMI", "UNICEF"])),
            country=draw(st.sampled_from(["", "KE", "PE", "BD"])),
        )
        for number in range(1, size + 1)
    ]
    ids = [person.id for person in people]
    hosting = draw(st.sampled_from(["none", "every table", "some tables"]))
    if hosting == "none":
        hosts = None
    else:
        chosen = draw(st.lists(st.sampled_from(ids), min_size=tables, max_size=tables, unique=True))
        if hosting == "some tables":
            chosen = [host if draw(st.booleans()) else None for host in chosen]
        hosts = chosen[: draw(st.integers(1, tables))] if hosting == "some tables" else chosen
    smallest_limit = -(-size // tables)
    limit = draw(st.none() | st.integers(smallest_limit, smallest_limit + 2))
    return people, tables, rounds, hosts, limit, hosting


@settings(max_examples=40, deadline=None)
@given(request=seating_requests(), seed=st.integers(0, 1000))
def test_any_group_sits_once_a_round_at_balanced_tables_with_hosts_in_place(request, seed):
    people, tables, rounds, hosts, limit, hosting = request
    plan = plan_seating(people, tables, rounds, hosts=hosts, max_table_size=limit, seed=seed, restarts=2)
    assert len(plan.rounds) == rounds
    assert all(len(round_tables) == tables for round_tables in plan.rounds)
    assert_everyone_sits_once_per_round(plan, people)
    assert_balanced(plan, limit)
    assert_hosts_stay(plan, hosts or [])
    assert len(plan.hosts) == tables
    if hosting != "some tables" and rounds <= tables:
        # With every table hosted or none, moving each traveller on one table a round is always possible.
        assert plan.revisits() == 0
