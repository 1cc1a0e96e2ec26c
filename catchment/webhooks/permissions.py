"""Who may see and change a community's webhooks. The only place that decides access to them."""

from __future__ import annotations

from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership


def can_manage_webhooks(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Webhooks send the community's activity to another system: its convenors and co-convenors decide."""
    return is_member(viewer) and community_policy.can_edit_community(viewer, community, membership)
