"""Reads for events, registrations and cafés, already limited to what the viewer may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.events import permissions
from catchment.events.models import (
    Cafe,
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
from catchment.library import permissions as library_policy
from catchment.library.models import Resource

PER_PAGE = 20


@dataclass(frozen=True)
class EventFilters:
    past: bool = False
    kind: str = ""
    language: str = ""
    community: str = ""


def _listed(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("community").prefetch_related(
        Prefetch("languages", queryset=EventLanguage.objects.order_by("interpretation", "code"))
    )


def events(
    viewer: Viewer,
    filters: EventFilters,
    community: Community | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Event]:
    """Upcoming (soonest first, ongoing included) or past (latest first) events the viewer may see."""
    now = now or timezone.now()
    found = (
        Event.objects.filter(community=community)
        if community is not None
        else Event.objects.filter(permissions.visible_q(viewer))
    )
    if community is None and filters.community:
        found = found.filter(community__slug=filters.community)
    if filters.kind in EventKind.values:
        found = found.filter(kind=filters.kind)
    if filters.language:
        found = found.filter(languages__code=filters.language)
    if filters.past:
        return _listed(found.filter(ends_at__lte=now)).order_by("-starts_at", "-pk")
    return _listed(found.filter(ends_at__gt=now)).order_by("starts_at", "pk")


def upcoming(viewer: Viewer, community: Community | None = None, limit: int = 3) -> list[Event]:
    """The next few events, for the hub and community home pages."""
    return list(events(viewer, EventFilters(), community=community)[:limit])


@dataclass
class EventView:
    event: Event
    membership: Membership | None
    manager: bool
    registration: Registration | None
    can_register: bool
    can_see_join_link: bool
    waiting_position: int | None = None
    speakers: list[Speaker] = field(default_factory=list)
    materials: list[Resource] = field(default_factory=list)

    @property
    def spoken(self) -> list[str]:
        """The codes of the languages the event is held in."""
        return [language.code for language in self.event.languages.all() if not language.interpretation]

    @property
    def interpreted(self) -> list[str]:
        """The codes of the languages it is interpreted into."""
        return [language.code for language in self.event.languages.all() if language.interpretation]


def event_for_viewer(viewer: Viewer, pk: int) -> EventView:
    """An event the viewer may see, with their registration and what they may do, or 404."""
    event = (
        Event.objects.filter(pk=pk)
        .select_related("community", "organiser", "recording__community")
        .prefetch_related(
            Prefetch("languages", queryset=EventLanguage.objects.order_by("interpretation", "code"))
        )
        .first()
    )
    if event is None:
        raise Http404
    membership = (
        community_policy.membership_of(viewer, event.community) if event.community is not None else None
    )
    if not permissions.can_see(viewer, event, membership):
        raise Http404
    registration = (
        Registration.objects.filter(event=event, user_id=viewer.pk or 0).first()
        if is_member(viewer)
        else None
    )
    manager = permissions.can_manage(viewer, event, membership)
    position = None
    if registration is not None and registration.status == RegistrationStatus.WAITLISTED:
        position = (
            Registration.objects.filter(
                event=event,
                status=RegistrationStatus.WAITLISTED,
                waitlisted_at__lt=registration.waitlisted_at,
            ).count()
            + 1
        )
    if event.recording is not None and not library_policy.can_read(
        viewer,
        event.recording,
        membership if event.recording.community_id == event.community_id else None,
    ):
        event.recording = None  # attached from somewhere this viewer may not read
    return EventView(
        event=event,
        membership=membership,
        manager=manager,
        registration=registration,
        can_register=permissions.can_register(viewer, event, membership, timezone.now()),
        can_see_join_link=permissions.can_see_join_link(viewer, event, registration, manager),
        waiting_position=position,
        speakers=list(event.speakers.all()),
        materials=list(event.materials.filter(library_policy.readable_q(viewer)).order_by("title")[:50]),
    )


def registrations(event: Event) -> QuerySet[Registration]:
    """Everyone who registered, waited or cancelled, for the organisers (one query)."""
    return (
        Registration.objects.filter(event=event)
        .select_related("user__profile__organisation")
        .order_by("status", "waitlisted_at", "created_at", "pk")
    )


def my_registrations(viewer: Viewer, now: datetime.datetime | None = None) -> QuerySet[Registration]:
    now = now or timezone.now()
    return (
        Registration.objects.filter(user_id=viewer.pk or 0, event__ends_at__gt=now)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event__community")
        .order_by("event__starts_at")
    )


def feed_events_for_user(user: User) -> QuerySet[Event]:
    """The events a person holds a place at and may still see, for their personal calendar feed (past
    month included)."""
    since = timezone.now() - datetime.timedelta(days=31)
    return (
        Event.objects.filter(permissions.visible_q(user))
        .filter(
            registrations__user_id=user.pk,
            registrations__status=RegistrationStatus.REGISTERED,
            ends_at__gt=since,
        )
        .order_by("starts_at")
    )


def community_feed_events(community: Community) -> QuerySet[Event]:
    since = timezone.now() - datetime.timedelta(days=31)
    return Event.objects.filter(community=community, ends_at__gt=since).order_by("starts_at")


def hub_feed_events() -> QuerySet[Event]:
    since = timezone.now() - datetime.timedelta(days=31)
    return Event.objects.filter(community__isnull=True, ends_at__gt=since).order_by("starts_at")


@dataclass
class CafeView:
    cafe: Cafe
    questions: dict[int, str]
    tables: list[CafeTable]
    plan: dict[int, dict[int, list[Seat]]]  # round -> table id -> seats
    harvests: dict[tuple[int, int], Harvest]  # (table id, round) -> harvest
    mine: dict[int, CafeTable]  # round -> the viewer's table

    def round_questions(self) -> list[tuple[int, str]]:
        """(round, question) for every round of the café."""
        return [(n, self.question(n)) for n in range(1, self.cafe.rounds + 1)]

    def grid(self) -> list[tuple[CafeTable, list[tuple[int, list[Seat]]]]]:
        """Each table with who sits there in each round, for the seating plan and the table cards."""
        return [
            (table, [(n, self.plan.get(n, {}).get(table.pk, [])) for n in range(1, self.cafe.rounds + 1)])
            for table in self.tables
        ]

    def harvest_rounds(self) -> list[tuple[int, str, list[tuple[CafeTable, Harvest]]]]:
        """Each round with its question and the harvests of the tables that wrote one, in table order."""
        return [
            (
                n,
                self.question(n),
                [
                    (table, self.harvests[(table.pk, n)])
                    for table in self.tables
                    if (table.pk, n) in self.harvests
                ],
            )
            for n in range(1, self.cafe.rounds + 1)
        ]

    def question(self, round_no: int) -> str:
        """A round's question, or the last one asked before it (a round may carry the question on)."""
        for number in range(round_no, 0, -1):
            if number in self.questions:
                return self.questions[number]
        return ""


