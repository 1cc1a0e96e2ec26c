import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from catchment.accounts.tests.factories import OrganisationFactory, UserFactory
from catchment.communities import services
from catchment.communities.models import (
    CharterVersion,
    Community,
    JoinRequest,
    Membership,
    MembershipStatus,
    Milestone,
    RequestStatus,
    Role,
    Stage,
)
from catchment.communities.tests.factories import (
    FULL_CHARTER,
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
)


def changes(**overrides):
    values = {"name": "Drought Management CoP", "summary": "Planning for dry years."}
    values.update(overrides)
    return services.CommunityChanges(**values)


def test_creating_a_community_starts_it_in_design_with_its_creator_as_convenor(db):
    creator = UserFactory()
    community = services.community_create(actor=creator, changes=changes(languages=["en", "es"]))
    assert community.slug == "drought-management-cop"
    assert community.stage == Stage.DESIGN
    assert Membership.objects.get(community=community).role == Role.CONVENOR
    assert sorted(community.languages.values_list("code", flat=True)) == ["en", "es"]


def test_duplicate_web_address_is_refused_and_nothing_is_created(db):
    services.community_create(actor=UserFactory(), changes=changes())
    with pytest.raises(services.CommunityError):
        services.community_create(actor=UserFactory(), changes=changes(name="Drought management CoP!"))
    assert Community.objects.count() == 1


def test_anonymous_visitors_cannot_create(db):
    with pytest.raises(PermissionDenied):
        services.community_create(actor=AnonymousUser(), changes=changes())


def test_joining_an_open_community_records_the_accepted_code_of_conduct(db):
    community = CommunityFactory(join_policy="open")
    charter = CharterVersionFactory(community=community)
    newcomer = UserFactory()
    with pytest.raises(services.CommunityError):
        services.community_join(actor=newcomer, community=community, accept_conduct=False)
    membership = services.community_join(actor=newcomer, community=community, accept_conduct=True)
    assert membership.conduct_version == charter
    assert membership.conduct_accepted_at is not None
    with pytest.raises(services.CommunityError):  # joining twice
        services.community_join(actor=newcomer, community=community, accept_conduct=True)
    assert Membership.objects.filter(community=community, user=newcomer).count() == 1


def test_organisation_based_communities_need_the_organisation_represented(db):
    community = CommunityFactory(membership_basis="organisation")
    person = UserFactory()
    with pytest.raises(services.CommunityError):
        services.community_join(actor=person, community=community, accept_conduct=True)
    partnership = OrganisationFactory()
    membership = services.community_join(
        actor=person, community=community, accept_conduct=True, organisation=partnership
    )
    assert membership.organisation == partnership


def test_approval_flow_with_messages_and_no_self_approval(db):
    community = CommunityFactory(join_policy="approval")
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    applicant = UserFactory()
    with pytest.raises(PermissionDenied):
        services.community_join(actor=applicant, community=community, accept_conduct=True)
    request = services.join_request_create(actor=applicant, community=community, message="I work on drought.")
    with pytest.raises(services.CommunityError):
        services.join_request_create(actor=applicant, community=community)
    with pytest.raises(PermissionDenied):  # applicants do not approve themselves
        services.join_request_decide(actor=applicant, join_request=request, approve=True)
    services.join_request_decide(actor=moderator, join_request=request, approve=True, message="Welcome!")
    request.refresh_from_db()
    assert (request.status, request.decision_message, request.decided_by) == (
        RequestStatus.APPROVED,
        "Welcome!",
        moderator,
    )
    assert Membership.objects.filter(community=community, user=applicant).exists()
    with pytest.raises(services.CommunityError):  # deciding twice
        services.join_request_decide(actor=moderator, join_request=request, approve=False)


def test_a_moderator_cannot_approve_their_own_request_elsewhere(db):
    community = CommunityFactory(join_policy="approval")
    staff = UserFactory(is_staff=True)
    request = JoinRequest.objects.create(community=community, user=staff)
    with pytest.raises(services.CommunityError):
        services.join_request_decide(actor=staff, join_request=request, approve=True)


def test_invitation_only_communities_refuse_joins_and_requests(db):
    community = CommunityFactory(join_policy="invitation")
    with pytest.raises(PermissionDenied):
        services.community_join(actor=UserFactory(), community=community, accept_conduct=True)
    with pytest.raises(PermissionDenied):
        services.join_request_create(actor=UserFactory(), community=community)


def test_the_last_convenor_cannot_leave_but_can_after_a_handover(db):
    community = CommunityFactory()
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    colleague = MembershipFactory(community=community).user
    with pytest.raises(services.CommunityError):
        services.membership_leave(actor=convenor, community=community)
    services.convenorship_hand_over(actor=convenor, community=community, to_user=colleague)
    assert Membership.objects.get(community=community, user=colleague).role == Role.CONVENOR
    assert Membership.objects.get(community=community, user=convenor).role == Role.CO_CONVENOR
    services.membership_leave(actor=convenor, community=community)
    assert not Membership.objects.filter(community=community, user=convenor).exists()


