"""One shape for every error the API gives, in the requester's language:

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"title": ["…"]}}}

Domain errors raised by services (a translated ValueError subclass) become 400 `rejected`; hidden or
missing things 404; refusals 403 (401 when no one is signed in); rate limits 429 with Retry-After.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from catchment.core import audit

AUDITED = {401: "access.denied", 403: "access.denied", 429: "ratelimit.hit"}


class Rejected(exceptions.APIException):
    """A request the domain refused (already registered, registration closed, …); the message says why."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "rejected"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


class InsufficientStorage(exceptions.APIException):
    """The file store has no room (a full disk): nothing was saved; the client may try again later."""

    status_code = status.HTTP_507_INSUFFICIENT_STORAGE
    default_code = "insufficient_storage"
    wait = 30  # DRF's handler turns this into Retry-After


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {str(name): _flatten(value) for name, value in detail.items()}


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def body(
    status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, with Django's exceptions mapped and every body in the shape above."""
    request = context.get("request")
    anonymous = request is None or not request.user or not request.user.is_authenticated
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not visible to you."))
    elif isinstance(exc, PermissionDenied):
        exc = (
            exceptions.NotAuthenticated(_("Sign in, or send a personal access token, to do this."))
            if anonymous
            else exceptions.PermissionDenied(str(exc) or _("You may not do this."))
        )
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc = exceptions.NotAuthenticated(_("Sign in, or send a personal access token, to do this."))
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if response.status_code in AUDITED:
        audit.event(AUDITED[response.status_code], outcome="refused", status=response.status_code)
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        messages = _flatten(exc.detail)
        message = messages[0] if len(messages) == 1 and not fields else _("Check the fields marked.")
        if fields and set(fields) == {"non_field_errors"}:
            message = fields.pop("non_field_errors")[0]
    else:
        fields = {}
        message = " ".join(_flatten(exc.detail))
    response.data = body(response.status_code, _code(exc), message, fields)
    return response
