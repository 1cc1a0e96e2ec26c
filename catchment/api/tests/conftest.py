"""A small hub for API tests: a public open community, a private one and a secret one, each with a convenor
and a member; an event, topics and a private resource; and a way to make tokens."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from catchment.accounts.models import User
from catchment.accounts.tests.factories import ProfileFactory
from catchment.api import services as token_services
from catchment.communities.models import Community, Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions import services as discussions
from catchment.discussions.models import Topic
from catchment.events import services as events
from catchment.events.models import Event
from catchment.events.services import EventData
from catchment.library import services as library
from catchment.library.models import Resource
from catchment.library.services import ResourceData

SENTINEL = "SENTINEL-private-7Q2"


@dataclass
class Hub:
    public: Community
    private: Community
    secret: Community
    convenor: User
    member: User
    private_member: User
    outsider: User
    staff: User
    event: Event
    private_event: Event
    topic: Topic
    private_topic: Topic
    private_resource: Resource


def _person(name, **extra):
    return ProfileFactory(user__display_name=name, **{f"user__{k}": v for k, v in extra.items()}).user


@pytest.fixture
def hub(db):
    convenor = _person("Cleo Convenor")
    member = _person("Mia Member")
    private_member = _person("Pia Private")
    outsider = _person("Otto Outsider")
    staff = _person("Sam Staff", is_staff=True)
    public = CommunityFactory(
        slug="rivers", name="River Restoration", visibility="public", join_policy="open"
    )
    private = CommunityFactory(
        slug="cwp", name="Country partnerships", visibility="private", join_policy="approval"
    )
    secret = CommunityFactory(
        slug="board", name=f"Board {SENTINEL}", visibility="secret", join_policy="invitation"
    )
    for community in (public, private, secret):
        MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    MembershipFactory(community=public, user=member)
    MembershipFactory(community=private, user=private_member)
    starts = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0, second=0, minute=0)
    starts_local = starts.astimezone(datetime.UTC).replace(tzinfo=None)

    def webinar(title: str) -> EventData:
        return EventData(
            kind="webinar",
            title=title,
            time_zone="UTC",
            starts=starts_local,
            ends=starts_local + datetime.timedelta(hours=1),
            languages=["en", "fr"],
            join_url="https://meet.example.org/launch",
            capacity=2,
        )

    event = events.event_create(
        actor=convenor, community=public, data=webinar("Nature-based solutions webinar")
    )
    private_event = events.event_create(
        actor=convenor, community=private, data=webinar(f"Closed call {SENTINEL}")
    )
    topic = discussions.topic_create(
        actor=convenor,
        community=public,
        kind="discussion",
        title="Floodplain reconnection",
        body="Who has tried it?",
        language="en",
    )
    private_topic = discussions.topic_create(
        actor=convenor,
        community=private,
        kind="discussion",
        title=f"Budget {SENTINEL}",
        body=f"Draft {SENTINEL}",
        language="en",
    )
    private_resource = library.resource_create(
        actor=convenor,
        community=private,
        data=ResourceData(
            kind="link", title=f"Draft findings {SENTINEL}", language="en", url="https://example.org/draft"
        ),
    )
    return Hub(
        public,
        private,
        secret,
        convenor,
        member,
        private_member,
        outsider,
        staff,
        event,
        private_event,
        topic,
        private_topic,
        private_resource,
    )


def token_for(user: User, scope: str = "write", community: Community | None = None) -> str:
    _token, secret = token_services.token_create(
        actor=user, name=f"{scope} token", scope=scope, community=community
    )
    return secret


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api() -> APIClient:
    return APIClient()
