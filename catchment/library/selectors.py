"""Reads for the library, already limited to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from catchment.accounts.models import Theme
from catchment.accounts.permissions import Viewer
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.library import permissions
from catchment.library.models import Resource, ResourceKind, ResourceStatus

PER_PAGE = 24


@dataclass(frozen=True)
class LibraryFilters:
    kind: str = ""
    theme: str = ""
    language: str = ""
    year: int | None = None
    community: str = ""
    featured: bool = False


def _listed(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    return resources.select_related("community", "organisation").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "name_en"))
    )


def resources(
    viewer: Viewer, filters: LibraryFilters, community: Community | None = None, moderator: bool = False
) -> QuerySet[Resource]:
    """Resources the viewer may see, filtered, featured first then newest. With `community`, only that
    community's (its moderators also see hidden ones)."""
    if community is not None:
        found = Resource.objects.filter(community=community)
        if not moderator:
            found = found.filter(status=ResourceStatus.VISIBLE)
    else:
        found = Resource.objects.filter(permissions.readable_q(viewer))
        if filters.community:
            found = found.filter(community__slug=filters.community)
    if filters.kind in ResourceKind.values:
        found = found.filter(kind=filters.kind)
    if filters.theme:
        found = found.filter(themes__slug=filters.theme)
    if filters.language:
        found = found.filter(language=filters.language)
    if filters.year:
        found = found.filter(year=filters.year)
    if filters.featured:
        found = found.filter(is_featured=True)
    return _listed(found).order_by("-is_featured", "-created_at", "-pk")


def featured(viewer: Viewer, limit: int = 4) -> list[Resource]:
    return list(
        _listed(Resource.objects.filter(permissions.readable_q(viewer), is_featured=True)).order_by(
            "-created_at"
        )[:limit]
    )


@dataclass
class ResourceView:
    resource: Resource
    membership: Membership | None
    can_edit: bool
    can_moderate: bool


def resource_for_viewer(viewer: Viewer, pk: int) -> ResourceView:
    """A resource the viewer may read, with what they may do to it, or 404."""
    resource = (
        Resource.objects.filter(pk=pk)
        .select_related("community", "organisation", "added_by")
        .prefetch_related("themes")
        .first()
    )
    if resource is None:
        raise Http404
    membership = (
        community_policy.membership_of(viewer, resource.community) if resource.community is not None else None
    )
    if not permissions.can_read(viewer, resource, membership):
        raise Http404
    return ResourceView(
        resource=resource,
        membership=membership,
        can_edit=permissions.can_edit(viewer, resource, membership),
        can_moderate=permissions.can_moderate(viewer, resource.community, membership),
    )


@dataclass
class Family:
    """The resources linked to one: its other languages, the version it replaces and those replacing it."""

    translations: list[Resource]
    previous: Resource | None
    later: list[Resource]


def family(viewer: Viewer, resource: Resource) -> Family:
    """Translations and neighbouring versions the viewer may read (at most three queries)."""
    readable = Resource.objects.filter(permissions.readable_q(viewer))
    root = resource.original_id or resource.pk
    translations = list(
        readable.filter(Q(pk=root) | Q(original_id=root))
        .exclude(pk=resource.pk)
        .only("pk", "title", "language")
        .order_by("language", "pk")[:20]
    )
    later = list(
        readable.filter(previous_version=resource).only("pk", "title", "year").order_by("-created_at")[:10]
    )
    previous = (
        readable.filter(pk=resource.previous_version_id).only("pk", "title", "year").first()
        if resource.previous_version_id
        else None
    )
    return Family(translations=translations, previous=previous, later=later)


def years(viewer: Viewer) -> list[int]:
    """The years that resources the viewer may see were published in, newest first (for the filter)."""
    found = (
        Resource.objects.filter(permissions.readable_q(viewer), year__isnull=False)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")[:80]
    )
    return [year for year in found if year is not None]


def readable_by_number(viewer: Viewer, numbers: list[int]) -> list[Resource]:
    """The resources with these library numbers that the viewer may read, in the order given."""
    found = {r.pk: r for r in Resource.objects.filter(permissions.readable_q(viewer), pk__in=numbers)}
    return [found[number] for number in numbers if number in found]
