"""Organising events, registering with a waiting list, mail with calendar files, reminders, feeds,
attendance and exports."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from catchment.accounts.tests.factories import ProfileFactory, UserFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.events import services
from catchment.events.models import Event, Registration
from catchment.events.services import EventData


def soon(days=10, hour=14):
    base = timezone.now().astimezone(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def webinar(**extra):
    starts = extra.pop("starts", soon())
    extra.setdefault("kind", "webinar")
    extra.setdefault("title", "Launch of the partnership sourcebook")
    extra.setdefault("time_zone", "Europe/Stockholm")
    extra.setdefault("ends", starts + datetime.timedelta(hours=1, minutes=45))
    extra.setdefault("languages", ["en", "es", "fr", "ru"])
    extra.setdefault("join_url", "https://meet.example.org/launch")
    return EventData(starts=starts, **extra)


@pytest.fixture
def team(db):
    return UserFactory(is_staff=True)


def organise(actor, community=None, **extra):
    return services.event_create(actor=actor, community=community, data=webinar(**extra))


def person(language="en", zone="UTC"):
    return ProfileFactory(user__language=language, user__timezone=zone).user


def test_times_are_stored_in_utc_with_the_organisers_zone(team):
    event = organise(team, starts=datetime.datetime(2031, 5, 27, 14, 0))
    assert event.starts_at == datetime.datetime(2031, 5, 27, 12, 0, tzinfo=datetime.UTC)
    assert event.time_zone == "Europe/Stockholm"
    assert set(event.languages.values_list("code", flat=True)) == {"en", "es", "fr", "ru"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ends": soon() - datetime.timedelta(hours=1)}, "end after it starts"),
        ({"time_zone": "Atlantis/Capital"}, "not a time zone we know"),
        (
            {"starts": datetime.datetime(2031, 3, 30, 2, 30), "ends": datetime.datetime(2031, 3, 30, 4, 0)},
            "does not exist",
        ),
        (
            {"starts": datetime.datetime(2031, 10, 26, 2, 30), "ends": datetime.datetime(2031, 10, 26, 4, 0)},
            "happens twice",
        ),
        ({"capacity": 0}, "between 1 and"),
        ({"registration_closes": soon(days=20)}, "close before the event ends"),
        ({"registration_opens": soon(days=5), "registration_closes": soon(days=4)}, "close after it opens"),
        ({"languages": ["klingon"]}, "languages"),
        ({"join_url": "", "venue": ""}, "join link, a venue"),
        ({"join_url": "javascript:alert(1)"}, "https://"),
        ({"kind": "party"}, "kind"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_event_details_are_refused_with_a_reason(team, extra, message):
    with pytest.raises(services.EventError, match=message):
        organise(team, **extra)
    assert Event.objects.count() == 0


def test_who_may_organise(team):
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    with pytest.raises(PermissionDenied):
        organise(member)
    with pytest.raises(PermissionDenied):
        organise(member, community)
    organise(moderator, community)
    organise(team)


def test_a_registrant_gets_a_confirmation_in_their_language_with_a_calendar_file(
    team, django_capture_on_commit_callbacks
):
    event = organise(team, starts=datetime.datetime(2031, 5, 27, 14, 0))
    madrid = person("es", "Europe/Madrid")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(actor=madrid, event=event, language="es")
    assert registration.status == "registered"
    (message,) = mail.outbox
    assert message.to == [madrid.email]
    assert message.subject.startswith("[Catchment] Inscripción confirmada")
    assert "https://meet.example.org/launch" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("event.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == datetime.datetime(2031, 5, 27, 12, 0, tzinfo=datetime.UTC)
    assert str(entry.get("summary")) == "Launch of the partnership sourcebook"
    assert "meet.example.org" in str(entry.get("description"))
    event.refresh_from_db()
    assert event.registered_count == 1


def test_registration_refuses_twice_unknown_languages_and_closed_windows(team):
    event = organise(team, languages=["en", "fr"])
    member = person()
    with pytest.raises(services.EventError, match="languages of the event"):
        services.register(actor=member, event=event, language="ru")
    services.register(actor=member, event=event, language="fr")
    with pytest.raises(services.EventError, match="already registered"):
        services.register(actor=member, event=event, language="fr")
    closed = organise(team, registration_opens=soon(days=-3), registration_closes=soon(days=-2))
    with pytest.raises(services.EventError, match="closed"):
        services.register(actor=member, event=closed, language="en")
    future = organise(team, registration_opens=soon(days=5))
    with pytest.raises(services.EventError, match="closed"):
        services.register(actor=member, event=future, language="en")
    with pytest.raises(PermissionDenied):
        services.register(
            actor=member,
            event=organise(team, community=CommunityFactory(visibility="private")),
            language="en",
        )
    assert Registration.objects.count() == 1


def test_the_last_place_goes_the_next_person_waits_and_is_promoted_when_someone_cancels(
    team, django_capture_on_commit_callbacks
):
    event = organise(team, capacity=2)
    first, second, third, fourth = person(), person(), person("fr"), person()
    for member in (first, second):
        services.register(actor=member, event=event, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.register(actor=third, event=event, language="en")
    assert waiting.status == "waitlisted"
    assert "attente" in mail.outbox[-1].subject  # told in French that they wait
    services.register(actor=fourth, event=event, language="en")
    with pytest.raises(services.EventError, match="waiting list"):
        services.register(actor=third, event=event, language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(actor=first, event=event)
    waiting.refresh_from_db()
    assert waiting.status == "registered" and waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [[third.email]]
    assert Registration.objects.get(user=fourth).status == "waitlisted"
    event.refresh_from_db()
    assert event.registered_count == 2
    services.register(actor=first, event=event, language="en")  # comes back: to the end of the line
    assert Registration.objects.get(user=first).status == "waitlisted"


def same_times(event, **extra):
    tz = zoneinfo.ZoneInfo(event.time_zone)
    return webinar(
        starts=event.starts_at.astimezone(tz).replace(tzinfo=None),
        ends=event.ends_at.astimezone(tz).replace(tzinfo=None),
        **extra,
    )


def test_capacity_never_drops_below_those_registered_and_new_places_go_to_the_waiting_list(team):
    event = organise(team, capacity=2)
    holders = [person(), person()]
    waiting = person()
    for member in [*holders, waiting]:
        services.register(actor=member, event=event, language="en")
    with pytest.raises(services.EventError, match="cannot go below"):
        services.event_update(actor=team, event=event, data=same_times(event, capacity=1))
    services.event_update(actor=team, event=event, data=same_times(event, capacity=3))
    assert Registration.objects.get(user=waiting).status == "registered"


def test_the_database_itself_refuses_more_registrations_than_places(team):
    from django.db import IntegrityError, transaction

    event = organise(team, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(registered_count=2)


def test_reminders_go_out_once_a_day_before(team, django_capture_on_commit_callbacks):
    event = organise(team, starts=soon(days=3))
    member = person()
    services.register(actor=member, event=event, language="en")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=5),
        ends_at=timezone.now() + datetime.timedelta(hours=6),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 0
    assert len(mail.outbox) == 1 and "Reminder" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == "event.ics"


def test_a_retried_mail_task_sends_nothing_twice(db, django_capture_on_commit_callbacks):
    from catchment.core.mail import queue_mail

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_mail(key="k1", subject="S", body="B", to="a@example.org") is not None
        assert queue_mail(key="k1", subject="S", body="B", to="a@example.org") is None
    assert len(mail.outbox) == 1


def test_cancelling_an_event_tells_everyone_with_a_calendar_update(team, django_capture_on_commit_callbacks):
    event = organise(team, capacity=1)
    registered, waiting = person(), person()
    services.register(actor=registered, event=event, language="en")
    services.register(actor=waiting, event=event, language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_cancel(actor=team, event=event) == 2
    assert {m.to[0] for m in mail.outbox} == {registered.email, waiting.email}
    cancelled = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(cancelled.walk("VEVENT")[0].get("status")) == "CANCELLED"
    with pytest.raises(services.EventError):
        services.register(actor=person(), event=event, language="en")


def test_attendance_is_marked_once_the_event_has_started(team):
    event = organise(team)
    came, absent = person(), person()
    for member in (came, absent):
        services.register(actor=member, event=event, language="en")
    with pytest.raises(services.EventError, match="started"):
        services.attendance_mark(actor=team, event=event, attended_ids=[])
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    event.refresh_from_db()
    mine = Registration.objects.get(user=came)
    assert services.attendance_mark(actor=team, event=event, attended_ids=[mine.pk, 999_999]) == 1
    assert dict(Registration.objects.values_list("user_id", "attended")) == {came.pk: True, absent.pk: False}
    with pytest.raises(PermissionDenied):
        services.attendance_mark(actor=came, event=event, attended_ids=[])


def test_the_page_shows_the_viewers_time_and_the_organisers_and_hides_the_join_link(client, team):
    event = organise(team, starts=datetime.datetime(2031, 5, 27, 14, 0))
    lima = person("en", "America/Lima")
    client.force_login(lima)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "07:00–08:45 -05, Lima" in page
    assert "14:00–15:45 CEST, Stockholm" in page
    assert "meet.example.org" not in page
    client.post(f"/events/{event.pk}/register/", {"language": "es"})
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "meet.example.org/launch" in page and "You are registered" in page
    assert (
        client.get("/events/").status_code == 200
        and "Launch of the partnership" in client.get("/events/").content.decode()
    )


def test_the_registration_list_exports_csv_with_formulas_neutralised(client, team):
    event = organise(team)
    sneaky = ProfileFactory(user__display_name='=HYPERLINK("http://evil.example","x")').user
    services.register(actor=sneaky, event=event, language="en")
    client.force_login(team)
    response = client.get(f"/events/{event.pk}/registrations.csv")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    assert client.get(f"/events/{event.pk}/registrations/").status_code == 200
    client.force_login(sneaky)
    assert client.get(f"/events/{event.pk}/registrations.csv").status_code == 404


def test_calendar_feeds_for_a_person_and_for_a_community(client, team):
    from catchment.events.views import feed_token

    private = CommunityFactory(slug="cwp", visibility="private")
    moderator = MembershipFactory(community=private, role=Role.MODERATOR).user
    inside = organise(moderator, private, title="Partnership clinic")
    hub = organise(team)
    member = person()
    services.register(actor=member, event=hub, language="en")
    feed = client.get(f"/events/feed/{feed_token(member.pk)}.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    entries = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e.get("summary")) for e in entries] == [hub.title]
    assert "meet.example.org" in str(entries[0].get("description"))
    assert client.get("/events/feed/forged.ics").status_code == 404
    assert client.get("/communities/cwp/events.ics").status_code == 404
    key = feed_token(moderator.pk, private.pk)
    private_feed = client.get(f"/communities/cwp/events.ics?key={key}")
    assert private_feed.status_code == 200 and b"Partnership clinic" in private_feed.content
    assert b"meet.example.org" not in private_feed.content
    outsider_key = feed_token(member.pk, private.pk)
    assert client.get(f"/communities/cwp/events.ics?key={outsider_key}").status_code == 404
    assert b"Partnership clinic" not in client.get("/events/calendar.ics").content
    assert inside.pk


def test_the_pages_refuse_bad_input_with_a_message_and_keep_it(client, team):
    client.force_login(team)
    response = client.post(
        "/events/new/",
        {
            "kind": "webinar",
            "title": "Backwards",
            "time_zone": "Europe/Stockholm",
            "starts": "2031-05-27T14:00",
            "ends": "2031-05-27T13:00",
            "languages": ["en"],
            "join_url": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 400
    assert "end after it starts" in response.content.decode() and "Backwards" in response.content.decode()
    response = client.post(
        "/events/new/", {"kind": "webinar", "title": "Bad zone", "time_zone": "Mars/Base", "starts": "x"}
    )
    assert response.status_code == 400
    event = organise(team)
    member = person()
    client.force_login(member)
    response = client.post(f"/events/{event.pk}/register/", {"language": "tlh"})
    assert response.status_code == 302 and Registration.objects.count() == 0
    response = client.post(f"/events/{event.pk}/unregister/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path", ["/events/", "/events/{pk}/", "/events/{pk}/registrations/", "/events/mine/"]
)
def test_event_pages_run_a_constant_number_of_queries(client, team, path):
    event = organise(team, capacity=200)
    client.force_login(team)
    services.register(actor=team, event=event, language="en")

    def grow(n):
        for _ in range(n):
            other = organise(team)
            services.register(actor=team, event=other, language="fr")
            services.register(actor=person(), event=event, language="es")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path.format(pk=event.pk)).status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    assert count() == small


def test_search_finds_events(client, team):
    organise(team, title="Drought early warning webinar", summary="Forecasts for farmers.")
    assert "Drought early warning webinar" in client.get("/search/?q=forecasts").content.decode()
    assert re.search(r"Events|Eventos", client.get("/search/?q=forecasts&type=event").content.decode())


def test_the_reminder_command_runs(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    assert "0 reminder(s) queued" in out.getvalue()


def test_materials_and_recordings_come_from_where_the_audience_can_read(team):
    from catchment.library import services as library

    private = CommunityFactory(visibility="private")
    secret_doc = library.resource_create(
        actor=MembershipFactory(community=private).user,
        community=private,
        data=library.ResourceData(
            kind="video", title="PRIVATE recording", language="en", url="https://v.example.org"
        ),
    )
    with pytest.raises(services.EventError, match="cannot be attached"):
        organise(team, recording=secret_doc)
    with pytest.raises(services.EventError, match="cannot be attached"):
        organise(team, materials=[secret_doc])
    moderator = MembershipFactory(community=private, role=Role.MODERATOR).user
    inside = organise(moderator, private, recording=secret_doc)
    assert inside.recording == secret_doc


def test_a_cancelled_event_stays_as_it_was(team):
    event = organise(team, capacity=1)
    services.register(actor=person(), event=event, language="en")
    services.register(actor=person(), event=event, language="en")
    services.event_cancel(actor=team, event=event)
    with pytest.raises(services.EventError, match="cancelled"):
        services.event_update(actor=team, event=event, data=same_times(event, capacity=5))
    assert Registration.objects.filter(status="waitlisted").count() == 1


def test_moving_an_event_makes_its_reminder_due_again(team, django_capture_on_commit_callbacks):
    event = organise(team)
    member = person()
    services.register(actor=member, event=event, language="en")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=5),
        ends_at=timezone.now() + datetime.timedelta(hours=6),
    )
    assert services.send_reminders() == 1
    event.refresh_from_db()
    services.event_update(actor=team, event=event, data=webinar(starts=soon(days=8)))
    assert Registration.objects.get(user=member).reminder_sent_at is None


def test_someone_who_lost_access_gets_no_reminder_and_no_feed_entry(client, team):
    from catchment.communities import services as community_services
    from catchment.events.views import feed_token

    private = CommunityFactory(visibility="private")
    moderator = MembershipFactory(community=private, role=Role.MODERATOR).user
    member = MembershipFactory(community=private).user
    event = organise(moderator, private, title="Inside only")
    services.register(actor=member, event=event, language="en")
    community_services.membership_remove(actor=moderator, community=private, user=member, ban=True)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=5),
        ends_at=timezone.now() + datetime.timedelta(hours=6),
    )
    assert services.send_reminders() == 0
    feed = client.get(f"/events/feed/{feed_token(member.pk)}.ics")
    assert b"Inside only" not in feed.content and b"meet.example.org" not in feed.content


def test_the_form_reads_times_in_the_events_zone_not_the_organisers_profile(client, db):
    organiser = ProfileFactory(user__is_staff=True, user__timezone="Europe/Stockholm").user
    client.force_login(organiser)
    form = {
        "kind": "webinar",
        "title": "New York morning",
        "time_zone": "America/New_York",
        "starts": "2031-03-30T02:30",  # the hour Stockholm skips that night exists in New York
        "ends": "2031-03-30T04:00",
        "languages": ["en"],
        "join_url": "https://meet.example.org/ny",
    }
    response = client.post("/events/new/", form)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2031, 3, 30, 6, 30, tzinfo=datetime.UTC)
    for starts in ("9999-12-31T22:00", "0001-01-01T00:00", "2031-13-45T99:99"):
        response = client.post("/events/new/", {**form, "starts": starts})
        assert response.status_code == 400, starts
