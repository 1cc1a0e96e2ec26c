"""Idempotency keys on POSTs that create things: a client that is unsure whether its request arrived sends it
again with the same `Idempotency-Key` header and gets the first answer back, not a second object.

The answer is stored in the same transaction as the work; the same key with a different body is refused
(422), and a second request racing the first with the same key is refused (409) until the first is done.
A replay is only for the same credential (the same token, or the browser session) that made the first
request, so a weaker token never reads a stronger one's answer; secrets in an answer are never stored.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from catchment.api.errors import Conflict, Unprocessable
from catchment.api.models import IdempotentRequest

HEADER = "Idempotency-Key"


# Secrets are answered once and never kept: a replayed answer comes without them.
SECRET_FIELDS = ("secret", "token")


def _credential(request: Request) -> str:
    """Which credential made the request: a replay is only for the same token (or the browser session)."""
    token_id = getattr(request.auth, "pk", None)
    return f"token:{token_id}" if token_id is not None else "session"


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path} {_credential(request)}\n".encode())
    try:
        digest.update(json.dumps(request.data, sort_keys=True, default=str).encode())
    except (TypeError, ValueError):
        digest.update(repr(request.data).encode())
    return digest.hexdigest()


def _without_secrets(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in SECRET_FIELDS}
    return data


def _replay(record: IdempotentRequest) -> Response:
    response = Response(json.loads(record.body) if record.body else None, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    if record.location:
        response["Location"] = record.location
    return response


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a view's `post` so that an Idempotency-Key makes it safe to repeat."""

    @functools.wraps(handler)
    def wrapped(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if len(key) > 200 or not key.isprintable():
            raise exceptions.ValidationError({HEADER: [_("Use a key of at most 200 printable characters.")]})
        fingerprint = _fingerprint(request)
        since = timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
        IdempotentRequest.objects.filter(user=request.user, created_at__lt=since).delete()
        earlier = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if earlier is not None:
            if earlier.fingerprint != fingerprint:
                raise Unprocessable(_("This Idempotency-Key was used for a different request."))
            return _replay(earlier)
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if response.status_code < 500:
                    IdempotentRequest.objects.create(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=response.status_code,
                        body=json.dumps(_without_secrets(response.data), default=str)
                        if response.data is not None
                        else "",
                        location=response.get("Location", ""),
                    )
        except IntegrityError as error:
            raise Conflict(
                _("A request with this Idempotency-Key is already being processed; retry.")
            ) from error
        return response

    return wrapped
