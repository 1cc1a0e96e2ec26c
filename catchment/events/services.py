"""Every write to events: organising, registering (capacity held under concurrency), the waiting list,
attendance, mail with calendar files, reminders, and the World Café."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES
from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.core import interactions
from catchment.core.mail import queue_mail, render_in_language
from catchment.core.models import Verb
from catchment.core.tasks import task
from catchment.events import attendance, permissions, seating
from catchment.events.calendar import calendar_bytes
from catchment.events.models import (
    Cafe,
    CafeMode,
    CafeQuestion,
    CafeTable,
    Event,
    EventKind,
    EventLanguage,
    EventStatus,
    Harvest,
    Registration,
    RegistrationStatus,
    Seat,
    Speaker,
)
from catchment.events.times import TimeZoneError, local_to_utc, zone
from catchment.library.models import Resource, ResourceStatus
from catchment.webhooks import services as webhooks
from catchment.webhooks.models import WebhookEvent

MAX_CAPACITY = 100_000
REMINDER_BEFORE = datetime.timedelta(hours=24)


class EventError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


@dataclass
class EventData:
    """What an organiser says about an event; times are wall-clock times in `time_zone`."""

    kind: str
    title: str
    time_zone: str
    starts: datetime.datetime
    ends: datetime.datetime
    summary: str = ""
    agenda: str = ""
    languages: list[str] = field(default_factory=lambda: ["en"])
    interpreted: list[str] = field(default_factory=list)
    join_url: str = ""
    venue: str = ""
    capacity: int | None = None
    registration_opens: datetime.datetime | None = None
    registration_closes: datetime.datetime | None = None
    speakers: list[tuple[str, str]] = field(default_factory=list)  # (name, role or organisation)
    materials: list[Resource] = field(default_factory=list)
    recording: Resource | None = None


def _membership(actor: Viewer, community: Community | None) -> Membership | None:
    return community_policy.membership_of(actor, community) if community is not None else None


def _utc(local: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    if local is None:
        return None
    try:
        return local_to_utc(local.replace(tzinfo=None), zone_name)
    except TimeZoneError as error:
        if str(error) == "out of range":
            raise EventError(_("Choose a date between the years 2000 and 2100.")) from error
        if str(error) == "ambiguous":
            raise EventError(
                _("%(time)s happens twice in %(zone)s (the clocks go back): choose another time.")
                % {"time": f"{local:%Y-%m-%d %H:%M}", "zone": zone_name}
            ) from error
        raise EventError(
            _("%(time)s does not exist in %(zone)s (the clocks go forward): choose another time.")
            % {"time": f"{local:%Y-%m-%d %H:%M}", "zone": zone_name}
        ) from error


def _checked(
    data: EventData, community: Community | None
) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime | None, datetime.datetime | None]:
    if data.kind not in EventKind.values:
        raise EventError(_("Choose what kind of event this is."))
    if not 2000 <= data.starts.year <= 2100 or not 2000 <= data.ends.year <= 2100:
        raise EventError(_("Choose a date between the years 2000 and 2100."))
    if not " ".join((data.title or "").split()):
        raise EventError(_("Give the event a title."))
    try:
        zone(data.time_zone)
    except TimeZoneError as error:
        raise EventError(
            _("“%(zone)s” is not a time zone we know.") % {"zone": data.time_zone[:64]}
        ) from error
    starts, ends = _utc(data.starts, data.time_zone), _utc(data.ends, data.time_zone)
    assert starts is not None and ends is not None
    if ends <= starts:
        raise EventError(_("The event must end after it starts."))
    if ends - starts > datetime.timedelta(days=31):
        raise EventError(_("An event can last at most 31 days."))
    opens, closes = (
        _utc(data.registration_opens, data.time_zone),
        _utc(data.registration_closes, data.time_zone),
    )
    if opens and closes and closes <= opens:
        raise EventError(_("Registration must close after it opens."))
    if closes and closes > ends:
        raise EventError(_("Registration must close before the event ends."))
    if data.capacity is not None and not 1 <= data.capacity <= MAX_CAPACITY:
        raise EventError(_("The number of places must be between 1 and %(limit)d.") % {"limit": MAX_CAPACITY})
    if not data.languages or any(
        code not in SPOKEN_LANGUAGE_CODES for code in [*data.languages, *data.interpreted]
    ):
        raise EventError(_("Choose the languages of the event from the list."))
    if data.join_url and not data.join_url.lower().startswith(("https://", "http://")):
        raise EventError(_("A web address starts with https:// or http://."))
    if not data.join_url and not data.venue.strip():
        raise EventError(_("Give an online join link, a venue, or both."))
    # Everyone who sees the event must be able to open its materials: they come from the hub library or
    # from the event's own community, never from somewhere its audience cannot read.
    home = community.pk if community is not None else None
    for resource in [*data.materials, *([data.recording] if data.recording else [])]:
        if resource.community_id not in (None, home) or resource.status != ResourceStatus.VISIBLE:
            raise EventError(
                _("“%(title)s” cannot be attached: it must be in the hub library or this community's.")
                % {"title": resource.title[:80]}
            )
    return starts, ends, opens, closes


def _write(
    event: Event,
    data: EventData,
    times: tuple[datetime.datetime, datetime.datetime, datetime.datetime | None, datetime.datetime | None],
) -> None:
    event.kind = data.kind
    event.title = " ".join(data.title.split())[:200]
    event.summary = (data.summary or "").strip()[:10000]
    event.agenda = (data.agenda or "").strip()[:10000]
    event.time_zone = data.time_zone
    event.starts_at, event.ends_at, event.registration_opens_at, event.registration_closes_at = times
    event.join_url = data.join_url
    event.venue = (data.venue or "").strip()[:300]
    event.capacity = data.capacity
    event.recording = data.recording
    event.save()
    EventLanguage.objects.filter(event=event).delete()
    spoken = list(dict.fromkeys(data.languages))
    EventLanguage.objects.bulk_create(
        [EventLanguage(event=event, code=code) for code in spoken]
        + [
            EventLanguage(event=event, code=code, interpretation=True)
            for code in dict.fromkeys(data.interpreted)
            if code not in spoken
        ]
    )
    Speaker.objects.filter(event=event).delete()
    Speaker.objects.bulk_create(
        [
            Speaker(event=event, name=name.strip()[:150], affiliation=affiliation.strip()[:200], position=n)
            for n, (name, affiliation) in enumerate(data.speakers)
            if name.strip()
        ]
    )
    event.materials.set(data.materials)
    # Saved once more now that its languages are known, so the search index files it under the right one.
    event.save(update_fields=["updated_at"])


@transaction.atomic
def event_create(*, actor: Viewer, community: Community | None, data: EventData) -> Event:
    """Organise an event, hub-wide (the hub team) or in a community (its moderators and convenors)."""
    if not permissions.can_create(actor, community, _membership(actor, community)):
        raise PermissionDenied
    times = _checked(data, community)
    event = Event(community=community, organiser=cast(User, actor))
    _write(event, data, times)
    if data.kind == EventKind.WORLD_CAFE:
        Cafe.objects.create(event=event)
    interactions.record(
        interactions.Entry(
            actor_id=actor.pk or 0,
            verb=Verb.HOST,
            source=f"host:{event.pk}",
            community_id=event.community_id,
            object_type="event",
            object_id=event.pk,
            occurred_at=event.starts_at,
        )
    )
    return event


@transaction.atomic
def event_update(*, actor: Viewer, event: Event, data: EventData) -> Event:
    """Change an event; places cannot go below the people already registered, and new places go to the
    waiting list first."""
    locked = Event.objects.select_for_update(of=("self",)).select_related("community").get(pk=event.pk)
    if not permissions.can_manage(actor, locked, _membership(actor, locked.community)):
        raise PermissionDenied
    if locked.status == EventStatus.CANCELLED:
        raise EventError(_("This event is cancelled; it can no longer change."))
    times = _checked(data, locked.community)
    if data.capacity is not None and data.capacity < locked.registered_count:
        raise EventError(
            _("%(count)d people are registered: the number of places cannot go below that.")
            % {"count": locked.registered_count}
        )
    moved = times[0] != locked.starts_at
    _write(locked, data, times)
    if moved:  # the reminder is due again, a day before the new time
        locked.registrations.update(reminder_sent_at=None)
    if data.kind == EventKind.WORLD_CAFE:
        Cafe.objects.get_or_create(event=locked)
    _promote(locked)
    return locked


@transaction.atomic
def event_cancel(*, actor: Viewer, event: Event) -> int:
    """Cancel an event and tell everyone registered or waiting; returns how many were told."""
    locked = Event.objects.select_for_update(of=("self",)).select_related("community").get(pk=event.pk)
    if not permissions.can_manage(actor, locked, _membership(actor, locked.community)):
        raise PermissionDenied
    if locked.status == EventStatus.CANCELLED:
        raise EventError(_("This event is already cancelled."))
    locked.status = EventStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    waiting = list(
        locked.registrations.filter(status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED])
    )
    for registration in waiting:
        _mail(registration, "cancelled")
    return len(waiting)


@transaction.atomic
def register(*, actor: Viewer, event: Event, language: str) -> Registration:
    """Take a place, or a place on the waiting list when the event is full. Registrations for one event are
    serialised on its row, and a conditional update (with a check constraint behind it) means the places
    taken never exceed the capacity, however many people register at once."""
    locked = Event.objects.select_for_update(of=("self",)).select_related("community").get(pk=event.pk)
    now = timezone.now()
    if not permissions.can_register(actor, locked, _membership(actor, locked.community), now):
        if is_member(actor) and permissions.can_see(actor, locked, _membership(actor, locked.community)):
            raise EventError(_("Registration for this event is closed."))
        raise PermissionDenied
    offered = set(locked.languages.values_list("code", flat=True))
    if language not in offered:
        raise EventError(_("Choose one of the languages of the event."))
    existing = Registration.objects.filter(event=locked, user_id=actor.pk or 0).first()
    if existing is not None and existing.status == RegistrationStatus.REGISTERED:
        raise EventError(_("You are already registered for this event."))
    if existing is not None and existing.status == RegistrationStatus.WAITLISTED:
        raise EventError(_("You are already on the waiting list for this event."))
    taken = _take_place(locked)
    registration = existing or Registration(event=locked, user=cast(User, actor))
    registration.language = language
    registration.status = RegistrationStatus.REGISTERED if taken else RegistrationStatus.WAITLISTED
    registration.waitlisted_at = None if taken else now
    registration.cancelled_at = None
    registration.promoted_at = None
    registration.reminder_sent_at = None
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:  # a double-submitted form
        raise EventError(_("You are already registered for this event.")) from error
    _mail(registration, "registered" if taken else "waitlisted")
    webhooks.emit(
        locked.community,
        WebhookEvent.EVENT_REGISTRATION,
        {
            "event": {"id": locked.pk, "title": locked.title, "starts_at": locked.starts_at.isoformat()},
            "person": {
                "username": registration.user.username,
                "display_name": registration.user.display_name,
            },
            "status": registration.status,
            "language": registration.language,
        },
    )
    interactions.record(
        interactions.Entry(
            actor_id=registration.user_id,
            verb=Verb.REGISTER,
            source=f"register:{registration.pk}",
            community_id=locked.community_id,
            object_type="event",
            object_id=locked.pk,
            occurred_at=registration.created_at,
        )
    )
    return registration


def _take_place(event: Event) -> bool:
    if event.capacity is None:
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + 1)
        return True
    return bool(
        Event.objects.filter(pk=event.pk, registered_count__lt=F("capacity")).update(
            registered_count=F("registered_count") + 1
        )
    )


def _promote(event: Event) -> list[Registration]:
    """Give freed places to the waiting list, first come first served, and tell each person promoted."""
    promoted = []
    for registration in (
        Registration.objects.select_for_update()
        .filter(event=event, status=RegistrationStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:500]
    ):
        if not _take_place(event):
            break
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _mail(registration, "promoted")
        promoted.append(registration)
    return promoted


@transaction.atomic
def cancel_registration(*, actor: Viewer, event: Event) -> Registration:
    """Give up one's place (or place in line); a freed place goes to the first person waiting."""
    locked = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    registration = (
        Registration.objects.select_for_update()
        .filter(event=locked, user_id=actor.pk or 0)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        raise EventError(_("You are not registered for this event."))
    if locked.ends_at <= timezone.now():
        raise EventError(_("This event is over."))
    held_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if held_place:
        Event.objects.filter(pk=locked.pk).update(registered_count=F("registered_count") - 1)
        if locked.status == EventStatus.SCHEDULED:
            _promote(locked)
    return registration


@transaction.atomic
def attendance_mark(*, actor: Viewer, event: Event, attended_ids: Sequence[int]) -> int:
    """Record who came (everyone registered not in the list did not); returns how many came."""
    if not permissions.can_manage(actor, event, _membership(actor, event.community)):
        raise PermissionDenied
    if event.starts_at > timezone.now():
        raise EventError(_("Attendance can be marked once the event has started."))
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED)
    came = set(registered.filter(pk__in=list(attended_ids)).values_list("pk", flat=True))
    registered.filter(pk__in=came).update(attended=True)
    registered.exclude(pk__in=came).update(attended=False)
    _log_attendance(event, registered.filter(pk__in=came).values_list("pk", "user_id"))
    return len(came)


