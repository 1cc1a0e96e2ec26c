"""Who is told about a new message, and the mail that follows. Called by the discussions services inside
their transaction; mail leaves after the commit, at most once per notification."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.accounts.selectors import may_be_mailed
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.conversations.models import Block, Message, Participant
from catchment.core import interactions
from catchment.core.mail import deliver_now, one_click_unsubscribe, queue_mail, render_in_language
from catchment.core.models import Verb
from catchment.core.tasks import task
from catchment.discussions.models import Post, Topic
from catchment.notifications.models import (
    DigestSetting,
    Frequency,
    Kind,
    Level,
    Notification,
    Subscription,
)

MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9_-]{0,49})", re.IGNORECASE)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
UNSUBSCRIBE_SALT = "catchment.notifications.unsubscribe"
PRIORITY = {
    Kind.MENTION: 4,
    Kind.REPLY: 3,
    Kind.ANSWER_ACCEPTED: 3,
    Kind.NEW_TOPIC: 2,
    Kind.NEW_POST: 1,
    Kind.MESSAGE: 3,
}


def mentioned_usernames(text: str) -> list[str]:
    """The @handles in a message, outside code, in order, without repeats (at most 20)."""
    found: list[str] = []
    for handle in MENTION.findall(CODE.sub(" ", text or "")):
        handle = handle.lower()
        if handle not in found:
            found.append(handle)
    return found[:20]


def _readers(community: Community, user_ids: Iterable[int]) -> set[int]:
    """Which of these people may read the community (the same rule as the communities policy)."""
    ids = set(user_ids)
    if not ids:
        return set()
    memberships = {m.user_id: m for m in Membership.objects.filter(community=community, user_id__in=ids)}
    return {
        user.pk
        for user in User.objects.filter(pk__in=ids, is_active=True)
        if community_policy.can_read_community(user, community, memberships.get(user.pk))
    }


def _levels(topic: Topic) -> dict[int, str]:
    """Each subscriber's effective level for a topic: the topic's own, else the community's."""
    levels = dict(
        Subscription.objects.filter(community_id=topic.community_id).values_list("user_id", "level")
    )
    levels.update(Subscription.objects.filter(topic=topic).values_list("user_id", "level"))
    return levels


def watch_topic(user: User, topic: Topic) -> None:
    """Watch a topic one started or replied to, unless one already chose a level for it."""
    Subscription.objects.get_or_create(user=user, topic=topic, defaults={"level": Level.WATCH})


def on_new_post(post: Post) -> list[Notification]:
    """Notify, for a new topic or reply: people mentioned, the author replied to, and watchers."""
    topic = post.topic
    community = topic.community
    author_id = post.author_id
    if post.author is not None:
        watch_topic(post.author, topic)
    levels = _levels(topic)
    wanted: dict[int, str] = {}

    def offer(user_id: int | None, kind: str) -> None:
        if user_id is None or user_id == author_id or levels.get(user_id) == Level.MUTE:
            return
        if PRIORITY[Kind(kind)] > PRIORITY[Kind(wanted.get(user_id, Kind.NEW_POST))] or user_id not in wanted:
            wanted[user_id] = kind

    for user_id, level in levels.items():
        if level == Level.WATCH:
            offer(user_id, Kind.NEW_TOPIC if post.number == 1 else Kind.NEW_POST)
    if post.reply_to is not None:
        offer(post.reply_to.author_id, Kind.REPLY)
    handles = mentioned_usernames(post.body)
    if handles:
        mentioned = list(
            User.objects.filter(username__in=handles, is_active=True).values_list("pk", flat=True)
        )
        for user_id in mentioned:
            offer(user_id, Kind.MENTION)
        interactions.record_many(
            [
                interactions.Entry(
                    actor_id=author_id or 0,
                    verb=Verb.MENTION,
                    source=f"mention:{post.pk}:{user_id}",
                    community_id=community.pk,
                    target_id=user_id,
                    object_type="topic",
                    object_id=topic.pk,
                    occurred_at=post.created_at,
                )
                for user_id in mentioned
            ]
        )
    readers = _readers(community, wanted)
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                actor_id=author_id,
                topic=topic,
                post=post,
                email_wanted=kind != Kind.NEW_POST or levels.get(user_id) == Level.WATCH,
            )
            for user_id, kind in sorted(wanted.items())
            if user_id in readers
        ]
    )
    for notification in created:
        if notification.email_wanted and notification.pk:
            send_notification_email.enqueue(notification.pk)
    return created


