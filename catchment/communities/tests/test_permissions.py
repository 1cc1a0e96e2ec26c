"""The policy, role by role, on public, private and secret communities."""

import pytest

from catchment.communities import permissions
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory, person_in_role

ROLES = ["anonymous", "non_member", "applicant", "member", "moderator", "co_convenor", "convenor", "staff"]

# role -> (see, read, manage members, edit) on a PRIVATE community; public reads are open to everyone
# except banned members, and secret ones are also invisible to outsiders.
PRIVATE = {
    "anonymous": (True, False, False, False),
    "non_member": (True, False, False, False),
    "applicant": (True, False, False, False),
    "member": (True, True, False, False),
    "moderator": (True, True, True, False),
    "co_convenor": (True, True, True, True),
    "convenor": (True, True, True, True),
    "staff": (True, True, True, True),
}


@pytest.mark.parametrize("visibility", ["public", "private", "secret"])
@pytest.mark.parametrize("role", ROLES)
def test_policy_for_each_role_and_visibility(db, role, visibility):
    community = CommunityFactory(visibility=visibility, join_policy="approval")
    viewer = person_in_role(role, community)
    membership = permissions.membership_of(viewer, community)
    see, read, manage, edit = PRIVATE[role]
    if visibility == "public":
        see, read = True, True
    if visibility == "secret" and role in {"anonymous", "non_member", "applicant"}:
        see = False
    assert permissions.can_see_community(viewer, community, membership) is see
    assert permissions.can_read_community(viewer, community, membership) is read
    assert permissions.can_manage_members(viewer, community, membership) is manage
    assert permissions.can_edit_community(viewer, community, membership) is edit
    assert permissions.can_request_to_join(viewer, community, membership) is (
        role in {"non_member", "applicant", "staff"} and see
    )


def test_banned_members_lose_even_public_reading(db):
    community = CommunityFactory(visibility="public")
    banned = MembershipFactory(community=community, status="banned")
    assert not permissions.can_read_community(banned.user, community, banned)


def test_removing_someone_senior_needs_the_right_to_take_their_role_away(db):
    community = CommunityFactory()
    moderator = MembershipFactory(community=community, role=Role.MODERATOR)
    co_convenor = MembershipFactory(community=community, role=Role.CO_CONVENOR)
    assert permissions.can_remove_member(moderator.user, community, moderator, Role.MEMBER)
    assert not permissions.can_remove_member(moderator.user, community, moderator, Role.CORE)
    assert permissions.can_remove_member(co_convenor.user, community, co_convenor, Role.MODERATOR)
    assert not permissions.can_remove_member(co_convenor.user, community, co_convenor, Role.CONVENOR)
