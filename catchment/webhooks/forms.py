"""The form a convenor fills to send the community's events to another system."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catchment.webhooks.models import WebhookEvent

EVENT_CHOICES = [(event.value, event.label) for event in WebhookEvent if event != WebhookEvent.PING]


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("An https:// address on the public internet that will receive the calls."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
