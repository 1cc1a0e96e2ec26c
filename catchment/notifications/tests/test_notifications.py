"""Who is told about new messages, in which language, once, and how to stop it."""

import os
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions import services as discussions
from catchment.notifications import services
from catchment.notifications.models import Level, Notification, Subscription


@pytest.fixture
def community(db):
    return CommunityFactory(slug="gw", name="Groundwater CoP", visibility="private")


def member_of(community, role=Role.MEMBER, **extra):
    return MembershipFactory(community=community, role=role, **extra).user


def ask(community, author, body="Which pumps last longest?"):
    return discussions.topic_create(
        actor=author, community=community, kind="question", title="Pumps", body=body, language="en"
    )


def test_mentions_outside_code_are_found_once():
    assert services.mentioned_usernames(
        "Hi @ana and @Ben-2, also @ana. Mail me: x@y.org `@code` ```@block```"
    ) == [
        "ana",
        "ben-2",
    ]


def test_the_asker_watches_and_hears_of_the_answer_in_their_language_once(
    community, django_capture_on_commit_callbacks
):
    asker = member_of(community, user__language="fr")
    helper = member_of(community, user__display_name="Helper Hana")
    with django_capture_on_commit_callbacks(execute=True):
        topic = ask(community, asker)
    assert Subscription.objects.get(user=asker, topic=topic).level == Level.WATCH
    with django_capture_on_commit_callbacks(execute=True):
        discussions.post_reply(actor=helper, topic=topic, body="Stainless ones.")
    notification = Notification.objects.get(recipient=asker)
    assert notification.kind == "new_post" and notification.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [asker.email]
    assert "Helper Hana" in message.subject and "Stainless ones." in message.body
    assert "a écrit" in message.subject or "a écrit" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Running the task again (a retry) sends nothing more.
    assert services.send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_replies_and_mentions_reach_the_right_people_and_never_outsiders(
    community, django_capture_on_commit_callbacks
):
    asker, helper = member_of(community), member_of(community)
    member_of(community, user__username="nadia")
    outsider = MembershipFactory(user__username="olga").user  # not in this private community
    topic = ask(community, asker)
    first = discussions.post_reply(actor=helper, topic=topic, body="Try the district office.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussions.post_reply(
            actor=asker, topic=topic, body="Thanks! @nadia @olga @nobody what do you think?", reply_to=first
        )
    kinds = dict(Notification.objects.filter(post__number=3).values_list("recipient__username", "kind"))
    assert kinds == {helper.username: "reply", "nadia": "mention"}
    assert outsider.email not in [address for message in mail.outbox for address in message.to]


def test_mute_stops_everything_and_the_one_click_link_mutes(
    client, community, django_capture_on_commit_callbacks
):
    asker, helper = member_of(community), member_of(community)
    with django_capture_on_commit_callbacks(execute=True):
        topic = ask(community, asker)
        discussions.post_reply(actor=helper, topic=topic, body="First answer")
    link = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+/)", mail.outbox[-1].body).group(1)
    assert "Stop all notifications" in client.get(link).content.decode()
    client.post(link)  # what a mail client's one-click POST does, without a session
    assert Subscription.objects.get(user=asker, topic=topic).level == Level.MUTE
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussions.post_reply(actor=helper, topic=topic, body="Second answer")
    assert not Notification.objects.filter(recipient=asker, post__number=3).exists()
    assert mail.outbox == []
    assert client.get("/notifications/unsubscribe/forged-token/").status_code == 404


def test_accepting_an_answer_tells_its_author(community, django_capture_on_commit_callbacks):
    asker, helper = member_of(community), member_of(community)
    topic = ask(community, asker)
    answer = discussions.post_reply(actor=helper, topic=topic, body="Stainless")
    with django_capture_on_commit_callbacks(execute=True):
        discussions.answer_accept(actor=asker, topic=topic, post=answer)
    assert Notification.objects.filter(recipient=helper, kind="accepted").count() == 1


def test_the_notification_centre_counts_unread_and_marks_read(client, community):
    asker, helper = member_of(community), member_of(community)
    topic = ask(community, asker)
    discussions.post_reply(actor=helper, topic=topic, body="One")
    discussions.post_reply(actor=helper, topic=topic, body="Two")
    client.force_login(asker)
    page = client.get("/notifications/").content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> unread</span></span>' in page
    notification = Notification.objects.filter(recipient=asker).first()
    response = client.get(f"/notifications/{notification.pk}/")
    assert response["Location"].startswith(f"/communities/gw/topics/{topic.pk}/#post-")
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=asker, read_at__isnull=True).exists()
    other = member_of(community)
    client.force_login(other)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404


def test_levels_are_chosen_only_where_one_may_read(client, community):
    asker = member_of(community)
    topic = ask(community, asker)
    outsider = MembershipFactory().user
    client.force_login(outsider)
    assert client.post(f"/notifications/topics/{topic.pk}/level/", {"level": "watch"}).status_code == 404
    assert client.post("/notifications/communities/gw/level/", {"level": "watch"}).status_code == 404
    watcher = member_of(community)
    client.force_login(watcher)
    client.post("/notifications/communities/gw/level/", {"level": "watch"})
    discussions.topic_create(
        actor=asker, community=community, kind="discussion", title="New", body="x", language="en"
    )
    assert Notification.objects.filter(recipient=watcher, kind="new_topic").exists()
    assert client.post(f"/notifications/topics/{topic.pk}/level/", {"level": "loud"}).status_code == 404


