"""Rate limits on what people do (posting, conversations, invitations): a refusal that says when to come back.

A service refuses with its own translated error, marked by `limited()` with the seconds until the oldest
counted action leaves the window; pages then answer 429 with `Retry-After` (the form and what was typed shown
again), and the API answers 429 in its error shape.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

E = TypeVar("E", bound=Exception)


def limited(error: E, free_at: datetime.datetime) -> E:
    """`error`, marked as a rate limit that lifts at `free_at`."""
    wait = (free_at - timezone.now()).total_seconds()
    error.retry_after = max(1, math.ceil(wait))  # type: ignore[attr-defined]
    return error


def retry_after(error: BaseException) -> int | None:
    value = getattr(error, "retry_after", None)
    return value if isinstance(value, int) else None


def answer(response: HttpResponse, error: BaseException | None) -> HttpResponse:
    """The page drawn after a refusal: 429 with Retry-After when the refusal was a rate limit."""
    wait = retry_after(error) if error is not None else None
    if wait is not None:
        from catchment.core import audit

        audit.event("ratelimit.hit", outcome="refused", retry_after=wait)
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response


def serialise(user: Any) -> None:
    """Take the person's row lock until the transaction ends, so that their parallel requests are counted one
    after the other: otherwise each would count the same rows and all would pass a limit (PostgreSQL; SQLite
    writes one transaction at a time anyway)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    if transaction.get_connection().in_atomic_block:
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def latest(queryset: QuerySet[Any], count: int, window: datetime.timedelta) -> list[datetime.datetime]:
    """The creation times of the newest `count` rows of `queryset` inside `window`, newest first."""
    since = timezone.now() - window
    return list(
        queryset.filter(created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:count]
    )


def new_account_pace(recent: Sequence[datetime.datetime], error_class: type[E]) -> None:
    """A new account's messages (discussions and private messages alike): at most NEW_ACCOUNT_POSTS_PER_HOUR an
    hour and NEW_ACCOUNT_POST_INTERVAL seconds apart. `recent` comes from `latest(…, NEW_ACCOUNT_POSTS_PER_HOUR,
    one hour)`."""
    hour = datetime.timedelta(hours=1)
    if len(recent) >= settings.NEW_ACCOUNT_POSTS_PER_HOUR:
        raise limited(
            error_class(
                _(
                    "While your account is new, you can post %(limit)d messages an hour. Please try again later."
                )
                % {"limit": settings.NEW_ACCOUNT_POSTS_PER_HOUR}
            ),
            recent[-1] + hour,
        )
    pause = datetime.timedelta(seconds=settings.NEW_ACCOUNT_POST_INTERVAL)
    if recent and pause and recent[0] > timezone.now() - pause:
        raise limited(
            error_class(
                _(
                    "While your account is new, please wait %(seconds)d seconds between two messages. "
                    "What you wrote is kept below."
                )
                % {"seconds": settings.NEW_ACCOUNT_POST_INTERVAL}
            ),
            recent[0] + pause,
        )


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


STEADY_ROUTES = frozenset({"account_signup", "account_reset_password"})


class SteadyAnswerMiddleware:
    """Answer an accepted sign-up or password reset no sooner than settings.STEADY_ANSWER_MS after it arrived
    (reliability.md #13).

    With ACCOUNT_PREVENT_ENUMERATION, an accepted sign-up or reset answers with the same redirect whether or
    not the address has an account, but the work differs (no reset link signed for an unknown address, no
    account made for a taken one), and the difference was measurable. With this floor the time is the same too.
    It sits outside every other layer, so the session and the rest of the answer's work are inside the floor.
    Only the accepted answer (a redirect) waits: a form error or a rate-limit refusal does not depend on the
    account and answers at once, so the floor holds no worker beyond what ACCOUNT_RATE_LIMITS already allows
    (resets 5 an hour per client address, sign-ups 10).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "POST"
            and match is not None
            and match.url_name in STEADY_ROUTES
            and 300 <= response.status_code < 400
        ):
            remaining = settings.STEADY_ANSWER_MS / 1000 - (time.monotonic() - started)
            if remaining > 0:
                _sleep(remaining)
        return response