def _log_attendance(event: Event, came: Iterable[tuple[int, int]]) -> None:
    """One ATTEND line per (registration, person) who came; written again, it stays one line."""
    interactions.record_many(
        [
            interactions.Entry(
                actor_id=user_id,
                verb=Verb.ATTEND,
                source=f"attend:{pk}",
                community_id=event.community_id,
                object_type="event",
                object_id=event.pk,
                occurred_at=event.starts_at,
            )
            for pk, user_id in came
        ]
    )


@dataclass(frozen=True)
class AttendanceImport:
    marked: int  # registered people found in the file, now marked as having attended
    not_registered: list[str]  # addresses in the file of no one registered
    rows: int
    without_email: int


@transaction.atomic
def attendance_import(
    *, actor: Viewer, event: Event, participants: attendance.Participants
) -> AttendanceImport:
    """Mark as attended everyone registered whose email is in a video-conferencing tool's participant list;
    the others keep what was recorded (several files, one per session, add up)."""
    if not permissions.can_manage(actor, event, _membership(actor, event.community)):
        raise PermissionDenied
    if event.starts_at > timezone.now():
        raise EventError(_("Attendance can be marked once the event has started."))
    registered = {
        email.lower(): (pk, user_id)
        for pk, user_id, email in event.registrations.filter(
            status=RegistrationStatus.REGISTERED
        ).values_list("pk", "user_id", "user__email")
    }
    found = {registered[email] for email in participants.emails if email in registered}
    Registration.objects.filter(pk__in=[pk for pk, _user in found]).update(attended=True)
    _log_attendance(event, sorted(found))
    return AttendanceImport(
        marked=len(found),
        not_registered=[email for email in participants.emails if email not in registered],
        rows=participants.rows,
        without_email=participants.without_email,
    )


