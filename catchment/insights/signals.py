"""Signing in counts as a visit in the interaction log (one a day): "peripheral" members are those who
come and read without writing, and this is how their coming is seen without writing anything on a GET."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from catchment.core import interactions
from catchment.core.models import Verb


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    today = timezone.now()
    interactions.record(
        interactions.Entry(actor_id=user.pk, verb=Verb.VISIT, source=f"visit:{user.pk}:{today:%Y-%m-%d}")
    )
