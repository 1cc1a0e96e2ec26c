"""Convenors register endpoints; community events become signed deliveries that are retried with backoff
and logged."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from catchment.accounts.tests.factories import ProfileFactory
from catchment.communities import services as community_services
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.webhooks import services
from catchment.webhooks.models import Delivery, DeliveryStatus, Endpoint
from catchment.webhooks.services import WebhookError

from .test_outbound import Receiver, receiver


@pytest.fixture
def place(db, settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    community = CommunityFactory(slug="rivers", visibility="public", join_policy="open")
    convenor = ProfileFactory().user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    return community, convenor


def test_only_convenors_register_webhooks_and_bad_addresses_are_refused(place, settings):
    community, convenor = place
    moderator = ProfileFactory().user
    MembershipFactory(community=community, user=moderator, role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        services.endpoint_create(
            actor=moderator, community=community, url="https://example.org/", events=["member.joined"]
        )
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(WebhookError, match="private network"):
        services.endpoint_create(
            actor=convenor, community=community, url="https://127.0.0.1/", events=["member.joined"]
        )
    with pytest.raises(WebhookError, match="https"):
        services.endpoint_create(
            actor=convenor, community=community, url="http://example.org/", events=["member.joined"]
        )
    with pytest.raises(WebhookError, match="events"):
        services.endpoint_create(
            actor=convenor, community=community, url="https://example.org/", events=["ping"]
        )
    assert not Endpoint.objects.exists()


def test_signature_is_hmac_sha256_of_timestamp_and_body():
    body = b'{"a":1}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert services.sign("s3cret", 1700000000, body) == f"t=1700000000,v1={expected}"


def test_a_member_joining_reaches_the_receiver_signed(place, django_capture_on_commit_callbacks):
    community, convenor = place
    with receiver({}) as base:
        endpoint = services.endpoint_create(
            actor=convenor, community=community, url=base + "/hook", events=["member.joined", "topic.created"]
        )
        newcomer = ProfileFactory(user__display_name="Nia Newcomer").user
        with django_capture_on_commit_callbacks(execute=True):
            community_services.community_join(actor=newcomer, community=community, accept_conduct=True)
        method, path, body, headers = Receiver.seen[-1]
    assert (method, path) == ("POST", "/hook")
    payload = json.loads(body)
    assert payload["event"] == "member.joined"
    assert payload["data"]["member"] == {"username": newcomer.username, "display_name": "Nia Newcomer"}
    timestamp, digest = (part.split("=", 1)[1] for part in headers["Catchment-Signature"].split(","))
    assert hmac.compare_digest(
        digest,
        hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest(),
    )
    assert headers["Catchment-Event"] == "member.joined"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert headers["Catchment-Delivery"] == delivery.event_id


def test_events_an_endpoint_did_not_ask_for_are_not_sent(place, django_capture_on_commit_callbacks):
    community, convenor = place
    services.endpoint_create(
        actor=convenor, community=community, url="https://example.org/", events=["topic.created"]
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        community_services.community_join(
            actor=ProfileFactory().user, community=community, accept_conduct=True
        )
    assert not Delivery.objects.exists()
    assert not [c for c in callbacks if "deliver" in repr(c)]


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(place, django_capture_on_commit_callbacks):
    community, convenor = place
    with receiver({"/down": (503, {}, b"maintenance", 0.0)}) as base:
        endpoint = services.endpoint_create(
            actor=convenor, community=community, url=base + "/down", events=["member.joined"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            community_services.community_join(
                actor=ProfileFactory().user, community=community, accept_conduct=True
            )
        delivery = Delivery.objects.get(endpoint=endpoint)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            DeliveryStatus.RETRYING,
            1,
            503,
        )
        waits = []
        for _attempt in range(len(services.BACKOFF)):
            waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 60))
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
            )
            assert services.deliver_due() == 1
            delivery.refresh_from_db()
        assert waits == [1, 5, 30, 120, 720]
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 6)
        assert "503" in delivery.last_error
        assert services.deliver_due() == 0
        assert len(Receiver.seen) == 6


def test_a_delivery_not_yet_due_is_not_sent_twice(place):
    community, convenor = place
    endpoint = services.endpoint_create(
        actor=convenor, community=community, url="https://example.org/", events=["member.joined"]
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event="member.joined",
        event_id="e1",
        payload={},
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    assert services.deliver(delivery.pk) == "skipped"
    assert Delivery.objects.get(pk=delivery.pk).attempts == 0


def test_a_paused_endpoint_gets_nothing_more(place):
    community, convenor = place
    endpoint = services.endpoint_create(
        actor=convenor, community=community, url="https://example.org/", events=["member.joined"]
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event="member.joined", event_id="p1", payload={}, next_attempt_at=timezone.now()
    )
    services.endpoint_update(actor=convenor, endpoint=endpoint, is_active=False)
    assert services.deliver(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (0, "The webhook was paused.")
