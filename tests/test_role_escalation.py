"""Role escalation (reliability.md #4): actions by roles that must be refused, each leaving the database as it
was (tests/sweep.py's snapshot): a moderator of A acting in B, a member promoting themselves (page and
API), a moderator or co-convenor demoting, removing or replacing the convenor, the last convenor leaving or
stepping down (refused with a message that says why), a banned member's old session, and a newsletter
that runs after its sender lost the right to send it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from catchment.api import services as token_services
from catchment.communities import services as communities
from catchment.communities.models import Membership, Role
from catchment.newsletters import services as newsletters
from catchment.newsletters.models import Delivery
from tests.sweep import Watcher, build_community, payload


@pytest.fixture
def worlds(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_community("ra"), build_community("rb")


def _signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api(user, scope="write", community=None):
    _token, secret = token_services.token_create(
        actor=user, name="escalation", scope=scope, community=community
    )
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _page_actions(world, people):
    """(label, url name, kwargs, body) for every manager's action in `world`."""
    slug = world["community"].slug
    topic, reply = world["topic"], world["reply"]
    on_topic = {"slug": slug, "pk": topic.pk}
    on_reply = {**on_topic, "post": reply.pk}
    actions = [
        ("close topic", "discussions:topic_moderate", on_topic),
        ("hide message", "discussions:post_moderate", on_reply),
        ("resolve flag", "discussions:resolve", {"slug": slug, "post": reply.pk}),
        ("move topic", "discussions:topic_move", on_topic),
        ("accept answer", "discussions:accept", on_topic),
        ("edit another's message", "discussions:post_edit", on_reply),
        ("change a role", "communities:member_role", {"slug": slug, "username": people["target"]}),
        ("remove a member", "communities:member_remove", {"slug": slug, "username": people["target"]}),
        ("hand over", "communities:hand_over", {"slug": slug, "username": people["target"]}),
        ("decide a request", "communities:decide", {"slug": slug, "pk": world["join_request"].pk}),
        ("invite", "communities:invitations", {"slug": slug}),
        (
            "withdraw invitation",
            "communities:invitation_withdraw",
            {"slug": slug, "pk": world["invitation"].pk},
        ),
        ("settings", "communities:settings", {"slug": slug}),
        ("stage", "communities:stage", {"slug": slug}),
        ("charter", "communities:charter_edit", {"slug": slug}),
        ("hide resource", "library:moderate", {"pk": world["resource"].pk}),
        ("edit event", "events:edit", {"pk": world["event"].pk}),
        ("cancel event", "events:cancel", {"pk": world["event"].pk}),
        ("send newsletter", "newsletters:send", {"pk": world["newsletter"].pk}),
        ("delete webhook", "webhooks:act", {"slug": slug, "pk": world["endpoint"].pk, "action": "delete"}),
        ("level settings", "insights:settings", {"slug": slug}),
    ]
    return [(label, name, kwargs, payload(name, world)) for label, name, kwargs in actions]


def _attempt(client, watcher, label, name, kwargs, body, problems):
    cache.clear()
    response = client.post(reverse(name, kwargs=kwargs), body)
    changes = watcher.changes()
    if changes:
        problems.append(f"{label} ({name}): {response.status_code}, changed {changes}")
    elif 200 <= response.status_code < 300:
        problems.append(f"{label} ({name}): {response.status_code}")
    return response


def test_a_moderator_of_a_can_do_nothing_in_b(worlds):
    a, b = worlds
    people_b = {key: user.username for key, user in b["people"].items()}
    client = _signed_in(a["people"]["moderator"])
    watcher = Watcher()
    problems: list[str] = []
    actions = _page_actions(b, people_b)
    for label, name, kwargs, body in actions:
        if name == "discussions:topic_move":
            body = {**body, "target": str(a["community"].pk)}
        _attempt(client, watcher, label, name, kwargs, body, problems)
    api = _api(a["people"]["moderator"])
    watcher.reset()  # the token just made
    for method, name, kwargs, body in (
        (
            "PATCH",
            "api:member",
            {"slug": b["community"].slug, "username": people_b["target"]},
            {"role": "moderator"},
        ),
        (
            "POST",
            "api:request_decision",
            {"slug": b["community"].slug, "pk": b["join_request"].pk},
            {"approve": True},
        ),
        ("POST", "api:invitations", {"slug": b["community"].slug}, {"email": "x@example.org"}),
        ("DELETE", "api:webhook", {"slug": b["community"].slug, "pk": b["endpoint"].pk}, {}),
    ):
        response = api.generic(method, reverse(name, kwargs=kwargs), json.dumps(body), "application/json")
        if watcher.changes() or response.status_code < 300:
            problems.append(f"API {method} {name}: {response.status_code}")
    print(f"moderator of A in B: {len(actions) + 4} actions, {len(problems)} succeeded")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ["member", "moderator", "co_convenor"])
