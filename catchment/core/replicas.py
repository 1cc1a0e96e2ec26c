"""Reads from a PostgreSQL read replica, when DATABASE_REPLICA_URL configures one (docs/scaling.md).

Only the reads of safe requests (GET, HEAD) go to the replica. Everything else reads from the primary:
unsafe requests, background tasks and management commands, and, for REPLICA_PIN_SECONDS after a browser
wrote something, every request of that browser, so a member sees their own post at once even while the
replica lags a little behind.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "catchment_primary"
_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_allowed", default=False)


class ReplicaRouter:
    """Send reads to the replica only while a safe request allows it; writes always to the primary."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        return "replica" if _replica_allowed.get() else "default"

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReplicaMiddleware:
    """Let a safe request read from the replica, unless its browser wrote something moments ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "replica" not in settings.DATABASES:
            return self.get_response(request)
        safe = request.method in ("GET", "HEAD", "OPTIONS")
        token = _replica_allowed.set(safe and PIN_COOKIE not in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
