"""Who may write to whom, read a conversation, add people, report a message and review reports. The only
place that decides access to private messages.

Facts that need the database (blocks, shared communities, a recipient's choice) are loaded once by the
selectors and passed in, so a page can ask about many people without further queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.conversations.models import Accepts, Conversation, Message, Participant


@dataclass(frozen=True)
class Contact:
    """What decides whether the sender may write to one person."""

    user: User
    blocked_either_way: bool
    shares_community: bool
    accepts: str = Accepts.EVERYONE


def can_message(sender: Viewer, contact: Contact) -> bool:
    """Members write to active people who have not blocked them (nor been blocked by them) and whose choice
    lets them in; the hub team may always write, so that nobody is out of its reach."""
    recipient = contact.user
    if not is_member(sender) or not recipient.is_active or recipient.pk == sender.pk:
        return False
    if is_staff(sender):
        return True
    if contact.blocked_either_way:
        return False
    if contact.accepts == Accepts.NOBODY:
        return False
    if contact.accepts == Accepts.COMMUNITIES:
        return contact.shares_community
    return True


def can_read_conversation(viewer: Viewer, place: Participant | None) -> bool:
    """Only people still in a conversation read it; the hub team reads only what is reported to it."""
    return is_member(viewer) and place is not None and place.user_id == viewer.pk and place.is_active


def can_write(
    viewer: Viewer,
    conversation: Conversation,
    place: Participant | None,
    others: list[Participant],
    blocked_ids: set[int],
) -> bool:
    """Write in a conversation one is in, while someone else is still there; in a one-to-one conversation,
    not once either person has blocked the other (the hub team excepted)."""
    if not can_read_conversation(viewer, place):
        return False
    present = [other for other in others if other.is_active and other.user.is_active]
    if not present:
        return False
    if conversation.is_group or is_staff(viewer):
        return True
    return all(other.user_id not in blocked_ids for other in present)


def can_add_people(viewer: Viewer, conversation: Conversation, place: Participant | None, size: int) -> bool:
    """Anyone in a group conversation may bring people in, up to the size limit."""
    return (
        conversation.is_group
        and can_read_conversation(viewer, place)
        and size < settings.CONVERSATION_MAX_PEOPLE
    )


def can_report(viewer: Viewer, message: Message, place: Participant | None) -> bool:
    """People in the conversation report other people's visible messages."""
    return can_read_conversation(viewer, place) and message.author_id != viewer.pk and message.is_visible


def can_see_message_text(message: Message, blocked_ids: set[int]) -> bool:
    """Hidden messages and messages from people one blocked are shown as a line saying so, not their text."""
    return message.is_visible and message.author_id not in blocked_ids


def can_review_reports(viewer: Viewer) -> bool:
    """Reports of private messages reach the hub team (staff) only."""
    return is_staff(viewer)


def can_block(viewer: Viewer, target: User) -> bool:
    """Members block anyone but themselves and the hub team."""
    return is_member(viewer) and target.pk != viewer.pk and not target.is_staff
