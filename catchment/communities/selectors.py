"""Reads for the catalogue, community pages and charters, filtered by what the viewer may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from catchment.accounts.models import Theme, User
from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities import design, permissions
from catchment.communities.charter import completeness
from catchment.communities.models import (
    ROLE_RANK,
    Activity,
    ActivityStatus,
    CharterRevision,
    CharterVersion,
    Community,
    CommunityLanguage,
    Consultation,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Milestone,
    RequestStatus,
    ResourceCommitment,
    Role,
    Visibility,
)


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    theme: str = ""
    language: str = ""
    stage: str = ""
    visibility: str = ""


def visible_communities(viewer: Viewer) -> QuerySet[Community]:
    """Communities whose existence `viewer` may know of: secret ones only for their members (and staff)."""
    communities = Community.objects.all()
    if is_staff(viewer):
        return communities
    if is_member(viewer):
        mine = Membership.objects.filter(user_id=viewer.pk or 0, status=MembershipStatus.ACTIVE).values(
            "community"
        )
        return communities.filter(~Q(visibility=Visibility.SECRET) | Q(pk__in=mine))
    return communities.exclude(visibility=Visibility.SECRET)


def catalogue(viewer: Viewer, filters: CatalogueFilters) -> QuerySet[Community]:
    """The catalogue: visible communities with member counts, themes and languages loaded."""
    communities = visible_communities(viewer)
    if filters.query:
        communities = communities.filter(
            Q(name__icontains=filters.query) | Q(summary__icontains=filters.query)
        )
    if filters.theme:
        communities = communities.filter(
            pk__in=Community.objects.filter(themes__slug=filters.theme).values("pk")
        )
    if filters.language:
        communities = communities.filter(
            pk__in=CommunityLanguage.objects.filter(code=filters.language).values("community")
        )
    if filters.stage:
        communities = communities.filter(stage=filters.stage)
    if filters.visibility:
        communities = communities.filter(visibility=filters.visibility)
    return communities.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position")), "languages"
    ).order_by("name")


def community_count(viewer: Viewer) -> int:
    """How many communities `viewer` may know of (for the hub's headline)."""
    return visible_communities(viewer).count()


@dataclass
class CommunityView:
    """A community as one viewer sees it, with the viewer's membership and what they may do."""

    community: Community
    membership: Membership | None
    can_read: bool
    can_join: bool
    can_request: bool
    can_manage: bool
    can_edit: bool
    can_change_stage: bool
    can_invite: bool
    pending_request: JoinRequest | None


def community_for_viewer(viewer: Viewer, slug: str) -> CommunityView:
    """A community by address, or 404 when it does not exist or is secret to `viewer`."""
    community = (
        Community.objects.filter(slug=slug)
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position")), "languages")
        .first()
    )
    if community is None:
        raise Http404
    membership = permissions.membership_of(viewer, community)
    if not permissions.can_see_community(viewer, community, membership):
        raise Http404
    pending = None
    if is_member(viewer) and membership is None:
        pending = JoinRequest.objects.filter(
            community=community, user_id=viewer.pk or 0, status=RequestStatus.PENDING
        ).first()
    return CommunityView(
        community=community,
        membership=membership,
        can_read=permissions.can_read_community(viewer, community, membership),
        can_join=permissions.can_join(viewer, community, membership),
        can_request=permissions.can_request_to_join(viewer, community, membership) and pending is None,
        can_manage=permissions.can_manage_members(viewer, community, membership),
        can_edit=permissions.can_edit_community(viewer, community, membership),
        can_change_stage=permissions.can_change_stage(viewer, community, membership),
        can_invite=permissions.can_invite(viewer, community, membership),
        pending_request=pending,
    )


LEADERS_SHOWN = 60
NEWEST_SHOWN = 12
MEMBERS_PER_PAGE = 50
LEADING_ROLES = (Role.CONVENOR, Role.CO_CONVENOR, Role.MODERATOR)


def members_by_role(community: Community) -> list[tuple[str, list[Membership]]]:
    """The community home's view of its people, bounded whatever its size (two queries): those who lead it
    (convenors and moderators, up to LEADERS_SHOWN) by role, then the NEWEST_SHOWN members who joined last;
    everyone is on the members page."""
    active = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).select_related(
        "user", "organisation"
    )
    leaders = active.filter(role__in=LEADING_ROLES).order_by("user__display_name", "pk")[:LEADERS_SHOWN]
    groups: dict[str, list[Membership]] = {role: [] for role in sorted(Role, key=lambda r: -ROLE_RANK[r])}
    for membership in leaders:
        groups[membership.role].append(membership)
    shown = [(str(Role(role).label), members) for role, members in groups.items() if members]
    newest = list(active.exclude(role__in=LEADING_ROLES).order_by("-joined_at", "-pk")[:NEWEST_SHOWN])
    if newest:
        shown.append((str(gettext_lazy("Newest members")), newest))
    return shown


def member_directory(community: Community, query: str = "", role: str = "") -> QuerySet[Membership]:
    """Every active member of the community, by name, for the members page (paginated by the caller)."""
    members = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    if query:
        members = members.filter(
            Q(user__display_name__icontains=query) | Q(organisation__name__icontains=query)
        )
    if role in Role.values:
        members = members.filter(role=role)
    return members.select_related("user", "organisation").order_by("user__display_name", "pk")