def test_nobody_raises_themselves(worlds, role):
    a, _b = worlds
    me = a["people"][role]
    slug = a["community"].slug
    client = _signed_in(me)
    api = _api(me)
    watcher = Watcher()
    problems: list[str] = []
    for wanted in ("convenor", "co_convenor", "moderator"):
        if Role(wanted) == Membership.objects.get(community=a["community"], user=me).role:
            continue
        _attempt(
            client,
            watcher,
            f"{role} → {wanted}",
            "communities:member_role",
            {"slug": slug, "username": me.username},
            {"role": wanted},
            problems,
        )
        response = api.patch(
            reverse("api:member", kwargs={"slug": slug, "username": me.username}),
            json.dumps({"role": wanted}),
            content_type="application/json",
        )
        if watcher.changes() or response.status_code < 300:
            problems.append(f"API {role} → {wanted}: {response.status_code}")
    _attempt(
        client,
        watcher,
        f"{role} hands over to self",
        "communities:hand_over",
        {"slug": slug, "username": me.username},
        {},
        problems,
    )
    if role == "member":  # an admin token is only for those who manage the community
        with pytest.raises(token_services.TokenError):
            token_services.token_create(actor=me, name="x", scope="admin", community=a["community"])
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ["moderator", "co_convenor"])
def test_the_convenor_is_not_demoted_removed_or_replaced_from_below(worlds, role):
    a, _b = worlds
    convenor = a["people"]["convenor"].username
    slug = a["community"].slug
    client = _signed_in(a["people"][role])
    api = _api(a["people"][role])
    watcher = Watcher()
    problems: list[str] = []
    for wanted in ("member", "moderator", "co_convenor"):
        _attempt(
            client,
            watcher,
            f"demote to {wanted}",
            "communities:member_role",
            {"slug": slug, "username": convenor},
            {"role": wanted},
            problems,
        )
    _attempt(
        client,
        watcher,
        "remove",
        "communities:member_remove",
        {"slug": slug, "username": convenor},
        {},
        problems,
    )
    _attempt(
        client,
        watcher,
        "ban",
        "communities:member_remove",
        {"slug": slug, "username": convenor},
        {"ban": "1"},
        problems,
    )
    _attempt(
        client,
        watcher,
        "take over",
        "communities:hand_over",
        {"slug": slug, "username": a["people"][role].username},
        {},
        problems,
    )
    response = api.patch(
        reverse("api:member", kwargs={"slug": slug, "username": convenor}),
        json.dumps({"role": "member"}),
        content_type="application/json",
    )
    if watcher.changes() or response.status_code < 300:
        problems.append(f"API demote: {response.status_code}")
    assert problems == [], "\n".join(problems)


def test_the_last_convenor_cannot_leave_or_step_down_and_is_told_why(worlds):
    a, _b = worlds
    convenor = a["people"]["convenor"]
    slug = a["community"].slug
    client = _signed_in(convenor)
    api = _api(convenor)
    watcher = Watcher()
    problems: list[str] = []
    for label, name, kwargs, body in (
        ("leave", "communities:leave", {"slug": slug}, {}),
        (
            "step down",
            "communities:member_role",
            {"slug": slug, "username": convenor.username},
            {"role": "member"},
        ),
        (
            "step down",
            "communities:member_role",
            {"slug": slug, "username": convenor.username},
            {"role": "co_convenor"},
        ),
    ):
        response = _attempt(client, watcher, label, name, kwargs, body, problems)
        told = [str(message) for message in get_messages(response.wsgi_request)]
        if not any("hand" in text.lower() for text in told):
            problems.append(f"{label}: not told to hand over first ({told})")
    response = api.delete(reverse("api:membership", kwargs={"slug": slug}))
    if watcher.changes() or response.status_code < 300:
        problems.append(f"API leave: {response.status_code}")
    elif "hand" not in response.content.decode().lower():
        problems.append(f"API leave: no reason given ({response.content.decode()[:200]})")
    assert Membership.objects.get(community=a["community"], user=convenor).role == Role.CONVENOR
    assert problems == [], "\n".join(problems)