def _mail(registration: Registration, template: str) -> None:
    """Queue one mail about a registration, in the registrant's language, with the event as .ics."""
    user = registration.user
    if not user.email:
        return
    event = registration.event
    key = f"event:{template}:{registration.pk or 0}:{event.pk}:{user.pk}:{timezone.now():%Y%m%d%H%M%S%f}"
    registered = registration.status == RegistrationStatus.REGISTERED
    context = {
        "event": event,
        "registration": registration,
        "user": user,
        "when": _when_for(event, user),
        "link": settings.SITE_URL + reverse("events:detail", kwargs={"pk": event.pk}),
        "join_url": event.join_url if registered else "",
    }
    subject, body = render_in_language(f"events/email/{template}", context, user.language)
    attachments = []
    if template in {"registered", "promoted", "reminder", "cancelled"}:
        ics = calendar_bytes(
            [event], name=event.title, with_join_link=registered, cancel=template == "cancelled"
        ).decode()
        attachments.append(("event.ics", ics, "text/calendar"))
    queue_mail(key=key, subject=subject, body=body, to=user.email, attachments=attachments)


def _when_for(event: Event, user: User) -> str:
    from catchment.events.times import span

    with translation.override(user.language or settings.LANGUAGE_CODE):
        own = span(event.starts_at, event.ends_at, user.timezone or "UTC")
        organiser = span(event.starts_at, event.ends_at, event.time_zone)
    if own.zone_name == organiser.zone_name:
        return f"{own.date}, {own.text}"
    return f"{own.date}, {own.text} ({organiser.date}, {organiser.text})"


