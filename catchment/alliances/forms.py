"""Forms for learning alliances; every label translated. Forms only read and check input: the services
decide and write."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from catchment.accounts.models import Organisation, User
from catchment.alliances import mobilisation
from catchment.alliances.models import (
    CORE_VALUES,
    ActionResearchCycle,
    AllianceStage,
    AllianceStatus,
    AllianceVisibility,
    Audience,
    Channel,
    CyclePhase,
    Engagement,
    Level,
    Mobilisation,
    OrgType,
    OutputKind,
    Platform,
    RelationKind,
    Stakeholder,
    StakeholderKind,
    Strategy,
)
from catchment.communities.models import Community

SCORE_CHOICES = [(value, str(value)) for value in range(1, 6)]


FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2200, 12, 31)


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2200: pictures and timelines are drawn from these dates."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(_("Choose a date between 1900 and 2200."), code="out_of_range")


def _is_id(value: object) -> bool:
    """A primary key the database can hold: ASCII digits, below 2**63 (larger numbers overflow SQLite)."""
    text = str(value)
    return text.isascii() and text.isdecimal() and len(text) <= 18


class _Named:
    """Platform choices labelled with the names the viewer may see (selectors.AllianceView.names), never
    read afresh from the community, so a secret community's name cannot slip into a form."""

    names: dict[int, str]

    def platform_name(self, obj: Any) -> str:
        return str(self.names.get(obj.pk, "")) if getattr(self, "names", None) is not None else ""


class SafeChoiceField(forms.ModelChoiceField):
    """Refuses ids the database cannot hold before asking it."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class PlatformChoiceField(_Named, SafeChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{self.platform_name(obj)} ({obj.get_level_display()})"


class PlatformNameField(PlatformChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return self.platform_name(obj)


class SafeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids the database cannot hold before asking it (SQLite raises OverflowError otherwise)."""

    def _check_values(self, value: Any) -> Any:
        for item in value:
            if not _is_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:20]},
                )
        return super()._check_values(value)  # type: ignore[misc]


