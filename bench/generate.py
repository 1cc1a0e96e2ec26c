"""Large generated data for the benchmarks: one community of `members` people with a year of activity
shaped like a real one (a few very active people and a long tail, by a Zipf-like law), written with
bulk inserts. The same seed gives the same data."""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from catchment.accounts.models import Organisation, OrganisationType, Profile, User
from catchment.communities.models import Community, Membership, Role
from catchment.core.models import Interaction, Verb
from catchment.discussions.models import Post, Topic

SLUG = "bench"
BATCH = 2000


@dataclass(frozen=True)
class Generated:
    community: Community
    convenor: User
    members: int
    interactions: int
    topics: int
    replies: int


@contextlib.contextmanager
def _dated(*models: type[Model]) -> Iterator[None]:
    """Let bulk inserts keep the historical `created_at`/`joined_at` we give them."""
    fields = [
        field for model in models for field in model._meta.fields if getattr(field, "auto_now_add", False)
    ]
    for field in fields:
        field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True  # type: ignore[attr-defined]


def existing(members: int, interactions: int) -> Generated | None:
    """The data generated before with the same sizes, if it is there."""
    community = Community.objects.filter(slug=SLUG).first()
    if community is None or community.summary != f"{members}:{interactions}":
        return None
    convenor = User.objects.get(username="bench-0")
    return Generated(
        community,
        convenor,
        members,
        Interaction.objects.filter(source__startswith="bench:").count(),
        Topic.objects.filter(community=community).count(),
        Post.objects.filter(topic__community=community, number__gt=1).count(),
    )


@transaction.atomic
def generate(members: int, interactions: int, seed: int = 1) -> Generated:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    now = timezone.now()
    year = datetime.timedelta(days=365)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench organisation {n}", slug=f"bench-org-{n}", type=OrganisationType.NGO)
            for n in range(max(10, members // 40))
        ]
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-{n}",
                email=f"bench-{n}@bench.example",
                display_name=f"Bench person {n}",
                password="!",  # noqa: S106 - unusable: these accounts never sign in
                date_joined=now - 2 * year,
            )
            for n in range(members)
        ],
        batch_size=BATCH,
    )
    countries = ["KE", "PE", "SE", "IN", "BR", "ZA", "VN", "MX", "NG", "KZ"]
    groups = ["government", "ngo", "academia", "private", "community"]
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                organisation=organisations[rng.randrange(len(organisations))],
                country=rng.choice(countries),
                stakeholder_group=rng.choice(groups),
            )
            for user in users
        ],
        batch_size=BATCH,
    )
    community = Community.objects.create(
        slug=SLUG, name="Benchmark community", summary=f"{members}:{interactions}", stage="launched"
    )
    with _dated(Membership, Topic, Post):
        Membership.objects.bulk_create(
            [
                Membership(
                    community=community,
                    user=user,
                    role=Role.CONVENOR if index == 0 else Role.MODERATOR if index < 8 else Role.MEMBER,
                    joined_at=now - datetime.timedelta(days=rng.randint(1, 700)),
                )
                for index, user in enumerate(users)
            ],
            batch_size=BATCH,
        )
        # A few very active people and a long tail: person i acts with weight 1 / (i + 1).
        ids = [user.pk for user in users]
        weights = [1 / (rank + 1) for rank in range(len(ids))]
        cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            cumulative.append(total)

        def someone() -> int:
            return rng.choices(ids, cum_weights=cumulative)[0]

        def when() -> datetime.datetime:
            return now - datetime.timedelta(seconds=rng.randrange(int(year.total_seconds())))

        # Discussions: about one interaction in twelve is a reply, one in 120 a topic.
        topic_count = max(10, interactions // 120)
        topics = Topic.objects.bulk_create(
            [
                Topic(
                    community=community,
                    title=f"Question {n}",
                    language="en",
                    author_id=someone(),
                    created_at=(started := when()),
                    last_posted_at=started,
                )
                for n in range(topic_count)
            ],
            batch_size=BATCH,
        )
        posts = [
            Post(topic=topic, number=1, author_id=topic.author_id, body="Body", created_at=topic.created_at)
            for topic in topics
        ]
        replies: list[tuple[Post, int]] = []
        authors = {topic.pk: topic.author_id or 0 for topic in topics}
        for _n in range(max(20, interactions // 12)):
            topic = rng.choice(topics)
            delay = datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 10))
            post = Post(
                topic=topic,
                number=0,
                author_id=someone(),
                body="Reply",
                created_at=min(topic.created_at + delay, now),
            )
            replies.append((post, authors[topic.pk]))
        numbers: dict[int, int] = {}
        for post, _author in sorted(replies, key=lambda pair: pair[0].created_at):
            numbers[post.topic_id] = numbers.get(post.topic_id, 1) + 1
            post.number = numbers[post.topic_id]
        Post.objects.bulk_create(posts + [post for post, _author in replies], batch_size=BATCH)
    log: list[Interaction] = []
    serial = 0

    def add(
        actor: int, verb: str, at: datetime.datetime, target: int | None = None, obj: int | None = None
    ) -> None:
        nonlocal serial
        serial += 1
        log.append(
            Interaction(
                actor_id=actor,
                verb=verb,
                community_id=None if verb == Verb.VISIT else community.pk,
                target_id=target,
                object_type="",
                object_id=obj,
                occurred_at=at,
                source=f"bench:{serial}",
            )
        )

    for topic in topics:
        add(authors[topic.pk], Verb.TOPIC, topic.created_at, obj=topic.pk)
    for post, author in replies:
        if post.author_id and post.author_id != author:
            add(post.author_id, Verb.REPLY, post.created_at, target=author, obj=post.pk)
    events = [(900_000 + n, when()) for n in range(max(4, interactions // 20_000))]
    remaining = interactions - len(log)
    mix = [
        (Verb.VISIT, 0.50),
        (Verb.REACTION, 0.22),
        (Verb.DOWNLOAD, 0.10),
        (Verb.ATTEND, 0.08),
        (Verb.REGISTER, 0.05),
        (Verb.MENTION, 0.03),
        (Verb.SHARE, 0.01),
        (Verb.JOIN, 0.01),
    ]
    verbs = [verb for verb, _share in mix]
    shares = [share for _verb, share in mix]
    for _n in range(max(0, remaining)):
        verb = rng.choices(verbs, weights=shares)[0]
        if verb in (Verb.REACTION, Verb.MENTION):
            add(someone(), verb, when(), target=someone())
        elif verb in (Verb.ATTEND, Verb.REGISTER):
            event, at = rng.choice(events)
            add(someone(), verb, at, obj=event)
        else:
            add(someone(), verb, when())
    Interaction.objects.bulk_create(
        [entry for entry in log if not (entry.target_id and entry.target_id == entry.actor_id)],
        batch_size=BATCH,
    )
    return Generated(
        community,
        users[0],
        members,
        Interaction.objects.filter(source__startswith="bench:").count(),
        len(topics),
        len(replies),
    )
