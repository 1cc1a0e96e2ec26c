"""Demo activity that makes the insights meaningful: three months of conversation in a few communities,
with the shape real communities have (a few very active people, a long tail, some who only read), then
the interaction log filled from it and every community's insights computed."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catchment.accounts.models import User
from catchment.communities.models import Community, Membership, MembershipStatus, Stage
from catchment.core import interactions
from catchment.core.models import Interaction, Verb
from catchment.discussions.models import Post, Topic
from catchment.insights import surveys, value
from catchment.insights.backfill import backfill
from catchment.insights.models import Indicator, Story, StoryStep
from catchment.insights.services import compute_all

LINES = [
    "We tried this in our basin last year; happy to share the terms of reference.",
    "Could you say more about how you involved the water user associations?",
    "Our ministry asked the same question: the answer was a joint monitoring committee.",
    "Thanks, this is useful for our next partnership meeting.",
    "+1, and the gender dimension deserves its own session.",
    "We documented it as a case study; I will add it to the library.",
]


@transaction.atomic
def load_demo_activity(communities: int = 4) -> int:
    """Add about three months of replies to the first few running communities (once), fill the log and
    compute the insights; returns how many replies were added."""
    if Interaction.objects.filter(source__startswith="demo-visit:").exists():
        return 0
    rng = random.Random(90)  # noqa: S311 - demo data, not security
    now = timezone.now()
    added = 0
    everyone = list(
        User.objects.filter(is_active=True, email__endswith="@demo.catchment.example").values_list(
            "pk", flat=True
        )
    )
    for community in Community.objects.filter(stage=Stage.LAUNCHED).order_by("pk")[:communities]:
        # A community with a real periphery: grow it to about 70 members, joined over the past year.
        present = set(Membership.objects.filter(community=community).values_list("user_id", flat=True))
        newcomers = [pk for pk in rng.sample(everyone, min(len(everyone), 90)) if pk not in present][
            : max(0, 70 - len(present))
        ]
        Membership.objects.bulk_create([Membership(community=community, user_id=pk) for pk in newcomers])
        for pk in newcomers:
            Membership.objects.filter(community=community, user_id=pk).update(
                joined_at=now - datetime.timedelta(days=rng.randint(5, 365))
            )
        people = list(
            Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
            .order_by("joined_at", "pk")
            .values_list("user_id", flat=True)
        )
        topics = list(Topic.objects.filter(community=community).order_by("pk"))
        # The demo conversations start three months back, so that the weeks have something to show.
        for index, topic in enumerate(topics):
            started = now - datetime.timedelta(days=95 - index * 7)
            Topic.objects.filter(pk=topic.pk).update(created_at=started)
            Post.objects.filter(topic=topic).update(created_at=started)
            topic.created_at = started
        if len(people) < 6 or not topics:
            continue
        # Participation inequality: a few people write most replies, many write one or none; who they are
        # does not follow their role.
        rng.shuffle(people)
        weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(people))]
        readers = people[len(people) // 2 :]
        for day in range(90, 0, -1):
            moment = now - datetime.timedelta(days=day, hours=rng.randint(0, 10))
            open_topics = [topic for topic in topics if topic.created_at < moment]
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4]) if open_topics else 0):
                topic = rng.choice(open_topics)
                author = rng.choices(people, weights=weights)[0]
                earlier = list(Post.objects.filter(topic=topic).order_by("-number")[:5])
                number = (Post.objects.filter(topic=topic).aggregate(n=Max("number"))["n"] or 0) + 1
                post = Post.objects.create(
                    topic=topic,
                    number=number,
                    author_id=author,
                    body=rng.choice(LINES),
                    reply_to=rng.choice(earlier) if earlier and rng.random() < 0.6 else None,
                )
                Post.objects.filter(pk=post.pk).update(created_at=moment)
                Topic.objects.filter(pk=topic.pk).update(last_posted_at=moment, reply_count=number - 1)
                added += 1
        # Readers sign in now and then without writing: the periphery.
        interactions.record_many(
            [
                interactions.Entry(
                    actor_id=reader,
                    verb=Verb.VISIT,
                    source=f"demo-visit:{reader}:{day}",
                    occurred_at=now - datetime.timedelta(days=day),
                )
                for reader in readers
                for day in rng.sample(range(1, 90), 4)
            ]
        )
    backfill()
    _value_stories(rng)
    _connection_surveys(rng)
    compute_all()
    return added


STORIES = [
    (
        "A rota that keeps school latrines clean",
        "published",
        {
            1: ("The monthly webinar on school sanitation, with three districts presenting.", False),
            2: ("A rota template, and two head teachers I could call.", False),
            3: ("Our schools adopted the rota with the pupils themselves.", False),
            4: ("Absences for illness fell in the two pilot schools.", True),
        },
    ),
    (
        "From a World Café table to a basin agreement",
        "verified",
        {
            1: ("A table with a ministry official and two farmer groups.", False),
            2: ("We understood each other's data, and agreed to share it.", False),
            3: ("A joint monitoring committee now meets every quarter.", False),
        },
    ),
    (
        "Reading the drought early-warning bulletin differently",
        "aspirational",
        {
            2: ("The library's toolkit on drought indices.", False),
            3: ("We plan to use it in the next season's plan.", True),
        },
    ),
    (
        "What counts as success for our partnership",
        "published",
        {
            4: ("Funding renewed after we showed three case studies.", False),
            5: ("We now count decisions influenced, not meetings held.", False),
        },
    ),
]


def _value_stories(rng: random.Random) -> None:
    """Indicators from the catalogue and a few stories in the first communities, so the matrix has both."""
    for community in Community.objects.filter(stage=Stage.LAUNCHED).order_by("pk")[:2]:
        Indicator.objects.bulk_create(
            [
                Indicator(
                    community=community,
                    cycle=int(seed.cycle),
                    name=seed.name,
                    definition=seed.definition,
                    data_source=str(seed.data_source),
                    query_key=seed.query_key,
                )
                for seed in value.SEED_INDICATORS
            ],
            ignore_conflicts=True,
        )
        tellers = list(
            Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).values_list(
                "user_id", flat=True
            )
        )
        for title, status, steps in STORIES:
            story = Story.objects.create(
                community=community,
                teller_id=rng.choice(tellers),
                title=title,
                status=status,
                consent_publish=status in {"published", "verified"},
            )
            StoryStep.objects.bulk_create(
                [
                    StoryStep(
                        story=story,
                        cycle=cycle,
                        narrative=text,
                        is_aspirational=hoped,
                        capitals="tangible,social" if cycle == 2 else "",
                    )
                    for cycle, (text, hoped) in steps.items()
                ]
            )


OUTSIDERS = [
    ("Nguyen Van Minh", "Southern Institute of Water Resources Research"),
    ("Tran Thi Lan", "Can Tho University"),
    ("Le Hoang Nam", "Provincial Department of Agriculture"),
    ("Pham Thu Ha", "Mekong River Commission"),
    ("Vo Quoc Bao", "Farmers' Union, Ben Tre"),
    ("Dang Minh Chau", "Provincial Department of Agriculture"),
    ("Sok Pisey", "Ministry of Water Resources and Meteorology"),
    ("Somchai Phan", "Mekong River Commission"),
]
# How the delta's practitioners reach each other: messaging and meetings first, LinkedIn rarely.
CHANNEL_WEIGHTS = {
    "email": 5,
    "messaging": 6,
    "meetings": 5,
    "calls": 3,
    "national_platform": 2,
    "linkedin": 1,
}


def _connection_surveys(rng: random.Random) -> None:
    """A closed pre-launch survey in a community being designed (analysed, with outsiders everyone turns
    to), and an open one in another, waiting for answers."""
    specs = [
        ("mekong-delta-salinity", "salinity intrusion and delta farming", 32, True),
        ("sahel-early-warning", "drought early-warning bulletins", 4, False),
    ]
    everyone = list(
        User.objects.filter(is_active=True, email__endswith="@demo.catchment.example").order_by("pk")
    )
    for slug, topic, answers, close in specs:
        community = Community.objects.filter(slug=slug).first()
        convenor = (
            Membership.objects.filter(community=community, role="convenor").select_related("user").first()
            if community
            else None
        )
        if community is None or convenor is None:
            continue
        survey = surveys.survey_save(
            actor=convenor.user,
            community=community,
            data=surveys.SurveyData(
                topic=topic,
                channels=[*CHANNEL_WEIGHTS, "other"],
                introduction="Before we launch, we want to start from the connections you already have. "
                "It takes five minutes; you can change or withdraw your answers at any time.",
            ),
        )
        surveys.survey_set_status(actor=convenor.user, survey=survey, status="open")
        members = set(
            Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).values_list(
                "user_id", flat=True
            )
        )
        audience = [user for user in everyone if user.pk in members or community.visibility == "public"]
        respondents = rng.sample(audience, min(answers, len(audience)))
        hubs = rng.sample(audience, min(4, len(audience)))  # a few people many turn to
        org_of = dict(
            User.objects.filter(pk__in=[user.pk for user in audience]).values_list(
                "pk", "profile__organisation__name"
            )
        )
        channels, weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
        for respondent in respondents:
            named: dict[str, surveys.ContactData] = {}
            choices = (
                [
                    (user.display_name, org_of.get(user.pk) or "")
                    for user in rng.sample(hubs, rng.randint(0, 2))
                ]
                + [
                    (user.display_name, org_of.get(user.pk) or "")
                    for user in rng.sample(audience, rng.randint(0, 3))
                ]
                + rng.sample(OUTSIDERS, rng.randint(0, 3))
            )
            for name, organisation in choices:
                if name == respondent.display_name or name.casefold() in named:
                    continue
                used = sorted(set(rng.choices(channels, weights=weights, k=rng.randint(1, 2))))
                named[name.casefold()] = surveys.ContactData(name, used, organisation, rng.randint(1, 5))
            surveys.answer_save(
                actor=respondent,
                survey=survey,
                data=surveys.AnswerData(
                    contacts=list(named.values()), named=rng.random() < 0.6, consent=True
                ),
            )
        if close:
            surveys.survey_set_status(actor=convenor.user, survey=survey, status="closed")
