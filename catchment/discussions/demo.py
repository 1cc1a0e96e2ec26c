"""Demo conversations: questions (answered and not), discussions and announcements in each community."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from catchment.communities.models import FACILITATING_ROLES, Community, Membership, MembershipStatus, Stage
from catchment.discussions.models import Post, Topic, TopicKind

THREADS = [
    (
        TopicKind.QUESTION,
        "en",
        "Which indicators do you use to follow {topic} work over time?",
        "We are preparing our monitoring plan and would like to learn from others. Which **two or three "
        "indicators** have been most useful to you, and how often do you collect them?",
        [
            "We track three: people reached, decisions influenced, and documents reused by others. Quarterly.",
            "> decisions influenced\n\nHow do you count those without it becoming a guess?",
            "We ask partners once a year which decisions used our material, and keep the evidence in a shared "
            "folder. It is imperfect but honest.",
        ],
        4,  # the accepted answer is post 4, the last reply
    ),
    (
        TopicKind.DISCUSSION,
        "en",
        "Lessons from our last field visit",
        "The visit showed how much local water user associations already do. What should we document first?",
        [
            "The maintenance schedules: they are simple and other districts keep asking for them.",
            "Agreed, and the way they settle disputes over turns at the canal.",
            "I can write a first case study next month if someone reviews it.",
            "Happy to review. Let us use the case-study template from the library.",
        ],
        None,
    ),
    (
        TopicKind.ANNOUNCEMENT,
        "en",
        "Next webinar: save the date",
        "Our next webinar takes place in three weeks, with interpretation. The agenda follows soon.",
        [],
        None,
    ),
    (
        TopicKind.QUESTION,
        "fr",
        "Des exemples de chartes de gestion concertée ?",
        "Nous cherchons des exemples de chartes signées entre usagers d'un même bassin. Merci d'avance !",
        ["Nous avons un exemple du bassin du Niger, je le partage dans la bibliothèque cette semaine."],
        None,
    ),
]


@transaction.atomic
def load_demo_discussions() -> int:
    """Give every community that has none a few conversations; returns how many topics were created."""
    created = 0
    now = timezone.now()
    for community in Community.objects.exclude(stage=Stage.DESIGN).order_by("pk"):
        if Topic.objects.filter(community=community).exists():
            continue
        members = list(
            Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
            .select_related("user")
            .order_by("user__email")
        )
        if len(members) < 3:
            continue
        facilitators = [m.user for m in members if m.role in FACILITATING_ROLES] or [members[0].user]
        people = [m.user for m in members]
        topic_name = community.name.lower()
        for index, (kind, language, title, body, replies, accepted) in enumerate(THREADS):
            started = now - datetime.timedelta(days=30 - index * 6)
            author = facilitators[0] if kind == TopicKind.ANNOUNCEMENT else people[(index * 3) % len(people)]
            topic = Topic.objects.create(
                community=community,
                kind=kind,
                title=title.format(topic=topic_name),
                language=language,
                author=author,
                last_posted_at=started + datetime.timedelta(hours=len(replies)),
                reply_count=len(replies),
                is_pinned=kind == TopicKind.ANNOUNCEMENT,
            )
            posts = [Post(topic=topic, number=1, author=author, body=body)]
            for number, text in enumerate(replies, start=2):
                posts.append(
                    Post(
                        topic=topic,
                        number=number,
                        author=people[(index + number * 5) % len(people)],
                        body=text,
                    )
                )
            Post.objects.bulk_create(posts)
            Post.objects.filter(topic=topic).update(created_at=started)
            if accepted is not None:
                topic.accepted_post = topic.posts.get(number=accepted)
                topic.save(update_fields=["accepted_post"])
            created += 1
    return created