def on_answer_accepted(topic: Topic, post: Post, actor: User) -> list[Notification]:
    if post.author_id is None or post.author_id == actor.pk:
        return []
    if Subscription.objects.filter(user_id=post.author_id, topic=topic, level=Level.MUTE).exists():
        return []
    notification, created = Notification.objects.get_or_create(
        recipient_id=post.author_id,
        post=post,
        kind=Kind.ANSWER_ACCEPTED,
        defaults={"topic": topic, "actor": actor, "email_wanted": True},
    )
    if created:
        send_notification_email.enqueue(notification.pk)
    return [notification] if created else []


def on_new_message(message: Message, recipients: list[Participant]) -> list[Notification]:
    """Tell the people in a conversation about a new private message (the conversations services decide
    who: present, not the author, not blocking the author). Mail goes to those who did not mute it."""
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=place.user_id,
                kind=Kind.MESSAGE,
                actor_id=message.author_id,
                conversation_id=message.conversation_id,
                message=message,
                email_wanted=not place.is_muted,
            )
            for place in recipients
        ]
    )
    for notification in created:
        if notification.email_wanted and notification.pk:
            send_notification_email.enqueue(notification.pk)
    return created


def unsubscribe_token(user_id: int, topic_id: int | None = None, conversation_id: int | None = None) -> str:
    """A signed link that stops mail about one topic, or one conversation."""
    data: dict[str, int | None] = (
        {"u": user_id, "t": topic_id} if topic_id is not None else {"u": user_id, "c": conversation_id}
    )
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str, int] | None:
    """(user id, "topic" or "conversation", its id), or None for a forged or damaged token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if isinstance(data.get("t"), int):
        return data["u"], "topic", data["t"]
    if isinstance(data.get("c"), int):
        return data["u"], "conversation", data["c"]
    return None


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _still_wanted(notification: Notification) -> bool:
    """Things change between a notification and its mail: someone leaves or mutes a conversation, blocks
    the author, or the hub team hides the message. Checked again just before sending."""
    if notification.conversation_id is None:
        return True
    place = Participant.objects.filter(
        conversation_id=notification.conversation_id, user_id=notification.recipient_id
    ).first()
    if place is None or not place.is_active or place.is_muted:
        return False
    message = notification.message
    if message is not None and not message.is_visible:
        return False
    return not Block.objects.filter(
        blocker_id=notification.recipient_id, blocked_id=notification.actor_id
    ).exists()


def _mail_context(notification: Notification) -> dict[str, object]:
    """What a notification mail says and links to, for a topic or a private conversation."""
    recipient_id = notification.recipient_id
    conversation = notification.conversation
    if conversation is not None:
        message = notification.message
        link = reverse("conversations:detail", kwargs={"pk": conversation.pk}) + (
            f"#message-{message.pk}" if message else ""
        )
        token = unsubscribe_token(recipient_id, conversation_id=conversation.pk)
        return {
            "notification": notification,
            "conversation": conversation,
            "actor": notification.actor,
            "excerpt": message.body[:1500] if message else "",
            "link": _absolute(link),
            "unsubscribe": _absolute(reverse("notifications:unsubscribe", kwargs={"token": token})),
        }
    topic = notification.topic
    assert topic is not None
    link = reverse("discussions:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk}) + (
        f"#post-{notification.post.number}" if notification.post else ""
    )
    token = unsubscribe_token(recipient_id, topic_id=topic.pk)
    return {
        "notification": notification,
        "topic": topic,
        "community": topic.community,
        "actor": notification.actor,
        "excerpt": notification.post.body[:1500] if notification.post else "",
        "link": _absolute(link),
        "unsubscribe": _absolute(reverse("notifications:unsubscribe", kwargs={"token": token})),
    }


@task
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification. The row is claimed and its message queued in one transaction, so a retried or
    repeated task never sends it twice; a failed send stays in the outbox and is tried again later."""
    queued = _queue_notification_email(notification_id)
    deliver_now(queued)
    return queued is not None


