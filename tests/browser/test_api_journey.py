"""The API in a real browser and from a partner's program: a convenor reads the guide, makes an admin token
on the tokens page (shown once), and the partner's program lists the community's upcoming events, registers
a member with that member's own token, and receives the signed webhook on its receiver."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import urllib.request

import pytest
from django.utils import timezone

from catchment.webhooks.tests.test_outbound import Receiver, receiver
from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call(base, token, method, path, body=None):
    request = urllib.request.Request(  # noqa: S310 - the live test server
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live test server
        return response.status, json.loads(response.read() or b"null")


SCOPES = {
    "read": "Read what I can read",
    "write": "Read, and act as me (join, register, post)",
    "admin": "Read, act as me, and run one community I lead",
}


def make_token(page, base, name, scope, community=None):
    page.goto(base + "/settings/api-tokens/")
    assert_accessible(page)
    page.get_by_label("Name").fill(name)
    page.get_by_role("radio", name=SCOPES[scope]).check()
    if community:
        page.get_by_label("Community (admin scope only)").select_option(community)
    page.get_by_role("button", name="Make the token").click()
    page.wait_for_url(base + "/settings/api-tokens/new/")
    assert "only time it is shown" in page.inner_text("main")
    assert_accessible(page)
    return page.get_by_label("Token").input_value()


def test_a_partner_connects_with_a_token_and_receives_a_signed_webhook(browser, page, live_server, settings):
    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.events import services

    settings.WEBHOOK_ALLOW_LOCAL = True
    base = live_server.url
    community = CommunityFactory(
        slug="rivers", name="River Restoration", visibility="public", join_policy="open"
    )
    convenor = ProfileFactory(
        user__email="cleo@example.org", user__display_name="Cleo", user__language="en"
    ).user
    member = ProfileFactory(user__email="mia@example.org", user__display_name="Mia", user__language="en").user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    MembershipFactory(community=community, user=member)
    starts = (
        (timezone.now() + datetime.timedelta(days=7))
        .astimezone(datetime.UTC)
        .replace(tzinfo=None, microsecond=0)
    )
    event = services.event_create(
        actor=convenor,
        community=community,
        data=services.EventData(
            kind="webinar",
            title="Nature-based solutions for floods",
            time_zone="UTC",
            starts=starts,
            ends=starts + datetime.timedelta(hours=1),
            languages=["en", "es"],
            join_url="https://meet.example.org/nbs",
        ),
    )

    # The convenor finds the guide from the footer, then makes an admin token for the community.
    sign_in(page, base, "cleo@example.org")
    page.get_by_role("link", name="API for developers").click()
    assert "Catchment-Signature" in page.inner_text("main")
    assert_accessible(page)
    # The interactive explorer runs under the page's Content-Security-Policy (its start-up script by nonce).
    page.goto(base + "/api/v1/docs/explorer/")
    page.get_by_text("/api/v1/communities/", exact=True).first.wait_for()
    admin_token = make_token(page, base, "Partner website", "admin", "rivers")
    page.goto(base + "/settings/api-tokens/")
    assert "Partner website" in page.inner_text("main") and admin_token not in page.content()

    member_page = browser.new_context(locale="en-GB").new_page()
    sign_in(member_page, base, "mia@example.org")
    member_token = make_token(member_page, base, "Calendar sync", "write")

    with receiver({}) as hook_base:
        status, created = call(
            base,
            admin_token,
            "POST",
            "/api/v1/communities/rivers/webhooks/",
            {"url": hook_base + "/catchment", "events": ["event.registration"]},
        )
        assert status == 201
        status, listed = call(base, member_token, "GET", "/api/v1/events/?community=rivers")
        assert [item["title"] for item in listed["results"]] == ["Nature-based solutions for floods"]
        status, registration = call(
            base, member_token, "POST", f"/api/v1/events/{event.pk}/registration/", {"language": "es"}
        )
        assert (status, registration["status"]) == (201, "registered")
        _method, _path, body, headers = Receiver.seen[-1]

    timestamp, digest = (part.split("=", 1)[1] for part in headers["Catchment-Signature"].split(","))
    assert hmac.compare_digest(
        digest,
        hmac.new(created["secret"].encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest(),
    )
    assert json.loads(body)["data"]["person"]["display_name"] == "Mia"
    assert member.registrations.get(event=event).language == "es"

    # The convenor finds the webhook on the community's Webhooks page, with its delivery log.
    page.goto(base + "/communities/rivers/")
    page.get_by_role("link", name="Webhooks").click()
    assert hook_base + "/catchment" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name=hook_base + "/catchment").click()
    log = page.inner_text("main")
    assert "event.registration" in log and "Delivered (200)" in log
    assert_accessible(page)

    # Revoking the member's token on the page stops it at once.
    member_page.goto(base + "/settings/api-tokens/")
    member_page.get_by_role("button", name="Revoke Calendar sync").click()
    with pytest.raises(urllib.error.HTTPError) as refused:
        call(base, member_token, "GET", "/api/v1/me/")
    assert refused.value.code == 401
