"""Security events (reliability.md #32): one structured line each on the `catchment.audit` logger.

Every sign-in and failed sign-in, sign-out, password change and reset, refusal (401/403), rate-limit hit, role
change, token made or revoked, data export and account erasure is written as one JSON object: the event, its
outcome, the account id, the client address (as the rate limits see it), the request id (also sent back as
`X-Request-ID`) and a few safe fields. Secrets never reach it: no password, session key, reset key, CSRF or API
token is ever a field, and a typed sign-in name is kept only as a short hash. JSON escapes control characters, so
a name holding a newline cannot forge a second line.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

logger = logging.getLogger("catchment.audit")
_current: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SAFE = (str, int, float, bool, type(None))


def client_address(request: HttpRequest) -> str:
    from allauth.core.internal.httpkit import get_client_ip

    try:
        return get_client_ip(request) or ""
    except Exception:  # a proxy count that does not match the header: the connection's address
        return str(request.META.get("REMOTE_ADDR", ""))


def _route(request: HttpRequest | None) -> str:
    match = getattr(request, "resolver_match", None) if request is not None else None
    return str(match.route)[:200] if match is not None else ""


def fingerprint(text: str) -> str:
    """A short, stable hash of something typed (a sign-in name), so attempts can be grouped without keeping it."""
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:12]


def event(
    name: str, *, outcome: str, user: Any = None, request: HttpRequest | None = None, **fields: Any
) -> None:
    request = request if request is not None else _current.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    record: dict[str, Any] = {
        "event": name,
        "outcome": outcome,
        "user": getattr(user, "pk", None),
        "ip": client_address(request) if request is not None else "",
        "request_id": getattr(request, "request_id", "") if request is not None else "",
        # The route, not the address: some addresses carry a secret (invitation, unsubscribe, calendar keys).
        "route": _route(request),
    }
    for key, value in fields.items():
        record[key] = value if isinstance(value, SAFE) else str(value)
    logger.info(json.dumps(record, ensure_ascii=True, sort_keys=True), extra={"audit": record})


def event_on_commit(
    name: str, *, outcome: str, user: Any = None, request: HttpRequest | None = None, **fields: Any
) -> None:
    """Like `event()`, but written when the surrounding transaction commits (at once outside one), so a
    "success" line never records a change that was rolled back. Who and where are read now, while the
    request is still current."""
    request = request if request is not None else _current.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    transaction.on_commit(
        lambda: event(name, outcome=outcome, user=user, request=request, **fields), robust=True
    )


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request being answered ("-" outside one), for LOGGING's
    "django.request" lines: the traceback of a 500 carries the reference its error page shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(_current.get(), "request_id", "-")
        return True


class RequestIdMiddleware:
    """Gives every request an id (a proxy's well-formed X-Request-ID, or a new one), sends it back, and makes
    the request known to `event()` for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


def connect() -> None:
    """Listen to Django's and allauth's account signals (called once, from the accounts app)."""
    from allauth.account import signals as allauth_signals
    from django.contrib.auth import signals

    def logged_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
        event("auth.login", outcome="success", user=user, request=request)

    def logged_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
        event("auth.logout", outcome="success", user=user, request=request)

    def login_failed(
        sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
    ) -> None:
        typed = str(credentials.get("username") or credentials.get("email") or credentials.get("login") or "")
        event(
            "auth.login", outcome="failure", request=request, login_hash=fingerprint(typed) if typed else ""
        )

    def password_changed(
        sender: Any, request: HttpRequest | None = None, user: Any = None, **kw: Any
    ) -> None:
        event("auth.password_changed", outcome="success", user=user, request=request)

    def password_reset(sender: Any, request: HttpRequest | None = None, user: Any = None, **kw: Any) -> None:
        event("auth.password_reset", outcome="success", user=user, request=request)

    signals.user_logged_in.connect(logged_in, dispatch_uid="audit-login", weak=False)
    signals.user_logged_out.connect(logged_out, dispatch_uid="audit-logout", weak=False)
    signals.user_login_failed.connect(login_failed, dispatch_uid="audit-login-failed", weak=False)
    allauth_signals.password_changed.connect(
        password_changed, dispatch_uid="audit-password-changed", weak=False
    )
    allauth_signals.password_set.connect(password_changed, dispatch_uid="audit-password-set", weak=False)
    allauth_signals.password_reset.connect(password_reset, dispatch_uid="audit-password-reset", weak=False)
