"""Who may find, download, add, change and moderate library resources. The only place that decides access
to them; community resources follow the communities policy."""

from __future__ import annotations

from django.db.models import Q

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership, MembershipStatus
from catchment.library.models import Resource, ResourceStatus


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.status == MembershipStatus.ACTIVE


def can_moderate(viewer: Viewer, community: Community | None, membership: Membership | None) -> bool:
    """Hide, show and feature: the hub team for the hub library, a community's moderators for theirs."""
    if community is None:
        return is_staff(viewer)
    return community_policy.can_manage_members(viewer, community, membership)


def can_read(viewer: Viewer, resource: Resource, membership: Membership | None) -> bool:
    """Hub resources are for everyone; a community's follow its read rule; hidden ones stay with moderators."""
    community = resource.community
    if community is not None and not community_policy.can_read_community(viewer, community, membership):
        return False
    return resource.status == ResourceStatus.VISIBLE or can_moderate(viewer, community, membership)


def readable_q(viewer: Viewer, prefix: str = "") -> Q:
    """`can_read` for lists (visible resources only): hub-wide ones, and those of readable communities."""
    visible = Q(**{f"{prefix}status": ResourceStatus.VISIBLE})
    if is_staff(viewer):
        return visible
    readable = community_policy.readable_communities_q(viewer, prefix=f"{prefix}community__")
    return visible & (Q(**{f"{prefix}community__isnull": True}) | readable)


def can_add(viewer: Viewer, community: Community | None, membership: Membership | None) -> bool:
    """Members share into the hub library; a community's active members into theirs while it runs."""
    if not is_member(viewer):
        return False
    if community is None:
        return True
    return not community.is_read_only and (_active(membership) or is_staff(viewer))


def can_edit(viewer: Viewer, resource: Resource, membership: Membership | None) -> bool:
    """Whoever added it (while they may still add there), and the moderators."""
    if can_moderate(viewer, resource.community, membership):
        return True
    return (
        is_member(viewer)
        and resource.added_by_id == viewer.pk
        and resource.status == ResourceStatus.VISIBLE
        and can_add(viewer, resource.community, membership)
    )
