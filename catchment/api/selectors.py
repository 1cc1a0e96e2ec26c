"""Reads for the API's own objects."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from catchment.accounts.permissions import Viewer, is_member
from catchment.api.models import AccessToken
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, MembershipStatus


def tokens_of(viewer: Viewer) -> QuerySet[AccessToken]:
    """The viewer's tokens, newest first, with the communities of admin tokens."""
    return (
        AccessToken.objects.filter(user_id=viewer.pk or 0)
        .select_related("community")
        .order_by("-created_at", "-pk")
    )


def token_of(viewer: Viewer, pk: int) -> AccessToken:
    """One of the viewer's own tokens, or 404."""
    token = tokens_of(viewer).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def communities_run_by(viewer: Viewer) -> list[Community]:
    """The communities whose members the viewer manages: those an admin token can be made for."""
    if not is_member(viewer):
        return []
    roles = community_policy.roles_that_manage_members()
    found = Community.objects.filter(
        memberships__user_id=viewer.pk or 0,
        memberships__role__in=roles,
        memberships__status=MembershipStatus.ACTIVE,
    ).order_by("name")
    return [community for community in found if not community.is_read_only]
