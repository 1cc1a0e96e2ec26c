"""Who sees which insights. The only place that decides it; built on the communities policy.

Levels and networks describe people: a community's moderators and convenors (and the hub team) see them
for their community; every member sees their own level only; the hub team compares communities.
"""

from __future__ import annotations

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership, MembershipStatus


def can_see_insights(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """The community's dashboards (levels of everyone, the network, health): moderators and above, staff.
    Archived communities keep their history readable to them."""
    if is_staff(viewer):
        return True
    return (
        community_policy.can_read_community(viewer, community, membership)
        and membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.role in {role.value for role in community_policy.roles_that_manage_members()}
    )


def can_see_own_level(viewer: Viewer, membership: Membership | None) -> bool:
    """Every active member sees their own level, and nobody else's."""
    return is_member(viewer) and membership is not None and membership.status == MembershipStatus.ACTIVE


def sees_names(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Named maps are for those who see the dashboards; everyone else would see pseudonyms."""
    return can_see_insights(viewer, community, membership)


def can_edit_level_settings(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Weights and thresholds: convenors and co-convenors (and staff)."""
    return community_policy.can_edit_community(viewer, community, membership)


def can_compare_communities(viewer: Viewer) -> bool:
    """The hub-wide comparison is for the hub team."""
    return is_staff(viewer)


def can_tell_story(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Any active member tells a value-creation story about their community while it runs."""
    return (
        is_member(viewer)
        and membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and not community.is_read_only
    )


def can_edit_story(
    viewer: Viewer, story_teller_id: int | None, community: Community, membership: Membership | None
) -> bool:
    """The teller (while a member) and those who see the insights."""
    if can_see_insights(viewer, community, membership):
        return not community.is_read_only or is_staff(viewer)
    return can_tell_story(viewer, community, membership) and story_teller_id == viewer.pk


def can_read_story(
    viewer: Viewer,
    published: bool,
    story_teller_id: int | None,
    community: Community,
    membership: Membership | None,
) -> bool:
    """A published story (published only with the teller's consent) is for whoever reads the community;
    drafts stay with the teller and those who see the insights."""
    if published:
        return community_policy.can_read_community(viewer, community, membership)
    return is_member(viewer) and (
        viewer.pk == story_teller_id or can_see_insights(viewer, community, membership)
    )


def can_manage_surveys(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Design, open, close and read the existing-connections survey: those who see the insights, while the
    community is not archived."""
    return can_see_insights(viewer, community, membership) and not community.is_read_only


def can_see_survey(
    viewer: Viewer, community: Community, membership: Membership | None, is_draft: bool
) -> bool:
    """A survey once opened is for any signed-in reader of the community (the audience a community is
    designed for is often not in it yet); drafts stay with those who manage surveys."""
    if is_draft:
        return can_see_insights(viewer, community, membership)
    return is_member(viewer) and community_policy.can_read_community(viewer, community, membership)


def can_answer_survey(
    viewer: Viewer, community: Community, membership: Membership | None, accepting: bool
) -> bool:
    """Answer (or change, or withdraw, an answer) while the survey accepts answers."""
    return (
        accepting
        and not community.is_read_only
        and can_see_survey(viewer, community, membership, is_draft=False)
    )


def can_withdraw_answer(viewer: Viewer, has_answer: bool) -> bool:
    """Respondents withdraw their own answers at any time: after the survey closed, after leaving the
    community, even if they can no longer read it."""
    return is_member(viewer) and has_answer
