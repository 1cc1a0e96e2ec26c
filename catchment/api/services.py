"""Writes for the API's own objects: personal access tokens."""

from __future__ import annotations

import datetime
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.api import permissions, tokens
from catchment.api.models import AccessToken, TokenScope
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community
from catchment.core import audit

MAX_TOKENS = 50


class TokenError(ValueError):
    """A token request that cannot be carried out; the message is translated and safe to show."""


@transaction.atomic
def token_create(
    *,
    actor: Viewer,
    name: str,
    scope: str,
    community: Community | None = None,
    expires_on: datetime.date | None = None,
) -> tuple[AccessToken, str]:
    """Make a personal access token; returns it with its secret, which is never shown again."""
    if not is_member(actor):
        raise PermissionDenied
    name = " ".join((name or "").split())[:100]
    if not name:
        raise TokenError(_("Name the token after what will use it."))
    if scope not in TokenScope.values:
        raise TokenError(_("Choose a scope."))
    if scope == TokenScope.ADMIN:
        if community is None:
            raise TokenError(_("Choose the community this token will run."))
        if not community_policy.can_manage_members(
            actor, community, community_policy.membership_of(actor, community)
        ):
            raise TokenError(_("You can only make an admin token for a community you run."))
    else:
        community = None
    today = timezone.localdate()
    if expires_on is None:
        expires_on = today + datetime.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    if expires_on <= today:
        raise TokenError(_("Choose an expiry date in the future."))
    if AccessToken.objects.filter(user_id=actor.pk or 0, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise TokenError(_("You have %(count)d tokens; revoke some first.") % {"count": MAX_TOKENS})
    raw = tokens.new_secret()
    expires_at = datetime.datetime.combine(
        expires_on, datetime.time.max, tzinfo=timezone.get_current_timezone()
    )
    token = AccessToken.objects.create(
        user=cast(User, actor),
        name=name,
        scope=scope,
        community=community,
        prefix=tokens.shown_prefix(raw),
        key_hash=tokens.digest(raw),
        expires_at=expires_at,
    )
    audit.event_on_commit("token.created", outcome="success", user=actor, token=token.pk, scope=scope)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Viewer, token: AccessToken) -> AccessToken:
    """Stop a token working at once; it stays in its owner's list, marked revoked."""
    if not permissions.can_manage_token(actor, token):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.event_on_commit("token.revoked", outcome="success", user=actor, token=token.pk)
    return token


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of an account (on password change or erasure)."""
    revoked = AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.event_on_commit("token.revoked_all", outcome="success", user=user, count=revoked)
    return revoked
