"""Every write to accounts, profiles and organisations. Each call is one transaction and checks permission."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catchment.accounts.models import Organisation, Profile, SpokenLanguage, Theme, User
from catchment.accounts.permissions import (
    Viewer,
    can_create_organisation,
    can_edit_organisation,
    can_edit_profile,
    can_verify_organisation,
)
from catchment.core import uploads

SUPPORTED_INTERFACE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UnsupportedLanguage(ValueError):
    """The requested interface language is not one the hub is translated into."""


class OrganisationAdminError(ValueError):
    """An admin change that would leave the organisation in a bad state; the message is translated."""


def profile_ensure(*, user: User) -> Profile:
    """Give a new account its (empty) profile; calling it again changes nothing."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@dataclass
class ProfileChanges:
    display_name: str
    position: str = ""
    organisation: Organisation | None = None
    country: str = ""
    stakeholder_group: str = ""
    themes: Iterable[Theme] = field(default_factory=list)
    languages: Iterable[str] = field(default_factory=list)
    bio: str = ""
    visibility: str = "members"
    timezone: str = "UTC"
    language: str = ""
    avatar: ContentFile[bytes] | None = None
    remove_avatar: bool = False


def profile_update(*, actor: Viewer, profile: Profile, changes: ProfileChanges) -> Profile:
    """Save a member's profile, expertise, spoken languages and picture together: all of it or, when the
    picture cannot be stored (a full disk), none of it and no partly written file."""
    if not can_edit_profile(actor, profile):
        raise PermissionDenied
    if changes.language and changes.language not in SUPPORTED_INTERFACE_LANGUAGES:
        raise UnsupportedLanguage(changes.language)
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        return _profile_update(profile, changes, stored)


def _profile_update(profile: Profile, changes: ProfileChanges, stored: uploads.StoredFiles) -> Profile:
    user = profile.user
    user.display_name = changes.display_name.strip()
    user.timezone = changes.timezone
    user.language = changes.language
    user.save(update_fields=["display_name", "timezone", "language"])

    profile.position = changes.position.strip()
    profile.organisation = changes.organisation
    profile.country = changes.country
    profile.stakeholder_group = changes.stakeholder_group
    profile.bio = changes.bio
    profile.visibility = changes.visibility
    old_avatar_name = profile.avatar.name if profile.avatar else ""
    if changes.avatar is not None:
        # A random part in the name: a failed write can be cleaned up without touching the current picture.
        profile.avatar.name = stored.save_as(
            f"avatars/{user.username}-{secrets.token_hex(4)}.jpg", changes.avatar
        )
    elif changes.remove_avatar:
        profile.avatar = None
    profile.save()
    profile.themes.set(list(changes.themes))

    wanted = set(changes.languages)
    profile.spoken_languages.exclude(code__in=wanted).delete()
    existing = set(profile.spoken_languages.values_list("code", flat=True))
    SpokenLanguage.objects.bulk_create(
        [SpokenLanguage(profile=profile, code=code) for code in sorted(wanted - existing)]
    )
    new_avatar_name = profile.avatar.name if profile.avatar else ""
    if old_avatar_name and old_avatar_name != new_avatar_name:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar_name))
    return profile


def user_set_language(*, actor: Viewer, language: str) -> None:
    """Remember a signed-in member's interface language (anonymous visitors keep it in a cookie)."""
    if language not in SUPPORTED_INTERFACE_LANGUAGES:
        raise UnsupportedLanguage(language)
    if actor.is_authenticated:
        User.objects.filter(pk=actor.pk).update(language=language)
        actor.language = language


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug = base
    suffix = 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


@dataclass
class OrganisationChanges:
    name: str
    type: str
    country: str = ""
    website: str = ""
    description: str = ""


@transaction.atomic
def organisation_create(*, actor: Viewer, changes: OrganisationChanges) -> Organisation:
    """Add an organisation; its creator becomes its first admin and it awaits verification by staff."""
    if not can_create_organisation(actor):
        raise PermissionDenied
    organisation = Organisation.objects.create(
        name=changes.name.strip(),
        slug=_unique_slug(changes.name),
        type=changes.type,
        country=changes.country,
        website=changes.website,
        description=changes.description,
    )
    organisation.admins.add(cast(User, actor))
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Viewer, organisation: Organisation, changes: OrganisationChanges
) -> Organisation:
    """Change an organisation's page; the address (slug) stays stable so links keep working."""
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied
    organisation.name = changes.name.strip()
    organisation.type = changes.type
    organisation.country = changes.country
    organisation.website = changes.website
    organisation.description = changes.description
    organisation.save()
    return organisation


def organisation_set_verified(*, actor: Viewer, organisation: Organisation, verified: bool) -> Organisation:
    """Staff vouch (or stop vouching) for an organisation."""
    if not can_verify_organisation(actor):
        raise PermissionDenied
    Organisation.objects.filter(pk=organisation.pk).update(is_verified=verified)
    organisation.is_verified = verified
    return organisation


@transaction.atomic
def organisation_add_admin(*, actor: Viewer, organisation: Organisation, email: str) -> User:
    """Make a member of the organisation one of its admins, found by their account email."""
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).select_related("profile").first()
    if (
        user is None
        or getattr(user, "profile", None) is None
        or user.profile.organisation_id != organisation.pk
    ):
        raise OrganisationAdminError(
            _("Only members who list this organisation on their profile can become its admins.")
        )
    organisation.admins.add(user)
    return user


@transaction.atomic
def organisation_remove_admin(*, actor: Viewer, organisation: Organisation, user: User) -> None:
    """Remove an admin, keeping at least one so the page is never orphaned."""
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied
    admins = list(organisation.admins.select_for_update().values_list("pk", flat=True))
    if user.pk not in admins:
        return
    if len(admins) <= 1:
        raise OrganisationAdminError(_("An organisation needs at least one admin."))
    organisation.admins.remove(user)
