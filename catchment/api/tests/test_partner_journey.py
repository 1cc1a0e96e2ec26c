"""The issue's end-to-end story: a partner, reading only the guide, makes a token, lists the upcoming events
of a public community, registers a member, and receives a signed webhook on their own test receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.urls import reverse

from catchment.webhooks.models import Delivery, DeliveryStatus
from catchment.webhooks.tests.test_outbound import Receiver, receiver

from .conftest import bearer


def verified(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as printed in the guide."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


def test_a_partner_lists_events_registers_a_member_and_receives_a_signed_webhook(
    client, hub, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_LOCAL = True  # the partner's test receiver runs on this machine
    guide = client.get(reverse("api:docs")).content.decode()
    assert "Authorization: Bearer" in guide and "Catchment-Signature" in guide and "events_register" in guide

    client.force_login(hub.convenor)
    tokens_page = reverse("api_tokens:list")
    made = client.post(
        tokens_page, {"name": "Partner site", "scope": "admin", "community": "rivers"}, follow=True
    )
    admin_token = made.context["secret"]
    client.force_login(hub.member)
    member_token = client.post(tokens_page, {"name": "Calendar", "scope": "write"}, follow=True).context[
        "secret"
    ]

    with receiver({}) as base:
        created = bearer(admin_token).post(
            "/api/v1/communities/rivers/webhooks/",
            {"url": base + "/catchment", "events": ["event.registration"]},
            format="json",
        )
        assert created.status_code == 201, created.json()
        secret = created.json()["secret"]

        events = bearer(member_token).get("/api/v1/events/?community=rivers").json()["results"]
        assert [event["title"] for event in events] == ["Nature-based solutions webinar"]
        with django_capture_on_commit_callbacks(execute=True):
            registered = bearer(member_token).post(
                f"/api/v1/events/{events[0]['id']}/registration/",
                {"language": "en"},
                format="json",
                HTTP_IDEMPOTENCY_KEY="partner-registration-1",
            )
        assert registered.status_code == 201
        assert registered.json()["status"] == "registered"

        method, path, body, headers = Receiver.seen[-1]
    assert (method, path) == ("POST", "/catchment")
    assert verified(secret, headers["Catchment-Signature"], body)
    assert not verified("wrong-secret", headers["Catchment-Signature"], body)
    payload = json.loads(body)
    assert payload["event"] == "event.registration"
    assert payload["data"]["person"]["username"] == hub.member.username
    assert payload["data"]["event"]["id"] == events[0]["id"]
    log = (
        bearer(admin_token)
        .get(f"/api/v1/communities/rivers/webhooks/{created.json()['id']}/deliveries/")
        .json()
    )
    assert [entry["status"] for entry in log["results"]] == [DeliveryStatus.DELIVERED]
    assert Delivery.objects.get().last_status_code == 200


def test_webhooks_are_managed_through_the_api_by_convenors_only(hub, settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    admin = bearer(_admin_token(hub))
    created = admin.post(
        "/api/v1/communities/rivers/webhooks/",
        {"url": "https://partner.example.org/hook", "events": ["member.joined"], "description": "CRM"},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    listed = admin.get("/api/v1/communities/rivers/webhooks/").json()["results"]
    assert [entry["id"] for entry in listed] == [pk] and "secret" not in listed[0]
    changed = admin.patch(
        f"/api/v1/communities/rivers/webhooks/{pk}/", {"is_active": False, "new_secret": True}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert changed.json()["secret"] != created.json()["secret"]
    refused = admin.post(
        "/api/v1/communities/rivers/webhooks/",
        {"url": "https://169.254.169.254/", "events": ["member.joined"]},
        format="json",
    )
    assert refused.status_code == 400 and "private network" in refused.json()["error"]["message"]
    from .conftest import token_for

    assert bearer(token_for(hub.member)).get("/api/v1/communities/rivers/webhooks/").status_code == 404
    assert admin.delete(f"/api/v1/communities/rivers/webhooks/{pk}/").status_code == 204
    assert admin.get(f"/api/v1/communities/rivers/webhooks/{pk}/").status_code == 404


def _admin_token(hub) -> str:
    from .conftest import token_for

    return token_for(hub.convenor, "admin", hub.public)
