"""Forms for communities; every message is translated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES, spoken_language_choices
from catchment.accounts.selectors import active_themes, organisation_choices
from catchment.communities.models import (
    CHARTER_SECTIONS,
    JoinPolicy,
    MembershipBasis,
    Role,
    Stage,
    Visibility,
    charter_section_label,
)
from catchment.communities.selectors import CatalogueFilters
from catchment.communities.services import CommunityChanges

GUIDING_QUESTIONS = {
    "purpose": _(
        "Why does this community exist? What shared problem or passion brings its members together?"
    ),
    "objectives": _("What will members achieve together in the next year or two? How will you know?"),
    "scope": _("Which topics, regions and people are in, and which are out?"),
    "processes": _("How will members meet, share, decide and learn? What is the community's rhythm?"),
    "formats_tools": _(
        "Which formats (webinars, discussions, World Cafés, field visits) and tools will you use?"
    ),
    "structure": _("Who convenes, moderates and supports the community? How are roles shared and renewed?"),
    "code_of_conduct": _("How do members treat each other, sources and confidential information?"),
}


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=280, help_text=_("One or two sentences."))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    join_policy = forms.ChoiceField(
        label=_("Who can join"), choices=JoinPolicy.choices, widget=forms.RadioSelect
    )
    membership_basis = forms.ChoiceField(
        label=_("Membership basis"), choices=MembershipBasis.choices, widget=forms.RadioSelect
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=active_themes(), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["languages"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = spoken_language_choices()

    def to_changes(self) -> CommunityChanges:
        data = self.cleaned_data
        return CommunityChanges(
            name=data["name"],
            summary=data["summary"],
            description=data["description"],
            visibility=data["visibility"],
            join_policy=data["join_policy"],
            membership_basis=data["membership_basis"],
            themes=data["themes"],
            languages=data["languages"],
        )


class JoinForm(forms.Form):
    accept_conduct = forms.BooleanField(label=_("I have read and accept the code of conduct"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation you represent"), queryset=organisation_choices(), required=False
    )
    message = forms.CharField(
        label=_("Message to the moderators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    message = forms.CharField(label=_("Message to the applicant"), required=False, max_length=2000)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in Role if role != Role.CONVENOR]
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)


class CharterForm(forms.Form):
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("What changed (optional)"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CHARTER_SECTIONS:
            self.fields[name] = forms.CharField(
                label=charter_section_label(name),
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=GUIDING_QUESTIONS[name],
            )

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in CHARTER_SECTIONS}


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    language = forms.ChoiceField(label=_("Working language"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, object]]] = {
            "theme": [("", _("All themes")), *((t.slug, t.name) for t in active_themes())],
            "language": [("", _("All languages")), *spoken_language_choices()],
            "stage": [("", _("All stages")), *Stage.choices],
            "visibility": [("", _("Any visibility")), *Visibility.choices],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values

    def filters(self) -> CatalogueFilters:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        language = data.get("language", "") or ""
        return CatalogueFilters(
            query=data.get("q", "") or "",
            theme=data.get("theme", "") or "",
            language=language if language in SPOKEN_LANGUAGE_CODES else "",
            stage=data.get("stage", "") or "",
            visibility=data.get("visibility", "") or "",
        )
