"""Reads for learning alliances: what a viewer may see, loaded in a constant number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.alliances import mobilisation, permissions, stakeholders, tree
from catchment.alliances.models import (
    ActionResearchCycle,
    AllianceVisibility,
    DirectionVersion,
    DisseminationOutput,
    LearningAlliance,
    Platform,
    ProcessEntry,
    Stakeholder,
    StakeholderRelation,
)
from catchment.alliances.permissions import Standing
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership, MembershipStatus

SECRET_PLATFORM = gettext_lazy("A platform you cannot see")


def visible_alliances(viewer: Viewer) -> QuerySet[LearningAlliance]:
    alliances = LearningAlliance.objects.annotate(platform_count=Count("platforms", distinct=True))
    if is_staff(viewer):
        return alliances.order_by("name")
    rule = Q(visibility=AllianceVisibility.PUBLIC)
    if is_member(viewer):
        mine = Membership.objects.filter(user_id=viewer.pk or 0, status=MembershipStatus.ACTIVE)
        rule |= Q(initiators=viewer.pk or 0) | Q(
            Exists(
                Platform.objects.filter(alliance=OuterRef("pk")).filter(
                    Q(facilitator_id=viewer.pk) | Q(community_id__in=mine.values("community_id"))
                )
            )
        )
    return alliances.filter(rule).distinct().order_by("name")


@dataclass
class AllianceView:
    alliance: LearningAlliance
    standing: Standing
    platforms: list[Platform]

    def platform(self, pk: int) -> Platform:
        for platform in self.platforms:
            if platform.pk == pk:
                return platform
        raise Http404

    @property
    def can_run(self) -> bool:
        return permissions.can_run_alliance(self.standing)

    @property
    def can_read_register(self) -> bool:
        return permissions.can_read_register(self.standing)

    @property
    def can_edit_register(self) -> bool:
        return permissions.can_edit_register(self.standing)

    @property
    def names(self) -> dict[int, str]:
        """What each platform is called for this viewer (a secret one they may not see has no name)."""
        return {p.pk: str(p.community.name) for p in self.platforms}

    @property
    def csv_tokens(self) -> dict[int, str]:
        """How the register's CSV names each platform: its community's address, or `platform-<id>` for one
        the viewer may not see (the import reads both, so a round trip loses nothing)."""
        return {
            p.pk: f"platform-{p.pk}" if getattr(p, "masked", False) else p.community.slug
            for p in self.platforms
        }

    @property
    def readable_platforms(self) -> list[Platform]:
        return [p for p in self.platforms if permissions.can_read_platform_work(self.standing, p.pk)]

    @property
    def editable_platforms(self) -> list[Platform]:
        return [p for p in self.platforms if permissions.can_edit_platform_work(self.standing, p.pk)]


def standing(viewer: Viewer, alliance: LearningAlliance, platforms: list[Platform]) -> Standing:
    """The viewer's standing in an alliance (two queries, whatever the number of platforms)."""
    signed_in = is_member(viewer)
    memberships: dict[int, Membership] = {}
    initiator = False
    if signed_in:
        memberships = {
            m.community_id: m
            for m in Membership.objects.filter(
                user_id=viewer.pk or 0, community_id__in=[p.community_id for p in platforms]
            )
        }
        initiator = alliance.initiators.filter(pk=viewer.pk or 0).exists()
    facilitated, member_of, readable, visible = set(), set(), set(), set()
    for platform in platforms:
        membership = memberships.get(platform.community_id)
        if permissions.facilitates(viewer, platform.facilitator_id, platform.community, membership):
            facilitated.add(platform.pk)
        if membership is not None and membership.status == MembershipStatus.ACTIVE:
            member_of.add(platform.pk)
        if community_policy.can_read_community(viewer, platform.community, membership):
            readable.add(platform.pk)
        if (
            initiator
            or is_staff(viewer)
            or community_policy.can_see_community(viewer, platform.community, membership)
        ):
            visible.add(platform.pk)
    return Standing(
        staff=is_staff(viewer),
        signed_in=signed_in,
        initiator=initiator,
        public=alliance.visibility == AllianceVisibility.PUBLIC,
        closed=alliance.is_read_only,
        facilitated=frozenset(facilitated),
        member_of=frozenset(member_of),
        readable=frozenset(readable),
        visible=frozenset(visible),
    )


def platforms_of(alliance: LearningAlliance) -> list[Platform]:
    """The alliance's platforms in tree order (parents before children), with community and facilitator."""
    rows = list(
        Platform.objects.filter(alliance=alliance)
        .select_related("community", "facilitator", "parent")
        .annotate(
            member_count=Count("community__memberships", filter=Q(community__memberships__status="active"))
        )
        .order_by("position", "pk")
    )
    arranged = tree.arrange({p.pk: p.parent_id for p in rows}, [p.pk for p in rows])
    by_pk = {p.pk: p for p in rows}
    result: list[Platform] = []
    for pk, depth in arranged:
        platform = by_pk[pk]
        platform.depth = depth  # type: ignore[attr-defined]
        result.append(platform)
    return result


