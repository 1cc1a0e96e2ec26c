"""Erasing an account at its owner's request (GDPR Art. 17; reliability.md #31).

The account row stays, emptied, so that what the community built together keeps its shape: topics and
replies stay where they are and are shown as written by "a former member" (their author link is cleared),
and the interaction log keeps its counts under an account that no longer names anyone. Everything that
identified or described the person goes: their address, names and profile, picture files, languages and
themes, sign-in addresses and two-factor methods, sessions and API tokens, notifications, subscriptions,
newsletter deliveries, pending invitations and requests, memberships, blocks, reports and survey answers.
Places at events still to come are given up through the events service, so waiting lists move.

One rule keeps a community from being orphaned: the last convenor of a community with other members must
hand the convenorship over first (`StillConvening`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.models import Organisation, Profile, SpokenLanguage, User
from catchment.accounts.permissions import Viewer
from catchment.alliances.models import LearningAlliance, Stakeholder, StakeholderKind
from catchment.api.models import AccessToken, IdempotentRequest
from catchment.communities.models import (
    CharterRevision,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    ResourceCommitment,
    Role,
)
from catchment.conversations.models import Block, MessagingSetting, Participant, Report
from catchment.core import audit, interactions, pagecache
from catchment.core.models import OutboundMail, Verb
from catchment.discussions.models import Flag, Post, Reaction, Topic
from catchment.events import services as event_services
from catchment.events.models import Registration, RegistrationStatus, Seat, Speaker
from catchment.insights.models import ConnectionSurvey, MapOptOut, SurveyContact, SurveyResponse
from catchment.newsletters.models import Delivery, OptOut
from catchment.notifications.models import DigestLog, DigestSetting, Notification, Subscription
from catchment.search import services as search_services
from catchment.search.models import Kind
from catchment.webhooks.models import Delivery as WebhookDelivery

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never deliverable
# Where webhook payloads carry a person's handle and name (communities, discussions, library, events).
WEBHOOK_PERSON_KEYS = ("member", "author", "added_by", "person")


class ErasureRefused(ValueError):
    """The account cannot be erased yet; the message (translated) says what to do first."""


class StillConvening(ErasureRefused):
    pass


class NotYours(ErasureRefused):
    pass


@dataclass(frozen=True)
class Erased:
    """What erasure did, for the confirmation page and the tests."""

    placeholder: str
    registrations_cancelled: int
    posts_kept: int
    topics_kept: int


def communities_needing_handover(user: User) -> list[Community]:
    """Communities the person is the only active convenor of while others are still members."""
    led = Membership.objects.filter(user=user, role=Role.CONVENOR, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    return list(
        Community.objects.filter(pk__in=led)
        .annotate(
            convenors=Count(
                "memberships",
                filter=Q(memberships__role=Role.CONVENOR, memberships__status=MembershipStatus.ACTIVE),
                distinct=True,
            ),
            others=Count(
                "memberships",
                filter=Q(memberships__status=MembershipStatus.ACTIVE) & ~Q(memberships__user=user),
                distinct=True,
            ),
        )
        .filter(convenors__lte=1, others__gt=0)
        .order_by("name")
    )


def _set_null_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) pointing at the user model that the database would clear on deletion."""
    found = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if (
                f.is_relation
                and f.concrete
                and f.related_model is User
                and not f.many_to_many
                and getattr(f.remote_field, "on_delete", None) is models.SET_NULL
            ):
                found.append((model, f.name))
    return found


def _community_scopes(user: User) -> set[str]:
    slugs = set(Membership.objects.filter(user=user).values_list("community__slug", flat=True))
    slugs |= set(Topic.objects.filter(author=user).values_list("community__slug", flat=True))
    slugs |= set(Post.objects.filter(author=user).values_list("topic__community__slug", flat=True))
    return {f"community:{slug}" for slug in slugs}


def _cancel_future_places(user: User) -> int:
    """Give up places at events still to come, through the events service (the waiting list moves)."""
    cancelled = 0
    for registration in (
        Registration.objects.filter(user=user, event__ends_at__gt=timezone.now())
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event")
    ):
        try:
            event_services.cancel_registration(actor=user, event=registration.event)
        except event_services.EventError:  # ended meanwhile
            continue
        cancelled += 1
    return cancelled


def _scrub_webhook_payloads(user: User, placeholder: str) -> None:
    """Queued and past webhook deliveries carry the person's handle and name: replace them."""
    query = Q()
    for key in WEBHOOK_PERSON_KEYS:
        query |= Q(**{f"payload__data__{key}__username": user.username})
    changed = []
    for delivery in WebhookDelivery.objects.filter(query).only("pk", "payload"):
        data = delivery.payload.get("data", {})
        for key in WEBHOOK_PERSON_KEYS:
            person = data.get(key)
            if isinstance(person, dict) and person.get("username") == user.username:
                data[key] = {"username": placeholder, "display_name": ""}
        changed.append(delivery)
    WebhookDelivery.objects.bulk_update(changed, ["payload"], batch_size=500)


def _recompute_surveys(user: User) -> None:
    """Survey answers by or naming the person leave every cached analysis at once (as account deletion
    does in insights/signals.py)."""
    from catchment.insights import surveys

    touched = set(SurveyResponse.objects.filter(respondent=user).values_list("survey_id", flat=True))
    touched |= set(SurveyContact.objects.filter(person=user).values_list("response__survey_id", flat=True))
    if not touched:
        return
    ConnectionSurvey.objects.filter(pk__in=touched).update(answers_changed_at=timezone.now())
    for survey_id in sorted(touched):
        surveys.compute_survey_task.enqueue(survey_id)


