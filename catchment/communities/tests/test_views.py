import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catchment.accounts.tests.factories import UserFactory
from catchment.communities.models import CharterVersion, Community, Membership, Role
from catchment.communities.tests.factories import (
    FULL_CHARTER,
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
)


def test_a_member_creates_a_community_and_writes_its_charter(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/communities/new/",
        {
            "name": "Groundwater Governance",
            "summary": "Managing aquifers together.",
            "visibility": "private",
            "join_policy": "approval",
            "membership_basis": "individual",
            "languages": ["en", "fr"],
        },
    )
    assert response.status_code == 302
    community = Community.objects.get(slug="groundwater-governance")
    assert Membership.objects.get(community=community, user=user).role == Role.CONVENOR
    saved = client.post(
        "/communities/groundwater-governance/charter/edit/", {**FULL_CHARTER, "note": "First draft"}
    )
    assert saved.status_code == 302
    page = client.get("/communities/groundwater-governance/charter/").content.decode()
    assert "Restore rivers together." in page
    assert "100% complete" in page


def test_a_stale_charter_edit_is_refused_and_the_text_is_kept(client, db):
    community = CommunityFactory(slug="stale")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    CharterVersionFactory(community=community, number=1)
    CharterVersionFactory(community=community, number=2)
    client.force_login(convenor)
    response = client.post(
        "/communities/stale/charter/edit/", {**FULL_CHARTER, "purpose": "My careful rewrite", "based_on": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "newer version" in body
    assert "My careful rewrite" in body
    assert CharterVersion.objects.filter(community=community).count() == 2


def test_joining_needs_the_code_of_conduct_box(client, db):
    community = CommunityFactory(slug="open", join_policy="open")
    CharterVersionFactory(community=community)
    user = UserFactory()
    client.force_login(user)
    refused = client.post("/communities/open/join/", {}, follow=True)
    assert "accept the code of conduct" in refused.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    client.post("/communities/open/join/", {"accept_conduct": "on"})
    assert Membership.objects.get(user=user).conduct_accepted_at is not None
    again = client.post("/communities/open/join/", {"accept_conduct": "on"}, follow=True)
    assert "already a member" in again.content.decode()


def test_request_and_approval_through_the_pages(client, db):
    community = CommunityFactory(slug="approve", join_policy="approval")
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    applicant = UserFactory(display_name="Keen Applicant")
    client.force_login(applicant)
    client.post("/communities/approve/request/", {"message": "I run a basin agency."})
    client.force_login(moderator)
    page = client.get("/communities/approve/").content.decode()
    assert "Keen Applicant" in page and "I run a basin agency." in page
    request_id = community.join_requests.get().pk
    client.post(f"/communities/approve/requests/{request_id}/", {"decision": "approve", "message": "Welcome"})
    assert Membership.objects.filter(community=community, user=applicant).exists()


def test_launch_is_refused_with_a_reason_until_ready(client, db):
    community = CommunityFactory(slug="launch", stage="design")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    client.force_login(convenor)
    response = client.post("/communities/launch/stage/", {"stage": "launched"}, follow=True)
    assert "Complete all seven elements" in response.content.decode()
    assert Community.objects.get(slug="launch").stage == "design"
    bogus = client.post("/communities/launch/stage/", {"stage": "exploded"}, follow=True)
    assert bogus.status_code == 200


def test_home_counts_the_communities_a_visitor_may_know_of(client, db):
    CommunityFactory(visibility="public")
    CommunityFactory(visibility="private")
    CommunityFactory(visibility="secret")
    assert re.search(r"2 communities", client.get("/").content.decode())


def test_pages_are_translated(client, db):
    CommunityFactory(slug="fr", visibility="public")
    client.cookies["catchment_language"] = "fr"
    assert "Communautés de pratique" in client.get("/communities/").content.decode() or "Communautés" in (
        client.get("/communities/").content.decode()
    )


@pytest.mark.parametrize("url", ["/communities/", "/communities/big/", "/communities/big/charter/"])
def test_community_pages_run_a_constant_number_of_queries(client, db, url):
    community = CommunityFactory(slug="big")
    CharterVersionFactory(community=community)
    viewer = MembershipFactory(community=community, role=Role.CONVENOR).user
    client.force_login(viewer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    MembershipFactory.create_batch(3, community=community)
    small = count()
    MembershipFactory.create_batch(30, community=community)
    CommunityFactory.create_batch(10)
    CharterVersionFactory.create_batch(5, community=community)
    assert count() == small


def test_managers_change_roles_remove_ban_and_hand_over_from_the_member_list(client, db):
    community = CommunityFactory(slug="team")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    colleague = MembershipFactory(community=community, user__username="colleague").user
    troll = MembershipFactory(community=community, user__username="troll").user
    client.force_login(convenor)
    page = client.get("/communities/team/").content.decode()
    assert "/communities/team/members/colleague/role/" in page
    client.post("/communities/team/members/colleague/role/", {"role": "moderator"})
    assert Membership.objects.get(user=colleague).role == Role.MODERATOR
    bad = client.post("/communities/team/members/colleague/role/", {"role": "emperor"}, follow=True)
    assert "Choose a role" in bad.content.decode()
    client.post("/communities/team/members/troll/remove/", {"ban": "1"})
    assert Membership.objects.get(user=troll).status == "banned"
    client.post("/communities/team/members/colleague/hand-over/")
    assert Membership.objects.get(user=colleague).role == Role.CONVENOR
    assert Membership.objects.get(user=convenor).role == Role.CO_CONVENOR
    assert client.post("/communities/team/members/nobody/remove/").status_code == 404


def test_members_cannot_use_the_management_actions(client, db):
    community = CommunityFactory(slug="flat")
    member = MembershipFactory(community=community).user
    other = MembershipFactory(community=community, user__username="other").user
    client.force_login(member)
    assert client.post("/communities/flat/members/other/remove/").status_code == 404
    assert Membership.objects.filter(user=other).exists()


def test_an_invitation_only_community_says_how_people_join(client, db):
    CommunityFactory(slug="closed", join_policy="invitation", visibility="public")
    body = client.get("/communities/closed/").content.decode()
    assert "Members join this community by invitation from its moderators." in body
    assert "Sign in to join this community." not in body
    client.cookies["catchment_language"] = "es"
    assert "por invitación de sus moderadores" in client.get("/communities/closed/").content.decode()
