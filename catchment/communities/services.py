"""Every write to communities, memberships and charters: one transaction each, permission checked first."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catchment.accounts.models import Organisation, Theme, User
from catchment.accounts.permissions import Viewer
from catchment.communities import notifications, permissions, selectors
from catchment.communities.charter import missing_sections
from catchment.communities.models import (
    CHARTER_SECTIONS,
    CONSULTATION_FIELDS,
    FACILITATING_ROLES,
    Activity,
    CharterRevision,
    CharterStatus,
    CharterVersion,
    Community,
    CommunityLanguage,
    Consultation,
    Invitation,
    JoinRequest,
    Membership,
    MembershipBasis,
    MembershipStatus,
    Milestone,
    RequestStatus,
    ResourceCommitment,
    Role,
    Stage,
    charter_section_label,
)
from catchment.core import audit, interactions, limits, uploads
from catchment.core.limits import limited
from catchment.core.models import Verb
from catchment.webhooks import services as webhooks
from catchment.webhooks.models import WebhookEvent


class CommunityError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


class CharterIncomplete(CommunityError):
    """Approval asked for a charter with an element still empty."""


class NotAuthorised(PermissionDenied):
    """Approval asked by someone who is not the community's sponsor."""


def _log_join(membership: Membership) -> None:
    webhooks.emit(
        membership.community,
        WebhookEvent.MEMBER_JOINED,
        {
            "member": {"username": membership.user.username, "display_name": membership.user.display_name},
            "role": membership.role,
            "joined_at": membership.joined_at.isoformat(),
        },
    )
    interactions.record(
        interactions.Entry(
            actor_id=membership.user_id,
            verb=Verb.JOIN,
            source=f"join:{membership.pk}",
            community_id=membership.community_id,
            occurred_at=membership.joined_at,
        )
    )


def _log_leave(community: Community, user_id: int) -> None:
    now = timezone.now()
    interactions.record(
        interactions.Entry(
            actor_id=user_id,
            verb=Verb.LEAVE,
            source=f"leave:{community.pk}:{user_id}:{now.timestamp()}",
            community_id=community.pk,
            occurred_at=now,
        )
    )


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
    _log_join(Membership.objects.create(community=community, user=cast(User, actor), role=Role.CONVENOR))
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
            membership = Membership.objects.create(
                community=community,
                user=user,
                organisation=organisation,
                conduct_accepted_at=timezone.now() if charter else None,
                conduct_version=charter,
            )
    except IntegrityError as error:  # a double-submitted form
        raise CommunityError(_("You are already a member of this community.")) from error
    _log_join(membership)
    notifications.welcome(membership)
    return membership


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
            created = JoinRequest.objects.create(
                community=community, user=user, message=message.strip(), organisation=organisation
            )
    except IntegrityError as error:
        raise CommunityError(_("Your request is already waiting for the moderators.")) from error
    notifications.request_received(created)
    return created


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
        admitted, created = Membership.objects.get_or_create(
            community=community, user_id=request.user_id, defaults={"organisation": request.organisation}
        )
        if created:
            _log_join(admitted)
    notifications.request_decided(request)
    return request


@transaction.atomic
def conduct_accept(*, actor: Viewer, community: Community) -> Membership:
    """Record that a member accepted the current code of conduct."""
    membership = _membership(actor, community)
    if membership is None or membership.status != MembershipStatus.ACTIVE or community.is_read_only:
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
    _log_leave(community, membership.user_id)
    moderators_community_sync(user=cast(User, actor))
    notifications.member_left(community, cast(User, actor))


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
        audit.event(
            "community.role_changed",
            outcome="denied",
            user=actor,
            community=community.slug,
            target=user.pk,
            role=role,
        )
        raise PermissionDenied
    changed = target.role != role
    audit.event_on_commit(
        "community.role_changed",
        outcome="success",
        user=actor,
        community=community.slug,
        target=user.pk,
        role=role,
        before=target.role,
    )
    target.role = role
    target.save(update_fields=["role"])
    moderators_community_sync(user=user)
    if changed:
        notifications.role_changed(target)
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
    audit.event_on_commit(
        "community.member_removed",
        outcome="success",
        user=actor,
        community=community.slug,
        target=user.pk,
        ban=ban,
    )
    if ban:
        target.status = MembershipStatus.BANNED
        target.role = Role.MEMBER
        target.save(update_fields=["status", "role"])
    else:
        target.delete()
    _log_leave(community, user.pk)
    moderators_community_sync(user=user)
    notifications.removed(community, user, banned=ban)


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
    audit.event_on_commit(
        "community.role_changed",
        outcome="success",
        user=actor,
        community=community.slug,
        target=to_user.pk,
        role=Role.CONVENOR,
    )
    moderators_community_sync(user=to_user)
    notifications.role_changed(successor)


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