def member_user(community: Community, username: str) -> User:
    """A member (active or banned) of the community by handle, or 404."""
    membership = (
        Membership.objects.filter(community=community, user__username=username).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return membership.user


def pending_requests(community: Community) -> QuerySet[JoinRequest]:
    """Requests waiting for the moderators, oldest first."""
    return (
        JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING)
        .select_related("user", "organisation")
        .order_by("created_at")
    )


def current_charter(community: Community) -> CharterVersion | None:
    """The latest charter version, if any."""
    return community.charter_versions.select_related("author").order_by("-number").first()


def charter_versions(community: Community) -> QuerySet[CharterVersion]:
    """Every saved version, newest first."""
    return community.charter_versions.select_related("author").order_by("-number")


def charter_version(community: Community, number: int) -> CharterVersion:
    """One version, or 404."""
    version = community.charter_versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def waiting_invitations(community: Community) -> QuerySet[Invitation]:
    """Invitations neither used, withdrawn nor expired, newest first."""
    return (
        community.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def recent_invitations(community: Community, limit: int = 20) -> list[Invitation]:
    """The latest invitations that were used, withdrawn or expired (for the moderators' record)."""
    now = timezone.now()
    return list(
        community.invitations.filter(
            Q(accepted_at__isnull=False) | Q(revoked_at__isnull=False) | Q(expires_at__lte=now)
        )
        .select_related("invited_by", "accepted_by")
        .order_by("-created_at")[:limit]
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link points to (whatever its state), or None for an unknown or malformed token."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(token_hash=Invitation.hash_token(token))
        .select_related("community", "invited_by")
        .first()
    )


def consultation(community: Community) -> Consultation | None:
    return Consultation.objects.filter(community=community).select_related("updated_by").first()


def consultation_stamp(consultation: Consultation | None) -> str:
    """What an editor of the consultation started from: its last save time, or "" before the first save."""
    return consultation.updated_at.isoformat() if consultation is not None else ""


def resource_commitments(community: Community) -> list[ResourceCommitment]:
    return list(community.resource_commitments.select_related("person").order_by("responsibility", "pk"))


def activities(community: Community) -> list[Activity]:
    return list(community.activities.select_related("owner").order_by("starts_on", "pk"))


def upcoming_activities(community: Community, today: datetime.date, limit: int = 5) -> list[Activity]:
    """Activities still to come or running, soonest first (for the community home)."""
    return list(
        community.activities.filter(
            Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today),
            status__in=[ActivityStatus.PLANNED, ActivityStatus.ONGOING],
        )
        .select_related("owner")
        .order_by("starts_on", "pk")[:limit]
    )


def milestones(community: Community) -> list[Milestone]:
    return list(community.milestones.select_related("owner").order_by("due_on", "pk"))


def active_member_count(community: Community) -> int:
    """The community's active members, as kept on the community (models.recount_members)."""
    return community.member_count


@dataclass(frozen=True)
class LaunchReadiness:
    charter_complete: bool
    has_moderator: bool
    open_milestones: int

    @property
    def ready(self) -> bool:
        return self.charter_complete and self.has_moderator


def launch_readiness(community: Community, charter: CharterVersion | None) -> LaunchReadiness:
    """What still stands between a community in design and its launch (the same checks as the service)."""
    return LaunchReadiness(
        charter_complete=charter is not None and completeness(charter.sections()) >= 1,
        has_moderator=community.memberships.filter(
            role=Role.MODERATOR, status=MembershipStatus.ACTIVE
        ).exists(),
        open_milestones=community.milestones.filter(status="open").count(),
    )


ROLE_LABELS = {
    "sponsor": gettext_lazy("a sponsor"),
    "leader": gettext_lazy("a leader or coordinator"),
    "facilitator": gettext_lazy("a facilitator or moderator"),
    "knowledge_manager": gettext_lazy("a knowledge manager"),
}


def role_gaps(lines: Iterable[ResourceCommitment]) -> dict[str, list[str]]:
    """The roles nobody holds on the roles-and-resources sheet (design.role_gaps), in words."""
    gaps = design.role_gaps((line.responsibility, line.who) for line in lines)
    return {
        "blockers": [str(ROLE_LABELS[role]) for role in gaps.blockers],
        "warnings": [str(ROLE_LABELS[role]) for role in gaps.warnings],
        "overloaded": list(gaps.overloaded),
    }


def sponsor_ids(community: Community) -> set[int]:
    """The hub accounts named on the roles sheet for a sponsor's responsibility (one query)."""
    return {
        person_id
        for responsibility, person_id in community.resource_commitments.filter(
            person__isnull=False, person__is_active=True
        ).values_list("responsibility", "person_id")
        if "sponsor" in design.roles_named(responsibility)
    }


def charter_history(community: Community) -> list[CharterRevision]:
    """The version history of approvals, oldest first (one query)."""
    return list(
        community.charter_revisions.select_related("version", "implemented_by").order_by(
            "approval_date", "pk"
        )
    )


REVIEW_AFTER_DAYS = 365  # "design for evolution": review the charter a year after approving it


def review_due(history: list[CharterRevision]) -> datetime.date | None:
    """When the approved charter is due for review (a year after the latest approval)."""
    return history[-1].approval_date + datetime.timedelta(days=REVIEW_AFTER_DAYS) if history else None
