"""How API requests say who they are: `Authorization: Bearer cat_…` (a personal access token), or the
browser session, for which every unsafe request must carry the CSRF token (as on the web pages)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from catchment.api import tokens
from catchment.api.models import AccessToken

# Writing last_used_at on every request would turn each read into a write; a coarse stamp is enough.
LAST_USED_RESOLUTION_SECONDS = 300


class AccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, AccessToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        if not tokens.looks_like_token(raw):
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        now = timezone.now()
        token = (
            AccessToken.objects.filter(key_hash=tokens.digest(raw), revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .select_related("user", "community")
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        stale = token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
            LAST_USED_RESOLUTION_SECONDS
        )
        if stale:
            AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session; DRF's own, which enforces CSRF on unsafe methods."""

    def authenticate_header(self, request: Request) -> str:
        # A 401 (not a 403) for anonymous requests to protected operations, with the way to sign in.
        return 'Bearer realm="api"'
