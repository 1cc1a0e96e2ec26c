"""Forms for private messages; every message is translated."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catchment.conversations.models import Accepts, ReportReason
from catchment.discussions.forms import BODY_HELP

HANDLE = re.compile(r"^@?([a-z0-9][a-z0-9_-]{0,149})$", re.IGNORECASE)


class HandlesField(forms.CharField):
    """Member handles (the name in their profile address), separated by commas or spaces; cleaned to a list
    of lower-cased handles. Whether each exists and may be written to is the service's decision."""

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        handles: list[str] = []
        for raw in re.split(r"[\s,;]+", text or ""):
            if not raw:
                continue
            match = HANDLE.match(raw)
            if match is None:
                raise forms.ValidationError(
                    _("“%(handle)s” is not a member handle.") % {"handle": raw[:60]}, code="handle"
                )
            handle = match.group(1).lower()
            if handle not in handles:
                handles.append(handle)
        if self.required and not handles:
            raise forms.ValidationError(_("Name at least one member."), code="required")
        return handles


def _body() -> forms.CharField:
    return forms.CharField(
        label=_("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=BODY_HELP,
        error_messages={"required": _("Write a message first.")},
    )


class StartForm(forms.Form):
    to = HandlesField(
        label=_("To"),
        max_length=1000,
        help_text=_("Member handles, as in their profile address (/members/handle/), separated by commas."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = _body()


class ReplyForm(forms.Form):
    body = _body()


class AddPeopleForm(forms.Form):
    people = HandlesField(
        label=_("Add people"), max_length=1000, help_text=_("Member handles, separated by commas.")
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why?"), choices=ReportReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note for the hub team (optional)"), required=False, max_length=500)


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(choices=[("hide", _("Hide the message")), ("keep", _("Keep it"))])
    note = forms.CharField(label=_("Note (kept with the report)"), required=False, max_length=300)


class AcceptsForm(forms.Form):
    accepts = forms.ChoiceField(
        label=_("Who may send you private messages"), choices=Accepts.choices, widget=forms.RadioSelect
    )
