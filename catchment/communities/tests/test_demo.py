import datetime

from catchment.accounts.demo import load_demo_hub
from catchment.communities.demo import load_demo_communities
from catchment.communities.models import (
    Activity,
    Community,
    Membership,
    MembershipBasis,
    Milestone,
    Role,
    Stage,
    Visibility,
)


def test_demo_communities_cover_every_stage_and_visibility_and_load_once(db):
    load_demo_hub(member_count=60)
    assert load_demo_communities() >= 22
    assert Community.objects.count() >= 22
    assert set(Community.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Community.objects.values_list("visibility", flat=True)) == set(Visibility.values)
    assert (
        Community.objects.get(membership_basis=MembershipBasis.ORGANISATION)
        .memberships.filter(organisation__isnull=False)
        .exists()
    )
    hub = Community.objects.get(is_moderators_community=True)
    facilitators = set(
        Membership.objects.filter(role__in=(Role.MODERATOR, Role.CO_CONVENOR, Role.CONVENOR))
        .exclude(community=hub)
        .values_list("user_id", flat=True)
    )
    assert facilitators <= set(hub.memberships.values_list("user_id", flat=True))
    assert all(community.charter_versions.exists() for community in Community.objects.all())
    assert all(
        community.memberships.filter(role="convenor").exists() for community in Community.objects.all()
    )
    for community in Community.objects.all():
        assert community.activities.count() >= 5
        assert community.milestones.exists() and community.resource_commitments.exists()
        assert hasattr(community, "consultation")
    # Owners of plan items are members of the community they plan for.
    for activity in Activity.objects.select_related("owner"):
        assert Membership.objects.filter(community_id=activity.community_id, user=activity.owner).exists()
    assert Milestone.objects.filter(
        community__stage="design", status="open", due_on__lt=datetime.date.today()
    ).exists()
    memberships = Membership.objects.count()
    assert load_demo_communities() == 0
    assert Membership.objects.count() == memberships
