"""Demo events: the network launch of the partnership sourcebook (Tuesday 30 May 2023, 14:00–15:45 CEST,
in four languages), monthly community webinars coming up, and a finished World Café with its harvest."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import User
from catchment.communities.models import FACILITATING_ROLES, Community, Membership, MembershipStatus
from catchment.events import seating
from catchment.events.models import (
    Cafe,
    CafeQuestion,
    CafeTable,
    Event,
    EventKind,
    EventLanguage,
    Harvest,
    Registration,
    RegistrationStatus,
    Seat,
    Speaker,
)
from catchment.events.times import local_to_utc
from catchment.library.models import Resource

LAUNCH_SUMMARY = (
    "The network launch of the **multi-stakeholder partnership sourcebook**, together with the community of "
    "practice for country water partnerships. Partners from three country water partnerships tell how they "
    "convened government, civil society, research and business, and what kept them together."
)
LAUNCH_AGENDA = (
    "1. Welcome and why a sourcebook (10 min)\n2. Three partnerships, three stories (45 min)\n"
    "3. Questions from the floor, in four languages (30 min)\n4. How the community of practice will use it (15 min)"
)
CAFE_QUESTIONS = [
    "What brought your partnership together in the first place?",
    "What nearly broke it, and what held it together?",
    "What would you tell a partnership starting today?",
]
CAFE_HARVEST = [
    (
        "A shared problem everyone could name: floods, or a river nobody owned.",
        "A named, shared problem convenes.",
    ),
    ("Money arriving before trust; one partner speaking for all.", "Trust before funding; rotate the chair."),
    ("Start small, agree the rules of the game early, write them down.", "Written rules of the game, early."),
]


def _event(community: Community | None, organiser: User | None, **fields: object) -> Event:
    languages = fields.pop("languages", ["en"])
    interpreted = fields.pop("interpreted", [])
    event = Event.objects.create(community=community, organiser=organiser, **fields)
    EventLanguage.objects.bulk_create(
        [EventLanguage(event=event, code=code) for code in languages]  # type: ignore[attr-defined]
        + [EventLanguage(event=event, code=code, interpretation=True) for code in interpreted]  # type: ignore[attr-defined]
    )
    event.save(update_fields=["updated_at"])  # re-index with its languages known
    return event


def _register(event: Event, people: list[User], language: str, attended: bool | None = None) -> None:
    Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                user=person,
                language=person.language if person.language in {"en", "es", "fr", "ru"} else language,
                status=RegistrationStatus.REGISTERED,
                attended=attended,
            )
            for person in people
        ]
    )
    Event.objects.filter(pk=event.pk).update(registered_count=len(people))


@transaction.atomic
def load_demo_events() -> int:
    """Create the demo events once; returns how many were created."""
    if Event.objects.exists():
        return 0
    admin = User.objects.filter(email=f"admin@{DEMO_DOMAIN}").first()
    people = list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_active=True).order_by("pk"))
    if admin is None or len(people) < 30:
        return 0
    rng = random.Random(2023)  # noqa: S311 - demo data, not security
    created = 0
    cwp = Community.objects.filter(slug="country-water-partnerships").first()
    recording = Resource.objects.filter(kind="video", title__startswith="Recording").first()
    sourcebook = Resource.objects.filter(kind="publication", language="en", original__isnull=True).first()
    launch = _event(
        cwp,
        admin,
        kind=EventKind.WEBINAR,
        title="Network launch: the multi-stakeholder partnership sourcebook",
        summary=LAUNCH_SUMMARY,
        agenda=LAUNCH_AGENDA,
        time_zone="Europe/Stockholm",
        starts_at=local_to_utc(datetime.datetime(2023, 5, 30, 14, 0), "Europe/Stockholm"),
        ends_at=local_to_utc(datetime.datetime(2023, 5, 30, 15, 45), "Europe/Stockholm"),
        join_url="https://meet.example.org/sourcebook-launch",
        capacity=500,
        recording=recording,
        languages=["en"],
        interpreted=["es", "fr", "ru"],
    )
    if sourcebook is not None:
        launch.materials.set([sourcebook])
    Speaker.objects.bulk_create(
        [
            Speaker(
                event=launch, name="Partnership programme team", affiliation="Sourcebook authors", position=0
            ),
            Speaker(
                event=launch, name="Country water partnership of Peru", affiliation="Coordinator", position=1
            ),
            Speaker(
                event=launch, name="Country water partnership of Kenya", affiliation="Coordinator", position=2
            ),
        ]
    )
    _register(launch, rng.sample(people, 40), "en", attended=True)
    created += 1

    now = timezone.now()
    for index, community in enumerate(Community.objects.filter(stage="launched").order_by("pk")[:6]):
        host = (
            Membership.objects.filter(
                community=community, role__in=FACILITATING_ROLES, status=MembershipStatus.ACTIVE
            )
            .select_related("user")
            .first()
        )
        members = list(
            User.objects.filter(
                memberships__community=community, memberships__status=MembershipStatus.ACTIVE
            )[:12]
        )
        for month in (1, 2, 3):
            day = (now + datetime.timedelta(days=30 * month + index * 3)).replace(tzinfo=None)
            starts = day.replace(hour=13, minute=0, second=0, microsecond=0)
            event = _event(
                community,
                host.user if host else admin,
                kind=EventKind.WEBINAR,
                title=f"{community.name}: monthly webinar",
                summary="Our monthly exchange: one member presents a case, everyone asks and shares.",
                time_zone="UTC",
                starts_at=local_to_utc(starts, "UTC"),
                ends_at=local_to_utc(starts + datetime.timedelta(hours=1, minutes=30), "UTC"),
                join_url=f"https://meet.example.org/{community.slug}",
                capacity=100 if month == 1 else None,
                languages=["en"],
                interpreted=["es", "fr"] if index % 2 == 0 else [],
            )
            if month == 1:
                _register(event, members[: 4 + index], "en")
            created += 1

    created += _finished_cafe(admin, people, rng)
    return created


def _finished_cafe(admin: User, people: list[User], rng: random.Random) -> int:
    starts = local_to_utc(datetime.datetime(2025, 10, 14, 10, 0), "Africa/Nairobi")
    event = _event(
        None,
        admin,
        kind=EventKind.WORLD_CAFE,
        title="World Café: what makes a partnership last?",
        summary="Partners from around the network compare what brought them together and what kept them there.",
        time_zone="Africa/Nairobi",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        venue="Nairobi, partnership week, Hall B",
        capacity=24,
        languages=["en"],
    )
    participants = rng.sample(people, 24)
    _register(event, participants, "en", attended=True)
    cafe = Cafe.objects.create(
        event=event,
        purpose="Learn from partnerships that lasted, and carry three lessons into the sourcebook's next edition.",
        rounds=3,
        round_minutes=20,
        table_size=6,
        synthesis="Partnerships last when a **shared, named problem** convenes them, when **trust comes before "
        "funding**, and when the **rules of the game** are agreed early and written down.",
        seated_at=starts - datetime.timedelta(days=1),
    )
    CafeQuestion.objects.bulk_create(
        [CafeQuestion(cafe=cafe, round_no=n, text=text) for n, text in enumerate(CAFE_QUESTIONS, start=1)]
    )
    tables = [
        CafeTable.objects.create(cafe=cafe, label=f"Table {n + 1}", host=participants[n], position=n)
        for n in range(4)
    ]
    plan = seating.plan_seating(
        [seating.Person(id=person.pk) for person in participants],
        4,
        3,
        hosts=[table.host_id for table in tables],
        max_table_size=6,
        seed=1,
    )
    Seat.objects.bulk_create(
        [
            Seat(
                cafe=cafe, round_no=r, table=tables[t], user_id=user_id, is_host=user_id == tables[t].host_id
            )
            for r, round_tables in enumerate(plan.rounds, start=1)
            for t, seated in enumerate(round_tables)
            for user_id in seated
        ]
    )
    Harvest.objects.bulk_create(
        [
            Harvest(
                cafe=cafe,
                table=table,
                round_no=round_no,
                notes=f"{table.label}: {CAFE_HARVEST[round_no - 1][0]}",
                insights=CAFE_HARVEST[round_no - 1][1],
                author=table.host,
            )
            for table in tables
            for round_no in (1, 2, 3)
        ]
    )
    return 1