@task
def send_reminders() -> int:
    """Remind registered people of events starting within a day; each registration is claimed first, so a
    repeated run never reminds twice. Returns how many reminders were queued."""
    now = timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        reminder_sent_at__isnull=True,
        event__status=EventStatus.SCHEDULED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    ).select_related("event__community", "user")
    sent = 0
    for registration in due[:5000]:
        event, user = registration.event, registration.user
        if not user.is_active or not permissions.can_see(user, event, _membership(user, event.community)):
            continue  # no longer allowed to see it (left a private community, banned): no join link by mail
        # The claim and the queued mail commit together: a failure in between leaves neither.
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, status=RegistrationStatus.REGISTERED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                _mail(registration, "reminder")
        sent += bool(claimed)
    return sent


# --- World Café -----------------------------------------------------------------------------------------


@dataclass
class CafeSetup:
    purpose: str
    mode: str
    rounds: int
    round_minutes: int
    table_size: int
    questions: list[str]
    tables: list[tuple[str, User | None, str]]  # (label, host, breakout room or board)


def _cafe_for(actor: Viewer, event: Event) -> Cafe:
    cafe = Cafe.objects.filter(event=event).first()
    if cafe is None:
        raise EventError(_("This event has no World Café."))
    if not permissions.can_manage(actor, event, _membership(actor, event.community)):
        raise PermissionDenied
    return cafe


