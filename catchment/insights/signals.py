"""Signing in counts as a visit in the interaction log (one a day): "peripheral" members are those who
come and read without writing, and this is how their coming is seen without writing anything on a GET.
Deleting an account takes its survey answers, and the ties naming it, out of the cached analyses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_delete
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


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deleted account's answers (deleted with it) and the ties naming it leave every connection
    survey's cached analysis at once, not at the next recomputation."""
    from catchment.insights import surveys
    from catchment.insights.models import ConnectionSurvey, SurveyContact, SurveyResponse

    touched = set(SurveyResponse.objects.filter(respondent=instance).values_list("survey_id", flat=True))
    touched |= set(
        SurveyContact.objects.filter(person=instance).values_list("response__survey_id", flat=True)
    )
    if not touched:
        return
    ConnectionSurvey.objects.filter(pk__in=touched).update(answers_changed_at=timezone.now())
    for survey_id in sorted(touched):
        surveys.compute_survey_task.enqueue(survey_id)
