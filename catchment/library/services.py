"""Every write to the library: one transaction each, the policy asked first, files checked from their
content and removed again if the change fails."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES
from catchment.accounts.models import Organisation, Theme, User
from catchment.accounts.permissions import Viewer
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.core import interactions, uploads
from catchment.core.images import fitted_picture
from catchment.core.models import Verb
from catchment.library import permissions
from catchment.library.models import Download, Licence, Resource, ResourceKind, ResourceStatus
from catchment.webhooks import services as webhooks
from catchment.webhooks.models import WebhookEvent

FAMILIES = {uploads.FileFamily.PDF, uploads.FileFamily.DOCUMENT, uploads.FileFamily.IMAGE}
NEEDS_FILE = {ResourceKind.DOCUMENT}
NEEDS_URL = {ResourceKind.LINK, ResourceKind.VIDEO}
EARLIEST_YEAR = 1900


class LibraryError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


@dataclass
class ResourceData:
    """What a form (or the API) says about a resource."""

    kind: str
    title: str
    language: str
    summary: str = ""
    authors: str = ""
    organisation: Organisation | None = None
    publisher: str = ""
    year: int | None = None
    themes: list[Theme] = field(default_factory=list)
    licence: str = ""
    url: str = ""
    original_id: int | None = None
    previous_version_id: int | None = None


def _membership(actor: Viewer, community: Community | None) -> Membership | None:
    return community_policy.membership_of(actor, community) if community is not None else None


def _linked(actor: Viewer, pk: int | None, resource: Resource | None, label: str) -> Resource | None:
    """A resource named as the original or the earlier version: it must exist, be readable, not be this
    one, and be one the actor may edit, since the link shows on its page too (nobody can present their file
    as the "newer version" of someone else's)."""
    if pk is None:
        return None
    if resource is not None and resource.original_id == pk and label == _("original"):
        return resource.original  # an existing link stays as it is
    if resource is not None and resource.previous_version_id == pk and label == _("earlier version"):
        return resource.previous_version
    other = Resource.objects.select_related("community").filter(pk=pk).first()
    membership = _membership(actor, other.community) if other is not None else None
    if other is None or not permissions.can_read(actor, other, membership):
        raise LibraryError(_("There is no resource number %(number)d in the library.") % {"number": pk})
    if not permissions.can_edit(actor, other, membership):
        raise LibraryError(
            _("Only the people who may edit resource %(number)d can link another resource to it.")
            % {"number": pk}
        )
    if resource is not None and other.pk == resource.pk:
        raise LibraryError(_("A resource cannot be its own %(relation)s.") % {"relation": label})
    return other


def _check(data: ResourceData, has_file: bool) -> None:
    if data.kind not in ResourceKind.values:
        raise LibraryError(_("Choose what kind of resource this is."))
    if not " ".join((data.title or "").split()):
        raise LibraryError(_("Give the resource a title."))
    if data.language not in SPOKEN_LANGUAGE_CODES:
        raise LibraryError(_("Choose the language of the resource."))
    if data.licence not in Licence.values:
        raise LibraryError(_("Choose a licence from the list."))
    latest = timezone.now().year + 1
    if data.year is not None and not EARLIEST_YEAR <= data.year <= latest:
        raise LibraryError(
            _("The year must be between %(first)d and %(last)d.") % {"first": EARLIEST_YEAR, "last": latest}
        )
    if data.url and not data.url.lower().startswith(("https://", "http://")):
        raise LibraryError(_("A web address starts with https:// or http://."))
    if data.kind in NEEDS_FILE and not has_file:
        raise LibraryError(_("Upload the document's file."))
    if data.kind in NEEDS_URL and not data.url:
        raise LibraryError(_("Give the web address of the link or video."))
    if not has_file and not data.url:
        raise LibraryError(_("Upload a file or give a web address."))


def _checked_file(upload: UploadedFile | None) -> uploads.CheckedFile | None:
    if upload is None:
        return None
    try:
        return uploads.check_upload(upload, families=FAMILIES, max_bytes=settings.LIBRARY_MAX_BYTES)
    except ValidationError as error:
        raise LibraryError(" ".join(str(message) for message in error.messages)) from error


def _cover(upload: UploadedFile | None) -> uploads.CheckedFile | None:
    """A cover picture, re-encoded as a JPEG of the library's cover size."""
    if upload is None:
        return None
    try:
        picture = fitted_picture(upload, settings.RESOURCE_COVER_SIZE)
    except ValidationError as error:
        raise LibraryError(" ".join(str(message) for message in error.messages)) from error
    data = picture.read()
    return uploads.CheckedFile(
        type=uploads.IMAGES["JPEG"], name="cover.jpg", size=len(data), sha256="", data=data
    )


def _apply(resource: Resource, data: ResourceData) -> None:
    resource.kind = data.kind
    resource.title = " ".join(data.title.split())[:300]
    resource.summary = (data.summary or "").strip()[:5000]
    resource.authors = (data.authors or "").strip()[:300]
    resource.organisation = data.organisation
    resource.publisher = (data.publisher or "").strip()[:200]
    resource.year = data.year
    resource.language = data.language
    resource.licence = data.licence
    resource.url = data.url


def _store(
    resource: Resource,
    stored: uploads.StoredFiles,
    checked: uploads.CheckedFile | None,
    cover: uploads.CheckedFile | None,
) -> list[str]:
    """Store the new file and cover; return the names they replace (deleted after the commit)."""
    replaced = []
    try:
        if checked is not None:
            if resource.file:
                replaced.append(resource.file.name)
            resource.file.name = stored.save("library", checked)
            resource.file_name = checked.name
            resource.content_type = checked.type.content_type
            resource.size = checked.size
            resource.sha256 = checked.sha256
        if cover is not None:
            if resource.cover:
                replaced.append(resource.cover.name)
            resource.cover.name = stored.save("covers", cover)
    except uploads.StorageUnavailable as error:
        raise LibraryError(str(error)) from error
    return replaced


def resource_create(
    *,
    actor: Viewer,
    community: Community | None,
    data: ResourceData,
    upload: UploadedFile | None = None,
    cover: UploadedFile | None = None,
) -> Resource:
    """Add a resource to the hub library (no community) or to a community's."""
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        if not permissions.can_add(actor, community, _membership(actor, community)):
            raise PermissionDenied
        _check(data, has_file=upload is not None)
        checked, picture = _checked_file(upload), _cover(cover)
        resource = Resource(community=community, added_by=cast(User, actor))
        _apply(resource, data)
        resource.original = _linked(actor, data.original_id, None, _("original"))
        resource.previous_version = _linked(actor, data.previous_version_id, None, _("earlier version"))
        _store(resource, stored, checked, picture)
        resource.save()
        resource.themes.set(data.themes)
        webhooks.emit(
            resource.community,
            WebhookEvent.RESOURCE_PUBLISHED,
            {
                "resource": {
                    "id": resource.pk,
                    "kind": resource.kind,
                    "title": resource.title,
                    "language": resource.language,
                },
                "added_by": {
                    "username": resource.added_by.username,
                    "display_name": resource.added_by.display_name,
                }
                if resource.added_by
                else None,
            },
        )
        interactions.record(
            interactions.Entry(
                actor_id=actor.pk or 0,
                verb=Verb.SHARE,
                source=f"resource:{resource.pk}",
                community_id=resource.community_id,
                object_type="resource",
                object_id=resource.pk,
                occurred_at=resource.created_at,
            )
        )
    return resource


def resource_update(
    *,
    actor: Viewer,
    resource: Resource,
    data: ResourceData,
    upload: UploadedFile | None = None,
    cover: UploadedFile | None = None,
) -> Resource:
    """Change a resource; a new file or cover replaces the old one, which is deleted once saved."""
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        locked = (
            Resource.objects.select_for_update(of=("self",)).select_related("community").get(pk=resource.pk)
        )
        if not permissions.can_edit(actor, locked, _membership(actor, locked.community)):
            raise PermissionDenied
        _check(data, has_file=upload is not None or bool(locked.file))
        checked, picture = _checked_file(upload), _cover(cover)
        _apply(locked, data)
        locked.original = _linked(actor, data.original_id, locked, _("original"))
        previous = _linked(actor, data.previous_version_id, locked, _("earlier version"))
        if previous is not None and _is_later(previous, locked):
            raise LibraryError(_("That resource is a later version of this one."))
        locked.previous_version = previous
        replaced = _store(locked, stored, checked, picture)
        locked.save()
        locked.themes.set(data.themes)
        for name in replaced:
            transaction.on_commit(functools.partial(uploads.delete_quietly, name))
    return locked


def _is_later(candidate: Resource, resource: Resource) -> bool:
    """Whether `candidate` descends from `resource` along the version chain (which would make a loop)."""
    seen = 0
    current: Resource | None = candidate
    while current is not None and seen < 100:
        if current.pk == resource.pk:
            return True
        current = current.previous_version
        seen += 1
    return False


@transaction.atomic
def resource_moderate(*, actor: Viewer, resource: Resource, action: str) -> Resource:
    """Hide or show a resource, feature it or stop featuring it: the library's moderators."""
    locked = Resource.objects.select_for_update(of=("self",)).select_related("community").get(pk=resource.pk)
    if not permissions.can_moderate(actor, locked.community, _membership(actor, locked.community)):
        raise PermissionDenied
    changes = {
        "hide": ("status", ResourceStatus.HIDDEN),
        "show": ("status", ResourceStatus.VISIBLE),
        "feature": ("is_featured", True),
        "unfeature": ("is_featured", False),
    }
    if action not in changes:
        raise LibraryError(_("Unknown moderation action."))
    name, value = changes[action]
    setattr(locked, name, value)
    locked.save(update_fields=[name, "updated_at"])
    return locked


def download_record(*, actor: Viewer, resource: Resource) -> None:
    """Count one download (who and when, for the insights); the caller has asked the policy."""
    download = Download.objects.create(
        resource=resource, user=cast(User, actor) if actor.is_authenticated else None
    )
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    if download.user_id:
        interactions.record(
            interactions.Entry(
                actor_id=download.user_id,
                verb=Verb.DOWNLOAD,
                source=f"download:{download.pk}",
                community_id=resource.community_id,
                target_id=resource.added_by_id,
                object_type="resource",
                object_id=resource.pk,
                occurred_at=download.created_at,
            )
        )