def test_role_changes_respect_rank(db):
    community = CommunityFactory()
    co_convenor = MembershipFactory(community=community, role=Role.CO_CONVENOR).user
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    member = MembershipFactory(community=community).user
    services.membership_change_role(actor=co_convenor, community=community, user=member, role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):  # co-convenors do not name co-convenors
        services.membership_change_role(
            actor=co_convenor, community=community, user=member, role=Role.CO_CONVENOR
        )
    services.membership_change_role(actor=convenor, community=community, user=member, role=Role.CO_CONVENOR)
    with pytest.raises(PermissionDenied):  # the convenorship only moves by handover
        services.membership_change_role(actor=convenor, community=community, user=member, role=Role.CONVENOR)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=member, community=community, user=convenor, role=Role.MEMBER)
    assert Membership.objects.get(community=community, user=convenor).role == Role.CONVENOR


def test_moderators_remove_and_ban_members_but_not_their_seniors(db):
    community = CommunityFactory(join_policy="open")
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    troll = MembershipFactory(community=community).user
    with pytest.raises(services.CommunityError):
        services.membership_remove(actor=moderator, community=community, user=convenor)
    services.membership_remove(actor=moderator, community=community, user=troll, ban=True)
    assert Membership.objects.get(community=community, user=troll).status == MembershipStatus.BANNED
    with pytest.raises(PermissionDenied):  # banned people cannot rejoin
        services.community_join(actor=troll, community=community, accept_conduct=True)


def test_the_community_for_moderators_follows_roles_elsewhere(db):
    hub = CommunityFactory(is_moderators_community=True, visibility="private", join_policy="invitation")
    community = CommunityFactory()
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    person = MembershipFactory(community=community).user
    services.membership_change_role(actor=convenor, community=community, user=person, role=Role.MODERATOR)
    assert Membership.objects.filter(community=hub, user=person).exists()
    services.membership_change_role(actor=convenor, community=community, user=person, role=Role.CORE)
    assert not Membership.objects.filter(community=hub, user=person).exists()
    creator = UserFactory()
    services.community_create(actor=creator, changes=changes(name="Youth for Water"))
    assert Membership.objects.filter(community=hub, user=creator).exists()


def test_each_charter_save_is_a_new_version_and_stale_edits_are_refused(db):
    community = CommunityFactory()
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    other = MembershipFactory(community=community, role=Role.CO_CONVENOR).user
    first = services.charter_save(
        actor=convenor, community=community, sections={"purpose": "A"}, note="", based_on=None
    )
    second = services.charter_save(
        actor=other, community=community, sections={"purpose": "B"}, note="x", based_on=1
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(services.CommunityError):  # convenor still editing version 1: a lost update
        services.charter_save(
            actor=convenor, community=community, sections={"purpose": "C"}, note="", based_on=1
        )
    with pytest.raises(services.CommunityError):  # nothing changed
        services.charter_save(
            actor=convenor, community=community, sections={"purpose": "B"}, note="", based_on=2
        )
    assert list(CharterVersion.objects.filter(community=community).values_list("purpose", flat=True)) == [
        "B",
        "A",
    ]
    member = MembershipFactory(community=community).user
    with pytest.raises(PermissionDenied):
        services.charter_save(actor=member, community=community, sections=FULL_CHARTER, note="", based_on=2)


def test_launching_needs_a_complete_charter_and_a_moderator(db):
    community = CommunityFactory(stage=Stage.DESIGN)
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    with pytest.raises(services.CommunityError):
        services.community_set_stage(actor=convenor, community=community, stage=Stage.LAUNCHED)
    services.charter_save(actor=convenor, community=community, sections=FULL_CHARTER, note="", based_on=None)
    with pytest.raises(services.CommunityError):
        services.community_set_stage(actor=convenor, community=community, stage=Stage.LAUNCHED)
    MembershipFactory(community=community, role=Role.MODERATOR)
    services.community_set_stage(actor=convenor, community=community, stage=Stage.LAUNCHED)
    assert community.stage == Stage.LAUNCHED
    assert community.launched_at is not None
    with pytest.raises(services.CommunityError):  # no going back to design
        services.community_set_stage(actor=convenor, community=community, stage=Stage.DESIGN)


def test_archived_communities_are_read_only(db):
    community = CommunityFactory(stage=Stage.ARCHIVED)
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    member = MembershipFactory(community=community).user
    with pytest.raises(PermissionDenied):
        services.charter_save(
            actor=convenor, community=community, sections=FULL_CHARTER, note="", based_on=None
        )
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=convenor, community=community, user=member)
    services.community_set_stage(actor=convenor, community=community, stage=Stage.DORMANT)  # reopening works


def test_a_milestone_is_overdue_only_while_open_past_its_due_date(db):
    # domain.md CH6
    milestone = Milestone(title="Launch webinar", due_on=datetime.date(2024, 5, 1), status="open")
    assert milestone.is_overdue(datetime.date(2024, 5, 10))
    milestone.status = "done"
    assert not milestone.is_overdue(datetime.date(2024, 5, 10))
