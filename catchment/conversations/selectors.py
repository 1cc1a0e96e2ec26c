"""Reads for private messages, already limited to what the viewer may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.communities.models import Membership, MembershipStatus
from catchment.conversations import permissions
from catchment.conversations.models import (
    Accepts,
    Block,
    Conversation,
    Message,
    MessagingSetting,
    Participant,
    Report,
)

MESSAGES_PER_PAGE = 40
MAX_ID = 2**63 - 1
# How far back the review queue looks for the messages before a reported one.
CONTEXT_WINDOW = datetime.timedelta(days=30)
CONVERSATIONS_PER_PAGE = 30


def blocked_ids(viewer: Viewer) -> set[int]:
    """The people the viewer has blocked."""
    if not is_member(viewer):
        return set()
    return set(Block.objects.filter(blocker_id=viewer.pk).values_list("blocked_id", flat=True))


def contacts(sender: Viewer, users: Iterable[User]) -> list[permissions.Contact]:
    """The facts `permissions.can_message` needs for each of these people (three queries for any number)."""
    people = [user for user in users if user.pk]
    ids = [user.pk for user in people]
    if not people or not is_member(sender):
        return [
            permissions.Contact(user=user, blocked_either_way=True, shares_community=False) for user in people
        ]
    blocks = Block.objects.filter(
        Q(blocker_id=sender.pk, blocked_id__in=ids) | Q(blocked_id=sender.pk, blocker_id__in=ids)
    ).values_list("blocker_id", "blocked_id")
    blocked = {blocker if blocked == sender.pk else blocked for blocker, blocked in blocks}
    mine = Membership.objects.filter(user_id=sender.pk or 0, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    sharing = set(
        Membership.objects.filter(user_id__in=ids, status=MembershipStatus.ACTIVE, community_id__in=mine)
        .values_list("user_id", flat=True)
        .distinct()
    )
    choices = dict(MessagingSetting.objects.filter(user_id__in=ids).values_list("user_id", "accepts"))
    return [
        permissions.Contact(
            user=user,
            blocked_either_way=user.pk in blocked,
            shares_community=user.pk in sharing,
            accepts=choices.get(user.pk, Accepts.EVERYONE),
        )
        for user in people
    ]


@dataclass
class InboxRow:
    conversation: Conversation
    others: list[User]
    unread: bool
    muted: bool


def inbox(viewer: Viewer) -> QuerySet[Participant]:
    """The viewer's conversations, latest first, with everyone in them loaded (two queries a page)."""
    people = Participant.objects.filter(left_at__isnull=True).select_related("user").order_by("pk")
    return (
        Participant.objects.filter(user_id=viewer.pk or 0, left_at__isnull=True)
        .select_related("conversation")
        .prefetch_related(Prefetch("conversation__participants", queryset=people, to_attr="present"))
        .order_by("-conversation__last_message_at", "-conversation__pk")
    )


def inbox_rows(viewer: Viewer, places: Iterable[Participant]) -> list[InboxRow]:
    rows = []
    for place in places:
        conversation = place.conversation
        rows.append(
            InboxRow(
                conversation=conversation,
                others=[p.user for p in getattr(conversation, "present", []) if p.user_id != viewer.pk],
                unread=place.last_read_at is None or place.last_read_at < conversation.last_message_at,
                muted=place.is_muted,
            )
        )
    return rows


def unread_conversations(viewer: Viewer) -> int:
    if not is_member(viewer):
        return 0
    return (
        Participant.objects.filter(user_id=viewer.pk or 0, left_at__isnull=True)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=F("conversation__last_message_at")))
        .count()
    )


@dataclass
class ConversationView:
    conversation: Conversation
    place: Participant
    people: list[Participant]  # everyone who was ever in it, with their accounts

    @property
    def others(self) -> list[Participant]:
        return [p for p in self.people if p.user_id != self.place.user_id]


