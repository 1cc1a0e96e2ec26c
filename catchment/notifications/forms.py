from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catchment.notifications.models import Frequency


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Digest of your communities by email"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("New topics and replies in your communities, in one email. Nothing new, no email."),
    )
