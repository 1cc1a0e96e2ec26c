"""Who may see and change people, profiles and organisations. The only place that decides access here.

Roles at this level: anonymous visitor, member (signed in), organisation admin, staff. Later apps add
community roles in their own permissions modules, built on the same helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from catchment.accounts.models import Organisation, Profile, ProfileVisibility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from catchment.accounts.models import User

    Viewer = User | AnonymousUser
else:
    Viewer = Any


def is_member(viewer: Viewer) -> bool:
    """A signed-in, active account."""
    return bool(viewer.is_authenticated and viewer.is_active)


def is_staff(viewer: Viewer) -> bool:
    """Hub staff: may edit the taxonomy, verify organisations and see every profile."""
    return bool(is_member(viewer) and viewer.is_staff)


def visible_profiles_q(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for the profiles `viewer` may see; `prefix` points at a Profile from another model."""
    active = Q(**{f"{prefix}user__is_active": True})
    if is_staff(viewer):
        return active
    if is_member(viewer):
        return active
    return active & Q(**{f"{prefix}visibility": ProfileVisibility.PUBLIC})


def can_view_profile(viewer: Viewer, profile: Profile) -> bool:
    """Public profiles are for everyone, members-only profiles for signed-in members; owners see their own."""
    if is_member(viewer) and viewer.pk == profile.user_id:
        return True
    if not profile.user.is_active:
        return is_staff(viewer)
    return profile.visibility == ProfileVisibility.PUBLIC or is_member(viewer)


def can_edit_profile(viewer: Viewer, profile: Profile) -> bool:
    """Only the member themself, or staff."""
    return is_member(viewer) and (viewer.pk == profile.user_id or is_staff(viewer))


def check_view_profile(viewer: Viewer, profile: Profile) -> None:
    """Raise 404 (not 403) so hidden profiles do not reveal that they exist."""
    if not can_view_profile(viewer, profile):
        raise Http404


def can_create_organisation(viewer: Viewer) -> bool:
    """Any member may add their organisation; it stays unverified until staff verify it."""
    return is_member(viewer)


def can_edit_organisation(viewer: Viewer, organisation: Organisation) -> bool:
    """Organisation admins and staff manage an organisation's page."""
    if not is_member(viewer):
        return False
    if is_staff(viewer):
        return True
    return organisation.admins.filter(pk=viewer.pk or 0).exists()


def check_edit_organisation(viewer: Viewer, organisation: Organisation) -> None:
    """Raise 404 for visitors who may not manage this organisation."""
    if not can_edit_organisation(viewer, organisation):
        raise Http404


def can_verify_organisation(viewer: Viewer) -> bool:
    """Only staff vouch for an organisation."""
    return is_staff(viewer)


def can_edit_taxonomy(viewer: Viewer) -> bool:
    """Only staff change the hub-wide themes."""
    return is_staff(viewer)
