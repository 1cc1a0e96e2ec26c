"""Demo private messages: the demo convenor has a few conversations, one of them a small group, one unread."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import User
from catchment.conversations.models import Conversation, Message, Participant

CONVERSATIONS = [
    (
        "Interpretation for the drought webinar",
        [
            (1, "Could you help us find interpreters for Spanish and French for the next webinar?"),
            (0, "Yes: the partnership in Peru worked with two interpreters last year. I will ask them."),
            (1, "Thank you! The date is fixed, the agenda follows this week."),
        ],
    ),
    (
        "Case study review",
        [
            (
                2,
                "I have a first draft of the **water user associations** case study. Would you both review it?",
            ),
            (0, "Gladly. Send it by Friday and I will comment over the weekend."),
            (3, "Count me in for the section on dispute settlement."),
        ],
    ),
    (
        "Bonjour depuis Dakar",
        [
            (
                4,
                "Bonjour ! Je rejoins la communauté cette semaine. Pourriez-vous me présenter aux modérateurs ?",
            )
        ],
    ),
]


@transaction.atomic
def load_demo_conversations() -> int:
    """Create the demo conversations once; returns how many were created."""
    convenor = User.objects.filter(email=f"convenor@{DEMO_DOMAIN}").first()
    if convenor is None or Participant.objects.filter(user=convenor).exists():
        return 0
    others = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exclude(pk=convenor.pk).order_by("pk")[:8]
    )
    if len(others) < 4:
        return 0
    people = [convenor, *others]
    now = timezone.now()
    for index, (subject, lines) in enumerate(CONVERSATIONS):
        involved = sorted({0, *(author for author, _text in lines)})
        started = now - datetime.timedelta(days=10 - index * 3)
        last = started + datetime.timedelta(hours=len(lines))
        conversation = Conversation.objects.create(
            subject=subject,
            started_by=people[lines[0][0]],
            is_group=len(involved) > 2,
            last_message_at=last,
            message_count=len(lines),
        )
        # The last conversation is left unread for the convenor, so the demo shows what "new" looks like.
        read_until = last if index < len(CONVERSATIONS) - 1 else None
        Participant.objects.bulk_create(
            [
                Participant(
                    conversation=conversation,
                    user=people[n],
                    last_read_at=read_until or (last if n else None),
                )
                for n in involved
            ]
        )
        for hour, (author, text) in enumerate(lines):
            message = Message.objects.create(conversation=conversation, author=people[author], body=text)
            Message.objects.filter(pk=message.pk).update(created_at=started + datetime.timedelta(hours=hour))
    return len(CONVERSATIONS)
