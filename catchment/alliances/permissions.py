"""Who may see and do what in learning alliances and systems maps. The only place that decides it; built
on the communities policy.

Roles: an alliance's **initiators** run it (settings, platform tree, shared direction); **facilitators**
(initiators, each platform's facilitator, and the convenors of a platform's community) keep the stakeholder
register and run their platforms' mobilisation, action research, process log and dissemination. The
stakeholder register (scores, "resistant" labels, rationales) is for facilitators and the hub team only.
What happens on a platform (its cycles, process log and outputs) is read by whoever may read the
platform's community; the alliance itself by anyone if public, else by the people of its platforms.
A closed alliance is read-only. Initiators (and the hub team) oversee every platform of their alliance,
secret communities included: attaching a community to an alliance is its convenor's decision to open its
alliance work to the initiators. Everyone else sees a secret platform's place in the tree, never its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities import permissions as community_policy
from catchment.communities.models import ROLE_RANK, Community, Membership, MembershipStatus, Role


@dataclass(frozen=True)
class Standing:
    """What the policy needs to know of one viewer in one alliance, loaded once (selectors.standing)."""

    staff: bool = False
    signed_in: bool = False
    initiator: bool = False
    public: bool = False
    closed: bool = False
    facilitated: frozenset[int] = field(default_factory=frozenset)  # platform ids the viewer facilitates
    member_of: frozenset[int] = field(default_factory=frozenset)  # platform ids whose community has them
    readable: frozenset[int] = field(default_factory=frozenset)  # platform ids whose community they read
    visible: frozenset[int] = field(default_factory=frozenset)  # platform ids whose community they may see


def can_create_alliance(viewer: Viewer) -> bool:
    """Any signed-in member may initiate a learning alliance."""
    return is_member(viewer)


def can_see_alliance(standing: Standing) -> bool:
    if standing.public or standing.staff or standing.initiator:
        return True
    return bool(standing.member_of or standing.facilitated)


def can_run_alliance(standing: Standing) -> bool:
    """Settings, the platform tree and the shared direction: initiators and staff, while not closed."""
    return not standing.closed and (standing.staff or standing.initiator)


def can_reopen_alliance(standing: Standing) -> bool:
    return standing.staff or standing.initiator


def is_facilitator(standing: Standing) -> bool:
    return standing.staff or standing.initiator or bool(standing.facilitated)


def can_read_register(standing: Standing) -> bool:
    """The stakeholder register, grid, action list and mobilisation pipeline."""
    return is_facilitator(standing)


def can_edit_register(standing: Standing) -> bool:
    return is_facilitator(standing) and not standing.closed


def can_read_platform_work(standing: Standing, platform_id: int) -> bool:
    """A platform's action research, process log and dissemination."""
    return (
        standing.staff
        or standing.initiator
        or platform_id in standing.facilitated
        or (can_see_alliance(standing) and platform_id in standing.readable)
    )


def can_edit_platform_work(standing: Standing, platform_id: int) -> bool:
    return not standing.closed and (
        standing.staff or standing.initiator or platform_id in standing.facilitated
    )


def facilitates(
    viewer: Viewer, facilitator_id: int | None, community: Community, membership: Membership | None
) -> bool:
    """The platform's named facilitator, or a convenor / co-convenor of its community; either only while
    an active member of it (someone who left or was banned loses the role with the membership)."""
    if not is_member(viewer) or membership is None or membership.status != MembershipStatus.ACTIVE:
        return False
    if facilitator_id is not None and facilitator_id == viewer.pk:
        return True
    return ROLE_RANK[Role(membership.role)] >= ROLE_RANK[Role.CO_CONVENOR]


def can_attach_community(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Only someone who runs a community may make it a platform of an alliance."""
    return community_policy.can_edit_community(viewer, community, membership)


# --- Systems maps --------------------------------------------------------------------------------------


def can_read_maps(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    return community_policy.can_read_community(viewer, community, membership)


def can_edit_maps(
    viewer: Viewer, community: Community, membership: Membership | None, facilitator_id: int | None = None
) -> bool:
    """Moderators and above draw the community's systems maps (with their members in the room), and so
    does the facilitator of the platform the community is; communities in design too, never archived."""
    if community.is_read_only or not is_member(viewer):
        return False
    active = membership is not None and membership.status == MembershipStatus.ACTIVE
    if is_staff(viewer) or (facilitator_id is not None and facilitator_id == viewer.pk and active):
        return True
    return community_policy.can_manage_members(viewer, community, membership)