def alliance_for_viewer(viewer: Viewer, slug: str) -> AllianceView:
    """An alliance by address, or 404 when it does not exist or is hidden from `viewer`."""
    alliance = LearningAlliance.objects.filter(slug=slug).first()
    if alliance is None:
        raise Http404
    platforms = platforms_of(alliance)
    found = standing(viewer, alliance, platforms)
    if not permissions.can_see_alliance(found):
        raise Http404
    for platform in platforms:
        platform.masked = platform.pk not in found.visible  # type: ignore[attr-defined]
        if platform.masked:  # type: ignore[attr-defined]
            # a secret community stays secret: the tree keeps its place, never its name (not saved)
            platform.community.name = str(SECRET_PLATFORM)
            platform.community.summary = ""
    return AllianceView(alliance=alliance, standing=found, platforms=platforms)


def current_direction(alliance: LearningAlliance) -> DirectionVersion | None:
    return alliance.directions.select_related("author").order_by("-number").first()


def direction_versions(alliance: LearningAlliance) -> list[DirectionVersion]:
    return list(alliance.directions.select_related("author").order_by("-number"))


def register(alliance: LearningAlliance) -> QuerySet[Stakeholder]:
    return (
        Stakeholder.objects.filter(alliance=alliance)
        .select_related("organisation", "contact")
        .prefetch_related(Prefetch("platforms", queryset=Platform.objects.select_related("community")))
        .order_by("name")
    )


def assessed(items: list[Stakeholder]) -> list[stakeholders.Assessed]:
    return [
        stakeholders.Assessed(
            key=item.pk,
            power=item.influence,
            interest=item.interest,
            current=item.engagement_current,
            desired=item.engagement_desired,
            org_type=item.org_type,
            level=item.level,
            status=item.status,
        )
        for item in items
    ]


def relations_of(item: Stakeholder) -> list[StakeholderRelation]:
    """A stakeholder's ties, both ways."""
    return list(
        StakeholderRelation.objects.filter(Q(source=item) | Q(target=item))
        .select_related("source", "target")
        .order_by("kind")
    )


def linkage(alliance: LearningAlliance, platforms: list[Platform]) -> stakeholders.Linkage:
    """Horizontal and vertical exchange: ties between stakeholders of the register, by their levels, over
    the levels the alliance's platforms occupy (top first)."""
    ties = StakeholderRelation.objects.filter(source__alliance=alliance).values_list(
        "source__level", "target__level"
    )
    order = [level for level in tree.LEVELS if any(p.level == level for p in platforms)]
    return stakeholders.linkage(list(ties), order)


def linkage_by_platform(alliance: LearningAlliance) -> dict[int, tuple[int, int]]:
    """Per platform, (horizontal, vertical) ties that touch one of its stakeholders, each tie counted once
    per platform however many platforms its two ends share."""
    rows = StakeholderRelation.objects.filter(source__alliance=alliance).values_list(
        "pk", "source__level", "target__level", "source__platforms", "target__platforms"
    )
    seen: set[tuple[int, int]] = set()
    counts: dict[int, Counter[str]] = {}
    for relation, first, second, source_platform, target_platform in rows:
        kind = "horizontal" if first == second else "vertical"
        for platform in {source_platform, target_platform} - {None}:
            if (platform, relation) in seen:
                continue
            seen.add((platform, relation))
            counts.setdefault(platform, Counter())[kind] += 1
    return {pk: (c["horizontal"], c["vertical"]) for pk, c in counts.items()}


def status_counts(alliance: LearningAlliance) -> dict[int | None, Counter[str]]:
    """Per platform, how many stakeholders are at each mobilisation status (None: on no platform)."""
    result: dict[int | None, Counter[str]] = {}
    for platform_id, status in Stakeholder.objects.filter(alliance=alliance).values_list(
        "platforms", "status"
    ):
        result.setdefault(platform_id, Counter())[status] += 1
    return result


def cycles(platform_ids: list[int]) -> list[ActionResearchCycle]:
    return list(
        ActionResearchCycle.objects.filter(platform_id__in=platform_ids)
        .select_related("platform__community", "previous")
        .prefetch_related("evidence")
        .order_by("platform__position", "platform_id", "number")
    )


def process_entries(platform_ids: list[int]) -> QuerySet[ProcessEntry]:
    return (
        ProcessEntry.objects.filter(platform_id__in=platform_ids)
        .select_related("platform__community", "author", "evidence")
        .order_by("-happened_on", "-pk")
    )


def outputs(platform_ids: list[int]) -> list[DisseminationOutput]:
    return list(
        DisseminationOutput.objects.filter(platform_id__in=platform_ids)
        .select_related("platform__community", "resource")
        .order_by("-published_on", "-pk")
    )


def attachable_communities(viewer: Viewer) -> list[Community]:
    """Communities the viewer runs that are not yet a platform of any alliance."""
    if not is_member(viewer):
        return []
    candidates = Community.objects.filter(platform__isnull=True).exclude(is_moderators_community=True)
    if not is_staff(viewer):
        managed = Membership.objects.filter(
            user_id=viewer.pk or 0, status=MembershipStatus.ACTIVE, role__in=["convenor", "co_convenor"]
        ).values("community_id")
        candidates = candidates.filter(pk__in=managed)
    return [c for c in candidates.order_by("name")[:500] if not c.is_read_only]


def pipeline(items: list[Stakeholder]) -> list[tuple[str, list[Stakeholder]]]:
    """Stakeholders in columns by mobilisation status, pipeline order, exits last."""
    columns: dict[str, list[Stakeholder]] = {state: [] for state in mobilisation.STATES}
    for item in items:
        columns[item.status].append(item)
    return list(columns.items())