@transaction.atomic
def charter_approve(*, actor: Viewer, community: Community, number: int) -> CharterRevision:
    """The sponsor approves the latest version of a complete charter (domain.md §6.3): the version
    becomes approved, the one approved before it superseded, and a line is added to the version history."""
    if not permissions.can_approve_charter(
        actor, community, is_sponsor=actor.pk in selectors.sponsor_ids(community)
    ):
        raise NotAuthorised
    Community.objects.select_for_update().filter(pk=community.pk).first()
    current = _current_charter(community)
    if current is None or current.number != number:
        raise CommunityError(_("Only the latest version of the charter can be approved."))
    missing = missing_sections(current.sections())
    if missing:
        raise CharterIncomplete(
            _("A charter is approved when all seven elements are written. Still empty: %(missing)s.")
            % {"missing": ", ".join(str(charter_section_label(name)) for name in missing)}
        )
    if current.status == CharterStatus.APPROVED:
        raise CommunityError(_("This version is already approved."))
    CharterVersion.objects.filter(community=community, status=CharterStatus.APPROVED).update(
        status=CharterStatus.SUPERSEDED
    )
    current.status = CharterStatus.APPROVED
    current.save(update_fields=["status"])
    approver = cast(User, actor)
    return CharterRevision.objects.create(
        community=community,
        version=current,
        implemented_by_id=current.author_id,
        revision_date=timezone.localdate(current.created_at),
        approved_by=approver,
        approved_by_name=approver.display_name or approver.username,
        approval_date=timezone.localdate(),
        reason=current.note,
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
    launching = stage == Stage.LAUNCHED and community.stage == Stage.DESIGN
    if launching:
        readiness = selectors.launch_readiness(community, _current_charter(community))
        if not readiness.charter_complete:
            raise CommunityError(_("Complete all seven elements of the charter before launching."))
        if not readiness.has_moderator:
            raise CommunityError(_("Name at least one moderator before launching."))
        community.launched_at = timezone.now()
    community.stage = stage
    community.stage_changed_at = timezone.now()
    community.save(update_fields=["stage", "stage_changed_at", "launched_at"])
    if launching:
        notifications.launched(community)
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


# Invitations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str  # exists in clear only here and in the mail


@transaction.atomic
def invitation_create(
    *,
    actor: Viewer,
    community: Community,
    email: str,
    role: Role = Role.MEMBER,
    message: str = "",
    language: str = "",
) -> SentInvitation:
    """Invite someone by email, registered or not, with an expiring single-use link."""
    membership = _membership(actor, community)
    if not permissions.can_invite(actor, community, membership):
        raise PermissionDenied
    if role != Role.MEMBER and not permissions.can_assign_role(
        actor, community, membership, Role.MEMBER, role
    ):
        raise CommunityError(_("You cannot invite someone in this role."))
    address = email.strip().lower()
    existing = Membership.objects.filter(community=community, user__email__iexact=address).first()
    if existing is not None:
        if existing.status == MembershipStatus.BANNED:
            raise CommunityError(_("%(email)s is banned from this community.") % {"email": address})
        raise CommunityError(_("%(email)s is already a member.") % {"email": address})
    now = timezone.now()
    Community.objects.select_for_update().filter(pk=community.pk).first()  # one inviter at a time
    waiting = community.invitations.filter(
        email=address, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).first()
    if waiting is not None:
        raise CommunityError(
            _("An invitation to %(email)s is already waiting. Withdraw it first to send a new one.")
            % {"email": address}
        )
    # Invitations are mail to addresses that never asked for it: a day's budget per person, smaller while the
    # inviting account is new (it could be a convenor's stolen or freshly made account).
    day = datetime.timedelta(days=1)
    limits.serialise(actor)
    new_account = cast(User, actor).date_joined > now - datetime.timedelta(days=settings.NEW_ACCOUNT_DAYS)
    budget = settings.NEW_ACCOUNT_INVITATIONS_PER_DAY if new_account else settings.INVITATIONS_PER_DAY
    sent_today = limits.latest(Invitation.objects.filter(invited_by_id=actor.pk), budget, day)
    if len(sent_today) >= budget:
        raise limited(
            CommunityError(
                _("You have sent %(count)d invitations today, the daily limit. Try again tomorrow.")
                % {"count": len(sent_today)}
            ),
            sent_today[-1] + day,
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        community=community,
        email=address,
        role=role,
        token_hash=Invitation.hash_token(token),
        invited_by=cast(User, actor),
        message=message.strip(),
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    notifications.invitation_sent(invitation, token, language)
    return SentInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_withdraw(*, actor: Viewer, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been used; its link stops working."""
    locked = Invitation.objects.select_for_update().select_related("community").get(pk=invitation.pk)
    community = locked.community
    if not permissions.can_invite(actor, community, _membership(actor, community)):
        raise PermissionDenied
    if locked.accepted_at is not None:
        raise CommunityError(_("This invitation has already been accepted."))
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def invitation_problem(invitation: Invitation | None, *, now: datetime.datetime | None = None) -> str:
    """Why an invitation link cannot be used (a translated sentence), or "" when it can."""
    now = now or timezone.now()
    if invitation is None:
        return _("This invitation link is not valid. Check that you opened the whole link from the email.")
    if invitation.accepted_at is not None:
        return _(
            "This invitation has already been used. Each link works once: ask the person who invited you "
            "for a new one."
        )
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn by the community's moderators.")
    if invitation.expires_at <= now:
        return _("This invitation expired on %(date)s. Ask the person who invited you for a new one.") % {
            "date": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        }
    return ""


@transaction.atomic
def invitation_accept(
    *, actor: Viewer, token: str, accept_conduct: bool, organisation: Organisation | None = None
) -> Membership:
    """Use an invitation link: the signed-in person joins in the invited role and accepts the code of
    conduct. The link then stops working."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("community", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    problem = invitation_problem(invitation)
    if problem:
        raise CommunityError(problem)
    assert invitation is not None
    community = invitation.community
    membership = _membership(actor, community)
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise CommunityError(_("You are already a member of this community."))
    if not permissions.can_accept_invitation(actor, community, membership):
        raise PermissionDenied
    user = cast(User, actor)
    inviter = invitation.invited_by
    inviter_membership = permissions.membership_of(inviter, community) if inviter else None
    if inviter is None or not permissions.can_invite(inviter, community, inviter_membership):
        raise CommunityError(
            _("This invitation is no longer valid: the person who sent it no longer manages the community.")
        )
    role = Role(invitation.role)
    if role != Role.MEMBER:
        # A role is given to the person it was sent to, and only while the inviter may still give it.
        if user.email.strip().lower() != invitation.email:
            raise CommunityError(
                _("This invitation to a role was sent to %(email)s: sign in with that address to accept it.")
                % {"email": invitation.email}
            )
        if not permissions.can_assign_role(inviter, community, inviter_membership, Role.MEMBER, role):
            role = Role.MEMBER
    _require_organisation(community, organisation)
    charter = _require_conduct(community, accept_conduct)
    now = timezone.now()
    try:
        with transaction.atomic():
            created = Membership.objects.create(
                community=community,
                user=user,
                role=role,
                organisation=organisation,
                conduct_accepted_at=now if charter else None,
                conduct_version=charter,
            )
    except IntegrityError as error:  # joined by another way at the same moment
        raise CommunityError(_("You are already a member of this community.")) from error
    _log_join(created)
    JoinRequest.objects.filter(community=community, user=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=now
    )
    invitation.accepted_by = user
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    moderators_community_sync(user=user)
    notifications.welcome(created)
    notifications.invitation_accepted(invitation)
    return created


# Settings and the design tools ---------------------------------------------------------------------------


def _require_edit(actor: Viewer, community: Community) -> None:
    if not permissions.can_edit_community(actor, community, _membership(actor, community)):
        raise PermissionDenied


def community_cover_set(*, actor: Viewer, community: Community, picture: ContentFile[bytes] | None) -> None:
    """Replace (or, with None, remove) the cover picture; the old file is deleted after the commit. When the
    new file cannot be stored (a full disk), nothing changes and no partly written file is left."""
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        _require_edit(actor, community)
        old_name = community.cover.name if community.cover else ""
        if picture is None:
            community.cover = None
        else:
            community.cover.name = stored.save_as(
                f"covers/{community.slug}-{secrets.token_hex(4)}.jpg", picture
            )
        community.save(update_fields=["cover", "updated_at"])
        if old_name:
            storage = community.cover.storage
            transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def consultation_save(
    *, actor: Viewer, community: Community, answers: Mapping[str, str], based_on: str
) -> Consultation:
    """Record the preparatory consultation (one per community, edited in place). `based_on` is the save the
    editor started from ("" for none): if someone saved since, nothing is overwritten."""
    _require_edit(actor, community)
    Community.objects.select_for_update().filter(pk=community.pk).first()
    existing = Consultation.objects.filter(community=community).first()
    if (existing.updated_at.isoformat() if existing else "") != based_on:
        raise CommunityError(
            _(
                "Someone saved the consultation while you were editing. Your text is kept below: compare it "
                "with theirs, then save again."
            )
        )
    consultation = existing or Consultation(community=community)
    for name in CONSULTATION_FIELDS:
        setattr(consultation, name, (answers.get(name) or "").strip())
    consultation.updated_by = cast(User, actor)
    consultation.save()
    return consultation


PlanItem = TypeVar("PlanItem", ResourceCommitment, Activity, Milestone)


@transaction.atomic
def plan_item_save(*, actor: Viewer, community: Community, item: PlanItem) -> PlanItem:
    """Add or change a line of a design sheet (resources, activity plan, follow-up plan)."""
    _require_edit(actor, community)
    if item.pk is not None and item.community_id != community.pk:
        raise PermissionDenied
    item.community = community
    owner = getattr(item, "owner", None) or getattr(item, "person", None)
    if (
        owner is not None
        and not community.memberships.filter(user=owner, status=MembershipStatus.ACTIVE).exists()
    ):
        raise CommunityError(_("Choose a member of the community."))
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_delete(*, actor: Viewer, community: Community, item: PlanItem) -> None:
    _require_edit(actor, community)
    if item.community_id != community.pk:
        raise PermissionDenied
    item.delete()
