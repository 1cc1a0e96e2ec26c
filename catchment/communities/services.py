"""Every write to communities, memberships and charters: one transaction each, permission checked first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catchment.accounts.models import Organisation, Theme, User
from catchment.accounts.permissions import Viewer
from catchment.communities import permissions
from catchment.communities.charter import completeness
from catchment.communities.models import (
    CHARTER_SECTIONS,
    FACILITATING_ROLES,
    CharterVersion,
    Community,
    CommunityLanguage,
    JoinRequest,
    Membership,
    MembershipBasis,
    MembershipStatus,
    RequestStatus,
    Role,
    Stage,
)


class CommunityError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


def _membership(viewer: Viewer, community: Community) -> Membership | None:
    return permissions.membership_of(viewer, community)


def _current_charter(community: Community) -> CharterVersion | None:
    return community.charter_versions.order_by("-number").first()


@dataclass
class CommunityChanges:
    name: str
    summary: str
    description: str = ""
    visibility: str = "public"
    join_policy: str = "open"
    membership_basis: str = MembershipBasis.INDIVIDUAL
    themes: Iterable[Theme] = field(default_factory=list)
    languages: Iterable[str] = field(default_factory=list)
    slug: str = ""


def _apply(community: Community, changes: CommunityChanges) -> None:
    community.name = changes.name.strip()
    community.summary = changes.summary.strip()
    community.description = changes.description
    community.visibility = changes.visibility
    community.join_policy = changes.join_policy
    community.membership_basis = changes.membership_basis


def _set_languages(community: Community, codes: Iterable[str]) -> None:
    wanted = set(codes)
    community.languages.exclude(code__in=wanted).delete()
    existing = set(community.languages.values_list("code", flat=True))
    CommunityLanguage.objects.bulk_create(
        [CommunityLanguage(community=community, code=code) for code in sorted(wanted - existing)]
    )


@transaction.atomic
def community_create(*, actor: Viewer, changes: CommunityChanges) -> Community:
    """Start designing a community; its creator is its first convenor."""
    if not permissions.can_create_community(actor):
        raise PermissionDenied
    slug = slugify(changes.slug or changes.name)[:60]
    if not slug:
        raise CommunityError(_("Choose a web address made of letters, digits and hyphens."))
    if Community.objects.filter(slug=slug).exists():
        raise CommunityError(_("Another community already uses this web address; choose another."))
    community = Community(slug=slug, created_by=cast(User, actor), stage=Stage.DESIGN)
    _apply(community, changes)
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError as error:  # two people claimed the same address at the same moment
        raise CommunityError(_("Another community already uses this web address; choose another.")) from error
    community.themes.set(list(changes.themes))
    _set_languages(community, changes.languages)
    Membership.objects.create(community=community, user=cast(User, actor), role=Role.CONVENOR)
    moderators_community_sync(user=cast(User, actor))
    return community


@transaction.atomic
def community_update(*, actor: Viewer, community: Community, changes: CommunityChanges) -> Community:
    """Change a community's settings; its web address stays."""
    if not permissions.can_edit_community(actor, community, _membership(actor, community)):
        raise PermissionDenied
    _apply(community, changes)
    community.save()
    community.themes.set(list(changes.themes))
    _set_languages(community, changes.languages)
    return community


def _require_conduct(community: Community, accept_conduct: bool) -> CharterVersion | None:
    charter = _current_charter(community)
    if charter is not None and charter.code_of_conduct.strip() and not accept_conduct:
        raise CommunityError(_("Please read and accept the code of conduct to join."))
    return charter


def _require_organisation(community: Community, organisation: Organisation | None) -> None:
    if community.membership_basis == MembershipBasis.ORGANISATION and organisation is None:
        raise CommunityError(_("Members of this community represent an organisation: choose yours."))


@transaction.atomic
def community_join(
    *, actor: Viewer, community: Community, accept_conduct: bool, organisation: Organisation | None = None
) -> Membership:
    """Join an open community at once, accepting its code of conduct."""
    membership = _membership(actor, community)
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise CommunityError(_("You are already a member of this community."))
    if not permissions.can_join(actor, community, membership):
        raise PermissionDenied
    user = cast(User, actor)
    _require_organisation(community, organisation)
    charter = _require_conduct(community, accept_conduct)
    try:
        with transaction.atomic():
            return Membership.objects.create(
                community=community,
                user=user,
                organisation=organisation,
                conduct_accepted_at=timezone.now() if charter else None,
                conduct_version=charter,
            )
    except IntegrityError as error:  # a double-submitted form
        raise CommunityError(_("You are already a member of this community.")) from error


