"""Floods of mail and content (reliability.md #14, #15): new accounts start few topics, post few messages with
few links, pause between two messages, start few conversations and send few invitations; password-reset mail
is limited per address and per client address. Every limit answers 429 with Retry-After and keeps what was
typed; the API answers 429 in its error shape."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from catchment.accounts.tests.factories import ProfileFactory, UserFactory
from catchment.api.tests.conftest import token_for
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions import services as discussion_services
from catchment.discussions.models import Post, Topic

DAY = 24 * 60 * 60


@pytest.fixture
def place(db):
    community = CommunityFactory(slug="drought", visibility="public", join_policy="open")
    newcomer = ProfileFactory(user__username="newcomer").user
    MembershipFactory(community=community, user=newcomer)
    client = Client()
    client.force_login(newcomer)
    return community, newcomer, client


def _topic(client: Client, title: str, body: str = "Hello everyone."):
    return client.post(
        "/communities/drought/topics/new/",
        {"kind": "discussion", "title": title, "body": body, "language": "en"},
    )


def test_a_new_account_starts_three_topics_a_day_then_hears_when_it_may_start_the_next(place):
    _community, newcomer, client = place
    for number in range(3):
        assert _topic(client, f"Topic {number}").status_code == 302
    refused = _topic(client, "The fourth topic", "Text that must not be lost.")
    assert refused.status_code == 429
    assert DAY - 60 <= int(refused["Retry-After"]) <= DAY
    page = refused.content.decode()
    assert "3 topics a day" in page
    assert "The fourth topic" in page and "Text that must not be lost." in page
    assert Topic.objects.filter(author=newcomer).count() == 3


def test_established_members_and_moderators_are_not_limited(place):
    _community, newcomer, client = place
    newcomer.date_joined = timezone.now() - datetime.timedelta(days=30)
    newcomer.save()
    for number in range(5):
        assert _topic(client, f"Topic {number}").status_code == 302


def test_a_message_with_too_many_links_is_refused_with_its_reason(place):
    _community, _newcomer, client = place
    body = "See https://a.example.org, https://b.example.org and https://c.example.org"
    refused = _topic(client, "Links", body)
    assert refused.status_code == 200
    assert "at most 2 links; this one has 3" in refused.content.decode()
    assert not Topic.objects.exists()


def test_two_messages_inside_the_pause_answer_429_with_the_seconds_left(place, settings):
    settings.NEW_ACCOUNT_POST_INTERVAL = 15
    _community, _newcomer, client = place
    _topic(client, "Pacing")
    topic = Topic.objects.get()
    refused = client.post(f"/communities/drought/topics/{topic.pk}/reply/", {"body": "Straight after."})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 15
    assert "Straight after." in refused.content.decode()
    Post.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=16))
    assert (
        client.post(f"/communities/drought/topics/{topic.pk}/reply/", {"body": "Later."}).status_code == 302
    )


def test_the_hourly_message_budget_and_slow_mode_say_when_they_lift(place):
    community, newcomer, client = place
    veteran = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=400))
    MembershipFactory(community=community, user=veteran)
    topic = discussion_services.topic_create(
        actor=veteran, community=community, kind="discussion", title="Budget", body="Start.", language="en"
    )
    for number in range(10):
        discussion_services.post_reply(actor=newcomer, topic=topic, body=f"Reply {number}")
    refused = client.post(f"/communities/drought/topics/{topic.pk}/reply/", {"body": "Eleventh."})
    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    Post.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    Topic.objects.filter(pk=topic.pk).update(slow_mode_seconds=600)
    veteran_client = Client()
    veteran_client.force_login(veteran)
    assert (
        veteran_client.post(f"/communities/drought/topics/{topic.pk}/reply/", {"body": "One."}).status_code
        == 302
    )
    slow = veteran_client.post(f"/communities/drought/topics/{topic.pk}/reply/", {"body": "Two."})
    assert slow.status_code == 429
    assert 590 <= int(slow["Retry-After"]) <= 600


def test_a_new_account_starts_five_conversations_an_hour(place):
    _community, _newcomer, client = place
    people = [ProfileFactory(user__username=f"peer{number}").user for number in range(6)]
    for person in people[:5]:
        response = client.post(
            "/messages/new/", {"to": person.username, "subject": "Hello", "body": "Nice to meet you."}
        )
        assert response.status_code == 302, response.content.decode()[:400]
    refused = client.post("/messages/new/", {"to": people[5].username, "subject": "Hello", "body": "Kept."})
    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    assert "Kept." in refused.content.decode()


def test_a_new_convenor_invites_ten_people_a_day_and_the_eleventh_is_refused(
    db, django_capture_on_commit_callbacks
):
    community = CommunityFactory(slug="basins")
    convenor = ProfileFactory().user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    client = Client()
    client.force_login(convenor)
    addresses = [f"person{number}@example.org" for number in range(11)]
    for address in addresses[:10]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/communities/basins/invitations/",
                {"emails": address, "role": "member", "message": "", "language": "en"},
            )
        assert response.status_code == 302
    refused = client.post(
        "/communities/basins/invitations/",
        {"emails": addresses[10], "role": "member", "message": "", "language": "en"},
    )
    assert refused.status_code == 429
    assert DAY - 60 <= int(refused["Retry-After"]) <= DAY
    assert "daily limit" in refused.content.decode()
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(addresses[:10])


def test_password_reset_mail_is_limited_per_address_and_per_client_address(
    db, django_capture_on_commit_callbacks
):
    UserFactory(email="target@example.org")
    client = Client()
    answers = []
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                client.post("/accounts/password/reset/", {"email": "target@example.org"}).status_code
            )
    assert len(mail.outbox) == 2
    assert answers[:2] == [302, 302]
    assert set(answers[2:]) == {429}
    refused = client.post("/accounts/password/reset/", {"email": "target@example.org"})
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    # Six different addresses from one client address: the sixth request sends nothing.
    mail.outbox.clear()
    from django.core.cache import cache

    cache.clear()
    for number in range(6):
        UserFactory(email=f"someone{number}@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": f"someone{number}@example.org"})
    assert len(mail.outbox) == 5


def test_the_api_answers_a_content_limit_with_429_and_retry_after(place):
    _community, newcomer, _client = place
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(newcomer)}")
    body = {"kind": "discussion", "title": "Via the API", "body": "Text.", "language": "en"}
    for _ in range(3):
        assert api.post("/api/v1/communities/drought/topics/", body, format="json").status_code == 201
    refused = api.post("/api/v1/communities/drought/topics/", body, format="json")
    assert refused.status_code == 429
    assert DAY - 60 <= int(refused["Retry-After"]) <= DAY
    assert refused.json()["error"]["status"] == 429
    assert "3 topics a day" in refused.json()["error"]["message"]
