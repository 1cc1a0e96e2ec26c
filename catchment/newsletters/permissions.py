"""Who may write, send and read newsletters. The only place that decides access to them; community
newsletters defer to the communities policy."""

from __future__ import annotations

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.newsletters.models import Newsletter, Status


def can_write_hub_newsletters(viewer: Viewer) -> bool:
    """The hub team writes to any segment of the hub."""
    return is_staff(viewer)


def can_write_for(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """A community's convenors and co-convenors (and the hub team) write to its members while it runs."""
    return community_policy.can_edit_community(viewer, community, membership)


def can_manage(viewer: Viewer, newsletter: Newsletter, membership: Membership | None) -> bool:
    """Edit, preview, test, send and follow a newsletter: its community's editors, or the hub team."""
    if newsletter.community is None:
        return can_write_hub_newsletters(viewer)
    return is_staff(viewer) or can_write_for(viewer, newsletter.community, membership)


def can_edit(viewer: Viewer, newsletter: Newsletter, membership: Membership | None) -> bool:
    """Only drafts change; what was sent stays as it was sent."""
    return newsletter.status == Status.DRAFT and can_manage(viewer, newsletter, membership)


def can_read_sent(
    viewer: Viewer, newsletter: Newsletter, received: bool, membership: Membership | None
) -> bool:
    """The web version of a sent newsletter: for the people it was sent to, and those who manage it."""
    if not is_member(viewer):
        return False
    if can_manage(viewer, newsletter, membership):
        return True
    return newsletter.status != Status.DRAFT and received
