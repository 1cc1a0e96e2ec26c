"""Forms for the library; every message is translated. Content checks happen in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catchment.accounts.languages import spoken_language_choices
from catchment.accounts.models import Theme
from catchment.accounts.selectors import active_themes, organisation_choices
from catchment.library.models import Licence, ResourceKind
from catchment.library.services import ResourceData

SUMMARY_HELP = _("Markdown: **bold**, *italic*, [links](https://example.org), lists.")


def _file_help() -> str:
    from django.conf import settings

    return gettext("A PDF, an office document or a picture, up to %(size)s.") % {
        "size": filesizeformat(settings.LIBRARY_MAX_BYTES)
    }


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=SUMMARY_HELP,
    )
    file = forms.FileField(label=_("File"), required=False, help_text=lazy(_file_help, str)())
    url = forms.CharField(
        label=_("Web address"),
        required=False,
        max_length=500,
        help_text=_("For a link or a video, or where the publication lives online."),
    )
    authors = forms.CharField(label=_("Authors"), required=False, max_length=300)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=organisation_choices(), required=False, empty_label=_("None")
    )
    publisher = forms.CharField(
        label=_("Publisher (when not an organisation of the hub)"), required=False, max_length=200
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    language = forms.ChoiceField(label=_("Language"))
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=active_themes(), required=False, widget=forms.CheckboxSelectMultiple
    )
    licence = forms.ChoiceField(label=_("Licence"), required=False, choices=Licence.choices)
    cover = forms.FileField(
        label=_("Cover picture"),
        required=False,
        help_text=_("A JPEG, PNG, GIF or WebP picture; it is cropped to 480 by 320 pixels."),
    )
    original = forms.IntegerField(
        label=_("Translation of (library number)"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "The number in the address of the resource this one translates, e.g. 12 for /library/12/."
        ),
    )
    previous_version = forms.IntegerField(
        label=_("Replaces the earlier version (library number)"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "language").choices = spoken_language_choices()

    def to_data(self) -> ResourceData:
        data = self.cleaned_data
        themes: list[Theme] = list(data.get("themes") or [])
        return ResourceData(
            kind=data["kind"],
            title=data["title"],
            language=data["language"],
            summary=data.get("summary", ""),
            authors=data.get("authors", ""),
            organisation=data.get("organisation"),
            publisher=data.get("publisher", ""),
            year=data.get("year"),
            themes=themes,
            licence=data.get("licence", ""),
            url=(data.get("url") or "").strip(),
            original_id=data.get("original"),
            previous_version_id=data.get("previous_version"),
        )


class LibraryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    featured = forms.BooleanField(label=_("Featured only"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "kind").choices = [("", _("All kinds")), *ResourceKind.choices]
        _choices(self, "theme").choices = [
            ("", _("All themes")),
            *((t.slug, t.name) for t in active_themes()),
        ]
        _choices(self, "language").choices = [("", _("All languages")), *spoken_language_choices()]
        _choices(self, "year").choices = [("", _("All years")), *((str(y), str(y)) for y in years)]
