"""Events as iCalendar (RFC 5545) with the icalendar library: one file per event for mail, and feeds."""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from catchment.events.models import Event, EventStatus

PRODUCT = "-//Catchment//Events//EN"


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "catchment"


def _component(event: Event, with_join_link: bool) -> CalendarEvent:
    url = settings.SITE_URL + reverse("events:detail", kwargs={"pk": event.pk})
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{_host()}")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    description = event.summary[:2000]
    if with_join_link and event.join_url:
        description = f"{description}\n\n{event.join_url}".strip()
    entry.add("description", f"{description}\n\n{url}".strip())
    entry.add("url", url)
    location = event.venue or (event.join_url if with_join_link else "")
    if location:
        entry.add("location", location)
    entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    entry.add("organizer", f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or 'hub@' + _host()}")
    entry.add("sequence", int(event.updated_at.timestamp()) // 60 % 2_000_000_000)
    return entry


def calendar_bytes(
    events: Iterable[Event], *, name: str, with_join_link: bool, cancel: bool = False
) -> bytes:
    """A calendar of these events; join links only for people registered to them. With `cancel`, a
    cancellation (METHOD:CANCEL, with the organiser) that calendar programs apply to the event they hold."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event, with_join_link))
    return calendar.to_ical()