def account_erase(*, actor: Viewer, user: User) -> Erased:
    """Erase `user`'s personal data and close the account (only its owner may). All or nothing; files are
    deleted from storage after the commit. The audit log records the erasure once it has committed, and a
    refusal at once."""
    try:
        return _account_erase(actor=actor, user=user)
    except ErasureRefused as error:
        audit.event(
            "account.erased",
            outcome="refused",
            user=actor,
            target=user.pk,
            reason=type(error).__name__,
        )
        raise


@transaction.atomic
def _account_erase(*, actor: Viewer, user: User) -> Erased:
    if not actor.is_authenticated or actor.pk != user.pk:
        raise NotYours(_("Only the account's owner can delete it."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise NotYours(_("This account has already been deleted."))
    waiting = communities_needing_handover(user)
    if waiting:
        raise StillConvening(
            _(
                "You are the only convenor of %(communities)s. Hand the convenorship over to another member "
                "(on the community's members page) before you delete your account."
            )
            % {"communities": ", ".join(f"“{community.name}”" for community in waiting)}
        )

    placeholder = f"deleted-{secrets.token_hex(6)}"
    # Only addresses the person proved are theirs: anyone can add someone else's address, unverified.
    emails = {user.email.strip().lower()} | {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }
    emails.discard("")
    scopes = {"hub", "shared"} | _community_scopes(user)
    posts_kept = Post.objects.filter(author=user).count()
    topics_kept = Topic.objects.filter(author=user).count()

    # Places first, through the service, while the account is still whole.
    cancelled = _cancel_future_places(user)
    _recompute_surveys(user)

    # Memberships (one by one through the ORM, so member counts are recounted), requests, invitations.
    # Leaving is logged as when a member leaves, so community health counts the departure.
    now = timezone.now()
    for community_id in Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values_list(
        "community_id", flat=True
    ):
        interactions.record(
            interactions.Entry(
                actor_id=user.pk,
                verb=Verb.LEAVE,
                source=f"leave:{community_id}:{user.pk}:{now.timestamp()}",
                community_id=community_id,
                occurred_at=now,
            )
        )
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    Invitation.objects.filter(email__in=emails, accepted_at__isnull=True).delete()
    for address in emails:  # nothing more goes out, and no copy of what went stays
        OutboundMail.objects.filter(to__iexact=address).delete()
    Invitation.objects.filter(email__in=emails).update(email=f"{placeholder}@{ERASED_DOMAIN}")

    # Rows that are only about the person.
    for queryset in (
        # Open flags and reports still need the team's review: they stay, under the emptied account.
        Flag.objects.filter(reporter=user, resolved_at__isnull=False),
        Reaction.objects.filter(user=user),
        Participant.objects.filter(user=user),
        Block.objects.filter(Q(blocker=user) | Q(blocked=user)),
        Report.objects.filter(reporter=user, resolved_at__isnull=False),
        MessagingSetting.objects.filter(user=user),
        Subscription.objects.filter(user=user),
        Notification.objects.filter(recipient=user),
        DigestSetting.objects.filter(user=user),
        DigestLog.objects.filter(user=user),
        Delivery.objects.filter(user=user),
        OptOut.objects.filter(user=user),
        Seat.objects.filter(user=user),
        Speaker.objects.filter(user=user),
        MapOptOut.objects.filter(user=user),
        SurveyResponse.objects.filter(respondent=user),
        AccessToken.objects.filter(user=user),
        IdempotentRequest.objects.filter(user=user),
        EmailAddress.objects.filter(user=user),
        Authenticator.objects.filter(user=user),
    ):
        queryset.delete()
    if apps.is_installed("allauth.socialaccount"):
        apps.get_model("socialaccount", "SocialAccount").objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    Organisation.admins.through.objects.filter(user=user).delete()
    LearningAlliance.initiators.through.objects.filter(user=user).delete()

    # Copies of the person's name kept next to a link to them.
    ResourceCommitment.objects.filter(person=user).update(person_name="")
    CharterRevision.objects.filter(approved_by=user).update(approved_by_name="")
    SurveyContact.objects.filter(person=user).update(name="", organisation="")
    Stakeholder.objects.filter(contact=user, kind=StakeholderKind.PERSON).update(name=_("Former member"))
    _scrub_webhook_payloads(user, placeholder)
    for content_type in ContentType.objects.get_for_models(User, Profile).values():
        object_ids = [str(user.pk)]
        if content_type.model_class() is Profile:
            object_ids = [str(pk) for pk in Profile.objects.filter(user=user).values_list("pk", flat=True)]
        LogEntry.objects.filter(content_type=content_type, object_id__in=object_ids).update(
            object_repr=placeholder
        )

    # Authorship links: topics, replies, messages, resources… stay, shown as by "a former member".
    for model, name in _set_null_links():
        model._default_manager.filter(**{name: user}).update(**{name: None})

    # The profile, its picture, languages and themes; its search document goes with it.
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        if profile.avatar:
            storage, picture = profile.avatar.storage, profile.avatar.name
            transaction.on_commit(lambda: storage.delete(picture))
        SpokenLanguage.objects.filter(profile=profile).delete()
        profile.themes.clear()
        search_services.remove(Kind.PERSON, profile.pk)
        profile.delete()

    # The account itself: no name, no address, no way in.
    user.username = placeholder
    user.email = f"{placeholder}@{ERASED_DOMAIN}"
    user.first_name = user.last_name = user.display_name = ""
    user.language = ""
    user.timezone = "UTC"
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()  # also ends every session: their stored hash no longer matches
    user.save()

    pagecache.bump(scopes)
    audit.event_on_commit("account.erased", outcome="success", user=user, posts_kept=posts_kept)
    return Erased(
        placeholder=placeholder,
        registrations_cancelled=cancelled,
        posts_kept=posts_kept,
        topics_kept=topics_kept,
    )
