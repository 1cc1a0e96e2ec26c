import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from catchment.accounts import services
from catchment.accounts.models import Organisation
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, ThemeFactory


def changes(**overrides):
    values = {"display_name": "Amina Diallo", "country": "SN", "stakeholder_group": "academia"}
    values.update(overrides)
    return services.ProfileChanges(**values)


def test_profile_update_saves_profile_themes_and_languages(db, member):
    theme = ThemeFactory()
    services.profile_update(
        actor=member,
        profile=member.profile,
        changes=changes(themes=[theme], languages=["fr", "wo"], timezone="Africa/Dakar", language="fr"),
    )
    member.refresh_from_db()
    assert member.display_name == "Amina Diallo"
    assert member.timezone == "Africa/Dakar"
    assert member.language == "fr"
    assert member.profile.country.code == "SN"
    assert list(member.profile.themes.all()) == [theme]
    assert member.profile.language_codes == ["fr", "wo"]

    services.profile_update(actor=member, profile=member.profile, changes=changes(languages=["en"]))
    assert member.profile.language_codes == ["en"]
    assert member.profile.themes.count() == 0


def test_someone_else_cannot_update_a_profile_and_nothing_changes(db, member):
    other = ProfileFactory(user__display_name="Untouched")
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=member, profile=other, changes=changes())
    other.user.refresh_from_db()
    assert other.user.display_name == "Untouched"


def test_unknown_interface_language_is_refused(db, member):
    with pytest.raises(services.UnsupportedLanguage):
        services.profile_update(actor=member, profile=member.profile, changes=changes(language="xx"))
    with pytest.raises(services.UnsupportedLanguage):
        services.user_set_language(actor=member, language="de")


def test_replacing_an_avatar_removes_the_old_file(db, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            actor=member, profile=member.profile, changes=changes(avatar=ContentFile(b"one"))
        )
    first = member.profile.avatar.name
    storage = member.profile.avatar.storage
    assert storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            actor=member, profile=member.profile, changes=changes(avatar=ContentFile(b"two"))
        )
    assert not storage.exists(first)
    assert storage.exists(member.profile.avatar.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=member, profile=member.profile, changes=changes(remove_avatar=True))
    assert not member.profile.avatar


def test_creating_an_organisation_makes_the_creator_its_admin_and_leaves_it_unverified(db, member):
    organisation = services.organisation_create(
        actor=member,
        changes=services.OrganisationChanges(name="Ghana Water Partnership", type="country_partnership"),
    )
    assert organisation.slug == "ghana-water-partnership"
    assert list(organisation.admins.all()) == [member]
    assert not organisation.is_verified
    second = services.organisation_create(
        actor=member, changes=services.OrganisationChanges(name="Ghana Water Partnership!", type="ngo")
    )
    assert second.slug == "ghana-water-partnership-2"


def test_anonymous_visitors_cannot_create_organisations(db):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=AnonymousUser(), changes=services.OrganisationChanges(name="X", type="ngo")
        )
    assert Organisation.objects.count() == 0


def test_only_staff_verify(db, member, staff):
    organisation = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.organisation_set_verified(actor=member, organisation=organisation, verified=True)
    services.organisation_set_verified(actor=staff, organisation=organisation, verified=True)
    organisation.refresh_from_db()
    assert organisation.is_verified


def test_admins_can_add_colleagues_but_never_remove_the_last_admin(db, member):
    organisation = OrganisationFactory()
    organisation.admins.add(member)
    colleague = ProfileFactory(organisation=organisation).user
    outsider = ProfileFactory().user
    with pytest.raises(services.OrganisationAdminError):
        services.organisation_add_admin(actor=member, organisation=organisation, email=outsider.email)
    services.organisation_add_admin(actor=member, organisation=organisation, email=colleague.email.upper())
    assert set(organisation.admins.all()) == {member, colleague}
    services.organisation_remove_admin(actor=member, organisation=organisation, user=colleague)
    with pytest.raises(services.OrganisationAdminError):
        services.organisation_remove_admin(actor=member, organisation=organisation, user=member)
    assert list(organisation.admins.all()) == [member]