@transaction.atomic
def join_request_create(
    *, actor: Viewer, community: Community, message: str = "", organisation: Organisation | None = None
) -> JoinRequest:
    """Ask to join a community that approves its members."""
    membership = _membership(actor, community)
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise CommunityError(_("You are already a member of this community."))
    if not permissions.can_request_to_join(actor, community, membership):
        raise PermissionDenied
    user = cast(User, actor)
    _require_organisation(community, organisation)
    if JoinRequest.objects.filter(community=community, user=user, status=RequestStatus.PENDING).exists():
        raise CommunityError(_("Your request is already waiting for the moderators."))
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(
                community=community, user=user, message=message.strip(), organisation=organisation
            )
    except IntegrityError as error:
        raise CommunityError(_("Your request is already waiting for the moderators.")) from error


@transaction.atomic
def join_request_decide(
    *, actor: Viewer, join_request: JoinRequest, approve: bool, message: str = ""
) -> JoinRequest:
    """Approve or decline a pending request, with an optional message to the applicant."""
    request = JoinRequest.objects.select_for_update().select_related("community").get(pk=join_request.pk)
    community = request.community
    if not permissions.can_manage_members(actor, community, _membership(actor, community)):
        raise PermissionDenied
    if request.user_id == actor.pk:
        raise CommunityError(_("You cannot decide on your own request."))
    if request.status != RequestStatus.PENDING:
        raise CommunityError(_("This request has already been decided."))
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.decided_by = cast(User, actor)
    request.decided_at = timezone.now()
    request.decision_message = message.strip()
    request.save()
    if approve:
        # The applicant accepts the code of conduct when they first visit as a member (recorded then).
        Membership.objects.get_or_create(
            community=community, user_id=request.user_id, defaults={"organisation": request.organisation}
        )
    return request


@transaction.atomic
def conduct_accept(*, actor: Viewer, community: Community) -> Membership:
    """Record that a member accepted the current code of conduct."""
    membership = _membership(actor, community)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise PermissionDenied
    membership.conduct_version = _current_charter(community)
    membership.conduct_accepted_at = timezone.now()
    membership.save(update_fields=["conduct_version", "conduct_accepted_at"])
    return membership


def _convenor_count(community: Community) -> int:
    return community.memberships.filter(role=Role.CONVENOR, status=MembershipStatus.ACTIVE).count()


@transaction.atomic
def membership_leave(*, actor: Viewer, community: Community) -> None:
    """Leave a community; its last convenor must hand over first."""
    membership = _membership(actor, community)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise CommunityError(_("You are not a member of this community."))
    if membership.role == Role.CONVENOR and _convenor_count(community) <= 1:
        raise CommunityError(_("You are the convenor: hand the convenorship over before you leave."))
    membership.delete()
    moderators_community_sync(user=cast(User, actor))


def _target(community: Community, user: User) -> Membership:
    membership = Membership.objects.select_for_update().filter(community=community, user=user).first()
    if membership is None:
        raise CommunityError(_("This person is not a member of the community."))
    return membership


@transaction.atomic
def membership_change_role(*, actor: Viewer, community: Community, user: User, role: Role) -> Membership:
    """Give a member another role (never the convenorship, which changes hands by handover)."""
    target = _target(community, user)
    if not permissions.can_assign_role(
        actor, community, _membership(actor, community), Role(target.role), role
    ):
        raise PermissionDenied
    target.role = role
    target.save(update_fields=["role"])
    moderators_community_sync(user=user)
    return target


@transaction.atomic
def membership_remove(*, actor: Viewer, community: Community, user: User, ban: bool = False) -> None:
    """Remove someone from a community, or ban them so they cannot come back."""
    actor_membership = _membership(actor, community)
    if not permissions.can_manage_members(actor, community, actor_membership):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise CommunityError(_("Use “leave” to leave a community yourself."))
    target = _target(community, user)
    if not permissions.can_remove_member(actor, community, actor_membership, Role(target.role)):
        raise CommunityError(_("Only someone with a higher role can remove this person."))
    if ban:
        target.status = MembershipStatus.BANNED
        target.role = Role.MEMBER
        target.save(update_fields=["status", "role"])
    else:
        target.delete()
    moderators_community_sync(user=user)


