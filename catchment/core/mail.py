"""Mail: rendered in the recipient's language, written to the outbox with the change that causes it, sent by
the task queue once that change commits, and tried again after a failure (reliability.md #28)."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from catchment.core.tasks import Background, Task, task

if TYPE_CHECKING:
    from catchment.core.models import OutboundMail

logger = logging.getLogger(__name__)


# After a failed send, the next attempts wait this long (then the message is given up and logged): an SMTP
# outage of up to a day loses nothing.
RETRY_DELAYS = (60, 300, 1800, 7200, 43200, 86400)
KEEP_SENT_DAYS = 7  # the envelope of a sent message (to, subject, when) is kept a week, then deleted
KEEP_GIVEN_UP_DAYS = 30


def one_click_unsubscribe(url: str) -> dict[str, str]:
    """The headers of RFC 8058 one-click unsubscription: mail clients POST to `url` without a session."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def queue_mail(
    *,
    subject: str,
    body: str,
    to: str,
    key: str = "",
    from_email: str | None = None,
    html_body: str | None = None,
    headers: Mapping[str, str] | None = None,
    attachments: Iterable[tuple[str, str, str]] = (),
    deliver: bool = True,
) -> int | None:
    """Put one rendered message in the outbox, inside the caller's transaction, and have it sent once that
    commits (`deliver=False`: a background job that sends it itself with `deliver_now`). With a `key`, a
    message already queued under it is not queued again (None). Returns the outbox row's id."""
    from catchment.core.models import OutboundMail

    try:
        with transaction.atomic():
            mail = OutboundMail.objects.create(
                key=(key or f"once:{uuid.uuid4().hex}")[:200],
                to=to,
                from_email=from_email or "",
                subject=" ".join(subject.split())[:300],
                body=body,
                html_body=html_body or "",
                headers=dict(headers or {}),
                attachments=[list(item) for item in attachments],
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    if deliver:
        if settings.CELERY_BROKER_URL:
            deliver_mail.enqueue(mail.pk)
        else:
            pk = mail.pk
            transaction.on_commit(lambda: _deliver_embedded(pk))
    return mail.pk


def _send_and_sweep(pk: int) -> None:
    _attempt(pk)
    if _mail_thread.queue.empty():  # new mail first: a reset never waits behind retries to a down server
        deliver_due_mail(limit=20)


_SEND_AND_SWEEP = Task(_send_and_sweep)


# Without a task queue, mail leaves from one lasting thread per process (its own, so a reset never waits
# behind a fan-out's notifications on the task thread), which holds a database connection only while mail
# is waiting. Past TASKS_QUEUE_LIMIT waiting messages a new one stays in the outbox for the sweep that
# follows the last message waiting (20 at a time; the rest with later mail, or cron's send_mail_queue).
_mail_thread = Background(name="catchment-mail", overflow="drop")


def _deliver_embedded(pk: int) -> None:
    """Without a task queue, mail is sent from the mail thread once the change commits, so the answer never
    waits for the SMTP server (and so never takes longer for an address that has an account: a reset or
    sign-up must not tell). Mail that failed earlier and is due again goes with it, so even without cron
    nothing stays behind for long. A failure is logged, never raised into a request; the outbox keeps the
    message."""
    if settings.MAIL_SEND_IN_THREAD:
        _mail_thread.put(_SEND_AND_SWEEP, (pk,), {})
    else:
        _attempt(pk)


def wait_for_mail_thread() -> None:
    """Block until the mail thread has sent what was queued (for tests)."""
    _mail_thread.wait()


def _send(mail: OutboundMail) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        to=[mail.to],
        from_email=mail.from_email or None,
        headers=mail.headers or None,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    for name, content, mimetype in mail.attachments:
        message.attach(name, content, mimetype)
    message.send()


def _attempt(pk: int) -> bool:
    """Send one due message unless another worker holds it or it went already; True when it went now."""
    from catchment.core.models import OutboundMail

    now = timezone.now()
    with transaction.atomic():
        # Claimed under a row lock (PostgreSQL) or the write lock (SQLite) and pushed into the future before
        # the send, so two workers never send it at once; a crash after the SMTP server accepted it but before
        # it is marked sent sends it once more when it falls due (at least once, never lost).
        mail = (
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True, next_attempt_at__lte=now)
            .first()
        )
        if mail is None:
            return False
        delay = RETRY_DELAYS[min(mail.attempts, len(RETRY_DELAYS) - 1)]
        claimed = OutboundMail.objects.filter(pk=pk, sent_at__isnull=True, attempts=mail.attempts).update(
            attempts=mail.attempts + 1, next_attempt_at=now + datetime.timedelta(seconds=delay)
        )
        if not claimed:  # another worker took it between the read and the write (SQLite has no row locks)
            return False
    try:
        _send(mail)
    except Exception as error:  # an SMTP outage, a refused address: try again later, never drop it
        gave_up = mail.attempts + 1 > len(RETRY_DELAYS)
        OutboundMail.objects.filter(pk=pk).update(
            last_error=f"{type(error).__name__}: {error}"[:300],
            next_attempt_at=now + datetime.timedelta(days=3650) if gave_up else F("next_attempt_at"),
        )
        (logger.error if gave_up else logger.warning)(
            "mail %s not sent (attempt %d): %s", mail.pk, mail.attempts + 1, type(error).__name__
        )
        return False
    # Once sent, only the envelope is kept: a body can hold a sign-in or reset link, which must not sit in the
    # database (or its backups) after it has been delivered.
    OutboundMail.objects.filter(pk=pk).update(
        sent_at=timezone.now(), last_error="", body="", html_body="", attachments=[], headers={}
    )
    return True


