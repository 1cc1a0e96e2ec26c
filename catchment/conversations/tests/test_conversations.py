"""Private messages: writing, groups, blocking, choices, reports to the hub team, notifications and pages."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.accounts.tests.factories import UserFactory
from catchment.communities.tests.factories import MembershipFactory
from catchment.conversations import services
from catchment.conversations.models import Block, Conversation, Message, Participant, Report
from catchment.discussions.tests.test_discussions import XSS, dangers
from catchment.notifications.models import Notification


def person(**extra):
    extra.setdefault("date_joined", timezone.now() - datetime.timedelta(days=30))
    return UserFactory(**extra)


def start(sender, *recipients, subject="Rainwater tanks", body="Which size do you use?"):
    return services.conversation_start(actor=sender, recipients=list(recipients), subject=subject, body=body)


def test_a_one_to_one_conversation_reaches_the_other_person_once_in_their_language(
    db, django_capture_on_commit_callbacks
):
    amina = person(display_name="Amina")
    bruno = person(display_name="Bruno", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start(amina, bruno)
    assert not conversation.is_group and conversation.message_count == 1
    assert set(conversation.participants.values_list("user_id", flat=True)) == {amina.pk, bruno.pk}
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.conversation) == (
        bruno,
        "message",
        conversation,
    )
    (sent,) = mail.outbox
    assert sent.to == [bruno.email] and "Amina" in sent.subject and "Which size do you use?" in sent.body
    assert "message privé" in sent.subject
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    from catchment.notifications.services import send_notification_email

    assert send_notification_email(notification.pk) is False  # a retried task sends nothing more
    assert len(mail.outbox) == 1


def test_replies_update_the_conversation_and_tell_everyone_else(db):
    amina, bruno, chen = person(), person(), person()
    conversation = start(amina, bruno, chen)
    assert conversation.is_group
    reply = services.message_send(actor=bruno, conversation=conversation, body="A 5 m³ ferrocement tank.")
    conversation.refresh_from_db()
    assert conversation.message_count == 2 and conversation.last_message_at == reply.created_at
    told = set(Notification.objects.filter(message=reply).values_list("recipient_id", flat=True))
    assert told == {amina.pk, chen.pk}


def test_bad_requests_are_refused_with_reasons_and_change_nothing(db, settings):
    amina, bruno = person(), person()
    with pytest.raises(services.ConversationError, match="at least one member"):
        start(amina, amina)
    with pytest.raises(services.ConversationError, match="Write a message first"):
        start(amina, bruno, body="   ")
    with pytest.raises(services.ConversationError, match="at most 20000 characters"):
        start(amina, bruno, body="x" * 100_000)
    with pytest.raises(services.ConversationError, match="subject"):
        start(amina, bruno, subject="  ")
    settings.CONVERSATION_MAX_PEOPLE = 3
    with pytest.raises(services.ConversationError, match="at most 3 people"):
        start(amina, bruno, person(), person())
    assert Conversation.objects.count() == 0 and Message.objects.count() == 0


def test_a_block_stops_new_conversations_both_ways_and_one_to_one_replies(db):
    amina, bruno = person(display_name="Amina"), person(display_name="Bruno")
    conversation = start(amina, bruno)
    services.block(actor=bruno, target=amina)
    with pytest.raises(services.ConversationError, match="cannot send a private message to: Bruno"):
        start(amina, bruno)
    with pytest.raises(services.ConversationError, match="cannot send a private message to: Amina"):
        start(bruno, amina)
    with pytest.raises(services.ConversationError, match="no longer write"):
        services.message_send(actor=amina, conversation=conversation, body="Hello?")
    with pytest.raises(services.ConversationError, match="no longer write"):
        services.message_send(actor=bruno, conversation=conversation, body="Bye")
    services.unblock(actor=bruno, target=amina)
    services.message_send(actor=amina, conversation=conversation, body="Hello again")


def test_in_a_group_the_blocker_neither_hears_from_nor_reads_the_blocked(client, db):
    amina, bruno, chen = person(), person(), person(display_name="Chen")
    conversation = start(amina, bruno, chen)
    services.block(actor=amina, target=chen)
    message = services.message_send(actor=chen, conversation=conversation, body="CHEN-WROTE-THIS")
    assert not Notification.objects.filter(message=message, recipient=amina).exists()
    assert Notification.objects.filter(message=message, recipient=bruno).exists()
    client.force_login(amina)
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "CHEN-WROTE-THIS" not in page and "You blocked this person" in page
    client.force_login(bruno)
    assert "CHEN-WROTE-THIS" in client.get(f"/messages/{conversation.pk}/").content.decode()


def test_members_choose_who_may_write_to_them_and_the_hub_team_always_can(db):
    amina, bruno = person(), person()
    services.accepts_set(actor=bruno, accepts="communities")
    with pytest.raises(services.ConversationError):
        start(amina, bruno)
    membership = MembershipFactory(user=bruno)
    MembershipFactory(user=amina, community=membership.community)
    start(amina, bruno)
    services.accepts_set(actor=bruno, accepts="nobody")
    with pytest.raises(services.ConversationError):
        start(amina, bruno)
    services.block(actor=bruno, target=amina)
    start(person(is_staff=True), bruno)  # the hub team reaches everyone
    with pytest.raises(services.ConversationError, match="cannot block"):
        services.block(actor=bruno, target=person(is_staff=True))
    with pytest.raises(PermissionDenied):
        services.accepts_set(actor=bruno, accepts="everyone-and-their-dog")


def test_new_accounts_start_few_conversations_and_send_few_links(db, settings):
    settings.NEW_ACCOUNT_CONVERSATIONS_PER_HOUR = 2
    newcomer = UserFactory()  # joined just now
    for _ in range(2):
        start(newcomer, person())
    with pytest.raises(services.ConversationError, match="2 conversations an hour"):
        start(newcomer, person())
    with pytest.raises(services.ConversationError, match="at most 2 links"):
        services.message_send(
            actor=newcomer,
            conversation=Conversation.objects.first(),
            body="https://a.example https://b.example https://c.example",
        )
    veteran = person()
    for _ in range(3):
        start(veteran, person())


def test_people_leave_and_are_brought_back_in_groups(client, db, settings):
    amina, bruno, chen, dana = person(), person(), person(), person(username="dana")
    conversation = start(amina, bruno, chen)
    services.conversation_leave(actor=chen, conversation=conversation)
    message = services.message_send(actor=amina, conversation=conversation, body="Still there?")
    assert not Notification.objects.filter(message=message, recipient=chen).exists()
    client.force_login(chen)
    assert client.get(f"/messages/{conversation.pk}/").status_code == 404
    assert "Rainwater tanks" not in client.get("/messages/").content.decode()
    services.people_add(actor=bruno, conversation=conversation, users=[chen, dana])
    assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    with pytest.raises(services.ConversationError, match="already in"):
        services.people_add(actor=bruno, conversation=conversation, users=[dana])
    one_to_one = start(amina, bruno)
    with pytest.raises(services.ConversationError, match="only to group"):
        services.people_add(actor=amina, conversation=one_to_one, users=[dana])
    settings.CONVERSATION_MAX_PEOPLE = 4
    with pytest.raises(services.ConversationError, match="at most 4 people"):
        services.people_add(actor=amina, conversation=conversation, users=[person()])


def test_muting_stops_the_mail_but_not_the_notification_and_the_mail_link_mutes(
    client, db, django_capture_on_commit_callbacks
):
    amina, bruno = person(), person()
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start(amina, bruno)
    link = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+/)", mail.outbox[-1].body).group(1)
    assert "Rainwater tanks" in client.get(link).content.decode()
    client.post(link)  # a mail client's one-click POST, without a session
    assert Participant.objects.get(conversation=conversation, user=bruno).is_muted
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=amina, conversation=conversation, body="Second message")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=bruno).count() == 2
    services.conversation_mute(actor=bruno, conversation=conversation, muted=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=amina, conversation=conversation, body="Third message")
    assert [m.to for m in mail.outbox] == [[bruno.email]]


def test_reports_reach_the_hub_team_who_see_only_the_reported_message_and_its_lead_in(
    client, db, django_capture_on_commit_callbacks
):
    amina, bruno = person(), person(display_name="Bruno")
    team = person(is_staff=True, language="es")
    conversation = start(amina, bruno, body="FIRST-PRIVATE-WORDS")
    for n in range(3):
        services.message_send(actor=amina, conversation=conversation, body=f"EARLIER-{n}")
    bad = services.message_send(actor=amina, conversation=conversation, body="Buy cheap pumps at SPAM-SHOP")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_report(actor=bruno, message=bad, reason="spam", note="Advert")
    assert [m.to for m in mail.outbox] == [[team.email]]
    assert "SPAM-SHOP" not in mail.outbox[0].body  # the mail points at the queue; it carries no private text
    with pytest.raises(services.ConversationError, match="already reported"):
        services.message_report(actor=bruno, message=bad, reason="spam")
    with pytest.raises(PermissionDenied):
        services.message_report(actor=amina, message=bad, reason="spam")  # one's own message
    client.force_login(team)
    queue = client.get("/messages/reports/").content.decode()
    assert "SPAM-SHOP" in queue and "EARLIER-1" in queue and "EARLIER-2" in queue
    assert "FIRST-PRIVATE-WORDS" not in queue and "EARLIER-0" not in queue
    client.post(f"/messages/reports/{bad.pk}/", {"decision": "hide", "note": "Spam"})
    bad.refresh_from_db()
    assert bad.status == "hidden"
    assert Report.objects.get().resolution == "hidden"
    client.force_login(bruno)
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "SPAM-SHOP" not in page and "hidden by the hub team" in page
    client.force_login(team)
    client.post(f"/messages/reports/{bad.pk}/restore/")
    bad.refresh_from_db()
    assert bad.status == "visible"
    client.force_login(bruno)
    assert client.get("/messages/reports/").status_code == 404
    assert client.post(f"/messages/reports/{bad.pk}/", {"decision": "hide"}).status_code == 404


def test_opening_a_conversation_changes_nothing_until_it_is_marked_read(client, db):
    amina, bruno = person(), person()
    conversation = start(amina, bruno)
    client.force_login(bruno)
    assert "<strong>new</strong>" in client.get("/messages/").content.decode()
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "data-mark-read" in page
    place = Participant.objects.get(conversation=conversation, user=bruno)
    assert place.last_read_at is None  # a GET writes nothing
    response = client.post(f"/messages/{conversation.pk}/read/", HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 204
    place.refresh_from_db()
    assert place.last_read_at is not None
    assert "<strong>new</strong>" not in client.get("/messages/").content.decode()


def test_the_pages_start_reply_and_keep_what_was_written(client, db):
    amina = person()
    person(username="bruno-b", display_name="Bruno")
    client.force_login(amina)
    form = client.get("/messages/new/?to=bruno-b").content.decode()
    assert 'value="bruno-b"' in form
    response = client.post(
        "/messages/new/", {"to": "@Bruno-B, nobody-here", "subject": "Tanks", "body": "Hi"}
    )
    assert response.status_code == 400 and "nobody-here" in response.content.decode()
    response = client.post("/messages/new/", {"to": "bruno-b", "subject": "Tanks", "body": "Hi **there**"})
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/messages/{conversation.pk}/"
    response = client.post(f"/messages/{conversation.pk}/reply/", {"body": ""})
    assert response.status_code == 400 and "Write a message first." in response.content.decode()
    response = client.post(f"/messages/{conversation.pk}/reply/", {"body": "Are you there?"})
    assert response["Location"].startswith(f"/messages/{conversation.pk}/#message-")
    response = client.post("/messages/new/", {"to": "<script>", "subject": "x", "body": "y"})
    assert response.status_code == 400 and "not a member handle" in response.content.decode()


def test_payloads_in_private_messages_neither_run_nor_survive(client, db):
    amina, bruno = person(), person()
    conversation = start(amina, bruno, subject="<script>alert('subject')</script>")
    for payload in XSS:
        services.message_send(actor=amina, conversation=conversation, body=payload)
    client.force_login(bruno)
    checked = 0
    for number in (1, 2):
        html = client.get(f"/messages/{conversation.pk}/?page={number}").content.decode()
        bodies = re.findall(r'<div class="prose">(.*?)</div>', html, re.DOTALL)
        for body in bodies:
            assert dangers(body) == [], body
        checked += len(bodies)
        assert "<script>alert('subject')" not in html
    assert checked == len(XSS) + 1


@pytest.mark.parametrize("path", ["/messages/", "/messages/{pk}/", "/notifications/"])
def test_private_message_pages_run_a_constant_number_of_queries(client, db, path):
    amina, bruno = person(), person()
    conversation = start(amina, bruno)
    client.force_login(amina)

    def grow(n):
        for _ in range(n):
            other = person()
            start(other, amina, person())
            services.message_send(actor=bruno, conversation=conversation, body="More")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path.format(pk=conversation.pk)).status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    assert count() == small


def test_a_message_notification_opens_the_conversation(client, db):
    amina, bruno = person(display_name="Amina"), person()
    conversation = start(amina, bruno, subject="Tank sizes")
    client.force_login(bruno)
    listing = client.get("/notifications/").content.decode()
    assert "Amina sent you a private message: “Tank sizes”" in listing
    notification = Notification.objects.get()
    response = client.get(f"/notifications/{notification.pk}/")
    assert response["Location"] == f"/messages/{conversation.pk}/#message-{notification.message_id}"


def test_blocking_from_a_profile_and_unblocking_from_the_settings(client, db):
    from catchment.accounts.tests.factories import ProfileFactory

    amina = person()
    bruno = ProfileFactory(user__username="bruno-b", user__display_name="Bruno").user
    client.force_login(amina)
    profile = client.get("/members/bruno-b/").content.decode()
    assert "/messages/new/?to=bruno-b" in profile and "Block Bruno" in profile
    client.post("/messages/block/bruno-b/", {"next": "/members/bruno-b/"})
    assert Block.objects.filter(blocker=amina, blocked=bruno).exists()
    settings_page = client.get("/messages/settings/").content.decode()
    assert "Unblock Bruno" in settings_page
    client.post("/messages/unblock/bruno-b/")
    assert not Block.objects.exists()
    client.post("/messages/settings/", {"accepts": "nobody"})
    assert amina.messaging_setting.accepts == "nobody"
    assert client.post("/messages/block/no-such-person/").status_code == 404


def test_mail_not_yet_sent_stays_home_when_the_reader_leaves_mutes_or_blocks(db):
    from catchment.notifications.services import send_notification_email

    amina, bruno, chen, dana = person(), person(), person(), person()
    conversation = start(amina, bruno, chen, dana)  # mail queued, not sent yet (no commit in this test)
    notifications = {n.recipient_id: n for n in Notification.objects.all()}
    services.conversation_leave(actor=bruno, conversation=conversation)
    services.conversation_mute(actor=chen, conversation=conversation, muted=True)
    services.block(actor=dana, target=amina)
    for user in (bruno, chen, dana):
        assert send_notification_email(notifications[user.pk].pk) is False
    assert mail.outbox == []


def test_absurd_conversation_numbers_are_a_404(client, db):
    client.force_login(person())
    huge = "9" * 30
    assert client.get(f"/messages/{huge}/").status_code == 404
    assert client.post(f"/messages/{huge}/reply/", {"body": "x"}).status_code == 404
