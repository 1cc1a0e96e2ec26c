"""Who may read, write and moderate discussions. Built on the communities policy; nothing else decides.

A viewer's community membership is passed in (looked up once per request) so a page of many posts asks
these functions without further queries.
"""

from __future__ import annotations

from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import ROLE_RANK, Community, Membership, MembershipStatus, Role
from catchment.discussions.models import Post, Topic, TopicKind, Visibility


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.status == MembershipStatus.ACTIVE


def can_read_discussions(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    return community_policy.can_read_community(viewer, community, membership)


def can_moderate(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Pin, lock, hide, delete and restore; see hidden content: moderators and above, and staff."""
    return community_policy.can_manage_members(viewer, community, membership)


def can_start_topic(viewer: Viewer, community: Community, membership: Membership | None, kind: str) -> bool:
    """Members write in a community that is not archived; only moderators and above announce."""
    if community.is_read_only or not is_member(viewer) or not _active(membership):
        return False
    if kind == TopicKind.ANNOUNCEMENT:
        assert membership is not None
        return ROLE_RANK[Role(membership.role)] >= ROLE_RANK[Role.MODERATOR]
    return kind in TopicKind.values


def can_see_topic(topic: Topic, moderator: bool) -> bool:
    """Hidden and deleted topics exist only for moderators."""
    return topic.status == Visibility.VISIBLE or moderator


def can_see_post(post: Post, moderator: bool) -> bool:
    return post.status == Visibility.VISIBLE or moderator


def can_reply(viewer: Viewer, topic: Topic, membership: Membership | None, moderator: bool) -> bool:
    """Members reply to visible, unlocked topics; moderators also to locked ones."""
    community = topic.community
    if community.is_read_only or not is_member(viewer) or not _active(membership):
        return False
    if topic.status != Visibility.VISIBLE:
        return False
    return moderator or not topic.is_locked


def can_edit_post(viewer: Viewer, post: Post, membership: Membership | None, moderator: bool) -> bool:
    """Authors edit their own visible posts while they are members; moderators edit any."""
    if post.topic.community.is_read_only or not is_member(viewer):
        return False
    if moderator:
        return True
    return _active(membership) and post.author_id == viewer.pk and post.status == Visibility.VISIBLE


def can_accept_answer(viewer: Viewer, topic: Topic, membership: Membership | None, moderator: bool) -> bool:
    """The asker (while a member) or a moderator marks the accepted answer of a question."""
    if topic.kind != TopicKind.QUESTION or topic.community.is_read_only or not is_member(viewer):
        return False
    return moderator or (_active(membership) and topic.author_id == viewer.pk)


def can_flag(viewer: Viewer, post: Post, membership: Membership | None) -> bool:
    """Active members flag other people's visible posts (not their own)."""
    return (
        is_member(viewer)
        and _active(membership)
        and post.status == Visibility.VISIBLE
        and post.author_id != viewer.pk
        and not post.topic.community.is_read_only
    )


def can_react(viewer: Viewer, post: Post, membership: Membership | None) -> bool:
    """Active members react to other people's visible posts while the community is not archived."""
    return (
        is_member(viewer)
        and _active(membership)
        and post.status == Visibility.VISIBLE
        and post.author_id != viewer.pk
        and not post.topic.community.is_read_only
    )
