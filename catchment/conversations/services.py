"""Every write to private messages: one transaction each, the policy asked first, mail after commit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.conversations import permissions, selectors
from catchment.conversations.models import (
    Accepts,
    Block,
    Conversation,
    Message,
    MessageStatus,
    MessagingSetting,
    Participant,
    Report,
    ReportReason,
    Resolution,
)
from catchment.core import limits
from catchment.core.limits import limited
from catchment.core.mail import Recipient, mail_in_language
from catchment.core.markdown import link_count, message_text
from catchment.notifications import services as notifications


class ConversationError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


def _clean_body(body: str) -> str:
    return message_text(body, ConversationError)


def _check_new_account(actor: User, text: str, starting: bool) -> None:
    """Young accounts start few conversations and send few links: private messages are spam's favourite way
    in. The hub team is not limited."""
    if actor.is_staff:
        return
    now = timezone.now()
    if actor.date_joined <= now - datetime.timedelta(days=settings.NEW_ACCOUNT_DAYS):
        return
    limits.serialise(actor)
    links = link_count(text)
    if links > settings.NEW_ACCOUNT_LINKS_PER_POST:
        raise ConversationError(
            _(
                "While your account is new, a message can hold at most %(limit)d links; this one has %(count)d."
            )
            % {"limit": settings.NEW_ACCOUNT_LINKS_PER_POST, "count": links}
        )
    hour = datetime.timedelta(hours=1)
    if starting:
        started = limits.latest(
            Conversation.objects.filter(started_by=actor), settings.NEW_ACCOUNT_CONVERSATIONS_PER_HOUR, hour
        )
        if len(started) >= settings.NEW_ACCOUNT_CONVERSATIONS_PER_HOUR:
            raise limited(
                ConversationError(
                    _(
                        "While your account is new, you can start %(limit)d conversations an hour. "
                        "Please try again later."
                    )
                    % {"limit": settings.NEW_ACCOUNT_CONVERSATIONS_PER_HOUR}
                ),
                started[-1] + hour,
            )
    limits.new_account_pace(
        limits.latest(Message.objects.filter(author=actor), settings.NEW_ACCOUNT_POSTS_PER_HOUR, hour),
        ConversationError,
    )


def _check_reachable(actor: Viewer, people: Sequence[User]) -> None:
    """Everyone named may be written to by the actor; otherwise say who may not."""
    refused = [
        contact.user.display_name
        for contact in selectors.contacts(actor, people)
        if not permissions.can_message(actor, contact)
    ]
    if refused:
        raise ConversationError(
            _("You cannot send a private message to: %(names)s.") % {"names": ", ".join(refused)}
        )


def _too_many() -> ConversationError:
    return ConversationError(
        _("A conversation can hold at most %(limit)d people.") % {"limit": settings.CONVERSATION_MAX_PEOPLE}
    )


def _deliver(message: Message, actor: User) -> None:
    """Tell everyone else still in the conversation, except those who blocked the author."""
    blockers = set(Block.objects.filter(blocked=actor).values_list("blocker_id", flat=True))
    recipients = [
        place
        for place in Participant.objects.filter(conversation_id=message.conversation_id, left_at__isnull=True)
        .exclude(user=actor)
        .select_related("user")
        if place.user.is_active and place.user_id not in blockers
    ]
    notifications.on_new_message(message, recipients)


@transaction.atomic
def conversation_start(*, actor: Viewer, recipients: Sequence[User], subject: str, body: str) -> Conversation:
    """Start a private conversation with one person or a small group."""
    if not is_member(actor):
        raise PermissionDenied
    sender = cast(User, actor)
    people = list({user.pk: user for user in recipients if user.pk != sender.pk}.values())
    if not people:
        raise ConversationError(_("Choose at least one member to write to."))
    if len(people) + 1 > settings.CONVERSATION_MAX_PEOPLE:
        raise _too_many()
    _check_reachable(actor, people)
    subject = " ".join((subject or "").split())[:200]
    if not subject:
        raise ConversationError(_("Give the conversation a subject."))
    text = _clean_body(body)
    _check_new_account(sender, text, starting=True)
    now = timezone.now()
    conversation = Conversation.objects.create(
        subject=subject, started_by=sender, is_group=len(people) > 1, last_message_at=now, message_count=1
    )
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, user=sender, last_read_at=now)]
        + [Participant(conversation=conversation, user=user, added_by=sender) for user in people]
    )
    message = Message.objects.create(conversation=conversation, author=sender, body=text)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    Participant.objects.filter(conversation=conversation, user=sender).update(last_read_at=message.created_at)
    _deliver(message, sender)
    return conversation


@transaction.atomic
def message_send(*, actor: Viewer, conversation: Conversation, body: str) -> Message:
    """Write in a conversation one is in."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    people = list(Participant.objects.filter(conversation=locked).select_related("user"))
    place = next((p for p in people if p.user_id == actor.pk), None)
    others = [p for p in people if p.user_id != actor.pk]
    blocked = selectors.blocked_ids(actor) | set(
        Block.objects.filter(blocked_id=actor.pk or 0, blocker__in=[p.user_id for p in others]).values_list(
            "blocker_id", flat=True
        )
    )
    if not permissions.can_read_conversation(actor, place):
        raise PermissionDenied
    if not permissions.can_write(actor, locked, place, others, blocked):
        raise ConversationError(_("You can no longer write in this conversation."))
    text = _clean_body(body)
    sender = cast(User, actor)
    _check_new_account(sender, text, starting=False)
    message = Message.objects.create(conversation=locked, author=sender, body=text)
    Conversation.objects.filter(pk=locked.pk).update(
        last_message_at=message.created_at, message_count=F("message_count") + 1
    )
    Participant.objects.filter(conversation=locked, user=sender).update(last_read_at=message.created_at)
    _deliver(message, sender)
    return message


