from catchment.accounts.demo import load_demo_hub
from catchment.accounts.models import Organisation, OrganisationType, Profile, StakeholderGroup, User


def test_demo_hub_is_realistic_and_loading_it_twice_changes_nothing(db):
    first = load_demo_hub()
    assert first.members_created == 200
    snapshot = (
        sorted(User.objects.values_list("email", "display_name")),
        sorted(
            Profile.objects.values_list("user__email", "country", "stakeholder_group", "organisation__slug")
        ),
        Organisation.objects.count(),
    )
    assert Profile.objects.values("country").distinct().count() >= 40
    assert set(Profile.objects.values_list("stakeholder_group", flat=True)) == set(StakeholderGroup.values)
    assert Organisation.objects.filter(type=OrganisationType.COUNTRY_PARTNERSHIP).count() >= 5
    assert all(profile.bio for profile in Profile.objects.all()[:20])

    second = load_demo_hub()
    assert (second.members_created, second.organisations_created) == (0, 0)
    assert snapshot == (
        sorted(User.objects.values_list("email", "display_name")),
        sorted(
            Profile.objects.values_list("user__email", "country", "stakeholder_group", "organisation__slug")
        ),
        Organisation.objects.count(),
    )


def test_demo_accounts_can_sign_in(client, db):
    load_demo_hub(member_count=5)
    response = client.post(
        "/accounts/login/", {"login": "convenor@demo.catchment.example", "password": "catchment-demo"}
    )
    assert response.status_code == 302
