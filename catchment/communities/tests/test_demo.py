from catchment.accounts.demo import load_demo_hub
from catchment.communities.demo import load_demo_communities
from catchment.communities.models import Community, Membership, MembershipBasis, Role, Stage, Visibility


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
    memberships = Membership.objects.count()
    assert load_demo_communities() == 0
    assert Membership.objects.count() == memberships
