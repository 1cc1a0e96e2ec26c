"""Forms for events, registration and the World Café; every message is translated."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils.translation import gettext_lazy as _

from catchment.accounts.languages import spoken_language_choices
from catchment.accounts.models import TIME_ZONE_CHOICES
from catchment.events.models import CafeMode, EventKind
from catchment.events.services import EventData

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, [links](https://example.org), lists.")
LOCAL = {"type": "datetime-local"}
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class WallClockField(forms.DateTimeField):
    """A date and time as the organiser's clock shows it, kept naive: it is read in the event's own time
    zone by the service, not in the zone of whoever fills in the form."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        parsed = BaseTemporalField.to_python(self, value)
        return parsed if isinstance(parsed, datetime.datetime) else None

    def strptime(self, value: str, format: str) -> datetime.datetime:
        return datetime.datetime.strptime(value, format)


def _local(label: Any, required: bool = True) -> forms.DateTimeField:
    return WallClockField(
        label=label,
        required=required,
        input_formats=INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs=LOCAL, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the organiser's time zone, chosen above."),
    )


def _numbers(text: str) -> list[int]:
    """Library numbers from "12, 40"; anything that is not a plausible number is kept out (and reported by
    the form's clean)."""
    return [int(n) for n in re.findall(r"\d+", text or "") if len(n) <= 9][:50]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    time_zone = forms.ChoiceField(label=_("Organiser's time zone"), choices=TIME_ZONE_CHOICES)
    starts = _local(_("Starts"))
    ends = _local(_("Ends"))
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    interpreted = forms.MultipleChoiceField(
        label=_("Interpreted into"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    join_url = forms.CharField(
        label=_("Online join link"),
        required=False,
        max_length=500,
        help_text=_("Shown only to people who are registered."),
    )
    venue = forms.CharField(label=_("Venue"), required=False, max_length=300)
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Leave empty for no limit."),
    )
    registration_opens = _local(_("Registration opens"), required=False)
    registration_closes = _local(_("Registration closes"), required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name, then a dash and their role or organisation."),
    )
    materials = forms.CharField(
        label=_("Materials (library numbers)"),
        required=False,
        max_length=500,
        help_text=_("For example: 12, 40"),
    )
    recording = forms.IntegerField(
        label=_("Recording (library number)"), required=False, min_value=1, max_value=2**31 - 1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("languages", "interpreted"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = spoken_language_choices()

    def speakers_list(self) -> list[tuple[str, str]]:
        """(name, role) pairs from "Name – role" lines."""
        rows = []
        for line in (self.cleaned_data.get("speakers") or "").splitlines()[:30]:
            parts = re.split(r"\s+[—–-]\s+", line.strip(), maxsplit=1)
            if parts[0]:
                rows.append((parts[0], parts[1] if len(parts) > 1 else ""))
        return rows

    def clean_materials(self) -> str:
        text = self.cleaned_data.get("materials", "") or ""
        if re.search(r"[^\d,;\s]", text) or any(len(n) > 9 for n in re.findall(r"\d+", text)):
            raise forms.ValidationError(_("Write library numbers separated by commas, for example: 12, 40"))
        return text

    def material_numbers(self) -> list[int]:
        return _numbers(self.cleaned_data.get("materials", ""))

    def to_data(self, materials: list[Any], recording: Any) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data["kind"],
            title=data["title"],
            time_zone=data["time_zone"],
            starts=data["starts"],
            ends=data["ends"],
            summary=data.get("summary", ""),
            agenda=data.get("agenda", ""),
            languages=list(data.get("languages") or []),
            interpreted=list(data.get("interpreted") or []),
            join_url=(data.get("join_url") or "").strip(),
            venue=data.get("venue", ""),
            capacity=data.get("capacity"),
            registration_opens=data.get("registration_opens"),
            registration_closes=data.get("registration_closes"),
            speakers=self.speakers_list(),
            materials=materials,
            recording=recording,
        )


class RegisterForm(forms.Form):
    language = forms.ChoiceField(label=_("The language you will follow"))

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = languages


class FilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"), required=False, choices=[("", _("Coming up")), ("past", _("Past events"))]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All languages")), *spoken_language_choices()]


class CafeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    mode = forms.ChoiceField(label=_("Where"), choices=CafeMode.choices, widget=forms.RadioSelect)
    rounds = forms.IntegerField(label=_("Rounds"), min_value=1, max_value=8, initial=3)
    round_minutes = forms.IntegerField(label=_("Minutes per round"), min_value=5, max_value=120, initial=20)
    table_size = forms.IntegerField(label=_("Largest table"), min_value=2, max_value=12, initial=6)
    questions = forms.CharField(
        label=_("Questions, one a line, in the order of the rounds"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tables = forms.CharField(
        label=_("Tables, one a line"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The table's name; optionally a semicolon and its host's handle; optionally another semicolon "
            "and its breakout room or board. For example: Table 1; amina; Room A"
        ),
    )

    def question_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]

    def table_rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for line in self.cleaned_data["tables"].splitlines():
            if not line.strip():
                continue
            # The breakout room (last) may itself hold semicolons, as some meeting links do.
            parts = [part.strip() for part in line.split(";", 2)] + ["", ""]
            rows.append((parts[0], parts[1].lstrip("@").lower(), parts[2]))
        return rows


class HarvestForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes from the table"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )
    insights = forms.CharField(
        label=_("Key insights"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )


class SynthesisForm(forms.Form):
    synthesis = forms.CharField(
        label=_("Synthesis of the café"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
