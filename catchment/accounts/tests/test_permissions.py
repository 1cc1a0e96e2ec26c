from django.contrib.auth.models import AnonymousUser

from catchment.accounts import permissions
from catchment.accounts.models import ProfileVisibility
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory


def test_public_profile_is_visible_to_everyone(db, member):
    profile = ProfileFactory(visibility=ProfileVisibility.PUBLIC)
    assert permissions.can_view_profile(AnonymousUser(), profile)
    assert permissions.can_view_profile(member, profile)


def test_members_only_profile_is_hidden_from_anonymous_visitors(db, member):
    profile = ProfileFactory(visibility=ProfileVisibility.MEMBERS)
    assert not permissions.can_view_profile(AnonymousUser(), profile)
    assert permissions.can_view_profile(member, profile)


def test_deactivated_members_are_visible_to_staff_only(db, member, staff):
    profile = ProfileFactory(user__is_active=False)
    assert not permissions.can_view_profile(AnonymousUser(), profile)
    assert not permissions.can_view_profile(member, profile)
    assert permissions.can_view_profile(staff, profile)


def test_only_the_owner_or_staff_edit_a_profile(db, member, staff):
    other = ProfileFactory()
    assert permissions.can_edit_profile(member, member.profile)
    assert not permissions.can_edit_profile(member, other)
    assert permissions.can_edit_profile(staff, other)
    assert not permissions.can_edit_profile(AnonymousUser(), other)


def test_organisation_admins_and_staff_edit_an_organisation(db, member, staff):
    organisation = OrganisationFactory()
    assert not permissions.can_edit_organisation(member, organisation)
    organisation.admins.add(member)
    assert permissions.can_edit_organisation(member, organisation)
    assert permissions.can_edit_organisation(staff, OrganisationFactory())
    assert not permissions.can_edit_organisation(AnonymousUser(), organisation)


def test_only_staff_verify_organisations_and_edit_the_taxonomy(db, member, staff):
    assert permissions.can_verify_organisation(staff)
    assert not permissions.can_verify_organisation(member)
    assert permissions.can_edit_taxonomy(staff)
    assert not permissions.can_edit_taxonomy(member)
