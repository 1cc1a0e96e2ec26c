"""Forms translate HTTP input into service arguments; every error message is translated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES, spoken_language_choices
from catchment.accounts.models import (
    TIME_ZONE_CHOICES,
    OrganisationType,
    ProfileVisibility,
    StakeholderGroup,
)
from catchment.accounts.selectors import (
    DirectoryFilters,
    active_themes,
    organisation_choices,
    organisation_name_taken,
)
from catchment.accounts.services import OrganisationChanges, ProfileChanges
from catchment.core.images import square_thumbnail


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Your name"), max_length=120, help_text=_("As other members will see it, e.g. Amina Diallo.")
    )

    def signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _country_choices(empty_label: str) -> list[tuple[str, str]]:
    return [("", empty_label), *((code, name) for code, name in countries)]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=organisation_choices(), required=False, empty_label=_("None")
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    stakeholder_group = forms.ChoiceField(label=_("Stakeholder group"), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Expertise"), queryset=active_themes(), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )
    avatar = forms.FileField(
        label=_("Picture"), required=False, help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB. No SVG.")
    )
    remove_avatar = forms.BooleanField(label=_("Remove my picture"), required=False)
    visibility = forms.ChoiceField(
        label=_("Who can see my profile"), choices=ProfileVisibility.choices, widget=forms.RadioSelect
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    language = forms.ChoiceField(label=_("Interface language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "country").choices = _country_choices(str(_("Choose a country")))
        _choice_field(self, "stakeholder_group").choices = [
            ("", _("Choose a group")),
            *StakeholderGroup.choices,
        ]
        _choice_field(self, "languages").choices = spoken_language_choices()

    def clean_avatar(self) -> Any:
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return square_thumbnail(upload)

    def to_changes(self) -> ProfileChanges:
        data = self.cleaned_data
        return ProfileChanges(
            display_name=data["display_name"],
            position=data["position"],
            organisation=data["organisation"],
            country=data["country"],
            stakeholder_group=data["stakeholder_group"],
            themes=data["themes"],
            languages=data["languages"],
            bio=data["bio"],
            visibility=data["visibility"],
            timezone=data["timezone"],
            language=data["language"],
            avatar=data["avatar"],
            remove_avatar=data["remove_avatar"],
        )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name, organisation or expertise"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    group = forms.ChoiceField(label=_("Stakeholder group"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    language = forms.ChoiceField(label=_("Languages spoken"), required=False)

    def __init__(self, *args: Any, themes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "country").choices = _country_choices(str(_("All countries")))
        _choice_field(self, "group").choices = [("", _("All groups")), *StakeholderGroup.choices]
        theme_list = list(themes if themes is not None else active_themes())
        _choice_field(self, "theme").choices = [
            ("", _("All themes")),
            *((t.slug, t.name) for t in theme_list),
        ]
        _choice_field(self, "language").choices = [("", _("All languages")), *spoken_language_choices()]

    def filters(self) -> DirectoryFilters:
        """The valid filters; an invalid value is dropped (and reported by the form) rather than failing."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return DirectoryFilters(
            query=data.get("q", "") or "",
            country=data.get("country", "") or "",
            stakeholder_group=data.get("group", "") or "",
            theme=data.get("theme", "") or "",
            language=data.get("language", "") if data.get("language", "") in SPOKEN_LANGUAGE_CODES else "",
        )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    country = forms.ChoiceField(label=_("Country"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )

    def __init__(self, *args: Any, instance_pk: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance_pk = instance_pk
        _choice_field(self, "country").choices = _country_choices(str(_("Choose a country")))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if organisation_name_taken(name, exclude_pk=self.instance_pk):
            raise ValidationError(
                _("An organisation with this name is already in the hub."), code="duplicate"
            )
        return name

    def to_changes(self) -> OrganisationChanges:
        data = self.cleaned_data
        return OrganisationChanges(
            name=data["name"],
            type=data["type"],
            country=data["country"],
            website=data["website"],
            description=data["description"],
        )


class OrganisationAdminForm(forms.Form):
    email = forms.EmailField(label=_("Email of the member to add as admin"))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


class AccountDeleteForm(forms.Form):
    """Confirm erasure with the password, or (an account with no password) by typing the email address."""

    confirmation = forms.CharField(max_length=254, strip=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["confirmation"]
        if user.has_usable_password():
            field.label = _("Your password")
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        else:
            field.label = _("Your email address")
            field.help_text = _("Your account has no password: type its email address to confirm.")
            field.widget = forms.EmailInput(attrs={"autocomplete": "off"})

    def clean_confirmation(self) -> str:
        value: str = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise ValidationError(_("That is not your password."), code="wrong")
        elif value.strip().lower() != (self.user.email or "").strip().lower():
            raise ValidationError(_("That is not your account's email address."), code="wrong")
        return value
