"""A whole synthetic hub for issue 8's benchmarks, written straight into the database with bulk inserts:
members in many countries and languages, communities of every size, topics and replies with the 90-9-1
shape (a few people write most, most only read), events and library resources. Deterministic: the same
scale and seed give the same hub.

Scales (issue 8): `s` = 2,000 members, 50 communities, 100,000 posts, 500 events, 5,000 resources;
`l` = 100,000 members, 1,000 communities, 2,000,000 posts, 20,000 events, 100,000 resources; `xs` is a
tiny hub for tests. Generation streams in batches, so memory stays bounded at `l`.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from bench.generate import _dated
from catchment.accounts.models import Organisation, OrganisationType, Profile, ProfileVisibility, User
from catchment.communities.models import Community, Membership, Role, Stage, Visibility
from catchment.discussions.models import Post, Topic
from catchment.events.models import Event, EventKind
from catchment.library.models import Resource, ResourceKind

M = TypeVar("M")
PREFIX = "hub-"
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    members: int
    communities: int
    posts: int
    events: int
    resources: int


SCALES = {
    "xs": Scale(members=120, communities=4, posts=1_500, events=12, resources=60),
    "s": Scale(members=2_000, communities=50, posts=100_000, events=500, resources=5_000),
    "l": Scale(members=100_000, communities=1_000, posts=2_000_000, events=20_000, resources=100_000),
}

LANGUAGES = [("en", 0.55), ("es", 0.2), ("fr", 0.15), ("ru", 0.1)]
COUNTRIES = ["KE", "PE", "SE", "IN", "BR", "ZA", "VN", "MX", "NG", "KZ", "FR", "ES", "RU", "GH", "BO", "UZ"]
GROUPS = ["government", "ngo", "academia", "private", "community"]
THEMES = {
    "en": [
        "groundwater recharge",
        "river restoration",
        "drought early warning",
        "transboundary basins",
        "nature-based solutions",
        "water user associations",
        "multiple-use services",
        "flood risk",
    ],
    "es": [
        "recarga de acuíferos",
        "restauración de ríos",
        "alerta temprana de sequía",
        "cuencas transfronterizas",
        "soluciones basadas en la naturaleza",
        "juntas de usuarios",
        "servicios de usos múltiples",
    ],
    "fr": [
        "recharge des nappes",
        "restauration des rivières",
        "alerte précoce sécheresse",
        "bassins transfrontaliers",
        "solutions fondées sur la nature",
        "associations d'usagers",
        "services à usages multiples",
    ],
    "ru": [
        "пополнение подземных вод",
        "восстановление рек",
        "раннее оповещение о засухе",
        "трансграничные бассейны",
        "природные решения",
        "ассоциации водопользователей",
    ],
}
SENTENCES = {
    "en": (
        "We tried this in our basin last year and the results were mixed; "
        "the monitoring data helped convince the ministry."
    ),
    "es": (
        "Lo probamos en nuestra cuenca el año pasado con resultados desiguales; "
        "los datos de monitoreo convencieron al ministerio."
    ),
    "fr": (
        "Nous l'avons essayé dans notre bassin l'an dernier avec des résultats mitigés ; "
        "les données de suivi ont convaincu le ministère."
    ),
    "ru": (
        "Мы пробовали это в нашем бассейне в прошлом году с переменным успехом; "
        "данные мониторинга убедили министерство."
    ),
}


@dataclass(frozen=True)
class Hub:
    scale: str
    members: int
    communities: int
    topics: int
    posts: int
    events: int
    resources: int


def _zipf_picker(rng: random.Random, items: list[int], exponent: float = 1.0) -> Callable[[], int]:
    """Pick items with weight 1 / rank^exponent: a few very active, a long tail (the 90-9-1 shape)."""
    cumulative: list[float] = []
    total = 0.0
    for rank in range(len(items)):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)

    def pick() -> int:
        return rng.choices(items, cum_weights=cumulative)[0]

    return pick


def _batches(make: Callable[[int], M], count: int) -> Iterator[list[M]]:
    batch: list[M] = []
    for index in range(count):
        batch.append(make(index))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def existing(scale: str) -> Hub | None:
    """The hub generated before at this scale, if it is there (its marker community says which scale)."""
    marker = Community.objects.filter(slug=f"{PREFIX}0").values_list("summary", flat=True).first()
    if marker != f"scale {scale}":
        return None
    return count(scale)


def count(scale: str) -> Hub:
    communities = Community.objects.filter(slug__startswith=PREFIX)
    return Hub(
        scale=scale,
        members=User.objects.filter(username__startswith=PREFIX).count(),
        communities=communities.count(),
        topics=Topic.objects.filter(community__in=communities).count(),
        posts=Post.objects.filter(topic__community__in=communities).count(),
        events=Event.objects.filter(community__in=communities).count(),
        resources=Resource.objects.filter(title__startswith="Hub resource").count(),
    )


def generate(scale: str, seed: int = 8) -> Hub:
    """Write the hub of `scale` (see SCALES). Run it on an empty database, or one holding only this
    scale's hub (then it returns at once)."""
    found = existing(scale)
    if found is not None:
        return found
    size = SCALES[scale]
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    now = timezone.now()
    with transaction.atomic():
        people = _people(rng, size, now)
        communities = _communities(rng, size, people, now)
    with transaction.atomic():
        _discussions(rng, size, people, communities, now)
    with transaction.atomic():
        _events_and_library(rng, size, people, communities, now)
    with connection.cursor() as cursor:  # planner statistics, as autovacuum would gather after a bulk load
        cursor.execute("ANALYZE")
    return count(scale)


