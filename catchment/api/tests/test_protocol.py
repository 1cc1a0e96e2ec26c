"""What every operation shares: one error shape in the requester's language, cursor pages, ETags,
idempotency keys and rate limits."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from catchment.communities.models import Membership
from catchment.communities.tests.factories import CommunityFactory
from catchment.discussions.models import Topic
from catchment.events.models import Registration

from .conftest import bearer, token_for


def test_errors_come_in_one_shape_in_the_requester_s_language(api, hub):
    response = api.get("/api/v1/communities/nowhere/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["code"] == "not_found"
    assert error["message"] == "No encontrado, o no visible para usted."


def test_field_errors_name_their_fields_and_are_translated(hub):
    client = bearer(token_for(hub.member))
    response = client.post(
        "/api/v1/communities/rivers/topics/", {"title": ""}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {"title", "body", "language"} <= set(error["fields"])
    assert error["message"] == "Vérifiez les champs signalés."
    assert Topic.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"<xml/>", "application/xml", 415),
        (b'{"language": "en"}' * 2, "application/json", 400),
    ],
)
def test_malformed_bodies_get_a_clear_error_and_change_nothing(hub, body, content_type, status):
    client = bearer(token_for(hub.member))
    response = client.generic(
        "POST", f"/api/v1/events/{hub.event.pk}/registration/", body, content_type=content_type
    )
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
    assert not Registration.objects.exists()


def test_unknown_api_addresses_answer_json(api, hub):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unsupported_methods_get_405_in_the_error_shape(api, hub):
    response = api.put("/api/v1/communities/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_lists_come_in_cursor_pages_that_do_not_skip_or_repeat_when_new_items_arrive(api, hub):
    for number in range(7):
        CommunityFactory(slug=f"extra-{number}", name=f"Extra {number}")
    first = api.get("/api/v1/communities/?limit=4&ordering=newest").json()
    assert len(first["results"]) == 4 and first["next"]
    CommunityFactory(slug="brand-new", name="Brand new")
    second = api.get(first["next"]).json()
    seen = [c["slug"] for c in first["results"]] + [c["slug"] for c in second["results"]]
    assert "brand-new" not in seen
    assert len(seen) == len(set(seen))
    rest = []
    page = second
    while page["next"]:
        page = api.get(page["next"]).json()
        rest += [c["slug"] for c in page["results"]]
    assert len(seen) + len(rest) == 9  # rivers, cwp and the seven extras; secret board is hidden


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=abc", "cursor=bm9wZQ", "ordering=evil", "ordering="]
)
def test_bad_page_parameters_get_400_naming_the_parameter(api, hub, query):
    response = api.get(f"/api/v1/communities/?{query}")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) & {"limit", "cursor", "ordering"}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/communities/", "visibility"),
        ("/api/v1/events/", "kind"),
        ("/api/v1/events/", "past"),
        ("/api/v1/resources/", "language"),
    ],
)
@pytest.mark.parametrize("value", ["", "evil"])
def test_a_filter_sent_empty_or_unknown_gets_400_naming_it(api, hub, path, name, value):
    """An empty filter is not a choice the document lists: refused like any other, never the whole list."""
    response = api.get(f"{path}?{name}={value}")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [name]
    assert response.json()["error"]["fields"][name][0].startswith("Choose one of")


def test_reads_carry_an_etag_and_answer_304_when_nothing_changed(api, hub):
    first = api.get("/api/v1/communities/rivers/")
    etag = first["ETag"]
    assert etag
    assert api.get("/api/v1/communities/rivers/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    hub.public.summary = "Changed"
    hub.public.save()
    assert api.get("/api/v1/communities/rivers/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_repeated_post_with_the_same_idempotency_key_creates_one_thing_and_replays_the_answer(hub):
    client = bearer(token_for(hub.outsider))
    first = client.post("/api/v1/communities/rivers/join/", {}, format="json", HTTP_IDEMPOTENCY_KEY="join-1")
    again = client.post("/api/v1/communities/rivers/join/", {}, format="json", HTTP_IDEMPOTENCY_KEY="join-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Membership.objects.filter(community=hub.public, user=hub.outsider).count() == 1


def test_a_registration_sent_twenty_times_with_its_key_gives_one_row_and_one_answer(hub):
    """reliability.md #18, sequential half (the concurrent half is events/tests/test_capacity_race.py)."""
    client = bearer(token_for(hub.member))
    url = f"/api/v1/events/{hub.event.pk}/registration/"
    answers = [
        client.post(url, {"language": "en"}, format="json", HTTP_IDEMPOTENCY_KEY="register-once")
        for _attempt in range(20)
    ]
    assert {answer.status_code for answer in answers} == {201}
    assert all(answer.json() == answers[0].json() for answer in answers)
    assert [answer.get("Idempotent-Replayed") for answer in answers[1:]] == ["true"] * 19
    assert Registration.objects.filter(event=hub.event, user=hub.member).count() == 1
    # Without the key, a repeat is told it is already registered (400), never a 500 or a second row.
    again = client.post(url, {"language": "en"}, format="json")
    assert again.status_code == 400
    assert "already registered" in again.json()["error"]["message"]
    assert Registration.objects.filter(event=hub.event, user=hub.member).count() == 1


