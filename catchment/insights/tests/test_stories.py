"""Value creation: stories across the cycles, follow-ups, indicators computed from the log, the matrix."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from catchment.accounts.tests.factories import UserFactory
from catchment.communities.models import Milestone, Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.core import interactions
from catchment.core.models import Verb
from catchment.insights import selectors, stories
from catchment.insights.models import Indicator, Observation
from catchment.insights.stories import StepData, StoryData


@pytest.fixture
def cop(db):
    community = CommunityFactory(slug="cop")
    teller = MembershipFactory(community=community).user
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    return community, teller, moderator


def tell(teller, community, steps, **extra):
    extra.setdefault("title", "The rota that kept latrines clean")
    return stories.story_save(actor=teller, community=community, data=StoryData(steps=steps, **extra))


def test_a_story_across_cycles_with_a_hope_gets_follow_ups_in_the_plan(cop):
    community, teller, _moderator = cop
    story, warnings = tell(
        teller,
        community,
        {
            1: StepData("A webinar on school sanitation."),
            2: StepData("A rota template and two contacts.", capitals=["tangible", "social"]),
            3: StepData("We will try the rota next term.", is_aspirational=True),
        },
    )
    assert [step.cycle for step in story.steps.all()] == [1, 2, 3]
    assert warnings == []
    due = sorted(Milestone.objects.filter(community=community).values_list("due_on", flat=True))
    today = timezone.localdate()
    assert len(due) == 3 and due[0] > today  # +1, +3 and +6 months


def test_stories_obey_the_rules_of_the_framework(cop):
    community, teller, moderator = cop
    with pytest.raises(stories.StoryError, match="only when its teller agrees"):
        tell(teller, community, {1: StepData("x")}, status="published", consent_publish=False)
    with pytest.raises(stories.StoryError, match="potential-value step only"):
        tell(teller, community, {3: StepData("x", capitals=["human"])})
    with pytest.raises(stories.StoryError, match="at least one step"):
        tell(teller, community, {1: StepData("   ")})
    with pytest.raises(stories.StoryError, match="moderators verify"):
        tell(teller, community, {1: StepData("x")}, status="verified")
    _story, warnings = tell(teller, community, {1: StepData("x"), 4: StepData("y")})
    assert warnings and "applied value" in warnings[0]
    with pytest.raises(PermissionDenied):
        tell(UserFactory(), community, {1: StepData("x")})
    tell(moderator, community, {1: StepData("x")}, status="verified")


def test_the_matrix_counts_stories_per_cycle_and_the_flow(cop):
    community, _teller, moderator = cop
    for cycles in ({1, 2}, {1, 2, 3}, {2, 3, 4}):  # fixture VC6
        tell(moderator, community, {cycle: StepData(f"step {cycle}") for cycle in cycles}, status="verified")
    rows, flows, told = selectors.value_matrix(community)
    assert told == 3
    assert [row.verified for row in rows] == [2, 3, 2, 1, 0]
    assert flows[(1, 2)] == 2 and flows[(2, 3)] == 2 and flows[(3, 4)] == 1 and flows[(4, 5)] == 0


def test_indicators_are_seeded_once_and_computed_from_the_log(cop):
    community, teller, moderator = cop
    assert stories.indicators_seed(actor=moderator, community=community) > 10
    assert stories.indicators_seed(actor=moderator, community=community) == 0
    with pytest.raises(PermissionDenied):
        stories.indicators_seed(actor=teller, community=community)
    last_month = timezone.now().replace(day=1) - datetime.timedelta(days=10)
    people = [UserFactory() for _ in range(5)]
    for event, attendees in (
        (1, people[:3]),
        (2, people[2:4]),
        (3, [people[0], people[2], people[3], people[4]]),
    ):
        interactions.record_many(
            [
                interactions.Entry(
                    p.pk,
                    Verb.ATTEND,
                    f"t-attend:{event}:{p.pk}",
                    community.pk,
                    None,
                    "event",
                    event,
                    last_month,
                )
                for p in attendees
            ]
        )
    assert stories.record_automatic(community, timezone.now()) >= 1
    participants = Indicator.objects.get(community=community, query_key="distinct_participants")
    assert Observation.objects.get(indicator=participants).value == Decimal(5)  # fixture VC8
    stories.record_automatic(community, timezone.now())
    assert (
        Observation.objects.filter(indicator=participants).count() == 1
    )  # the month is replaced, not doubled


def test_observations_by_hand_need_a_period_and_a_value(cop):
    community, _teller, moderator = cop
    indicator = stories.indicator_save(
        actor=moderator,
        community=community,
        cycle=3,
        name="Practices changed",
        definition="",
        data_source="survey",
    )
    today = timezone.localdate()
    with pytest.raises(stories.StoryError, match="end after it starts"):
        stories.observation_add(
            actor=moderator,
            indicator=indicator,
            period_start=today,
            period_end=today - datetime.timedelta(days=1),
            amount=Decimal(1),
        )
    with pytest.raises(stories.StoryError, match="value or a note"):
        stories.observation_add(
            actor=moderator, indicator=indicator, period_start=today, period_end=today, amount=None
        )
    stories.observation_add(
        actor=moderator,
        indicator=indicator,
        period_start=today,
        period_end=today,
        amount=Decimal("0.4"),
        sample=30,
    )


def test_who_reads_which_story_through_the_pages(client, cop):
    community, teller, moderator = cop
    draft, _ = tell(teller, community, {1: StepData("DRAFT-WORDS")})
    published, _ = tell(
        teller,
        community,
        {1: StepData("PUBLIC-WORDS")},
        title="Shared",
        status="published",
        consent_publish=True,
    )
    reader = MembershipFactory(community=community).user
    client.force_login(reader)
    assert client.get(f"/communities/cop/value/stories/{draft.pk}/").status_code == 404
    assert "PUBLIC-WORDS" in client.get(f"/communities/cop/value/stories/{published.pk}/").content.decode()
    listing = client.get("/communities/cop/value/stories/").content.decode()
    assert "Shared" in listing and "The rota that kept" not in listing
    assert client.get("/communities/cop/value/").status_code == 404
    client.force_login(teller)
    assert client.get(f"/communities/cop/value/stories/{draft.pk}/edit/").status_code == 200
    client.force_login(moderator)
    matrix = client.get("/communities/cop/value/").content.decode()
    assert "The value-creation matrix" in matrix
    assert client.get("/communities/cop/value.csv").status_code == 200
    response = client.post(
        "/communities/cop/value/stories/new/",
        {
            "title": "From the page",
            "status": "draft",
            "narrative_2": "A toolkit",
            "capitals": ["tangible"],
            "narrative_3": "Used it",
            "aspirational_3": "on",
        },
    )
    assert response.status_code == 302
    assert (
        client.post("/communities/cop/value/stories/new/", {"title": "", "status": "draft"}).status_code
        == 400
    )


def test_an_anonymous_story_never_shows_its_teller(client, cop):
    community, teller, _moderator = cop
    teller.display_name = "TELLER-NAME"
    teller.save()
    story, _ = tell(
        teller,
        community,
        {1: StepData("x")},
        title="Anon",
        status="published",
        consent_publish=True,
        anonymise=True,
    )
    client.force_login(MembershipFactory(community=community).user)
    assert "TELLER-NAME" not in client.get("/communities/cop/value/stories/").content.decode()
    assert "TELLER-NAME" not in client.get(f"/communities/cop/value/stories/{story.pk}/").content.decode()