def test_a_banned_members_old_session_grants_nothing(worlds):
    a, _b = worlds
    member = a["people"]["member"]
    client = _signed_in(member)
    api = _api(member)
    communities.membership_remove(
        actor=a["people"]["convenor"], community=a["community"], user=member, ban=True
    )
    slug = a["community"].slug
    watcher = Watcher()
    problems: list[str] = []
    other_post = a["reply"]
    for label, name, kwargs in (
        ("start a topic", "discussions:topic_new", {"slug": slug}),
        ("reply", "discussions:reply", {"slug": slug, "pk": a["topic"].pk}),
        (
            "edit own message",
            "discussions:post_edit",
            {"slug": slug, "pk": a["topic"].pk, "post": a["post"].pk},
        ),
        ("react", "discussions:react", {"slug": slug, "pk": a["topic"].pk, "post": other_post.pk}),
        ("flag", "discussions:flag", {"slug": slug, "pk": a["topic"].pk, "post": other_post.pk}),
        ("join again", "communities:join", {"slug": slug}),
        ("add a resource", "library:community_new", {"slug": slug}),
        ("story", "insights:story_new", {"slug": slug}),
    ):
        _attempt(client, watcher, label, name, kwargs, payload(name, a), problems)
    for method, name, kwargs, body in (
        ("POST", "api:topics", {"slug": slug}, {"title": "T", "body": "B", "language": "en"}),
        ("POST", "api:posts", {"slug": slug, "topic": a["topic"].pk}, {"body": "B"}),
        ("POST", "api:join", {"slug": slug}, {"accept_conduct": True}),
    ):
        response = api.generic(method, reverse(name, kwargs=kwargs), json.dumps(body), "application/json")
        if watcher.changes() or response.status_code < 300:
            problems.append(f"API {method} {name}: {response.status_code}")
    assert problems == [], "\n".join(problems)


def test_a_newsletter_sent_by_someone_demoted_before_it_runs_is_not_mailed(
    db, django_capture_on_commit_callbacks
):
    world = build_community("rn")
    convenor, successor = world["people"]["convenor"], world["people"]["co_convenor"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        count = newsletters.newsletter_send(actor=convenor, newsletter=world["newsletter"])
    assert count > 0 and queued  # the mail waits for the task queue
    communities.convenorship_hand_over(actor=convenor, community=world["community"], to_user=successor)
    Membership.objects.filter(community=world["community"], user=convenor).update(role=Role.MEMBER)
    mail.outbox.clear()
    for callback in queued:
        callback()
    assert mail.outbox == []
    assert not Delivery.objects.filter(newsletter=world["newsletter"], status="sent").exists()
    # A convenor of now may send it: their retry is their own decision, checked when the task runs.
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.failed_retry(actor=successor, newsletter=world["newsletter"])
    assert len(mail.outbox) == count


def test_a_webhook_set_up_by_someone_who_no_longer_runs_the_community_sends_nothing(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    from catchment.webhooks import outbound
    from catchment.webhooks import services as webhooks
    from catchment.webhooks.models import WebhookEvent

    world = build_community("rw")
    convenor, successor = world["people"]["convenor"], world["people"]["co_convenor"]
    calls = []

    def post(url, body, headers):
        calls.append(url)
        return SimpleNamespace(status=200)

    monkeypatch.setattr(outbound, "post", post)
    communities.convenorship_hand_over(actor=convenor, community=world["community"], to_user=successor)
    Membership.objects.filter(community=world["community"], user=convenor).delete()
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(world["community"], WebhookEvent.MEMBER_JOINED, {"member": "someone"})
    assert calls == []
    endpoint = world["endpoint"]
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "no longer runs" in endpoint.deliveries.order_by("-pk").first().last_error
    # The convenor of now resumes it, and so vouches for it: deliveries go out again.
    webhooks.endpoint_update(actor=successor, endpoint=endpoint, is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(world["community"], WebhookEvent.MEMBER_JOINED, {"member": "someone"})
    assert calls == [endpoint.url]