def test_the_same_key_with_a_different_body_is_refused(hub):
    client = bearer(token_for(hub.member))
    url = f"/api/v1/events/{hub.event.pk}/registration/"
    assert client.post(url, {"language": "en"}, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = client.post(url, {"language": "fr"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 422
    assert Registration.objects.get().language == "en"


def test_a_retried_reaction_with_its_key_is_not_taken_back(hub):
    from catchment.discussions.models import Post, Reaction

    post = Post.objects.get(topic=hub.topic, number=1)
    client = bearer(token_for(hub.member))
    url = f"/api/v1/communities/rivers/topics/{hub.topic.pk}/posts/{post.pk}/reactions/"
    for _attempt in range(2):
        response = client.post(url, {"kind": "thanks"}, format="json", HTTP_IDEMPOTENCY_KEY="thanks-1")
        assert response.json() == {"kind": "thanks", "present": True}
    assert Reaction.objects.filter(post=post, user=hub.member).count() == 1


def test_keys_are_per_person(hub):
    one, two = bearer(token_for(hub.member)), bearer(token_for(hub.outsider))
    url = f"/api/v1/events/{hub.event.pk}/registration/"
    assert one.post(url, {"language": "en"}, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert two.post(url, {"language": "en"}, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Registration.objects.count() == 2


def test_too_many_requests_get_429_with_retry_after(api, hub, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # The rates are read once into the throttle class; patching it there is undone after the test.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anonymous": "3/min"}
    )
    cache.clear()
    statuses = [api.get("/api/v1/communities/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/api/v1/communities/")
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "throttled"


def test_a_burst_from_one_address_is_cut_at_the_default_rate_and_others_are_not_touched(hub):
    """reliability.md #16: 500 anonymous requests from one address, a neighbour's request between every
    ten: the flooder gets exactly the default 120 a minute, then 429 with Retry-After; the neighbour none."""
    from rest_framework.test import APIClient

    cache.clear()
    flooder, neighbour = APIClient(REMOTE_ADDR="198.51.100.66"), APIClient(REMOTE_ADDR="203.0.113.5")
    flood, beside = [], []
    for number in range(500):
        flood.append(flooder.get("/api/v1/communities/"))
        if number % 10 == 0:
            beside.append(neighbour.get("/api/v1/communities/").status_code)
    statuses = [answer.status_code for answer in flood]
    assert statuses == [200] * 120 + [429] * 380
    assert all(0 < int(answer["Retry-After"]) <= 60 for answer in flood[120:])
    assert beside == [200] * 50
    print(f"API burst: 500 requests from one address, 429 from request 121; neighbour: {len(beside)} x 200")


def test_answers_to_credentials_are_never_for_shared_caches(api, hub, client):
    token_answer = bearer(token_for(hub.member, "read")).get("/api/v1/communities/")
    assert "private" in token_answer["Cache-Control"]
    assert "Authorization" in token_answer["Vary"]
    client.force_login(hub.member)
    page = client.get("/notifications/")
    assert "private" in page["Cache-Control"] and "Cookie" in page["Vary"]
    anonymous = api.get("/api/v1/communities/")
    assert "private" not in anonymous.get("Cache-Control", "")


def test_a_key_replays_only_for_the_credential_that_used_it(hub):
    first, second = bearer(token_for(hub.member)), bearer(token_for(hub.member))
    url = f"/api/v1/events/{hub.event.pk}/registration/"
    assert first.post(url, {"language": "en"}, format="json", HTTP_IDEMPOTENCY_KEY="mine").status_code == 201
    other = second.post(url, {"language": "en"}, format="json", HTTP_IDEMPOTENCY_KEY="mine")
    assert other.status_code == 422


def test_a_replayed_answer_never_carries_a_secret(hub, settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    admin = bearer(token_for(hub.convenor, "admin", hub.public))
    body = {"url": "https://partner.example.org/h", "events": ["member.joined"]}
    made = admin.post("/api/v1/communities/rivers/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="w1")
    again = admin.post("/api/v1/communities/rivers/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="w1")
    assert made.json()["secret"] and "secret" not in again.json()
    assert again.json()["id"] == made.json()["id"]
    from catchment.api.models import IdempotentRequest

    assert made.json()["secret"] not in IdempotentRequest.objects.get().body


@pytest.mark.parametrize(
    "url", ["/api/v1/communities/rivers/members/", "/api/v1/people/", "/api/v1/communities/"]
)
def test_every_page_of_a_list_can_be_walked_one_item_at_a_time(api, hub, url):
    client = bearer(token_for(hub.convenor, "read"))
    seen, page = [], client.get(url + "?limit=1").json()
    while True:
        seen += page["results"]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(seen) >= 2
    assert len({str(item) for item in seen}) == len(seen)


def test_a_forged_cursor_is_a_400(api, hub):
    import base64

    for raw in (b"p=x", b"p=2001-99-99", b"o=abc", b"r=1&p=%00"):
        cursor = base64.b64encode(raw).decode()
        response = api.get(f"/api/v1/communities/?cursor={cursor}&ordering=newest")
        assert response.status_code == 400, raw


def test_a_read_token_cannot_mark_notifications_read(hub):
    response = bearer(token_for(hub.convenor, "read")).post("/api/v1/notifications/read/", {}, format="json")
    assert response.status_code == 403


def test_a_private_community_s_description_is_for_its_readers(api, hub):
    hub.private.description = "Internal aims SENTINEL-private-7Q2"
    hub.private.save()
    assert api.get("/api/v1/communities/cwp/").json()["description"] is None
    inside = bearer(token_for(hub.private_member, "read")).get("/api/v1/communities/cwp/").json()
    assert "Internal aims" in inside["description"]


def test_tokens_never_reach_hub_events_registrations(hub, staff):
    from catchment.events import services as events

    hub_event = events.event_create(actor=staff, community=None, data=_hub_webinar())
    client = bearer(token_for(staff, "write"))
    assert client.get(f"/api/v1/events/{hub_event.pk}/registrations/").status_code == 403
    assert client.get(f"/api/v1/events/{hub_event.pk}/registrations.csv").status_code == 403


def _hub_webinar():
    import datetime

    from django.utils import timezone

    from catchment.events.services import EventData

    starts = (
        (timezone.now() + datetime.timedelta(days=3))
        .astimezone(datetime.UTC)
        .replace(tzinfo=None, microsecond=0)
    )
    return EventData(
        kind="webinar",
        title="Hub webinar",
        time_zone="UTC",
        starts=starts,
        ends=starts + datetime.timedelta(hours=1),
        languages=["en"],
        join_url="https://meet.example.org/hub",
    )


# What anonymous readers may call without a token: the document marks exactly these (CatchmentAutoSchema and
# the views' `public_read`), so a view that starts or stops answering the public changes this list on purpose.
PUBLIC_READS = {
    "alliances_list",
    "alliances_read",
    "communities_list",
    "communities_read",
    "charters_current",
    "charters_versions",
    "charters_version",
    "communities_members",
    "topics_list",
    "posts_list",
    "events_list",
    "events_read",
    "cafe_read",
    "organisations_list",
    "organisations_read",
    "people_list",
    "people_read",
    "resources_list",
    "resources_read",
    "search",
}


def test_the_document_asks_no_token_exactly_for_the_public_reads():
    from .test_fuzz import DOCUMENT

    optional = {
        operation["operationId"]
        for item in DOCUMENT["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and {} in operation.get("security", [])
    }
    assert optional == PUBLIC_READS


def test_every_public_read_answers_an_anonymous_reader(api, hub):
    """With the hub's public data, 200; where the small hub has none (no alliance, organisation, café or
    public file under these names), a 404 — never a demand for a token."""
    found = {
        "/api/v1/alliances/": 200,
        "/api/v1/alliances/none/": 404,
        "/api/v1/communities/": 200,
        "/api/v1/communities/rivers/": 200,
        "/api/v1/communities/rivers/charter/versions/": 200,
        "/api/v1/communities/rivers/members/": 200,
        "/api/v1/communities/rivers/topics/": 200,
        f"/api/v1/communities/rivers/topics/{hub.topic.pk}/posts/": 200,
        "/api/v1/events/": 200,
        f"/api/v1/events/{hub.event.pk}/": 200,
        "/api/v1/organisations/": 200,
        "/api/v1/organisations/none/": 404,
        "/api/v1/people/": 200,
        "/api/v1/resources/": 200,
        "/api/v1/search/?q=river": 200,
    }
    answers = {path: api.get(path).status_code for path in found}
    assert answers == found
    # Private and secret communities stay out of reach without a token.
    assert api.get("/api/v1/communities/board/").status_code == 404
    assert api.get("/api/v1/me/").status_code == 401
