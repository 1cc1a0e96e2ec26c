"""Pages stay light: HTML plus the CSS and JavaScript they load, without images, well under 100 KB."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory

BUDGET = 100 * 1024
PAGES = [
    "/",
    "/members/",
    "/organisations/",
    "/organisations/big/",
    "/members/target/",
    "/me/profile/",
    "/me/data/",
    "/me/delete/",
    "/accounts/login/",
    "/accounts/signup/",
]


def asset_bytes(html: str) -> int:
    total = 0
    for path in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        found = finders.find(path)
        assert found, f"missing static file {path}"
        with open(found, "rb") as handle:
            total += len(handle.read())
    return total


@pytest.mark.parametrize("url", PAGES)
def test_page_with_its_css_and_js_is_under_budget(client, db, url):
    organisation = OrganisationFactory(slug="big")
    ProfileFactory(user__username="target", organisation=organisation)
    for _ in range(30):
        ProfileFactory(organisation=organisation, bio="A" * 500)
    if not url.startswith("/accounts/"):
        client.force_login(ProfileFactory().user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) + asset_bytes(html) < BUDGET
    # Nothing is loaded from another host (no CDN, no web fonts, no trackers).
    assert not re.search(r'<(?:script|img|iframe)[^>]+src="(?:https?:)?//', html)
    assert not re.search(r'<link[^>]+href="(?:https?:)?//', html)


COMMUNITY_PAGES = [
    "/communities/",
    "/communities/big/",
    "/communities/big/charter/",
    "/communities/big/activities/",
    "/communities/big/resources/",
    "/communities/big/follow-up/",
    "/communities/big/consultation/",
    "/communities/big/invitations/",
    "/communities/big/settings/",
]


@pytest.mark.parametrize("url", COMMUNITY_PAGES)
def test_community_pages_with_full_plans_are_under_budget(client, db, url):
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import (
        FULL_CHARTER,
        ActivityFactory,
        CharterVersionFactory,
        CommunityFactory,
        MembershipFactory,
        MilestoneFactory,
        ResourceCommitmentFactory,
    )

    community = CommunityFactory(slug="big", description="D" * 3000)
    CommunityFactory.create_batch(24)
    CharterVersionFactory(community=community, **FULL_CHARTER)
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    for _ in range(40):
        owner = MembershipFactory(community=community, role=Role.CORE).user
        ActivityFactory(community=community, owner=owner)
        MilestoneFactory(community=community, owner=owner)
        ResourceCommitmentFactory(community=community, person=owner)
    client.force_login(convenor)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) + asset_bytes(html) < BUDGET, len(response.content)


@pytest.mark.parametrize("url", ["/communities/talk/topics/", "/communities/talk/topics/{pk}/"])
def test_discussion_pages_with_a_full_page_of_posts_are_under_budget(client, db, url):
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.discussions import services

    community = CommunityFactory(slug="talk")
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    topic = services.topic_create(
        actor=moderator, community=community, kind="question", title="T" * 120, body="B" * 1000, language="en"
    )
    for n in range(40):
        services.post_reply(actor=moderator, topic=topic, body=f"Reply {n} " + "word " * 200)
        services.topic_create(
            actor=moderator,
            community=community,
            kind="discussion",
            title=f"Topic {n} " + "t" * 100,
            body="x",
            language="en",
        )
    client.force_login(moderator)
    response = client.get(url.format(pk=topic.pk))
    assert response.status_code == 200
    assert len(response.content) + asset_bytes(response.content.decode()) < BUDGET, len(response.content)


@pytest.mark.parametrize(
    "url", ["/messages/", "/messages/{pk}/", "/newsletters/{newsletter}/", "/newsletters/new/"]
)
def test_message_and_newsletter_pages_with_full_pages_are_under_budget(client, db, url):
    import datetime

    from django.utils import timezone

    from catchment.accounts.tests.factories import UserFactory
    from catchment.conversations import services as conversations
    from catchment.newsletters import services as newsletters

    old = timezone.now() - datetime.timedelta(days=30)
    reader = UserFactory(is_staff=True, date_joined=old)
    others = [UserFactory(date_joined=old) for _ in range(9)]
    conversation = conversations.conversation_start(
        actor=reader, recipients=others, subject="S" * 150, body="First " + "word " * 200
    )
    for n in range(45):
        conversations.message_send(actor=others[n % 9], conversation=conversation, body="word " * 200)
        conversations.conversation_start(
            actor=others[n % 9], recipients=[reader], subject="T" * 150, body="x"
        )
    body = "\n\n".join(f"## Section {n}\n\n" + "word " * 300 for n in range(8))
    newsletter = newsletters.newsletter_create(
        actor=reader,
        community=None,
        draft=newsletters.Draft(
            default_language="en", editions=dict.fromkeys(["en", "es", "fr", "ru"], ("S" * 150, body))
        ),
    )
    client.force_login(reader)
    response = client.get(url.format(pk=conversation.pk, newsletter=newsletter.pk))
    assert response.status_code == 200
    assert len(response.content) + asset_bytes(response.content.decode()) < BUDGET, len(response.content)


@pytest.mark.parametrize(
    "url",
    [
        "/library/",
        "/events/",
        "/events/{pk}/",
        "/events/{pk}/registrations/",
        "/events/{pk}/cafe/",
        "/events/{pk}/cafe/synthesis/",
    ],
)
def test_library_and_event_pages_with_full_lists_are_under_budget(client, db, url):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from catchment.accounts.tests.factories import UserFactory
    from catchment.events import services as events
    from catchment.library import services as library

    team = UserFactory(is_staff=True)
    for n in range(30):
        library.resource_create(
            actor=team,
            community=None,
            data=library.ResourceData(
                kind="document",
                title=f"Resource {n} " + "t" * 150,
                language="en",
                summary="s" * 1000,
                authors="a" * 200,
            ),
            upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF"),
        )
    starts = datetime.datetime(2031, 6, 10, 10, 0)
    cafe = None
    for n in range(25):
        cafe = events.event_create(
            actor=team,
            community=None,
            data=events.EventData(
                kind="world_cafe",
                title=f"Event {n} " + "t" * 150,
                summary="s" * 3000,
                agenda="a" * 3000,
                time_zone="Europe/Stockholm",
                starts=starts,
                ends=starts + datetime.timedelta(hours=2),
                venue="v" * 200,
                languages=["en", "es", "fr", "ru"],
            ),
        )
    people = [UserFactory(display_name="P" * 40) for _ in range(48)]
    for person in people:
        events.register(actor=person, event=cafe, language="en")
    events.cafe_setup(
        actor=team,
        event=cafe,
        setup=events.CafeSetup(
            purpose="p" * 2000,
            mode="online",
            rounds=4,
            round_minutes=20,
            table_size=6,
            questions=["q" * 300] * 4,
            tables=[(f"Table {n}", None, "https://meet.example.org/" + "r" * 60) for n in range(8)],
        ),
    )
    events.cafe_seat(actor=team, event=cafe)
    for table in cafe.cafe.tables.all():
        for round_no in range(1, 5):
            events.harvest_save(
                actor=team, event=cafe, table=table, round_no=round_no, notes="n" * 300, insights="i" * 200
            )
    client.force_login(team)
    response = client.get(url.format(pk=cafe.pk))
    assert response.status_code == 200
    assert len(response.content) + asset_bytes(response.content.decode()) < BUDGET, len(response.content)


@pytest.mark.parametrize(
    "url", ["/communities/big/insights/", "/communities/big/insights/network/", "/insights/"]
)
def test_insights_pages_of_a_large_community_are_under_budget(client, db, url):
    import random

    from catchment.accounts.tests.factories import UserFactory
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.core import interactions
    from catchment.core.models import Verb
    from catchment.insights import services

    community = CommunityFactory(slug="big")
    CommunityFactory.create_batch(40)
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    people = [MembershipFactory(community=community, user__display_name="N" * 30).user for _ in range(150)]
    rng = random.Random(1)
    interactions.record_many(
        [
            interactions.Entry(a.pk, Verb.REPLY, f"w{n}", community.pk, rng.choice(people).pk, "topic", 1)
            for n, a in enumerate(rng.choices(people, k=1500))
        ]
    )
    services.compute_community(community)
    services.compute_hub()
    client.force_login(UserFactory(is_staff=True) if url == "/insights/" else convenor)
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) + asset_bytes(response.content.decode()) < BUDGET, len(response.content)


@pytest.mark.parametrize("page", ["answer", "results"])
def test_survey_pages_of_a_large_audience_are_under_budget(client, db, page):
    import random

    from catchment.accounts.tests.factories import OrganisationFactory
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.insights import surveys

    community = CommunityFactory(slug="big", stage="design")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    people = [MembershipFactory(community=community, user__display_name="N" * 30).user for _ in range(450)]
    OrganisationFactory.create_batch(450, name=factory_name())
    survey = surveys.survey_save(
        actor=convenor,
        community=community,
        data=surveys.SurveyData(
            topic="drought", channels=[value for value, _label in surveys.Channel.choices]
        ),
    )
    surveys.survey_set_status(actor=convenor, survey=survey, status="open")
    rng = random.Random(3)
    for person in people[:120]:
        contacts = [
            surveys.ContactData(other.display_name + str(other.pk), rng.sample(survey.channel_list, 2))
            for other in rng.sample(people, 8)
        ]
        surveys.answer_save(
            actor=person, survey=survey, data=surveys.AnswerData(contacts=contacts, named=True, consent=True)
        )
    surveys.compute_survey(survey)
    client.force_login(people[300] if page == "answer" else convenor)
    url = f"/communities/big/surveys/{survey.pk}/" + ("results/" if page == "results" else "")
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) + asset_bytes(response.content.decode()) < BUDGET, len(response.content)


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"Organisation for water number {n}")


API_PAGES = [
    "/api/v1/docs/",
    "/settings/api-tokens/",
    "/communities/rivers/webhooks/",
    "/communities/rivers/webhooks/{pk}/",
]


@pytest.mark.parametrize("url", API_PAGES)
def test_api_guide_tokens_and_webhook_pages_are_under_budget(client, db, url, settings):
    from django.utils import timezone

    from catchment.api import services as tokens
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.webhooks import services as webhooks
    from catchment.webhooks.models import Delivery

    convenor = ProfileFactory().user
    community = CommunityFactory(slug="rivers")
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    for number in range(50):
        tokens.token_create(actor=convenor, name=f"Token {number} " + "x" * 80, scope="read")
    endpoint = webhooks.endpoint_create(
        actor=convenor,
        community=community,
        url="https://partner.example.org/" + "p" * 200,
        events=["member.joined"],
    )
    Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            event="member.joined",
            event_id=f"e{number}",
            payload={},
            status="retrying",
            attempts=3,
            last_status_code=503,
            last_error="The receiver answered 503. " * 10,
            next_attempt_at=timezone.now(),
        )
        for number in range(25)
    )
    client.force_login(convenor)
    response = client.get(url.format(pk=endpoint.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) + asset_bytes(html) < BUDGET
