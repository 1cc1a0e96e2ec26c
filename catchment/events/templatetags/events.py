"""Event times in templates: the viewer's zone and the organiser's, localised."""

from __future__ import annotations

from django import template
from django.utils import timezone

from catchment.events.models import Event
from catchment.events.times import Span, span

register = template.Library()


@register.simple_tag
def event_when(event: Event) -> dict[str, Span | bool]:
    """{'viewer': Span in the active time zone, 'organiser': Span in the organiser's, 'same': bool}."""
    viewer = span(event.starts_at, event.ends_at, timezone.get_current_timezone_name())
    organiser = span(event.starts_at, event.ends_at, event.time_zone)
    return {"viewer": viewer, "organiser": organiser, "same": viewer.text == organiser.text}


@register.filter
def language_name(code: str) -> str:
    """'es' → 'Spanish', in the active language."""
    from catchment.accounts.languages import spoken_language_name

    return spoken_language_name(code)
