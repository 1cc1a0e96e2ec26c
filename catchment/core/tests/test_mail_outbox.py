"""Mail goes out exactly when it should (reliability.md #28): nothing for a rolled-back change, at most one digest
per member and period however often or concurrently the job runs, at most one duplicate when a worker dies
between the SMTP server's acceptance and the outbox's note, and nothing dropped by an SMTP outage."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections, transaction

from catchment.communities.tests.factories import CommunityFactory
from catchment.core import mail as outbox
from catchment.core.models import OutboundMail
from catchment.notifications.digests import send_digests
from catchment.notifications.tests.test_notifications import ask, member_of

RECIPIENTS = 1000


class DownBackend(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


class Died(BaseException):
    """A worker killed mid-task: not an error the task could catch."""


def _fall_due() -> None:
    OutboundMail.objects.filter(sent_at__isnull=True).update(
        next_attempt_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )


def test_a_rolled_back_change_sends_nothing(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.queue_mail(subject="Welcome", body="Hello", to="a@example.org")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert OutboundMail.objects.count() == 0
    assert mail.outbox == []


def test_a_committed_change_sends_once_after_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.queue_mail(subject="Welcome", body="Hello", to="a@example.org", key="welcome:1")
        outbox.queue_mail(subject="Welcome", body="Hello", to="a@example.org", key="welcome:1")
        assert mail.outbox == []  # not before the commit
    assert [message.to for message in mail.outbox] == [["a@example.org"]]
    sent = OutboundMail.objects.get()
    assert sent.sent_at is not None
    assert sent.body == "" and sent.subject == "Welcome"  # no reset or sign-in link stays once delivered
    _fall_due()
    assert outbox.deliver_due_mail() == 0  # a sent message is never sent again


def test_the_digest_job_run_twice_sends_one_digest_per_member_and_period(db):
    community = CommunityFactory(slug="gw", name="Groundwater CoP")
    readers = [member_of(community) for _ in range(5)]
    ask(community, member_of(community))
    mail.outbox.clear()
    assert send_digests("weekly") == len(readers)
    assert send_digests("weekly") == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in readers)


@pytest.mark.django_db(transaction=True)
def test_the_digest_job_run_twice_at_once_sends_one_digest_per_member(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks; SQLite runs one writer at a time")
    community = CommunityFactory(slug="gw", name="Groundwater CoP")
    readers = [member_of(community) for _ in range(20)]
    ask(community, member_of(community))
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            counts.append(send_digests("weekly"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == len(readers)
    delivered = sorted(m.to[0] for m in mail.outbox)
    assert delivered == sorted(user.email for user in readers)  # each exactly once


def test_a_worker_dying_after_the_smtp_server_accepted_sends_at_most_one_duplicate(db, monkeypatch):
    pk = outbox.queue_mail(subject="Reminder", body="Tomorrow", to="a@example.org", deliver=False)
    real_send = outbox._send

    def send_then_die(message):
        real_send(message)
        raise Died

    monkeypatch.setattr(outbox, "_send", send_then_die)
    with pytest.raises(Died):
        outbox.deliver_now(pk)
    monkeypatch.setattr(outbox, "_send", real_send)
    assert outbox.deliver_due_mail() == 0  # claimed for a minute: not sent again at once
    _fall_due()
    assert outbox.deliver_due_mail() == 1
    assert outbox.deliver_due_mail() == 0
    assert len(mail.outbox) == 2  # at least once: one duplicate, never a loss


def test_an_smtp_outage_loses_nothing_and_sends_nothing_twice(db, settings):
    settings.EMAIL_BACKEND = "catchment.core.tests.test_mail_outbox.DownBackend"
    for number in range(RECIPIENTS):
        pk = outbox.queue_mail(subject="News", body="Text", to=f"p{number}@example.org", deliver=False)
        outbox.deliver_now(pk)
    waiting = OutboundMail.objects.filter(sent_at__isnull=True)
    assert waiting.count() == RECIPIENTS
    first = waiting.order_by("pk").first()
    assert first is not None and first.attempts == 1 and "ConnectionRefusedError" in first.last_error
    assert first.next_attempt_at > first.created_at + datetime.timedelta(seconds=55)  # backs off
    # Ten minutes later the server is still down: tried again, still kept.
    _fall_due()
    assert outbox.deliver_due_mail(limit=RECIPIENTS) == 0
    assert OutboundMail.objects.filter(sent_at__isnull=True, attempts=2).count() == RECIPIENTS
    # The server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _fall_due()
    assert outbox.deliver_due_mail(limit=RECIPIENTS) == RECIPIENTS
    addresses = [message.to[0] for message in mail.outbox]
    assert len(addresses) == len(set(addresses)) == RECIPIENTS  # duplicates 0, undelivered 0
    assert outbox.deliver_due_mail(limit=RECIPIENTS) == 0


def test_sent_mail_is_forgotten_after_a_week(db):
    pk = outbox.queue_mail(subject="Old", body="Text", to="a@example.org", deliver=False)
    outbox.deliver_now(pk)
    OutboundMail.objects.update(sent_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    outbox.deliver_due_mail()
    assert not OutboundMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_a_task_queue_mail_leaves_from_a_thread_after_the_commit(settings):
    """The answer never waits for the SMTP server (a reset for a known address must not take longer)."""
    settings.MAIL_SEND_IN_THREAD = True
    slow = threading.Event()

    class SlowBackend(BaseEmailBackend):
        def send_messages(self, email_messages):
            slow.wait(5)  # the SMTP server takes its time
            mail.outbox.extend(email_messages)
            return len(email_messages)

    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    globals()["SlowBackend"] = SlowBackend
    with transaction.atomic():
        outbox.queue_mail(subject="Reset", body="Your link", to="a@example.org")
    # Back from the "request" at once, while the server is still answering.
    assert mail.outbox == []
    slow.set()
    outbox.wait_for_mail_thread()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert OutboundMail.objects.get().sent_at is not None


class NamingBackend(BaseEmailBackend):
    """Notes which thread sent each message, and can hold the first one until released."""

    threads: list[str] = []
    connections: list[Any] = []
    hold = threading.Event()
    holding = threading.Event()

    def send_messages(self, email_messages):
        if not NamingBackend.threads:
            NamingBackend.holding.set()
            NamingBackend.hold.wait(10)
        NamingBackend.threads.append(threading.current_thread().name)
        NamingBackend.connections.append(connections["default"])
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def mail_thread(settings):
    settings.MAIL_SEND_IN_THREAD = True
    settings.EMAIL_BACKEND = f"{__name__}.NamingBackend"
    NamingBackend.threads = []
    NamingBackend.connections = []
    NamingBackend.hold.clear()
    NamingBackend.holding.clear()
    yield
    NamingBackend.hold.set()
    outbox.wait_for_mail_thread()


@pytest.mark.django_db(transaction=True)
def test_mail_leaves_from_one_lasting_thread_that_lets_go_of_its_connection(mail_thread):
    """One thread per process sends every message in turn (no thread and connection per message)."""
    # One commit queues all 25 (SQLite's shared in-memory test database refuses two writers at once).
    with transaction.atomic():
        for number in range(25):
            outbox.queue_mail(subject=f"Confirmation {number}", body="Text", to=f"m{number}@example.org")
    NamingBackend.hold.set()
    outbox.wait_for_mail_thread()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"m{number}@example.org" for number in range(25))
    assert set(NamingBackend.threads) == {"catchment-mail"}
    assert [t.name for t in threading.enumerate()].count("catchment-mail") == 1
    sender = outbox._mail_thread.thread
    assert sender is not None and not sender.daemon  # a stopping process sends what it holds first
    assert OutboundMail.objects.filter(sent_at__isnull=True).count() == 0
    # Its own connection, not the caller's, closed once nothing was left to send.
    used = {id(conn): conn for conn in NamingBackend.connections}
    assert len(used) == 1 and connections["default"] not in NamingBackend.connections
    (conn,) = used.values()
    assert getattr(conn, "is_in_memory_db", lambda: False)() or conn.connection is None


@pytest.mark.django_db(transaction=True)
def test_past_the_limit_mail_waits_in_the_outbox_and_the_caller_never_sends(mail_thread, settings, caplog):
    """A backlog never makes a request send mail itself (a reset must take as long for any address)."""
    settings.TASKS_QUEUE_LIMIT = 2
    with transaction.atomic():
        outbox.queue_mail(subject="First", body="Text", to="first@example.org")
    assert NamingBackend.holding.wait(10)  # the thread is busy with the first message, its claim committed
    for name in ("second", "third", "fourth", "fifth"):
        with transaction.atomic():
            outbox.queue_mail(subject=name, body="Text", to=f"{name}@example.org")
    assert outbox._mail_thread.queue.qsize() == 2  # second and third wait; fourth and fifth were not queued
    assert (
        sum("left for the sweep" in record.getMessage() for record in caplog.records) == 1
    )  # once a backlog
    caller = threading.current_thread().name
    assert caller not in NamingBackend.threads and mail.outbox == []  # nothing sent by the request
    NamingBackend.hold.set()
    outbox.wait_for_mail_thread()
    # Two waited in the thread's queue; the other two stayed in the outbox, and the sweep after the last
    # queued message sent them: nothing lost, nothing sent twice.
    assert [m.to[0] for m in mail.outbox] == [
        f"{name}@example.org" for name in ("first", "second", "third", "fourth", "fifth")
    ]
    assert set(NamingBackend.threads) == {"catchment-mail"}
    assert OutboundMail.objects.filter(sent_at__isnull=True).count() == 0