# A notification's mail is sent by the task queued when it was made; one still waiting after this long lost its
# task (the process stopped between the commit and the send) and is sent by the sweep, unless it is older than
# a day (news by then; the digest has it).
SWEEP_AFTER = datetime.timedelta(minutes=2)
SWEEP_WITHIN = datetime.timedelta(days=1)


@task
def send_due_notification_emails(limit: int = 200) -> int:
    """Mail the notifications whose task never ran; every minute from Celery beat, or from
    `manage.py send_mail_queue` (cron) in the embedded setup. Each is claimed as its own task would, so a
    notification whose task runs meanwhile is not mailed twice. Returns how many were queued."""
    now = timezone.now()
    waiting = list(
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__lte=now - SWEEP_AFTER,
            created_at__gte=now - SWEEP_WITHIN,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_notification_email(pk) for pk in waiting)


@transaction.atomic
def _queue_notification_email(notification_id: int) -> int | None:
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return None
    # Four joins, not six: PostgreSQL took 8.5 ms to plan the six-table join (for 0.3 ms of work), once per
    # mail of a fan-out. A conversation's notification reads its conversation and message on their own.
    notification = Notification.objects.select_related("recipient", "actor", "topic__community", "post").get(
        pk=notification_id
    )
    recipient = notification.recipient
    if not notification.email_wanted or not may_be_mailed(recipient) or not _still_wanted(notification):
        return None
    context = _mail_context(notification)
    subject, body = render_in_language(
        "notifications/email/notification",
        {**context, "settings_link": _absolute(reverse("notifications:list"))},
        recipient.language,
    )
    unsubscribe = context["unsubscribe"]
    queued = queue_mail(
        key=f"notification:{notification_id}",
        subject=subject,
        body=body,
        to=recipient.email,
        headers=one_click_unsubscribe(str(unsubscribe)),
        deliver=False,
    )
    return queued


@transaction.atomic
def set_level(
    *, actor: Viewer, topic: Topic | None = None, community: Community | None = None, level: str
) -> Subscription:
    """Choose watch, track or mute for a topic or a community one may read."""
    if not is_member(actor) or level not in Level.values or (topic is None) == (community is None):
        raise PermissionDenied
    target_community = topic.community if topic is not None else community
    assert target_community is not None
    membership = community_policy.membership_of(actor, target_community)
    if not community_policy.can_read_community(actor, target_community, membership):
        raise PermissionDenied
    subscription, _created = Subscription.objects.update_or_create(
        user=cast(User, actor), topic=topic, community=community, defaults={"level": level}
    )
    return subscription


@transaction.atomic
def mute_by_link(*, user_id: int, topic: Topic) -> None:
    """The one-click unsubscribe (the signed link is the authority): mute the topic, drop unsent mail."""
    Subscription.objects.update_or_create(user_id=user_id, topic=topic, defaults={"level": Level.MUTE})
    Notification.objects.filter(recipient_id=user_id, topic=topic, emailed_at__isnull=True).update(
        email_wanted=False
    )


def drop_unsent_mail(*, user_id: int, conversation_id: int) -> None:
    """Mail about a conversation that has not left yet will not (after leaving or muting it)."""
    Notification.objects.filter(
        recipient_id=user_id, conversation_id=conversation_id, emailed_at__isnull=True
    ).update(email_wanted=False)


@transaction.atomic
def mute_conversation_by_link(*, user_id: int, conversation_id: int) -> bool:
    """The one-click unsubscribe for a private conversation: no more mail about it, unsent mail dropped.
    False when the person is no longer in it."""
    muted = Participant.objects.filter(conversation_id=conversation_id, user_id=user_id).update(is_muted=True)
    drop_unsent_mail(user_id=user_id, conversation_id=conversation_id)
    return bool(muted)


def digest_frequency_set(*, user_id: int, frequency: str) -> DigestSetting:
    """Choose daily, weekly or no digest (from the settings page, or "off" from a signed link)."""
    if frequency not in Frequency.values:
        raise PermissionDenied
    setting, _created = DigestSetting.objects.update_or_create(
        user_id=user_id, defaults={"frequency": frequency}
    )
    return setting


@transaction.atomic
def mark_read(*, actor: Viewer, notification_id: int | None = None) -> int:
    """Mark one notification, or all of them, as read."""
    if not is_member(actor):
        raise PermissionDenied
    unread = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
