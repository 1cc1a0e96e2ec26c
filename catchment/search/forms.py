from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from catchment.search.models import Kind
from catchment.search.selectors import MAX_QUERY, SearchFilters

SINCE_CHOICES = [
    ("", _("Any time")),
    ("week", _("Past week")),
    ("month", _("Past month")),
    ("year", _("Past year")),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the hub"), required=False, max_length=10000)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Everything")), *Kind.choices])
    community = forms.CharField(label=_("Community"), required=False, max_length=60, widget=forms.HiddenInput)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *settings.LANGUAGES]
    )
    since = forms.ChoiceField(label=_("Date"), required=False, choices=SINCE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": str(MAX_QUERY)})

    def filters(self) -> SearchFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return SearchFilters(
            query=data.get("q", "") or "",
            kind=data.get("type", "") or "",
            community=data.get("community", "") or "",
            language=data.get("language", "") or "",
            since=data.get("since", "") or "",
        )
