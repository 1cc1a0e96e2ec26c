"""Every list of the API runs the same number of SQL queries whatever the amount of data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catchment.accounts.tests.factories import ProfileFactory, ThemeFactory
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions import services as discussions
from catchment.library import services as library
from catchment.library.services import ResourceData
from catchment.notifications.models import Notification

from .conftest import bearer, token_for

URLS = [
    "/api/v1/communities/",
    "/api/v1/communities/rivers/",
    "/api/v1/communities/rivers/members/",
    "/api/v1/communities/rivers/topics/",
    "/api/v1/communities/rivers/topics/{topic}/posts/",
    "/api/v1/events/",
    "/api/v1/events/{event}/",
    "/api/v1/resources/",
    "/api/v1/people/",
    "/api/v1/notifications/",
    "/api/v1/communities/rivers/webhooks/",
]


def grow(hub, count):
    theme = ThemeFactory(slug=f"grow-{count}")
    for number in range(count):
        person = ProfileFactory().user
        person.profile.themes.add(theme)
        MembershipFactory(community=hub.public, user=person)
        CommunityFactory(slug=f"grown-{count}-{number}").themes.add(theme)
        discussions.post_reply(actor=person, topic=hub.topic, body=f"Reply {number}")
        discussions.topic_create(
            actor=person,
            community=hub.public,
            kind="discussion",
            title=f"T {number}",
            body="B",
            language="en",
        )
        library.resource_create(
            actor=hub.convenor,
            community=hub.public,
            data=ResourceData(
                kind="link", title=f"R {number}", language="en", url="https://example.org/r", themes=[theme]
            ),
        )
        Notification.objects.create(recipient=hub.convenor, kind="reply", actor=person, topic=hub.topic)


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


@pytest.mark.parametrize("url", URLS)
def test_api_lists_run_a_constant_number_of_queries(hub, url):
    client = bearer(token_for(hub.convenor, "admin", hub.public))
    url = url.format(topic=hub.topic.pk, event=hub.event.pk)
    grow(hub, 2)
    count(client, url)  # the token's first use stamps last_used_at
    small = count(client, url)
    grow(hub, 12)
    large = count(client, url)
    assert small == large
    assert large <= 14