@transaction.atomic
def convenorship_hand_over(*, actor: Viewer, community: Community, to_user: User) -> None:
    """The convenor passes the role to another member and becomes a co-convenor."""
    actor_membership = _membership(actor, community)
    if not permissions.can_hand_over(actor, community, actor_membership):
        raise PermissionDenied
    successor = _target(community, to_user)
    if successor.status != MembershipStatus.ACTIVE or successor.user_id == actor.pk:
        raise CommunityError(_("Choose another active member to hand over to."))
    if actor_membership is not None and actor_membership.role == Role.CONVENOR:
        actor_membership.role = Role.CO_CONVENOR
        actor_membership.save(update_fields=["role"])
    successor.role = Role.CONVENOR
    successor.save(update_fields=["role"])
    moderators_community_sync(user=to_user)


@transaction.atomic
def charter_save(
    *, actor: Viewer, community: Community, sections: Mapping[str, str], note: str, based_on: int | None
) -> CharterVersion:
    """Save the charter as a new version. `based_on` is the version the editor started from: if someone
    saved a newer one meanwhile, nothing is overwritten and the editor is told."""
    if not permissions.can_edit_community(actor, community, _membership(actor, community)):
        raise PermissionDenied
    Community.objects.select_for_update().filter(pk=community.pk).first()
    current = _current_charter(community)
    current_number = current.number if current else None
    if current_number != based_on:
        raise CommunityError(
            _(
                "Someone saved a newer version of the charter while you were editing. Your text is kept below: "
                "compare it with the new version, then save again."
            )
        )
    values = {name: (sections.get(name) or "").strip() for name in CHARTER_SECTIONS}
    if current is not None and values == current.sections():
        raise CommunityError(_("Nothing has changed since the last version."))
    return CharterVersion.objects.create(
        community=community,
        number=(current_number or 0) + 1,
        note=note.strip(),
        author=cast(User, actor),
        **values,
    )


STAGE_TRANSITIONS = {
    Stage.DESIGN: {Stage.LAUNCHED, Stage.ARCHIVED},
    Stage.LAUNCHED: {Stage.DORMANT, Stage.ARCHIVED},
    Stage.DORMANT: {Stage.LAUNCHED, Stage.ARCHIVED},
    Stage.ARCHIVED: {Stage.DORMANT},
}


@transaction.atomic
def community_set_stage(*, actor: Viewer, community: Community, stage: Stage) -> Community:
    """Move a community through design → launched → dormant → archived. Launching requires a complete
    charter and at least one named moderator."""
    if not permissions.can_change_stage(actor, community, _membership(actor, community)):
        raise PermissionDenied
    if stage not in STAGE_TRANSITIONS[Stage(community.stage)]:
        raise CommunityError(_("A community cannot move from this stage to that one."))
    if stage == Stage.LAUNCHED and community.stage == Stage.DESIGN:
        charter = _current_charter(community)
        if charter is None or completeness(charter.sections()) < 1:
            raise CommunityError(_("Complete all seven elements of the charter before launching."))
        if not community.memberships.filter(role=Role.MODERATOR, status=MembershipStatus.ACTIVE).exists():
            raise CommunityError(_("Name at least one moderator before launching."))
        community.launched_at = timezone.now()
    community.stage = stage
    community.stage_changed_at = timezone.now()
    community.save(update_fields=["stage", "stage_changed_at", "launched_at"])
    return community


def moderators_community_sync(*, user: User) -> None:
    """Keep the Community for Moderators following roles elsewhere: whoever facilitates any community is
    in it; whoever no longer does is taken out (its own convenors stay)."""
    hub = Community.objects.filter(is_moderators_community=True).first()
    if hub is None:
        return
    facilitates = (
        Membership.objects.filter(user=user, role__in=FACILITATING_ROLES, status=MembershipStatus.ACTIVE)
        .exclude(community=hub)
        .exists()
    )
    existing = Membership.objects.filter(community=hub, user=user).first()
    if facilitates and existing is None:
        Membership.objects.create(community=hub, user=user, role=Role.MEMBER)
    elif not facilitates and existing is not None and existing.role == Role.MEMBER:
        existing.delete()
