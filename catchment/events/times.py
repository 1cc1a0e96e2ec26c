"""Event times as people read them: in a given time zone, with its abbreviation and city, localised.

Stored times are UTC; the organiser's zone is kept beside them. "14:00–15:45 CEST, Stockholm" is the span
in one zone; `local_to_utc` turns what an organiser typed into UTC and refuses times that do not exist
(the hour skipped when clocks go forward) or are ambiguous (the hour repeated when they go back).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import formats


class TimeZoneError(ValueError):
    """An unknown zone, or a local time that does not exist or happens twice there."""


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The named IANA zone; TimeZoneError for anything else."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise TimeZoneError(name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise TimeZoneError(name) from exc


def city(name: str) -> str:
    """'Europe/Stockholm' → 'Stockholm', 'America/Argentina/Buenos_Aires' → 'Buenos Aires'."""
    return name.rsplit("/", 1)[-1].replace("_", " ") if "/" in name else name


def local_to_utc(local: datetime.datetime, zone_name: str) -> datetime.datetime:
    """A naive wall-clock time in `zone_name` as an aware UTC datetime."""
    tz = zone(zone_name)
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    try:
        as_utc = first.astimezone(datetime.UTC)
        round_trip = as_utc.astimezone(tz).replace(tzinfo=None)
    except (OverflowError, ValueError) as exc:  # years 1 and 9999 fall off the calendar in some zones
        raise TimeZoneError("out of range") from exc
    if round_trip != local:
        raise TimeZoneError("nonexistent")
    if first.utcoffset() != second.utcoffset():
        raise TimeZoneError("ambiguous")
    return as_utc


@dataclass(frozen=True)
class Span:
    """An event's start and end as shown in one zone."""

    date: str  # the start date, localised ("Tuesday 30 May 2023")
    text: str  # "14:00–15:45 CEST, Stockholm" (dates added when it ends on another day)
    zone_name: str


def span(start: datetime.datetime, end: datetime.datetime, zone_name: str) -> Span:
    """Format an event's times in a zone, with the active language's date format."""
    tz = zone(zone_name)
    begins, ends = start.astimezone(tz), end.astimezone(tz)
    start_label, end_label = begins.tzname() or "", ends.tzname() or ""
    day = formats.date_format(begins, "l") + " " + formats.date_format(begins, "DATE_FORMAT")
    where = city(zone_name) if zone_name != "UTC" else ""
    place = f"{end_label}, {where}" if where else end_label
    # When the clocks change during the event, each end of it carries its own abbreviation.
    opening = f"{begins:%H:%M}" + (f" {start_label}" if start_label != end_label else "")
    if begins.date() == ends.date():
        text = f"{opening}–{ends:%H:%M} {place}"
    else:
        text = f"{opening} – {formats.date_format(ends, 'DATE_FORMAT')} {ends:%H:%M} {place}"
    return Span(date=day, text=text, zone_name=zone_name)