@transaction.atomic
def people_add(*, actor: Viewer, conversation: Conversation, users: Sequence[User]) -> list[Participant]:
    """Bring more people into a group conversation; they read it from the start."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    people = list(Participant.objects.filter(conversation=locked))
    place = next((p for p in people if p.user_id == actor.pk), None)
    present = [p for p in people if p.is_active]
    if not permissions.can_read_conversation(actor, place):
        raise PermissionDenied
    if not locked.is_group:
        raise ConversationError(
            _("People can be added only to group conversations; start a new one instead.")
        )
    existing = {p.user_id: p for p in people}
    newcomers = [user for user in users if user.pk not in existing or not existing[user.pk].is_active]
    if not newcomers:
        raise ConversationError(_("Everyone you named is already in the conversation."))
    if not permissions.can_add_people(actor, locked, place, len(present) + len(newcomers) - 1):
        raise _too_many()
    _check_reachable(actor, newcomers)
    added = []
    for user in newcomers:
        returning = existing.get(user.pk)
        if returning is not None:
            returning.left_at = None
            returning.added_by = cast(User, actor)
            returning.save(update_fields=["left_at", "added_by"])
            added.append(returning)
        else:
            added.append(
                Participant.objects.create(conversation=locked, user=user, added_by=cast(User, actor))
            )
    return added


@transaction.atomic
def conversation_leave(*, actor: Viewer, conversation: Conversation) -> None:
    """Leave a conversation: it disappears from one's messages and sends no more notifications."""
    updated = Participant.objects.filter(
        conversation=conversation, user_id=actor.pk or 0, left_at__isnull=True
    ).update(left_at=timezone.now())
    if not updated:
        raise PermissionDenied
    notifications.drop_unsent_mail(user_id=actor.pk or 0, conversation_id=conversation.pk)


def conversation_mark_read(*, actor: Viewer, conversation: Conversation) -> None:
    """Everything in the conversation up to now has been seen (a POST from the page, never a GET)."""
    Participant.objects.filter(conversation=conversation, user_id=actor.pk or 0, left_at__isnull=True).update(
        last_read_at=timezone.now()
    )


def conversation_mute(*, actor: Viewer, conversation: Conversation, muted: bool) -> None:
    """Stop (or resume) emails about one conversation; notifications on the site continue."""
    updated = Participant.objects.filter(
        conversation=conversation, user_id=actor.pk or 0, left_at__isnull=True
    ).update(is_muted=muted)
    if not updated:
        raise PermissionDenied
    if muted:
        notifications.drop_unsent_mail(user_id=actor.pk or 0, conversation_id=conversation.pk)


@transaction.atomic
def block(*, actor: Viewer, target: User) -> Block:
    """Stop hearing from someone: they cannot start a conversation with you, their messages are hidden
    from you and you are not told about them. They are not told that you blocked them."""
    if not permissions.can_block(actor, target):
        raise ConversationError(_("You cannot block this person."))
    found, _created = Block.objects.get_or_create(blocker=cast(User, actor), blocked=target)
    return found


def unblock(*, actor: Viewer, target: User) -> bool:
    deleted, _rows = Block.objects.filter(blocker_id=actor.pk or 0, blocked=target).delete()
    return bool(deleted)


def accepts_set(*, actor: Viewer, accepts: str) -> MessagingSetting:
    """Choose who may start a private conversation with you."""
    if not is_member(actor) or accepts not in Accepts.values:
        raise PermissionDenied
    setting, _created = MessagingSetting.objects.update_or_create(
        user=cast(User, actor), defaults={"accepts": accepts}
    )
    return setting


@transaction.atomic
def message_report(*, actor: Viewer, message: Message, reason: str, note: str = "") -> Report:
    """Report a private message to the hub team, once per person and message; the team is told by mail."""
    place = Participant.objects.filter(conversation_id=message.conversation_id, user_id=actor.pk or 0).first()
    if not permissions.can_report(actor, message, place):
        raise PermissionDenied
    if reason not in ReportReason.values:
        raise ConversationError(_("Choose why you are reporting this message."))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                message=message, reporter=cast(User, actor), reason=reason, note=(note or "").strip()[:500]
            )
    except IntegrityError as error:
        raise ConversationError(
            _("You have already reported this message; the hub team will look at it.")
        ) from error
    team = User.objects.filter(is_staff=True, is_active=True).exclude(email="").only("email", "language")
    mail_in_language(
        [Recipient(email=person.email, language=person.language) for person in team],
        "conversations/email/report",
        {"reason": ReportReason(reason).label, "queue": settings.SITE_URL + reverse("conversations:reports")},
    )
    return report


@transaction.atomic
def reports_resolve(*, actor: Viewer, message: Message, hide: bool, note: str = "") -> int:
    """Settle every open report on a message: hide it from everyone, or keep it. Returns how many."""
    if not permissions.can_review_reports(actor):
        raise PermissionDenied
    open_reports = Report.objects.select_for_update().filter(message=message, resolved_at__isnull=True)
    count = len(list(open_reports))
    if count == 0:
        raise ConversationError(_("These reports have already been dealt with."))
    if hide:
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.HIDDEN)
    Report.objects.filter(message=message, resolved_at__isnull=True).update(
        resolved_at=timezone.now(),
        resolved_by=cast(User, actor),
        resolution=Resolution.HIDDEN if hide else Resolution.KEPT,
        resolution_note=(note or "").strip()[:300],
    )
    return count


def message_restore(*, actor: Viewer, message: Message) -> None:
    """Show a message the hub team hid again."""
    if not is_staff(actor):
        raise PermissionDenied
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.VISIBLE)
