"""What a personal access token lets its holder do. Whether the *person* may do a thing is decided by each
app's permissions module, as for the web pages; a token can only narrow that, never widen it.

Scopes: `read` (safe methods only), `write` (read, and act as its owner: join, register, post, react…),
`admin` (write, and run the one community the token names: members, webhooks, attendance, exports).
A browser session (with its CSRF token) carries all of its user's rights.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from catchment.api.models import AccessToken, TokenScope
from catchment.communities.models import Community
from catchment.events.models import Event


def token_allows(token: AccessToken | None, *, write: bool, community_admin: Community | None = None) -> bool:
    """Whether a request carrying `token` (None for a browser session) may do this kind of thing."""
    if token is None:
        return True
    if community_admin is not None:
        return token.scope == TokenScope.ADMIN and token.community_id == community_admin.pk
    if write:
        return token.scope in (TokenScope.WRITE, TokenScope.ADMIN)
    return True


def can_manage_token(viewer: Any, token: AccessToken) -> bool:
    """A token is its owner's alone."""
    return bool(viewer.is_authenticated and token.user_id == viewer.pk)


def check_community_admin(request: Request, community: Community) -> None:
    """For operations that run a community: the token must be an admin token for that community."""
    token = request.auth if isinstance(request.auth, AccessToken) else None
    if not token_allows(token, write=True, community_admin=community):
        raise PermissionDenied(_("This token may not run this community; use an admin token made for it."))


def check_event_admin(request: Request, event: Event) -> None:
    """Organising an event through a token: an admin token for its community; no token names the hub, so a
    hub-wide event's registrations and attendance stay with a signed-in browser."""
    if event.community is not None:
        check_community_admin(request, event.community)
    elif isinstance(request.auth, AccessToken):
        raise PermissionDenied(_("Registrations of hub events are read in a signed-in browser."))


class TokenScopePermission(BasePermission):
    """Refuse writes made with a read-only token, before the view runs."""

    message = "This token is read-only; make a token with the write scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth if isinstance(request.auth, AccessToken) else None
        allowed = token_allows(token, write=request.method not in SAFE_METHODS)
        if not allowed:
            self.message = _("This token is read-only; make a token with the write scope.")
        return allowed
