"""The newsletter form: the segment, then a subject and a Markdown text per language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from catchment.accounts.models import StakeholderGroup
from catchment.newsletters.services import MAX_TEXT, Draft

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, [links](https://example.org), ## headings, lists.")


class NewsletterForm(forms.Form):
    community = forms.SlugField(
        label=_("Only the members of this community (its web address)"),
        required=False,
        help_text=_("Leave empty to write to every member of the hub."),
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Only this stakeholder group"),
        required=False,
        choices=[("", _("Every stakeholder group")), *StakeholderGroup.choices],
    )
    country = forms.ChoiceField(label=_("Only members in this country"), required=False)
    default_language = forms.ChoiceField(
        label=_("Language for everyone else"),
        choices=settings.LANGUAGES,
        help_text=_("Members whose language has no version below receive this one."),
    )

    def __init__(self, *args: Any, hub: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not hub:
            del self.fields["community"]
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("Every country")), *countries]
        for code, name in settings.LANGUAGES:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name}, required=False, max_length=200
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 10}),
                help_text=MARKDOWN_HELP,
            )

    def language_fields(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        return [
            (code, str(name), self[f"subject_{code}"], self[f"body_{code}"])
            for code, name in settings.LANGUAGES
        ]

    def segment_fields(self) -> list[forms.BoundField]:
        names = ["community", "stakeholder_group", "country", "default_language"]
        return [self[name] for name in names if name in self.fields]

    def to_draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            default_language=data["default_language"],
            stakeholder_group=data["stakeholder_group"],
            country=data["country"],
            editions={
                code: (data.get(f"subject_{code}", ""), data.get(f"body_{code}", ""))
                for code, _n in settings.LANGUAGES
            },
        )


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the preview: send it now"),
        error_messages={"required": _("Tick the box to confirm that it should go now.")},
    )
