"""Reads for the notification centre."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.discussions.models import Topic
from catchment.notifications.models import DigestSetting, Frequency, Level, Notification, Subscription


def unread_count(viewer: Viewer) -> int:
    if not is_member(viewer):
        return 0
    return Notification.objects.filter(recipient_id=viewer.pk, read_at__isnull=True).count()


def notifications(viewer: Viewer) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient_id=viewer.pk)
        .select_related("actor", "topic__community", "post", "conversation")
        .order_by("-created_at", "-pk")
    )


def topic_by_pk(pk: int) -> Topic | None:
    return Topic.objects.filter(pk=pk).select_related("community").first()


def conversation_subject(user_id: int, conversation_id: int) -> str | None:
    """The subject of a conversation the person is (or was) in, for the unsubscribe page; else None."""
    from catchment.conversations.models import Participant

    return (
        Participant.objects.filter(user_id=user_id, conversation_id=conversation_id)
        .values_list("conversation__subject", flat=True)
        .first()
    )


def digest_frequency(user_id: int) -> str:
    """The member's digest choice (weekly when they never chose)."""
    return (
        DigestSetting.objects.filter(user_id=user_id).values_list("frequency", flat=True).first()
        or Frequency.WEEKLY
    )


def account_exists(user_id: int) -> bool:
    return User.objects.filter(pk=user_id).exists()


def topic_level(viewer: Viewer, topic: Topic) -> str:
    """The viewer's effective level for a topic (track when nothing was chosen)."""
    if not is_member(viewer) or viewer.pk is None:
        return ""
    chosen: dict[int | None, str] = dict(
        Subscription.objects.filter(user_id=viewer.pk)
        .filter(Q(topic=topic) | Q(community_id=topic.community_id))
        .values_list("topic_id", "level")
    )
    return chosen.get(topic.pk) or chosen.get(None) or Level.TRACK
