from django.contrib.auth.models import AnonymousUser

from catchment.accounts.models import ProfileVisibility, SpokenLanguage
from catchment.accounts.selectors import DirectoryFilters, country_counts, directory_profiles, hub_counts
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, ThemeFactory


def names(profiles):
    return [profile.user.display_name for profile in profiles]


def test_directory_search_matches_name_organisation_and_expertise(db, member):
    drought = ThemeFactory(slug="drought-x", name_en="Drought", name_fr="Sécheresse")
    sahel = OrganisationFactory(name="Sahel Alliance")
    ProfileFactory(user__display_name="Aminata Diallo")
    ProfileFactory(user__display_name="Kwame Mensah", organisation=sahel)
    ProfileFactory(user__display_name="Lucía García").themes.add(drought)
    assert names(directory_profiles(member, DirectoryFilters(query="aminata"))) == ["Aminata Diallo"]
    assert names(directory_profiles(member, DirectoryFilters(query="sahel"))) == ["Kwame Mensah"]
    assert names(directory_profiles(member, DirectoryFilters(query="sécheresse"))) == ["Lucía García"]
    assert names(directory_profiles(member, DirectoryFilters(query="lucía drought"))) == ["Lucía García"]


def test_directory_filters_combine(db, member):
    water = ThemeFactory(slug="wash-x", name_en="WASH")
    peru = ProfileFactory(user__display_name="Rosa Quispe", country="PE", stakeholder_group="community")
    peru.themes.add(water)
    SpokenLanguage.objects.create(profile=peru, code="qu")
    ProfileFactory(user__display_name="Diego López", country="PE", stakeholder_group="government")
    filters = DirectoryFilters(country="PE", stakeholder_group="community", theme="wash-x", language="qu")
    assert names(directory_profiles(member, filters)) == ["Rosa Quispe"]
    assert names(directory_profiles(member, DirectoryFilters(country="PE"))) == ["Diego López", "Rosa Quispe"]


def test_theme_filter_does_not_duplicate_members_with_several_matching_themes(db, member):
    one, two = ThemeFactory(name_en="Floods"), ThemeFactory(name_en="Flood risk")
    ProfileFactory(user__display_name="Only Once").themes.add(one, two)
    assert names(directory_profiles(member, DirectoryFilters(query="flood"))) == ["Only Once"]


def test_anonymous_visitors_see_only_public_profiles(db, member):
    ProfileFactory(user__display_name="Open Person", visibility=ProfileVisibility.PUBLIC)
    ProfileFactory(user__display_name="Private Person", visibility=ProfileVisibility.MEMBERS)
    ProfileFactory(user__display_name="Gone Person", user__is_active=False)
    assert "Private Person" not in names(directory_profiles(AnonymousUser(), DirectoryFilters()))
    assert "Open Person" in names(directory_profiles(AnonymousUser(), DirectoryFilters()))
    seen_by_member = names(directory_profiles(member, DirectoryFilters()))
    assert "Private Person" in seen_by_member
    assert "Gone Person" not in seen_by_member


def test_country_counts_and_hub_counts_are_computed_from_visible_data(db):
    ProfileFactory(country="KE")
    ProfileFactory(country="KE")
    ProfileFactory(country="PE", visibility=ProfileVisibility.MEMBERS)
    ProfileFactory(country="")
    OrganisationFactory()
    anonymous = directory_profiles(AnonymousUser(), DirectoryFilters())
    assert country_counts(anonymous) == {"KE": 2}
    counts = hub_counts()
    assert (counts.members, counts.countries, counts.organisations) == (4, 2, 1)