@transaction.atomic
def cafe_setup(*, actor: Viewer, event: Event, setup: CafeSetup) -> list[str]:
    """Set the café's purpose, rounds, questions (one a round) and tables; returns warnings worth showing (a
    round without a question). Changing the tables, hosts, rounds or table size clears the seating plan;
    once a table has harvested, those can no longer change, so no harvest is ever lost."""
    cafe = _cafe_for(actor, event)
    if setup.mode not in CafeMode.values:
        raise EventError(_("Choose where the café takes place."))
    questions = [" ".join(text.split())[:500] for text in setup.questions if text.strip()]
    if not questions:
        raise EventError(_("Write at least one question."))
    if not 1 <= setup.rounds <= 8 or len(questions) > setup.rounds:
        raise EventError(_("A café has 1 to 8 rounds, and at most one question a round."))
    if not 2 <= len(setup.tables) <= 50:
        raise EventError(_("A café needs between 2 and 50 tables."))
    labels = [label.strip()[:60] for label, _host, _room in setup.tables]
    if len(set(labels)) != len(labels) or not all(labels):
        raise EventError(_("Give every table its own name."))
    hosts = [host.pk for _label, host, _room in setup.tables if host is not None]
    if len(set(hosts)) != len(hosts):
        raise EventError(_("One person can host only one table."))
    if not 2 <= setup.table_size <= 12 or not 5 <= setup.round_minutes <= 120:
        raise EventError(_("Tables seat 2 to 12 people and rounds last 5 to 120 minutes."))
    current = [(t.label, t.host_id) for t in cafe.tables.order_by("position", "pk")]
    wanted = [
        (label, host.pk if host else None) for label, (_l, host, _r) in zip(labels, setup.tables, strict=True)
    ]
    reshaped = current != wanted or setup.rounds != cafe.rounds or setup.table_size != cafe.table_size
    if reshaped and cafe.harvests.exists():
        raise EventError(
            _("Tables have harvested already: the tables, hosts, rounds and table size can no longer change.")
        )
    cafe.purpose = (setup.purpose or "").strip()[:3000]
    cafe.mode = setup.mode
    cafe.rounds = setup.rounds
    cafe.round_minutes = setup.round_minutes
    cafe.table_size = setup.table_size
    if reshaped:
        cafe.seated_at = None
    cafe.save()
    cafe.questions.all().delete()
    CafeQuestion.objects.bulk_create(
        [CafeQuestion(cafe=cafe, round_no=n, text=text) for n, text in enumerate(questions, start=1)]
    )
    existing = {table.label: table for table in cafe.tables.all()}
    keep = []
    for position, (label, host, room) in enumerate(setup.tables):
        table = existing.get(label.strip()[:60]) or CafeTable(cafe=cafe, label=label.strip()[:60])
        table.host, table.breakout, table.position = host, room.strip()[:300], position
        table.save()
        keep.append(table.pk)
    cafe.tables.exclude(pk__in=keep).delete()
    if reshaped:
        cafe.seats.all().delete()
    return cafe_warnings(cafe, len(questions))


