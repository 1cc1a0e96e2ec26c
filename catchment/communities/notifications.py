"""Who is told what when membership changes: one mail per person, in that person's language, queued.

Every function here is called by a service inside its transaction; the mail leaves after the commit, so a
refused or rolled-back action tells nobody anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from catchment.accounts.models import User
from catchment.communities import permissions
from catchment.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Role,
)
from catchment.core.mail import Recipient, mail_in_language

TEMPLATES = "communities/email/"


def _recipients(users: Iterable[User]) -> list[Recipient]:
    return [Recipient(email=user.email, language=user.language) for user in users if user.email]


def _link(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _people_in_roles(
    community: Community, roles: Iterable[Role], *, exclude: int | None = None
) -> list[User]:
    memberships = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE, role__in=list(roles)
    ).select_related("user")
    return [membership.user for membership in memberships if membership.user_id != exclude]


def _community_context(community: Community) -> dict[str, object]:
    return {"community": community, "community_url": _link("communities:detail", slug=community.slug)}


def request_received(join_request: JoinRequest) -> int:
    """Tell the people who decide that someone asked to join."""
    community = join_request.community
    managers = _people_in_roles(community, permissions.roles_that_manage_members())
    return mail_in_language(
        _recipients(managers),
        TEMPLATES + "request_received",
        {**_community_context(community), "applicant": join_request.user, "request": join_request},
    )


def request_decided(join_request: JoinRequest) -> int:
    """Tell the applicant the decision and the moderator's message."""
    community = join_request.community
    approved = join_request.status == "approved"
    return mail_in_language(
        _recipients([join_request.user]),
        TEMPLATES + ("request_approved" if approved else "request_declined"),
        {
            **_community_context(community),
            "request": join_request,
            "conduct_url": _link("communities:conduct", slug=community.slug),
        },
    )


def invitation_sent(invitation: Invitation, token: str, language: str) -> int:
    """Send the invitation link to the invited address (the only time the token exists in clear)."""
    community = invitation.community
    account = User.objects.filter(email__iexact=invitation.email).only("language").first()
    return mail_in_language(
        [Recipient(email=invitation.email, language=account.language if account else language)],
        TEMPLATES + "invitation",
        {
            **_community_context(community),
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "accept_url": _link("communities:invitation", token=token),
            "has_account": account is not None,
        },
    )


def invitation_accepted(invitation: Invitation) -> int:
    """Tell the person who invited that the invitation was taken up."""
    if invitation.invited_by is None:
        return 0
    return mail_in_language(
        _recipients([invitation.invited_by]),
        TEMPLATES + "invitation_accepted",
        {
            **_community_context(invitation.community),
            "invitation": invitation,
            "member": invitation.accepted_by,
        },
    )


def welcome(membership: Membership) -> int:
    """Welcome a new member, with the community's address and their role."""
    return mail_in_language(
        _recipients([membership.user]),
        TEMPLATES + "welcome",
        {**_community_context(membership.community), "membership": membership},
    )


def role_changed(membership: Membership) -> int:
    """Tell a member their role changed (also when they became convenor by handover)."""
    return mail_in_language(
        _recipients([membership.user]),
        TEMPLATES + "role_changed",
        {**_community_context(membership.community), "membership": membership},
    )


def removed(community: Community, user: User, *, banned: bool) -> int:
    """Tell someone they were removed from, or banned from, a community."""
    return mail_in_language(
        _recipients([user]),
        TEMPLATES + ("banned" if banned else "removed"),
        {"community": community, "site_home": _link("home")},
    )


def member_left(community: Community, user: User) -> int:
    """Tell the convenors that someone left."""
    convenors = _people_in_roles(community, [Role.CONVENOR, Role.CO_CONVENOR], exclude=user.pk)
    return mail_in_language(
        _recipients(convenors), TEMPLATES + "member_left", {**_community_context(community), "member": user}
    )


def launched(community: Community) -> int:
    """Tell every member that the community they helped design is open."""
    members = _people_in_roles(community, list(Role))
    return mail_in_language(_recipients(members), TEMPLATES + "launched", _community_context(community))
