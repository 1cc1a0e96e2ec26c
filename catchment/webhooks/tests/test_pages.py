"""The convenor's webhooks pages: add, read the secret, test, pause, rotate, remove; nobody else gets in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catchment.accounts.tests.factories import ProfileFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.webhooks.models import Delivery, Endpoint


@pytest.fixture
def convenor_client(client, db, settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    community = CommunityFactory(slug="rivers")
    convenor = ProfileFactory().user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    client.force_login(convenor)
    return client, community


def test_a_convenor_adds_a_webhook_and_sees_its_secret(convenor_client):
    client, community = convenor_client
    page = client.get(reverse("webhooks:list", args=["rivers"]))
    assert page.status_code == 200
    response = client.post(
        reverse("webhooks:list", args=["rivers"]),
        {
            "url": "https://crm.example.org/hooks",
            "events": ["member.joined", "event.registration"],
            "description": "CRM",
        },
    )
    endpoint = Endpoint.objects.get(community=community)
    assert response.status_code == 302 and response["Location"] == reverse(
        "webhooks:detail", args=["rivers", endpoint.pk]
    )
    detail = client.get(response["Location"]).content.decode()
    assert endpoint.secret in detail and "https://crm.example.org/hooks" in detail


def test_a_private_address_is_refused_on_the_form_and_nothing_is_kept(convenor_client):
    client, _community = convenor_client
    response = client.post(
        reverse("webhooks:list", args=["rivers"]), {"url": "https://10.0.0.5/", "events": ["member.joined"]}
    )
    assert response.status_code == 200
    assert "private network" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_test_pause_rotate_and_remove(convenor_client, django_capture_on_commit_callbacks):
    client, _community = convenor_client
    client.post(
        reverse("webhooks:list", args=["rivers"]),
        {"url": "https://crm.example.org/h", "events": ["topic.created"]},
    )
    endpoint = Endpoint.objects.get()
    act = lambda action: client.post(reverse("webhooks:act", args=["rivers", endpoint.pk, action]))  # noqa: E731
    with django_capture_on_commit_callbacks(execute=False):
        assert act("ping").status_code == 302
    assert Delivery.objects.get().event == "ping"
    act("pause")
    assert Endpoint.objects.get().is_active is False
    act("resume")
    assert Endpoint.objects.get().is_active is True
    old = endpoint.secret
    act("secret")
    assert Endpoint.objects.get().secret != old
    assert act("explode").status_code == 404
    act("delete")
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_members_and_moderators_cannot_reach_the_webhooks(client, db, role):
    community = CommunityFactory(slug="rivers")
    person = ProfileFactory().user
    MembershipFactory(community=community, user=person, role=role)
    client.force_login(person)
    assert client.get(reverse("webhooks:list", args=["rivers"])).status_code == 404
    response = client.post(
        reverse("webhooks:list", args=["rivers"]),
        {"url": "https://x.example.org/", "events": ["member.joined"]},
    )
    assert response.status_code == 404
    assert not Endpoint.objects.exists()


def test_the_delivery_log_runs_a_constant_number_of_queries(convenor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catchment.webhooks import services

    client, community = convenor_client
    endpoint = services.endpoint_create(
        actor=community.memberships.get().user,
        community=community,
        url="https://x.example.org/",
        events=["member.joined"],
    )

    def queries(count):
        Delivery.objects.bulk_create(
            Delivery(endpoint=endpoint, event="member.joined", event_id=f"{count}-{n}", payload={})
            for n in range(count)
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("webhooks:detail", args=["rivers", endpoint.pk])).status_code == 200
        return len(captured)

    assert queries(3) == queries(40)