def _language(rng: random.Random) -> str:
    return rng.choices([code for code, _share in LANGUAGES], weights=[share for _code, share in LANGUAGES])[0]


def _people(rng: random.Random, size: Scale, now: datetime.datetime) -> list[int]:
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Hub organisation {n}", slug=f"{PREFIX}org-{n}", type=OrganisationType.NGO)
            for n in range(max(10, size.members // 50))
        ],
        batch_size=BATCH,
    )
    organisation_ids = [organisation.pk for organisation in organisations]
    for batch1 in _batches(
        lambda n: User(
            username=f"{PREFIX}{n}",
            email=f"{PREFIX}{n}@bench.example",
            display_name=f"Hub member {n}",
            password="!",  # noqa: S106 - unusable: these accounts never sign in by password
            date_joined=now - datetime.timedelta(days=rng.randint(1, 1500)),
        ),
        size.members,
    ):
        User.objects.bulk_create(batch1, batch_size=BATCH)
    ids = list(User.objects.filter(username__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))
    for batch2 in _batches(
        lambda n: Profile(
            user_id=ids[n],
            organisation_id=rng.choice(organisation_ids),
            country=rng.choice(COUNTRIES),
            stakeholder_group=rng.choice(GROUPS),
            bio=SENTENCES[_language(rng)],
        ),
        len(ids),
    ):
        Profile.objects.bulk_create(batch2, batch_size=BATCH)
    return ids


def _communities(rng: random.Random, size: Scale, people: list[int], now: datetime.datetime) -> list[int]:
    visibilities = [Visibility.PUBLIC] * 7 + [Visibility.PRIVATE] * 2 + [Visibility.SECRET]
    Community.objects.bulk_create(
        [
            Community(
                slug=f"{PREFIX}{n}",
                name=f"{THEMES['en'][n % len(THEMES['en'])].capitalize()} community {n}",
                summary=f"scale {scale_name(size)}" if n == 0 else "Practitioners share what works.",
                stage=Stage.LAUNCHED,
                visibility=Visibility.PUBLIC if n == 0 else rng.choice(visibilities),
            )
            for n in range(size.communities)
        ],
        batch_size=BATCH,
    )
    community_ids = list(
        Community.objects.filter(slug__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)
    )
    # community sizes follow a power law too: the largest has a third of the hub, most are small
    pick_person = _zipf_picker(rng, people, 0.8)
    with _dated(Membership):
        for rank, community in enumerate(community_ids):
            wanted = max(8, int(len(people) / 3 / (rank + 1) ** 0.9))
            chosen = {people[0]}
            while len(chosen) < min(wanted, len(people)):
                chosen.add(pick_person() if rng.random() < 0.5 else rng.choice(people))
            Membership.objects.bulk_create(
                [
                    Membership(
                        community_id=community,
                        user_id=person,
                        role=Role.CONVENOR if index == 0 else Role.MODERATOR if index < 3 else Role.MEMBER,
                        joined_at=now - datetime.timedelta(days=rng.randint(1, 900)),
                    )
                    for index, person in enumerate(sorted(chosen, key=lambda pk: pk != people[0]))
                ],
                batch_size=BATCH,
            )
            Community.objects.filter(pk=community).update(
                member_count=len(chosen)
            )  # bulk_create sends no signal
    return community_ids