def cafe_for_event(viewer: Viewer, event: Event) -> CafeView:
    """The café with its questions, tables, seating plan and harvests (five queries whatever its size)."""
    cafe = Cafe.objects.filter(event=event).first()
    if cafe is None:
        raise Http404
    questions = dict(cafe.questions.values_list("round_no", "text"))
    tables = list(cafe.tables.select_related("host").order_by("position", "pk"))
    plan: dict[int, dict[int, list[Seat]]] = {}
    mine: dict[int, CafeTable] = {}
    by_pk = {table.pk: table for table in tables}
    for seat in cafe.seats.select_related("user").order_by(
        "round_no", "table__position", "-is_host", "user__display_name"
    ):
        plan.setdefault(seat.round_no, {}).setdefault(seat.table_id, []).append(seat)
        if seat.user_id == viewer.pk:
            mine[seat.round_no] = by_pk[seat.table_id]
    harvests = {
        (harvest.table_id, harvest.round_no): harvest for harvest in cafe.harvests.select_related("author")
    }
    return CafeView(cafe=cafe, questions=questions, tables=tables, plan=plan, harvests=harvests, mine=mine)


def cafe_table(cafe: Cafe, pk: int) -> CafeTable:
    table = CafeTable.objects.filter(cafe=cafe, pk=pk).select_related("host").first()
    if table is None:
        raise Http404
    return table


def community_for_feed(slug: str) -> Community | None:
    return Community.objects.filter(slug=slug).first()


def active_user(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()