def test_the_notification_list_runs_a_constant_number_of_queries(client, community):
    asker = member_of(community)
    topic = ask(community, asker)
    client.force_login(asker)

    def grow(n):
        for _ in range(n):
            discussions.post_reply(actor=member_of(community), topic=topic, body="More")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/").status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(15)
    assert count() == small


def test_the_weekly_digest_gathers_what_is_new_once_in_each_language(client, community):
    from catchment.accounts.tests.factories import UserFactory
    from catchment.notifications.digests import send_digests
    from catchment.notifications.models import DigestLog, DigestSetting

    reader = member_of(community, user__language="es", user__display_name="Rosa")
    writer = member_of(community, user__display_name="Wen")
    quiet = member_of(CommunityFactory(slug="quiet"))  # nothing new where they belong: no mail
    daily = member_of(community)
    DigestSetting.objects.create(user=daily, frequency="daily")
    off = member_of(community)
    DigestSetting.objects.create(user=off, frequency="off")
    UserFactory()  # in no community
    topic = ask(community, writer, body="Which pumps last longest?")
    discussions.post_reply(actor=writer, topic=topic, body="Asking again")
    mail.outbox.clear()
    sent = send_digests("weekly")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([reader.email])
    assert sent == 1
    message = mail.outbox[0]
    assert "Groundwater CoP" in message.body and "Pumps" in message.body
    assert "2 " in message.body  # two new messages in the topic
    assert f"/communities/gw/topics/{topic.pk}/" in message.body
    assert "Hola, Rosa" in message.body  # Spanish, the reader's language
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same period again (a retried or repeated run) sends nothing.
    assert send_digests("weekly") == 0
    assert len(mail.outbox) == 1
    assert DigestLog.objects.count() == 1
    assert quiet.email not in recipients and off.email not in recipients and writer.email not in recipients
    # Daily digests go to those who chose daily.
    mail.outbox.clear()
    assert send_digests("daily") == 1 and mail.outbox[0].to == [daily.email]
    # One click in the mail stops it.
    link = re.search(r"https?://[^/\s]+(/notifications/digest/unsubscribe/\S+/)", message.body).group(1)
    client.post(link)
    assert DigestSetting.objects.get(user=reader).frequency == "off"


def test_members_choose_their_digest(client, community):
    from catchment.notifications.models import DigestSetting

    member = member_of(community)
    client.force_login(member)
    assert 'value="weekly" required id="id_frequency_1" checked' in client.get(
        "/notifications/settings/"
    ).content.decode() or ("checked" in client.get("/notifications/settings/").content.decode())
    client.post("/notifications/settings/", {"frequency": "daily"})
    assert DigestSetting.objects.get(user=member).frequency == "daily"
    bad = client.post("/notifications/settings/", {"frequency": "hourly"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_the_send_digests_command(community):
    from io import StringIO

    from django.core.management import call_command

    writer, reader = member_of(community), member_of(community)
    ask(community, writer)
    out = StringIO()
    call_command("send_digests", "--frequency", "weekly", stdout=out)
    assert "1 digest(s) sent" in out.getvalue()
    assert [message.to for message in mail.outbox] == [[reader.email]]


def test_the_sweep_mails_a_notification_whose_task_never_ran_once(community):
    """A process stopped between the commit and its background task: the notification waits unmailed until
    the sweep (send_mail_queue every minute, or Celery beat) finds it; a fresh one is left to its task, one
    older than a day is news no longer, and a second sweep sends nothing more."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    asker = member_of(community)
    helper = member_of(community, user__display_name="Helper Hana")
    topic = ask(community, asker)  # on_commit callbacks never run here: the task is lost
    discussions.post_reply(actor=helper, topic=topic, body="Stainless ones.")
    waiting = Notification.objects.get(recipient=asker)
    assert waiting.email_wanted and waiting.emailed_at is None and mail.outbox == []

    assert services.send_due_notification_emails() == 0  # two minutes for its own task first
    now = timezone.now()
    Notification.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(minutes=3))
    stale = Notification.objects.create(
        recipient=asker, kind="reply", topic=topic, post=waiting.post, email_wanted=True
    )
    Notification.objects.filter(pk=stale.pk).update(created_at=now - datetime.timedelta(days=2))
    call_command("send_mail_queue", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert [message.to for message in mail.outbox] == [[asker.email]]
    assert "Stainless ones." in mail.outbox[0].body
    waiting.refresh_from_db()
    stale.refresh_from_db()
    assert waiting.emailed_at is not None and stale.emailed_at is None
    assert services.send_due_notification_emails() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_takes_at_most_its_limit_each_time(community):
    """Each sweep mails at most `limit` (oldest first); repeated, it mails every waiting one exactly once."""
    import datetime

    from django.utils import timezone

    asker = member_of(community)
    topic = ask(community, asker)
    helpers = [member_of(community) for _ in range(3)]
    for helper in helpers:
        discussions.post_reply(actor=helper, topic=topic, body="Also here.")
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    waiting = Notification.objects.filter(email_wanted=True, emailed_at__isnull=True).count()
    assert waiting == 6  # the asker hears of 3 replies, the first helper of 2, the second of 1
    assert [services.send_due_notification_emails(limit=2) for _ in range(4)] == [2, 2, 2, 0]
    assert len(mail.outbox) == 6
    assert not Notification.objects.filter(email_wanted=True, emailed_at__isnull=True).exists()