def scale_name(size: Scale) -> str:
    return next(name for name, known in SCALES.items() if known == size)


def _discussions(
    rng: random.Random, size: Scale, people: list[int], communities: list[int], now: datetime.datetime
) -> None:
    """Topics with replies: posts per topic and topics per community both long-tailed; the 1 % of
    members who write most, the 9 % who write sometimes, the 90 % who mostly read."""
    # 90 % of members never post: the writers are a tenth of the hub, and within them a Zipf law makes the
    # top 1 % of the hub write most of what is written
    writers = _zipf_picker(rng, people[: max(5, len(people) // 10)], 1.1)
    pick_community = _zipf_picker(rng, communities, 0.9)
    topic_count = max(len(communities), size.posts // 12)
    span = int(datetime.timedelta(days=730).total_seconds())
    with _dated(Topic, Post):
        for batch3 in _batches(
            lambda n: Topic(
                community_id=pick_community(),
                title=f"{THEMES[(language := _language(rng))][n % len(THEMES[language])].capitalize()} ({n})",
                language=language,
                author_id=writers(),
                created_at=(started := now - datetime.timedelta(seconds=rng.randrange(span))),
                last_posted_at=started,
            ),
            topic_count,
        ):
            Topic.objects.bulk_create(batch3, batch_size=BATCH)
        topics = list(
            Topic.objects.filter(community_id__in=communities)
            .order_by("pk")
            .values_list("pk", "author_id", "created_at", "language")
        )
        pick_topic = _zipf_picker(rng, list(range(len(topics))), 0.7)
        replies_per_topic = [0] * len(topics)
        for _n in range(max(0, size.posts - len(topics))):
            replies_per_topic[pick_topic()] += 1

        def posts() -> Iterator[Post]:
            for index, (pk, author, started, language) in enumerate(topics):
                yield Post(
                    topic_id=pk, number=1, author_id=author, body=SENTENCES[language], created_at=started
                )
                moment = started
                for number in range(2, replies_per_topic[index] + 2):
                    step = datetime.timedelta(minutes=rng.randint(5, 60 * 48))
                    if (
                        moment + step >= now
                    ):  # a busy topic nears the present without piling up on one instant
                        step = (now - moment) * rng.uniform(0.001, 0.2)
                    moment = moment + step
                    yield Post(
                        topic_id=pk,
                        number=number,
                        author_id=writers(),
                        body=SENTENCES[language],
                        created_at=moment,
                    )

        stream = posts()
        while True:
            chunk = list(itertools.islice(stream, BATCH))
            if not chunk:
                break
            Post.objects.bulk_create(chunk, batch_size=BATCH)
    # the denormalised counters the topic list reads
    last = dict(
        Post.objects.filter(topic__community_id__in=communities)
        .values("topic_id")
        .annotate(last=Max("created_at"), total=Count("pk"))
        .values_list("topic_id", "last")
    )
    updates = [
        Topic(pk=pk, reply_count=replies_per_topic[index], last_posted_at=last.get(pk, started))
        for index, (pk, _author, started, _language) in enumerate(topics)
    ]
    Topic.objects.bulk_update(updates, ["reply_count", "last_posted_at"], batch_size=BATCH)


def _events_and_library(
    rng: random.Random, size: Scale, people: list[int], communities: list[int], now: datetime.datetime
) -> None:
    kinds = [kind for kind, _label in EventKind.choices]
    for batch4 in _batches(
        lambda n: Event(
            community_id=rng.choice(communities),
            kind=rng.choice(kinds),
            title=f"Webinar {n}: {THEMES['en'][n % len(THEMES['en'])]}",
            organiser_id=rng.choice(people[:50]),
            time_zone="UTC",
            starts_at=(start := now + datetime.timedelta(hours=rng.randint(-24 * 365, 24 * 180))),
            ends_at=start + datetime.timedelta(minutes=90),
        ),
        size.events,
    ):
        Event.objects.bulk_create(batch4, batch_size=BATCH)
    resource_kinds = [kind for kind, _label in ResourceKind.choices]
    for batch5 in _batches(
        lambda n: Resource(
            community_id=rng.choice(communities) if rng.random() < 0.7 else None,
            kind=rng.choice(resource_kinds),
            title=f"Hub resource {n}: {THEMES[(language := _language(rng))][n % len(THEMES[language])]}",
            language=language,
            url=f"https://example.org/resources/{n}",
            added_by_id=rng.choice(people[:200]),
        ),
        size.resources,
    ):
        Resource.objects.bulk_create(batch5, batch_size=BATCH)


def indexed() -> bool:
    """Whether the generated hub is in the search index (bulk inserts send no signal to index it)."""
    from catchment.search.models import SearchDocument

    return SearchDocument.objects.filter(kind="post", title__startswith=THEMES["en"][0].capitalize()).exists()


def index() -> int:
    """Put the generated hub into the search index the way catchment.search.services would, document by
    document, but in bulk: rows in batches, then the database's full-text structure filled in one pass
    (PostgreSQL's GIN index rebuilt after the vectors are written, which is many times faster)."""
    from django.urls import reverse

    from catchment.search.models import CONFIGS, Audience, SearchDocument

    if indexed():
        return 0
    communities = dict(Community.objects.filter(slug__startswith=PREFIX).values_list("pk", "slug"))
    secret = set(
        Community.objects.filter(slug__startswith=PREFIX, visibility=Visibility.SECRET).values_list(
            "pk", flat=True
        )
    )
    now = timezone.now()

    def topic_url(community_id: int, topic_id: int) -> str:
        return reverse("discussions:topic", kwargs={"slug": communities[community_id], "pk": topic_id})

    def documents() -> Iterator[SearchDocument]:
        for pk, name, username, bio, visibility in Profile.objects.filter(
            user__username__startswith=PREFIX
        ).values_list("pk", "user__display_name", "user__username", "bio", "visibility"):
            yield SearchDocument(
                kind="person",
                object_id=pk,
                title=name,
                body=bio,
                url=reverse("accounts:profile", kwargs={"username": username}),
                audience=Audience.PUBLIC if visibility == ProfileVisibility.PUBLIC else Audience.MEMBERS,
                updated_at=now,
            )
        for pk, name, summary in Community.objects.filter(pk__in=communities).values_list(
            "pk", "name", "summary"
        ):
            yield SearchDocument(
                kind="community",
                object_id=pk,
                title=name,
                body=summary,
                url=reverse("communities:detail", kwargs={"slug": communities[pk]}),
                community_id=pk if pk in secret else None,
                updated_at=now,
            )
        for pk, community_id, title, language, last in Topic.objects.filter(
            community_id__in=communities
        ).values_list("pk", "community_id", "title", "language", "last_posted_at"):
            yield SearchDocument(
                kind="topic",
                object_id=pk,
                title=title,
                body=SENTENCES[language],
                url=topic_url(community_id, pk),
                community_id=community_id,
                language=language,
                updated_at=last,
            )
        for pk, community_id, title, language in Resource.objects.filter(
            title__startswith="Hub resource"
        ).values_list("pk", "community_id", "title", "language"):
            yield SearchDocument(
                kind="resource",
                object_id=pk,
                title=title,
                url=reverse("library:detail", kwargs={"pk": pk}),
                community_id=community_id,
                language=language,
                audience=Audience.PUBLIC,
                updated_at=now,
            )

    written = 0
    with transaction.atomic():
        stream = documents()
        while chunk := list(itertools.islice(stream, BATCH)):
            SearchDocument.objects.bulk_create(chunk, batch_size=BATCH, ignore_conflicts=True)
            written += len(chunk)
        written += _index_replies()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (inside a test's transaction) before DDL
            cursor.execute("DROP INDEX IF EXISTS search_vector")
            fill = (
                "UPDATE search_searchdocument SET vector = setweight(to_tsvector(%s::regconfig, title), 'A') "
                "|| setweight(to_tsvector(%s::regconfig, body), 'B') WHERE vector IS NULL"
            )
            for language, config in CONFIGS.items():
                cursor.execute(fill + " AND language = %s", [config, config, language])
            cursor.execute(fill, ["simple", "simple"])  # every other language, as services._engine_write does
            cursor.execute("SET maintenance_work_mem = '1GB'")  # a GIN index builds far faster in memory
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS search_vector ON search_searchdocument USING gin (vector)"
            )
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("ANALYZE search_searchdocument")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, body) SELECT d.id, d.title, d.body "
                "FROM search_searchdocument d WHERE NOT EXISTS (SELECT 1 FROM search_fts f WHERE f.rowid = d.id)"
            )
    return written


def _index_replies() -> int:
    """The two million replies in one INSERT … SELECT: the same documents services.index_post writes (the
    topic's title, community and language; the address of the reply), built by the database."""
    from django.urls import reverse

    # the topic address with placeholders, split around them: the database concatenates the pieces
    pattern = reverse("discussions:topic", kwargs={"slug": "SLUGMARK", "pk": 987654321})
    before, rest = pattern.split("SLUGMARK")
    middle, after = rest.split("987654321")
    from catchment.search.models import CONFIGS

    vector_column, vector = "", ""
    if connection.vendor == "postgresql":  # the vector written with the row, not by a second pass over it
        config = "CASE t.language " + " ".join(
            f"WHEN '{code}' THEN '{name}'" for code, name in CONFIGS.items()
        )
        config += " ELSE 'simple' END::regconfig"
        vector_column = ", vector"
        vector = f", setweight(to_tsvector({config}, t.title), 'A') || setweight(to_tsvector({config}, p.body), 'B')"
    with connection.cursor() as cursor:
        cursor.execute(  # only our own constants (language codes, configuration names) are formatted in
            "INSERT INTO search_searchdocument "  # noqa: S608
            f"(kind, object_id, community_id, audience, language, title, body, url, updated_at{vector_column}) "
            "SELECT 'post', p.id, t.community_id, 'public', t.language, t.title, p.body, "
            "%s || c.slug || %s || CAST(t.id AS TEXT) || %s || '#post-' || CAST(p.number AS TEXT), p.created_at"
            f"{vector} "
            "FROM discussions_post p JOIN discussions_topic t ON t.id = p.topic_id "
            "JOIN communities_community c ON c.id = t.community_id "
            "WHERE c.slug LIKE %s AND p.number > 1 AND NOT EXISTS (SELECT 1 FROM search_searchdocument d "
            "WHERE d.kind = 'post' AND d.object_id = p.id)",
            [before, middle, after, f"{PREFIX}%"],
        )
        return int(cursor.rowcount)


def logged() -> bool:
    """Whether the generated hub's activity is in the interaction log that insights read."""
    from catchment.core.models import Interaction

    first = (
        Post.objects.filter(topic__community__slug=f"{PREFIX}0")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return first is None or Interaction.objects.filter(source=f"post:{first}").exists()


def log_interactions() -> int:
    """Write the interaction log entries the services write when people join, start topics and reply (the
    insights of every community are computed from it), in two INSERT … SELECT statements."""
    if logged():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_interaction "
            "(actor_id, verb, community_id, target_id, object_type, object_id, occurred_at, source) "
            "SELECT p.author_id, CASE WHEN p.number = 1 THEN 'topic' ELSE 'reply' END, t.community_id, "
            "CASE WHEN p.number = 1 THEN NULL ELSE t.author_id END, 'topic', t.id, p.created_at, "
            "'post:' || CAST(p.id AS TEXT) "
            "FROM discussions_post p JOIN discussions_topic t ON t.id = p.topic_id "
            "JOIN communities_community c ON c.id = t.community_id WHERE c.slug LIKE %s "
            "ON CONFLICT (source) DO NOTHING",  # what the services logged already (a check's own topic)
            [f"{PREFIX}%"],
        )
        posts = int(cursor.rowcount)
        cursor.execute(
            "INSERT INTO core_interaction (actor_id, verb, community_id, object_type, occurred_at, source) "
            "SELECT m.user_id, 'join', m.community_id, '', m.joined_at, 'join:' || CAST(m.id AS TEXT) "
            "FROM communities_membership m JOIN communities_community c ON c.id = m.community_id "
            "WHERE c.slug LIKE %s ON CONFLICT (source) DO NOTHING",
            [f"{PREFIX}%"],
        )
        return posts + int(cursor.rowcount)