class PlatformMultipleChoiceField(_Named, SafeMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return self.platform_name(obj)


def _names(form: forms.BaseForm, field: str, platforms: list[Platform]) -> None:
    cast(_Named, form.fields[field]).names = {p.pk: str(p.community.name) for p in platforms}


def _models(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _score_field(label: Any, help_text: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        initial=3,
        help_text=help_text,
        error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
    )


class AllianceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=60,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the name if left empty. It cannot change later."),
    )
    theme = forms.CharField(
        label=_("Theme"), max_length=160, help_text=_("For example: multiple-use water services.")
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    initiating_organisations = forms.CharField(
        label=_("Initiating organisations"), max_length=300, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AllianceStatus.choices, initial=AllianceStatus.FORMING
    )
    visibility = forms.ChoiceField(
        label=_("Who sees the alliance"),
        choices=AllianceVisibility.choices,
        initial=AllianceVisibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_("The stakeholder register is only ever seen by the alliance's facilitators."),
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug in {"new"}:
            raise forms.ValidationError(_("This web address is reserved; choose another."))
        return slug


class InitiatorsForm(forms.Form):
    initiators = forms.CharField(
        label=_("Initiators"),
        max_length=2000,
        help_text=_("The hub user names of the people who run the alliance, separated by commas."),
    )

    def clean_initiators(self) -> list[User]:
        names = [
            name.strip().lstrip("@") for name in self.cleaned_data["initiators"].split(",") if name.strip()
        ]
        if not names:
            raise forms.ValidationError(_("Name at least one initiator."))
        found = {
            user.username.lower(): user for user in User.objects.filter(username__in=names, is_active=True)
        }
        missing = [name for name in names if name.lower() not in found]
        if missing:
            raise forms.ValidationError(
                _("No active member has the user name %(names)s.") % {"names": ", ".join(missing)}
            )
        return list(dict.fromkeys(found[name.lower()] for name in names))


class PlatformForm(forms.Form):
    community = SafeChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        help_text=_(
            "A community you convene becomes the platform: its members, discussions, library and events."
        ),
    )
    new_name = forms.CharField(
        label=_("Or start a new community with this name"), max_length=120, required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    parent = PlatformChoiceField(label=_("Part of"), queryset=Platform.objects.none(), required=False)
    facilitator = forms.CharField(
        label=_("Facilitator"),
        max_length=150,
        required=False,
        help_text=_("The user name of a member of the platform's community."),
    )
    stage = forms.ChoiceField(label=_("Current stage"), choices=AllianceStage.choices)
    stage_note = forms.CharField(label=_("Note on the stage"), max_length=300, required=False)
    country = forms.CharField(
        label=_("Country code"), max_length=2, required=False, help_text=_("Two letters, e.g. ZA.")
    )
    area = forms.CharField(label=_("Area or basin"), max_length=120, required=False)
    needed_types = forms.MultipleChoiceField(
        label=_("Stakeholder types this platform needs"),
        choices=OrgType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        communities: list[Community] | None = None,
        platforms: list[Platform] | None = None,
        editing: Platform | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None or communities is None:
            del self.fields["community"]
            del self.fields["new_name"]
        else:
            _models(self, "community").queryset = Community.objects.filter(pk__in=[c.pk for c in communities])
        choices = [p for p in (platforms or []) if editing is None or p.pk != editing.pk]
        _models(self, "parent").queryset = Platform.objects.filter(
            pk__in=[p.pk for p in choices]
        ).select_related("community")
        _names(self, "parent", choices)

    def clean_country(self) -> str:
        value = (self.cleaned_data.get("country") or "").strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise forms.ValidationError(_("Two letters, e.g. ZA."))
        return value

    def clean_facilitator(self) -> User | None:
        name = (self.cleaned_data.get("facilitator") or "").strip().lstrip("@")
        if not name:
            return None
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active member has the user name %(name)s.") % {"name": name})
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.editing is None and "community" in self.fields:
            if not data.get("community") and not (data.get("new_name") or "").strip():
                self.add_error("community", _("Choose one of your communities, or name a new one."))
            if data.get("community") and (data.get("new_name") or "").strip():
                self.add_error("new_name", _("Choose a community or name a new one, not both."))
        return data


class DirectionForm(forms.Form):
    objectives = forms.CharField(
        label=_("Objectives"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    vision = forms.CharField(
        label=_("Vision"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    mission = forms.CharField(
        label=_("Mission"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    core_values = forms.MultipleChoiceField(
        label=_("Core values"),
        choices=CORE_VALUES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The values the members chose together."),
    )
    other_values = forms.CharField(label=_("Other values"), max_length=300, required=False)
    activities = forms.CharField(
        label=_("Agreements on activities"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsibilities = forms.CharField(
        label=_("Responsibilities"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    resources = forms.CharField(
        label=_("Resources"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contributions = forms.CharField(
        label=_("Each partner's contribution"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agreed_on = BoundedDateField(
        label=_("Agreed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while it is a draft."),
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Organisation or person"), choices=StakeholderKind.choices)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    platforms = PlatformMultipleChoiceField(
        label=_("Platforms"),
        queryset=Platform.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = SafeChoiceField(
        label=_("Organisation on the hub"), queryset=Organisation.objects.order_by("name"), required=False
    )
    contact = forms.CharField(
        label=_("Hub profile"),
        max_length=150,
        required=False,
        help_text=_("The user name of the contact person, if they are on the hub."),
    )
    interest = _score_field(
        _("Interest"), _("1 = none, 5 = very high: how much the alliance's aims matter to them.")
    )
    influence = _score_field(
        _("Influence (power)"), _("1 = none, 5 = decisive: their power over the alliance's aims.")
    )
    importance = _score_field(
        _("Importance"), _("1 = low, 5 = high: how much the alliance must meet their needs.")
    )
    alignment = _score_field(_("Alignment"), _("1 = opposed, 5 = fully aligned with the alliance's aims."))
    engagement_current = forms.ChoiceField(label=_("Current engagement"), choices=Engagement.choices)
    engagement_desired = forms.ChoiceField(
        label=_("Desired engagement"), choices=Engagement.choices, initial=Engagement.SUPPORTIVE
    )
    strategy = forms.ChoiceField(label=_("Engagement strategy"), choices=Strategy.choices)
    rationale = forms.CharField(
        label=_("Rationale"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("Evidence"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, platforms: list[Platform], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _models(self, "platforms").queryset = Platform.objects.filter(
            pk__in=[p.pk for p in platforms]
        ).select_related("community")
        _names(self, "platforms", platforms)

    def clean_contact(self) -> User | None:
        name = (self.cleaned_data.get("contact") or "").strip().lstrip("@")
        if not name:
            return None
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active member has the user name %(name)s.") % {"name": name})
        return user

    @staticmethod
    def initial_for(item: Stakeholder) -> dict[str, Any]:
        return {
            "name": item.name,
            "kind": item.kind,
            "org_type": item.org_type,
            "level": item.level,
            "platforms": list(item.platforms.all()),
            "organisation": item.organisation_id,
            "contact": item.contact.username if item.contact else "",
            **{
                name: getattr(item, name)
                for name in (
                    "interest",
                    "influence",
                    "importance",
                    "alignment",
                    "engagement_current",
                    "engagement_desired",
                    "strategy",
                    "rationale",
                    "evidence",
                )
            },
        }


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=_("Move to"), choices=Mobilisation.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Needed to re-approach a stakeholder or to fast-track."),
    )
    fast_track = forms.BooleanField(label=_("Fast-track over the steps in between"), required=False)
    expected = forms.ChoiceField(choices=Mobilisation.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current is not None and not self.is_bound:
            labels = dict(Mobilisation.choices)
            allowed = mobilisation.next_states(current)
            rest = [state for state in mobilisation.STATES if state not in allowed and state != current]
            _choices(self, "target").choices = [(s, labels[s]) for s in allowed] + [
                (s, labels[s]) for s in rest
            ]
            self.initial["expected"] = current


class RelationForm(forms.Form):
    target = SafeChoiceField(label=_("Tied to"), queryset=Stakeholder.objects.none())
    kind = forms.ChoiceField(label=_("Kind of tie"), choices=RelationKind.choices)
    strength = forms.TypedChoiceField(label=_("Strength"), choices=SCORE_CHOICES, coerce=int, initial=3)

    def __init__(self, *args: Any, others: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _models(self, "target").queryset = others


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, with the columns of the export. At most 2 MB.")
    )


class CycleForm(forms.ModelForm):
    class Meta:
        model = ActionResearchCycle
        fields = [
            "question",
            "phase",
            "starts_on",
            "ends_on",
            "plan",
            "act_log",
            "observations",
            "reflection",
            "evidence",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "plan": forms.Textarea(attrs={"rows": 4}),
            "act_log": forms.Textarea(attrs={"rows": 4}),
            "observations": forms.Textarea(attrs={"rows": 4}),
            "reflection": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "evidence": SafeMultipleChoiceField,
            "starts_on": BoundedDateField,
            "ends_on": BoundedDateField,
        }
        help_texts = {
            "plan": _("What will you try, with whom, and how will you know?"),
            "act_log": _("What was done, when and by whom."),
            "observations": _("What happened: data, stories, surprises."),
            "reflection": _("What did you learn, and what will the next cycle try?"),
            "evidence": _("Documents from the platform's library and the hub's library."),
        }

    def __init__(self, *args: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _models(self, "evidence").queryset = resources
        _choices(self, "phase").choices = CyclePhase.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A cycle cannot end before it starts."))
        return data


class ProcessEntryForm(forms.Form):
    platform = PlatformNameField(label=_("Platform"), queryset=Platform.objects.none())
    happened_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("What happened"), max_length=200)
    details = forms.CharField(
        label=_("Details"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_changed = forms.CharField(
        label=_("What changed"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    enabling = forms.CharField(
        label=_("Enabling factors"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hindering = forms.CharField(
        label=_("Hindering factors"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_url = forms.URLField(
        label=_("Evidence (web address)"), max_length=500, required=False, assume_scheme="https"
    )
    evidence = SafeChoiceField(
        label=_("Evidence in the library"), queryset=Platform.objects.none(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=200, required=False, help_text=_("Separated by commas.")
    )

    def __init__(self, *args: Any, platforms: list[Platform], resources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _models(self, "platform").queryset = Platform.objects.filter(
            pk__in=[p.pk for p in platforms]
        ).select_related("community")
        _names(self, "platform", platforms)
        _models(self, "evidence").queryset = resources


class ProcessFilterForm(forms.Form):
    platform = forms.TypedChoiceField(label=_("Platform"), required=False, coerce=int, empty_value=None)
    tag = forms.CharField(label=_("Tag"), max_length=60, required=False)
    q = forms.CharField(label=_("Words"), max_length=100, required=False)
    start = BoundedDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = BoundedDateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, platforms: list[Platform], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "platform").choices = [("", _("All platforms"))] + [
            (p.pk, p.community.name) for p in platforms
        ]


class OutputForm(forms.Form):
    platform = PlatformNameField(label=_("Platform"), queryset=Platform.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=OutputKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience level"), choices=Audience.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    published_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    url = forms.URLField(label=_("Web address"), max_length=500, required=False, assume_scheme="https")
    resource = SafeChoiceField(label=_("In the library"), queryset=Platform.objects.none(), required=False)
    reach = forms.IntegerField(label=_("People reached"), min_value=0, max_value=100_000_000, required=False)

    def __init__(self, *args: Any, platforms: list[Platform], resources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _models(self, "platform").queryset = Platform.objects.filter(
            pk__in=[p.pk for p in platforms]
        ).select_related("community")
        _names(self, "platform", platforms)
        _models(self, "resource").queryset = resources
