"""Forms for communities; every message is translated."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES, spoken_language_choices
from catchment.accounts.models import User
from catchment.accounts.selectors import active_themes, organisation_choices
from catchment.communities.models import (
    CHARTER_SECTIONS,
    CONSULTATION_FIELDS,
    Activity,
    Community,
    Consultation,
    JoinPolicy,
    MembershipBasis,
    MembershipStatus,
    Milestone,
    ResourceCommitment,
    Role,
    Stage,
    Visibility,
    charter_section_label,
)
from catchment.communities.selectors import CatalogueFilters
from catchment.communities.services import CommunityChanges
from catchment.core.images import fitted_picture

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

CONSULTATION_QUESTIONS = {
    "motivation": _("Why do the founders want a community of practice now? What triggered it?"),
    "purpose": _("What should the community change for its members and their organisations?"),
    "expectations": _("What do future members expect to give and to get? How much time can they give?"),
    "needs": _("What support, tools, time and money does the community need to run?"),
    "limitations": _(
        "Where could a community of practice fall short here (time, incentives, language, hierarchy)?"
    ),
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


class CoverForm(forms.Form):
    cover = forms.ImageField(
        label=_("Cover picture"),
        required=False,
        help_text=_("A wide JPEG, PNG, GIF or WebP picture; it is cropped to 1200 by 360 pixels."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover picture"), required=False)

    def clean_cover(self) -> ContentFile[bytes] | None:
        upload = self.cleaned_data.get("cover")
        if not upload:
            return None
        return fitted_picture(upload, settings.COVER_SIZE)


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more addresses, separated by commas, spaces or new lines (at most 50)."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in (Role.MEMBER, Role.CORE, Role.MODERATOR)],
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = forms.ChoiceField(
        label=_("Language of the email"),
        choices=settings.LANGUAGES,
        help_text=_("People who already have an account get it in their own language."),
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"]
        addresses: list[str] = []
        for part in re.split(r"[\s,;]+", raw):
            address = part.strip().strip("<>").lower()
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(address)s” is not an email address.") % {"address": address[:100]}, code="invalid"
                ) from error
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise ValidationError(_("Enter at least one email address."), code="required")
        if len(addresses) > 50:
            raise ValidationError(_("Invite at most 50 people at a time."), code="too_many")
        return addresses


class ConductForm(forms.Form):
    accept_conduct = forms.BooleanField(
        label=_("I have read and accept the code of conduct"),
        error_messages={"required": _("Tick the box to accept the code of conduct.")},
    )


class AcceptInvitationForm(ConductForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation you represent"), queryset=organisation_choices(), required=False
    )

    def __init__(self, *args: Any, conduct_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_conduct"].required = conduct_required


class ConsultationForm(forms.ModelForm):
    based_on = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    class Meta:
        model = Consultation
        fields = list(CONSULTATION_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in CONSULTATION_FIELDS}
        help_texts = CONSULTATION_QUESTIONS


def _core_team(community: Community) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__community=community,
            memberships__status=MembershipStatus.ACTIVE,
            memberships__role__in=[Role.CORE, Role.MODERATOR, Role.CO_CONVENOR, Role.CONVENOR],
        )
        .order_by("display_name")
        .distinct()
    )


PLAN_FIRST_DAY = datetime.date(1900, 1, 1)
PLAN_LAST_DAY = datetime.date(2200, 12, 31)
PLAN_MAX_YEARS = 20


class _PlanForm(forms.ModelForm):
    person_field = "owner"
    date_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.date_fields:
            day = data.get(name)
            if day and not PLAN_FIRST_DAY <= day <= PLAN_LAST_DAY:
                self.add_error(name, _("Choose a date between 1900 and 2200."))
        return data

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.person_field]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _core_team(community)
        field.help_text = _("Core members, moderators and convenors of the community.")


class ResourceCommitmentForm(_PlanForm):
    person_field = "person"

    class Meta:
        model = ResourceCommitment
        fields = ["responsibility", "person", "person_name", "hours_per_month"]
        help_texts = {
            "responsibility": _("For example: convenor, moderator, knowledge manager, webinar host."),
            "person_name": _("Someone outside the community, such as a sponsor."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("person_name") or "").strip():
            self.add_error("person", _("Choose a member or write a name."))
        return data


class ActivityForm(_PlanForm):
    date_fields = ("starts_on", "ends_on")

    class Meta:
        model = Activity
        fields = ["title", "kind", "cadence", "owner", "starts_on", "ends_on", "status"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"ends_on": _("Leave empty for a one-off activity.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end cannot come before the start."))
        if data.get("cadence") not in (None, "", "once") and start and not end:
            self.add_error("ends_on", _("A recurring activity needs an end date."))
        if start and end and (end - start).days > PLAN_MAX_YEARS * 366:
            self.add_error(
                "ends_on",
                _("Plan at most %(years)d years ahead in one activity.") % {"years": PLAN_MAX_YEARS},
            )
        return data


class MilestoneForm(_PlanForm):
    date_fields = ("due_on",)

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "owner", "status"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}
