"""The level settings form; every label translated (they come from the model's field names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catchment.insights.models import Capital, Cycle, DataSourceChoice, LevelSettings, StoryStatus
from catchment.insights.stories import StepData, StoryData


class LevelSettingsForm(forms.ModelForm):
    class Meta:
        model = LevelSettings
        fields = [
            "window_days",
            "topic_weight",
            "reply_weight",
            "resource_weight",
            "attendance_weight",
            "hosting_weight",
            "active_weeks",
            "active_contributions",
            "core_weeks",
            "core_percent",
            "lethargy_days",
        ]
        help_texts = {
            "window_days": _("Levels look at this many days of activity (90 by default)."),
            "active_weeks": _("Weeks with some activity in the window (4 of 13 is about monthly)."),
            "core_percent": _("Wenger, McDermott and Snyder: a core of about 10 to 15 %."),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        limits = {"window_days": (14, 366), "core_percent": (1, 50), "lethargy_days": (7, 365)}
        for name, (low, high) in limits.items():
            value = data.get(name)
            if isinstance(value, int) and not low <= value <= high:
                self.add_error(
                    name, _("Choose a number between %(low)d and %(high)d.") % {"low": low, "high": high}
                )
        for name in (
            "topic_weight",
            "reply_weight",
            "resource_weight",
            "attendance_weight",
            "hosting_weight",
            "active_weeks",
            "active_contributions",
            "core_weeks",
        ):
            value = data.get(name)
            if isinstance(value, int) and value > 100:
                self.add_error(
                    name, _("Choose a number between %(low)d and %(high)d.") % {"low": 0, "high": 100}
                )
        return data


STEP_HELP = {
    1: _("The activity or conversation, and your experience of it."),
    2: _("What it produced: a skill, a contact, a document, an idea."),
    3: _("How you put it to use in your practice."),
    4: _("What difference that made to what matters to you or your organisation."),
    5: _("Whether it changed how you or others define success."),
}


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("In a few words"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("Status"), choices=StoryStatus.choices)
    consent_publish = forms.BooleanField(
        label=_("I agree that the community may read this story"), required=False
    )
    anonymise = forms.BooleanField(label=_("Tell it without my name"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for cycle, name in Cycle.choices:
            self.fields[f"narrative_{cycle}"] = forms.CharField(
                label=name,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=STEP_HELP[cycle],
            )
            if cycle == Cycle.POTENTIAL:
                self.fields["capitals"] = forms.MultipleChoiceField(
                    label=_("Forms of knowledge capital"),
                    required=False,
                    choices=Capital.choices,
                    widget=forms.CheckboxSelectMultiple,
                )
            self.fields[f"aspirational_{cycle}"] = forms.BooleanField(
                label=_("This is a hope, not yet happened"), required=False
            )
            self.fields[f"evidence_{cycle}"] = forms.CharField(
                label=_("Evidence (a web address)"), required=False, max_length=500
            )

    def cycle_fields(self) -> list[tuple[int, list[forms.BoundField]]]:
        rows = []
        for cycle, _name in Cycle.choices:
            names = [
                f"narrative_{cycle}",
                *(["capitals"] if cycle == Cycle.POTENTIAL else []),
                f"aspirational_{cycle}",
                f"evidence_{cycle}",
            ]
            rows.append((cycle, [self[name] for name in names]))
        return rows

    def to_data(self) -> StoryData:
        data = self.cleaned_data
        return StoryData(
            title=data["title"],
            summary=data.get("summary", ""),
            status=data["status"],
            consent_publish=data.get("consent_publish", False),
            anonymise=data.get("anonymise", False),
            steps={
                cycle: StepData(
                    narrative=data.get(f"narrative_{cycle}", "") or "",
                    capitals=list(data.get("capitals") or []) if cycle == Cycle.POTENTIAL else [],
                    is_aspirational=bool(data.get(f"aspirational_{cycle}")),
                    evidence_url=(data.get(f"evidence_{cycle}") or "").strip(),
                )
                for cycle, _name in Cycle.choices
            },
        )


class IndicatorForm(forms.Form):
    cycle = forms.TypedChoiceField(label=_("Cycle"), choices=Cycle.choices, coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(
        label=_("Definition"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    data_source = forms.ChoiceField(label=_("Source"), choices=DataSourceChoice.choices)


class ObservationForm(forms.Form):
    period_start = forms.DateField(
        label=pgettext_lazy("period", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=pgettext_lazy("period", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=14, decimal_places=3)
    note = forms.CharField(label=_("Note or qualitative value"), required=False, max_length=300)
    sample = forms.IntegerField(label=_("Sample size"), required=False, min_value=0, max_value=10_000_000)
    source_ref = forms.CharField(label=_("Source"), required=False, max_length=300)
