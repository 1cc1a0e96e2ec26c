"""The World Café of an event: set up, seat 24 people at 4 tables for 3 rounds, harvest, synthesise."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, UserFactory
from catchment.events import services
from catchment.events.models import Harvest, Seat
from catchment.events.services import CafeSetup, EventData


@pytest.fixture
def team(db):
    return UserFactory(is_staff=True)


def cafe_event(team, people=24):
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(tzinfo=None, microsecond=0)
    event = services.event_create(
        actor=team,
        community=None,
        data=EventData(
            kind="world_cafe",
            title="What makes a river basin partnership last?",
            time_zone="UTC",
            starts=starts,
            ends=starts + datetime.timedelta(hours=2),
            venue="Stockholm, Room 3",
            languages=["en"],
        ),
    )
    organisations = [OrganisationFactory() for _ in range(6)]
    participants = []
    for n in range(people):
        user = ProfileFactory(organisation=organisations[n % 6], country=["KE", "PE", "SE", "VN"][n % 4]).user
        services.register(actor=user, event=event, language="en")
        participants.append(user)
    return event, participants


def setup(hosts, rounds=3, questions=None):
    return CafeSetup(
        purpose="Learn from partnerships that lasted.",
        mode="in_person",
        rounds=rounds,
        round_minutes=20,
        table_size=6,
        questions=questions
        if questions is not None
        else [
            "What brought your partnership together?",
            "What nearly broke it, and what held?",
            "What would you tell a new partnership?",
        ],
        tables=[(f"Table {n + 1}", host, "") for n, host in enumerate(hosts)],
    )


def test_twenty_four_people_at_four_tables_meet_many_others_over_three_rounds(team):
    event, people = cafe_event(team)
    hosts = people[:4]
    assert services.cafe_setup(actor=team, event=event, setup=setup(hosts)) == []
    plan = services.cafe_seat(actor=team, event=event, seed=7)
    seats = list(Seat.objects.filter(cafe=event.cafe))
    assert len(seats) == 24 * 3
    for round_no in (1, 2, 3):
        sizes = [
            Seat.objects.filter(cafe=event.cafe, round_no=round_no, table=table).count()
            for table in event.cafe.tables.all()
        ]
        assert sizes == [6, 6, 6, 6]
        hosted = set(
            Seat.objects.filter(cafe=event.cafe, round_no=round_no, is_host=True).values_list(
                "user_id", flat=True
            )
        )
        assert hosted == {host.pk for host in hosts}
    travellers = [p for p in people if p not in hosts]
    for person in travellers:
        tables = list(Seat.objects.filter(cafe=event.cafe, user=person).values_list("table_id", flat=True))
        assert len(set(tables)) == 3  # a new table each round
    together = {}
    for round_no in (1, 2, 3):
        for table in event.cafe.tables.all():
            ids = sorted(
                Seat.objects.filter(cafe=event.cafe, round_no=round_no, table=table).values_list(
                    "user_id", flat=True
                )
            )
            for pair in itertools.combinations(ids, 2):
                together[pair] = together.get(pair, 0) + 1
    assert sum(count - 1 for count in together.values() if count > 1) == plan.repeated_pairs()


def test_a_round_without_its_own_question_is_flagged(team):
    event, people = cafe_event(team, people=8)
    warnings = services.cafe_setup(
        actor=team, event=event, setup=setup(people[:2], rounds=3, questions=["One", "Two"])
    )
    assert warnings == ["Round 3 has no question: the question of round 2 carries on."]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questions": []}, "at least one question"),
        ({"tables": [("Only", None, "")]}, "between 2 and 50 tables"),
        ({"tables": [("Same", None, ""), ("Same", None, "")]}, "own name"),
        ({"table_size": 40}, "2 to 12"),
        ({"mode": "underwater"}, "where"),
        ({"rounds": 2}, "at most one question a round"),
    ],
)
def test_a_setup_that_cannot_work_is_refused(team, change, message):
    event, _people = cafe_event(team, people=4)
    bad = setup([None, None])
    for key, value in change.items():
        setattr(bad, key, value)
    with pytest.raises(services.EventError, match=message):
        services.cafe_setup(actor=team, event=event, setup=bad)


def test_too_few_or_too_many_people_for_the_tables_are_refused_with_the_reason(team):
    event, _people = cafe_event(team, people=3)
    services.cafe_setup(actor=team, event=event, setup=setup([None, None]))
    with pytest.raises(services.EventError, match="cannot fill 2 tables"):
        services.cafe_seat(actor=team, event=event)
    crowded, _many = cafe_event(team, people=30)
    services.cafe_setup(actor=team, event=crowded, setup=setup([None, None, None, None]))
    with pytest.raises(services.EventError, match="at most 6"):
        services.cafe_seat(actor=team, event=crowded)


def test_harvests_come_from_the_table_and_the_organisers_only(team):
    event, people = cafe_event(team, people=12)
    services.cafe_setup(actor=team, event=event, setup=setup(people[:2]))
    services.cafe_seat(actor=team, event=event, seed=1)
    table = event.cafe.tables.get(label="Table 1")
    seated = Seat.objects.filter(table=table, round_no=1, is_host=False).first().user
    elsewhere = Seat.objects.filter(cafe=event.cafe, round_no=1).exclude(table=table).first().user
    services.harvest_save(
        actor=seated, event=event, table=table, round_no=1, notes="Trust first.", insights="Trust"
    )
    with pytest.raises(PermissionDenied):
        services.harvest_save(
            actor=elsewhere, event=event, table=table, round_no=1, notes="Not mine", insights=""
        )
    with pytest.raises(services.EventError, match="no such table or round"):
        services.harvest_save(actor=team, event=event, table=table, round_no=9, notes="x", insights="")
    with pytest.raises(services.EventError, match="notes or key insights"):
        services.harvest_save(actor=team, event=event, table=table, round_no=2, notes=" ", insights="")
    services.harvest_save(
        actor=team, event=event, table=table, round_no=1, notes="Trust first, money later.", insights="Trust"
    )
    assert Harvest.objects.get().notes == "Trust first, money later."
    with pytest.raises(PermissionDenied):
        services.synthesis_save(actor=seated, event=event, text="Mine")
    services.synthesis_save(actor=team, event=event, text="Partnerships last when **trust** comes first.")


def test_the_cafe_pages_show_the_plan_cards_and_harvest(client, team):
    event, people = cafe_event(team, people=12)
    services.cafe_setup(actor=team, event=event, setup=setup(people[:2]))
    client.force_login(team)
    client.post(f"/events/{event.pk}/cafe/seat/")
    page = client.get(f"/events/{event.pk}/cafe/").content.decode()
    assert "Seating plan" in page and "What nearly broke it" in page
    cards = client.get(f"/events/{event.pk}/cafe/cards/").content.decode()
    assert cards.count('class="table-card"') == 2
    table = event.cafe.tables.get(label="Table 2")
    response = client.post(
        f"/events/{event.pk}/cafe/tables/{table.pk}/rounds/2/",
        {"notes": "Shared data", "insights": "Open data builds trust"},
    )
    assert response.status_code == 302
    synthesis = client.get(f"/events/{event.pk}/cafe/synthesis/").content.decode()
    assert "Open data builds trust" in synthesis
    participant = people[5]
    client.force_login(participant)
    mine = client.get(f"/events/{event.pk}/cafe/").content.decode()
    assert "Your tables" in mine and "Seating plan" not in mine
    assert client.get(f"/events/{event.pk}/cafe/cards/").status_code == 404
    assert client.post(f"/events/{event.pk}/cafe/seat/").status_code == 404


def test_the_setup_page_takes_tables_with_hosts_by_handle(client, team):
    event, people = cafe_event(team, people=8)
    host = people[0]
    client.force_login(team)
    response = client.post(
        f"/events/{event.pk}/cafe/setup/",
        {
            "mode": "online",
            "rounds": "2",
            "round_minutes": "20",
            "table_size": "6",
            "questions": "First question\nSecond question",
            "tables": f"Blue; {host.username}; https://meet.example.org/blue\nGreen",
        },
    )
    assert response.status_code == 302
    tables = list(event.cafe.tables.order_by("position"))
    assert [(t.label, t.host, t.breakout) for t in tables] == [
        ("Blue", host, "https://meet.example.org/blue"),
        ("Green", None, ""),
    ]
    bad = client.post(
        f"/events/{event.pk}/cafe/setup/",
        {
            "mode": "online",
            "rounds": "2",
            "round_minutes": "20",
            "table_size": "6",
            "questions": "Q",
            "tables": "A; nobody-here\nB",
        },
    )
    assert bad.status_code == 400 and "nobody-here" in bad.content.decode()


def test_the_cafe_page_runs_a_constant_number_of_queries(client, team):
    small_event, small_people = cafe_event(team, people=8)
    large_event, large_people = cafe_event(team, people=40)
    client.force_login(team)
    counts = []
    for event, people, tables in ((small_event, small_people, 2), (large_event, large_people, 8)):
        services.cafe_setup(actor=team, event=event, setup=setup(people[:tables]))
        services.cafe_seat(actor=team, event=event, seed=3)
        for table in event.cafe.tables.all():
            services.harvest_save(actor=team, event=event, table=table, round_no=1, notes="n", insights="i")
        for path in ("cafe/", "cafe/synthesis/", "cafe/cards/"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/events/{event.pk}/{path}").status_code == 200
            counts.append((path, len(captured)))
    assert counts[:3] == counts[3:]


def test_once_tables_have_harvested_the_setup_keeps_them(team):
    event, people = cafe_event(team, people=12)
    services.cafe_setup(actor=team, event=event, setup=setup(people[:2]))
    services.cafe_seat(actor=team, event=event, seed=2)
    table = event.cafe.tables.get(label="Table 1")
    services.harvest_save(actor=team, event=event, table=table, round_no=1, notes="Kept", insights="Kept")
    reworded = setup(people[:2])
    reworded.questions = ["What brought you together?", "What nearly broke it?", "What would you advise?"]
    services.cafe_setup(actor=team, event=event, setup=reworded)  # wording only: seats and harvest stay
    assert Seat.objects.filter(cafe=event.cafe).count() == 36
    renamed = setup(people[:2])
    renamed.tables = [("Table one", people[0], ""), ("Table 2", people[1], "")]
    with pytest.raises(services.EventError, match="can no longer change"):
        services.cafe_setup(actor=team, event=event, setup=renamed)
    fewer = setup(people[:2], rounds=2, questions=["One", "Two"])
    with pytest.raises(services.EventError, match="can no longer change"):
        services.cafe_setup(actor=team, event=event, setup=fewer)
    assert Harvest.objects.get().notes == "Kept"
