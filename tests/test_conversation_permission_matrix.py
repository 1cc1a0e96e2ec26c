"""Every private-message URL, as everyone who might try it: only the people in a conversation read it,
the hub team sees only what is reported to it, and no one else meets a word of it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from catchment.accounts.tests.factories import UserFactory
from catchment.conversations import services
from tests.test_permission_matrix import all_patterns

ROLES = ["anonymous", "outsider", "participant", "former", "staff"]
SECRET = "PRIVATE-7f3c-MESSAGE"
SIGNED_IN_PAGES = {"conversations:inbox", "conversations:start", "conversations:settings"}
POSTS_ONLY = {
    "conversations:reply",
    "conversations:mark_read",
    "conversations:add_people",
    "conversations:leave",
    "conversations:mute",
    "conversations:report",
    "conversations:block",
    "conversations:unblock",
    "conversations:resolve",
    "conversations:restore",
}


def expected(name, role):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    if role == "anonymous":
        return 302
    if name in SIGNED_IN_PAGES:
        return 200
    if name in POSTS_ONLY:
        return 405
    if name == "conversations:detail":
        return 200 if role == "participant" else 404
    if name == "conversations:reports":
        return 200 if role == "staff" else 404
    raise AssertionError(f"{name} is not in the private-message permission matrix")


NAMES = sorted(name for name, _route, _entry in all_patterns() if name.startswith("conversations:"))


def test_every_private_message_url_is_in_the_matrix():
    assert NAMES
    for name in NAMES:
        expected(name, "outsider")


def make_world():
    writer, participant, former = UserFactory(), UserFactory(), UserFactory()
    conversation = services.conversation_start(
        actor=writer, recipients=[participant, former], subject=f"{SECRET} subject", body=f"{SECRET} body"
    )
    services.conversation_leave(actor=former, conversation=conversation)
    message = conversation.messages.get()
    return {
        "conversation": conversation,
        "message": message,
        "participant": participant,
        "former": former,
        "outsider": UserFactory(),
        "staff": UserFactory(is_staff=True),
        "writer": writer,
    }


def kwargs_for(name, world):
    entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
    needed = entry.pattern.regex.groupindex.keys()
    values = {
        "pk": world["conversation"].pk,
        "message": world["message"].pk,
        "username": world["writer"].username,
    }
    return {key: values[key] for key in needed}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_private_text_otherwise(db, role):
    world = make_world()
    client = Client()
    if role != "anonymous":
        client.force_login(world[role])
    problems = []
    for name in NAMES:
        response = client.get(reverse(name, kwargs=kwargs_for(name, world)))
        if response.status_code != expected(name, role):
            problems.append(f"{name}: {response.status_code}, expected {expected(name, role)}")
        text = response.content.decode(errors="replace") + str(response.headers)
        if role != "participant" and SECRET in text:
            problems.append(f"{name}: private text shown to {role}")
    assert problems == []


@pytest.mark.parametrize("role", ["outsider", "former", "staff"])
def test_people_outside_a_conversation_cannot_write_in_it_or_touch_it(db, role):
    world = make_world()
    conversation = world["conversation"]
    client = Client()
    client.force_login(world[role])
    before = (
        conversation.messages.count(),
        list(conversation.participants.values_list("user_id", "left_at", "is_muted")),
    )
    for name, data in (
        ("conversations:reply", {"body": "Let me in"}),
        ("conversations:add_people", {"people": world[role].username}),
        ("conversations:mute", {"muted": "1"}),
        ("conversations:leave", {}),
        ("conversations:mark_read", {}),
        ("conversations:report", {"reason": "spam"}),
    ):
        response = client.post(reverse(name, kwargs=kwargs_for(name, world)), data)
        assert response.status_code == 404, name
    after = (
        conversation.messages.count(),
        list(conversation.participants.values_list("user_id", "left_at", "is_muted")),
    )
    assert before == after
    assert conversation.messages.get().reports.count() == 0


def test_mail_about_a_conversation_goes_only_to_the_people_in_it(db, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world = make_world()
    recipients = {address for message in mail.outbox for address in message.to}
    # The former participant left before the mail went: it is not sent (checked again at sending time).
    assert recipients == {world["participant"].email}
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            actor=world["participant"], conversation=world["conversation"], body=f"{SECRET} again"
        )
    later = [message for message in mail.outbox if "again" in message.body]
    assert [message.to for message in later] == [[world["writer"].email]]
