"""The level settings form; every label translated (they come from the model's field names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catchment.insights.models import (
    Capital,
    Channel,
    Cycle,
    DataSourceChoice,
    Frequency,
    LevelSettings,
    StoryStatus,
)
from catchment.insights.stories import StepData, StoryData
from catchment.insights.surveys import MAX_CONTACTS, ContactData, SurveyData


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


# The existing-connections survey ------------------------------------------------------------------------


class SurveyForm(forms.Form):
    topic = forms.CharField(
        label=_("Whom do people turn to for advice on…"),
        max_length=200,
        help_text=_("For example: drought early warning in the Limpopo basin."),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you ask, and what you will do with the answers."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels to ask about"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def to_data(self) -> SurveyData:
        data = self.cleaned_data
        return SurveyData(
            topic=data["topic"],
            introduction=data.get("introduction") or "",
            channels=list(data["channels"]),
            closes_on=data.get("closes_on"),
        )


class ContactForm(forms.Form):
    """One person the respondent turns to; a row left empty is ignored."""

    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    channels = forms.MultipleChoiceField(
        label=_("Through"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    frequency = forms.TypedChoiceField(
        label=_("How often"),
        choices=[("", "—"), *Frequency.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, channels: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = channels or []  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs.update({"list": "survey-people", "autocomplete": "off"})
        self.fields["organisation"].widget.attrs.update({"list": "survey-organisations"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name", "").strip() and not data.get("channels"):
            self.add_error("channels", _("Tick at least one channel."))
        if data.get("name", "").strip() and not data.get("frequency") and "frequency" not in self.errors:
            self.add_error("frequency", _("Say how often."))
        if not data.get("name", "").strip() and (data.get("organisation") or data.get("channels")):
            self.add_error("name", _("Give a name, or clear this line."))
        return data


class BaseContactFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[tuple[str, str]] = set()
        for form in self.forms:
            name = " ".join((form.cleaned_data.get("name") or "").split()).casefold()
            if not name:
                continue
            key = (name, " ".join((form.cleaned_data.get("organisation") or "").split()).casefold())
            if key in seen:
                raise forms.ValidationError(
                    _("You named %(name)s twice; put all the channels on one line.")
                    % {"name": form.cleaned_data["name"].strip()}
                )
            seen.add(key)


ContactFormSet = forms.formset_factory(
    ContactForm,
    formset=BaseContactFormSet,
    extra=0,
    max_num=MAX_CONTACTS,
    validate_max=True,
    absolute_max=MAX_CONTACTS,
)


class AnswerForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree that my answers are used to map how people in this field are connected. Only the "
            "community's moderators and convenors, and the hub team, see the map, and names only of those "
            "who allow it below."
        ),
        error_messages={"required": _("Tick this box to agree, or leave the survey unanswered.")},
    )
    named = forms.BooleanField(label=_("The moderators may see my name on the map"), required=False)


def contact_formset(
    data: Any, channels: list[tuple[str, str]], initial: list[dict[str, Any]] | None = None, rows: int = 5
) -> BaseContactFormSet:
    """The contacts formset; unbound, it shows the saved contacts plus empty rows up to `rows`."""
    initial = initial or []
    formset: BaseContactFormSet = ContactFormSet(  # type: ignore[assignment]
        data,
        initial=initial,
        prefix="contact",
        form_kwargs={"channels": channels},
    )
    if data is None:
        formset.extra = max(0, min(MAX_CONTACTS, max(rows, len(initial) + 2)) - len(initial))
    return formset


def contacts_of(formset: BaseContactFormSet) -> list[ContactData]:
    return [
        ContactData(
            name=form.cleaned_data.get("name") or "",
            organisation=form.cleaned_data.get("organisation") or "",
            channels=list(form.cleaned_data.get("channels") or []),
            frequency=form.cleaned_data.get("frequency") or Frequency.MONTHLY,
        )
        for form in formset.forms
        if (form.cleaned_data.get("name") or "").strip()
    ]
