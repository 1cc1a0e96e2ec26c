"""Rate limits: per address for anonymous requests, per account for signed-in ones, and a tighter one on
writes. Over the limit, the API answers 429 with Retry-After (seconds)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    scope = "anonymous"


class MemberThrottle(UserRateThrottle):
    scope = "member"


class WriteThrottle(SimpleRateThrottle):
    scope = "write"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