def deliver_now(pk: int | None) -> bool:
    """Send one queued message at once (from a background job that queued it with `deliver=False`)."""
    return pk is not None and _attempt(pk)


@task
def deliver_mail(pk: int) -> bool:
    """Send one queued message (scheduled when its transaction commits)."""
    return _attempt(pk)


@task
def deliver_due_mail(limit: int = 500) -> int:
    """Send what is due again after a failure or a crash, and forget messages sent over a week ago; run every
    minute by Celery beat, or by `manage.py send_mail_queue` from cron in the embedded setup."""
    from catchment.core.models import OutboundMail

    now = timezone.now()
    OutboundMail.objects.filter(sent_at__lt=now - datetime.timedelta(days=KEEP_SENT_DAYS)).delete()
    # Given up (every retry failed): kept a month for the operator to look at, then deleted.
    OutboundMail.objects.filter(
        sent_at__isnull=True, created_at__lt=now - datetime.timedelta(days=KEEP_GIVEN_UP_DAYS)
    ).delete()
    due = list(
        OutboundMail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if _attempt(pk))


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str = ""


def mail_in_language(recipients: Iterable[Recipient], template: str, context: Mapping[str, Any]) -> int:
    """Render `<template>_subject.txt` and `<template>_message.txt` once per recipient, in that recipient's
    language, and queue one message each (sent after the surrounding transaction commits).

    The context gets `site_name` and `site_url` (absolute links in mail sent outside a request). Returns
    how many messages were queued.
    """
    queued = 0
    seen: set[str] = set()
    for recipient in recipients:
        address = recipient.email.strip()
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        subject, body = render_in_language(template, context, recipient.language)
        queue_mail(subject=subject, body=body, to=address)
        queued += 1
    return queued


def render_in_language(template: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """The subject (one line, with the site's prefix) and body of `<template>_subject.txt` and
    `<template>_message.txt`, rendered in `language` (the site default when it is not one we offer)."""
    known = {code for code, _name in settings.LANGUAGES}
    base = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(language if language in known else settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", base).strip()
        body = render_to_string(f"{template}_message.txt", base)
    return f"[{settings.SITE_NAME}] {' '.join(subject.split())}", body
