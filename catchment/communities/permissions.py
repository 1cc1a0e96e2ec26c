"""The one policy for communities: who may see, read, join and run a community. Nothing else decides.

Views, templates, search, feeds, notifications, downloads and the API ask these functions. A viewer's
membership is passed in (or looked up once) so a page can check many things without repeated queries.
"""

from __future__ import annotations

from django.db.models import Q

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities.models import (
    ROLE_RANK,
    Community,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Stage,
    Visibility,
)


def membership_of(viewer: Viewer, community: Community) -> Membership | None:
    """The viewer's membership row (active or banned), or None."""
    if not is_member(viewer):
        return None
    return Membership.objects.filter(community=community, user_id=viewer.pk or 0).first()


def _rank(membership: Membership | None) -> int:
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        return 0
    return ROLE_RANK[Role(membership.role)]


def can_see_community(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Whether the community's existence (name, summary) may be shown: secret ones only to members."""
    if community.visibility != Visibility.SECRET:
        return True
    return is_staff(viewer) or _rank(membership) > 0


def readable_communities_q(viewer: Viewer, prefix: str = "") -> Q:
    """`can_read_community` as a query filter on Community (`prefix` points at a Community from another
    model), for lists and search. Staff read everything: callers give them no filter at all."""
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if not is_member(viewer):
        return public
    mine = Membership.objects.filter(user_id=viewer.pk or 0)
    active = mine.filter(status=MembershipStatus.ACTIVE).values("community_id")
    banned = mine.filter(status=MembershipStatus.BANNED).values("community_id")
    return (public & ~Q(**{f"{prefix}pk__in": banned})) | Q(**{f"{prefix}pk__in": active})


def can_read_community(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Whether its content (description, charter, members, plans) may be read."""
    if community.visibility == Visibility.PUBLIC:
        return not (membership is not None and membership.status == MembershipStatus.BANNED)
    return is_staff(viewer) or _rank(membership) > 0


def _open_for_joining(community: Community) -> bool:
    return community.stage in (Stage.LAUNCHED, Stage.DORMANT) and not community.is_moderators_community


def _may_enter(
    viewer: Viewer, community: Community, membership: Membership | None, policy: JoinPolicy
) -> bool:
    return (
        is_member(viewer)
        and membership is None
        and community.join_policy == policy
        and _open_for_joining(community)
        and can_see_community(viewer, community, membership)
    )


def can_join(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Join at once: open communities that are running, for signed-in people not yet in (or banned from) it."""
    return _may_enter(viewer, community, membership, JoinPolicy.OPEN)


def can_request_to_join(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Ask to join: communities that approve their members."""
    return _may_enter(viewer, community, membership, JoinPolicy.APPROVAL)


def can_manage_members(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Approve requests, invite, remove and ban: moderators and above, while the community is not archived."""
    if community.is_read_only:
        return False
    return is_staff(viewer) or _rank(membership) >= ROLE_RANK[Role.MODERATOR]


def can_edit_community(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Settings, charter and design tools: convenors and co-convenors (and staff)."""
    if community.is_read_only:
        return False
    return is_staff(viewer) or _rank(membership) >= ROLE_RANK[Role.CO_CONVENOR]


def can_change_stage(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Launch, put to sleep, archive or reopen: convenors, co-convenors and staff (also when archived)."""
    return is_staff(viewer) or _rank(membership) >= ROLE_RANK[Role.CO_CONVENOR]


def can_assign_role(
    viewer: Viewer, community: Community, membership: Membership | None, current: Role, wanted: Role
) -> bool:
    """Co-convenors may move people between member, core member and moderator; only convenors (and staff)
    name co-convenors, and the convenor role only changes hands through a handover."""
    if community.is_read_only or Role.CONVENOR in (current, wanted):
        return False
    if is_staff(viewer):
        return True
    rank = _rank(membership)
    limit = ROLE_RANK[Role.CO_CONVENOR] if rank >= ROLE_RANK[Role.CONVENOR] else ROLE_RANK[Role.MODERATOR]
    return rank >= ROLE_RANK[Role.CO_CONVENOR] and ROLE_RANK[current] <= limit and ROLE_RANK[wanted] <= limit


def can_remove_member(
    viewer: Viewer, community: Community, membership: Membership | None, target_role: Role
) -> bool:
    """Anyone who manages members may remove a member; a holder of a higher role only by someone who may
    also take that role away."""
    if not can_manage_members(viewer, community, membership):
        return False
    return target_role == Role.MEMBER or can_assign_role(
        viewer, community, membership, target_role, Role.MEMBER
    )


def can_hand_over(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Only a convenor hands the convenorship to someone else."""
    return not community.is_read_only and (
        is_staff(viewer) or (membership is not None and _rank(membership) == ROLE_RANK[Role.CONVENOR])
    )


def can_create_community(viewer: Viewer) -> bool:
    """Any signed-in member may start designing a community."""
    return is_member(viewer)


def roles_that_manage_members() -> list[Role]:
    """The roles whose holders decide requests and invitations (and so are told about them)."""
    return [role for role in Role if ROLE_RANK[role] >= ROLE_RANK[Role.MODERATOR]]


def can_invite(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Send email invitations: whoever manages members, in a community that is not archived."""
    return can_manage_members(viewer, community, membership) and not community.is_moderators_community


def can_accept_invitation(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """A signed-in person not already in the community (nor banned from it) may accept an invitation."""
    return is_member(viewer) and membership is None and not community.is_read_only


def needs_conduct_acceptance(community: Community, membership: Membership | None, conduct_text: str) -> bool:
    """An active member who has not yet accepted the community's code of conduct (when it has one), while
    the community is not archived (read-only)."""
    return (
        not community.is_read_only
        and membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and bool(conduct_text.strip())
        and membership.conduct_accepted_at is None
    )


def can_approve_charter(viewer: Viewer, community: Community, is_sponsor: bool) -> bool:
    """The charter is approved by its sponsor: the hub member named as sponsor on the roles sheet
    (domain.md §6.3), while the community is not archived."""
    return is_member(viewer) and is_sponsor and not community.is_read_only