def cafe_warnings(cafe: Cafe, questions: int) -> list[str]:
    """What the organiser should know before seating: rounds without a question (the previous round's
    question is then carried on)."""
    return [
        _("Round %(round)d has no question: the question of round %(previous)d carries on.")
        % {"round": n, "previous": questions}
        for n in range(questions + 1, cafe.rounds + 1)
    ]


@transaction.atomic
def cafe_seat(*, actor: Viewer, event: Event, seed: int | None = None) -> seating.Plan:
    """Seat everyone registered (hosts at their tables) for every round so that people meet as many new
    people as possible, and keep the plan."""
    cafe = _cafe_for(actor, event)
    tables = list(cafe.tables.select_related("host").order_by("position", "pk"))
    people = {
        r.user_id: r.user
        for r in event.registrations.filter(status=RegistrationStatus.REGISTERED).select_related(
            "user__profile__organisation"
        )
    }
    for table in tables:
        if table.host is not None:
            people.setdefault(table.host_id, table.host)  # type: ignore[arg-type]
    if len(people) < 2 * len(tables):
        raise EventError(
            _("%(people)d people cannot fill %(tables)d tables: register more people or remove tables.")
            % {"people": len(people), "tables": len(tables)}
        )
    if len(people) > len(tables) * cafe.table_size:
        raise EventError(
            _("These tables seat at most %(size)d people each: add tables or seat more at each.")
            % {"size": cafe.table_size}
        )
    persons = [_person(user) for user in people.values()]
    cafe.seed = seed if seed is not None else (cafe.seed + 1)
    try:
        plan = seating.plan_seating(
            persons,
            len(tables),
            cafe.rounds,
            hosts=[table.host_id for table in tables],
            max_table_size=cafe.table_size,
            seed=cafe.seed,
        )
    except seating.SeatingError as error:
        raise EventError(
            _("No seating plan fits these tables and people: check the tables and their hosts.")
        ) from error
    cafe.seats.all().delete()
    Seat.objects.bulk_create(
        [
            Seat(
                cafe=cafe,
                round_no=round_no,
                table=tables[t],
                user_id=user_id,
                is_host=user_id == tables[t].host_id,
            )
            for round_no, round_tables in enumerate(plan.rounds, start=1)
            for t, seated in enumerate(round_tables)
            for user_id in seated
        ]
    )
    cafe.seated_at = timezone.now()
    cafe.save(update_fields=["seated_at", "seed"])
    return plan


def _person(user: User) -> seating.Person:
    profile = getattr(user, "profile", None)
    organisation = profile.organisation.name if profile is not None and profile.organisation else ""
    country = str(profile.country) if profile is not None and profile.country else ""
    return seating.Person(id=user.pk, organisation=organisation, country=country, language=user.language)


@transaction.atomic
def harvest_save(
    *, actor: Viewer, event: Event, table: CafeTable, round_no: int, notes: str, insights: str
) -> Harvest:
    """Keep what a table brought out of a round: written by its host, the people seated there, or the
    organisers."""
    cafe = Cafe.objects.filter(event=event).first()
    if cafe is None or table.cafe_id != cafe.pk or not 1 <= round_no <= cafe.rounds:
        raise EventError(_("There is no such table or round in this café."))
    manager = permissions.can_manage(actor, event, _membership(actor, event.community))
    seated = set(Seat.objects.filter(table=table, round_no=round_no).values_list("user_id", flat=True))
    if not permissions.can_harvest(actor, manager, table.host_id, seated):
        raise PermissionDenied
    notes, insights = (notes or "").strip()[:10000], (insights or "").strip()[:5000]
    if not notes and not insights:
        raise EventError(_("Write the table's notes or key insights first."))
    harvest, _created = Harvest.objects.update_or_create(
        table=table,
        round_no=round_no,
        defaults={"cafe": cafe, "notes": notes, "insights": insights, "author": cast(User, actor)},
    )
    return harvest


@transaction.atomic
def synthesis_save(*, actor: Viewer, event: Event, text: str) -> Cafe:
    """The organisers' synthesis of the whole café."""
    cafe = _cafe_for(actor, event)
    cafe.synthesis = (text or "").strip()[:20000]
    cafe.save(update_fields=["synthesis"])
    return cafe