def conversation_for_viewer(viewer: Viewer, pk: int) -> ConversationView:
    """A conversation the viewer is still in, with its people, or 404 (two queries)."""
    if pk > MAX_ID:
        raise Http404
    place = (
        Participant.objects.filter(conversation_id=pk, user_id=viewer.pk or 0)
        .select_related("conversation")
        .first()
    )
    if place is None or not permissions.can_read_conversation(viewer, place):
        raise Http404
    people = list(
        Participant.objects.filter(conversation_id=pk).select_related("user").order_by("joined_at", "pk")
    )
    return ConversationView(conversation=place.conversation, place=place, people=people)


def messages_page(conversation: Conversation, number: int | None) -> Page[Message]:
    """One page of messages, oldest first; without a page number, the latest page."""
    messages = conversation.messages.select_related("author").order_by("created_at", "pk")
    paginator = Paginator(messages, MESSAGES_PER_PAGE)
    return paginator.get_page(number if number is not None else paginator.num_pages)


def message_in(view: ConversationView, pk: int) -> Message:
    message = view.conversation.messages.filter(pk=pk).select_related("author").first()
    if message is None:
        raise Http404
    return message


def reported_by(viewer: Viewer, messages: list[Message]) -> set[int]:
    if not is_member(viewer) or not messages:
        return set()
    return set(
        Report.objects.filter(reporter_id=viewer.pk, message__in=[m.pk for m in messages]).values_list(
            "message_id", flat=True
        )
    )


@dataclass
class ReportedMessage:
    message: Message
    reports: list[Report]
    context: list[Message]


def report_queue(limit: int = 200) -> list[ReportedMessage]:
    """Open reports grouped by message, oldest first, each with the two messages before it for context
    (three queries whatever the number of reports)."""
    reports = list(
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "message__author", "message__conversation")
        .order_by("created_at", "pk")[:limit]
    )
    grouped: dict[int, ReportedMessage] = {}
    for report in reports:
        grouped.setdefault(
            report.message_id, ReportedMessage(message=report.message, reports=[], context=[])
        ).reports.append(report)
    if not grouped:
        return []
    times = [item.message.created_at for item in grouped.values()]
    nearby = (
        Message.objects.filter(
            conversation_id__in={item.message.conversation_id for item in grouped.values()},
            created_at__gte=min(times) - CONTEXT_WINDOW,
            created_at__lte=max(times),
        )
        .select_related("author")
        .order_by("-created_at", "-pk")[:2000]
    )
    by_conversation: dict[int, list[Message]] = {}
    for message in reversed(list(nearby)):
        by_conversation.setdefault(message.conversation_id, []).append(message)
    for item in grouped.values():
        reported = (item.message.created_at, item.message.pk)
        earlier = [
            m
            for m in by_conversation.get(item.message.conversation_id, [])
            if (m.created_at, m.pk) < reported
        ]
        item.context = earlier[-2:]
    return list(grouped.values())


def settled_reports(limit: int = 30) -> list[Report]:
    return list(
        Report.objects.filter(resolved_at__isnull=False)
        .select_related("reporter", "resolved_by", "message__author")
        .order_by("-resolved_at", "-pk")[:limit]
    )


def blocked_people(viewer: Viewer) -> list[User]:
    return [
        block.blocked
        for block in Block.objects.filter(blocker_id=viewer.pk or 0)
        .select_related("blocked")
        .order_by("-created_at")
    ]


def accepts(viewer: Viewer) -> str:
    return (
        MessagingSetting.objects.filter(user_id=viewer.pk or 0).values_list("accepts", flat=True).first()
        or Accepts.EVERYONE
    )


def blocked_by_any(viewer: Viewer, user_ids: list[int]) -> set[int]:
    """Which of these people have blocked the viewer."""
    if not is_member(viewer) or not user_ids:
        return set()
    return set(
        Block.objects.filter(blocked_id=viewer.pk, blocker_id__in=user_ids).values_list(
            "blocker_id", flat=True
        )
    )
