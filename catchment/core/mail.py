"""Sending already-rendered mail through the task queue (rendering happens in the recipient's language)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from catchment.core.tasks import task


@task
def send_rendered_mail(
    *, subject: str, body: str, to: list[str], from_email: str | None = None, html_body: str | None = None
) -> None:
    """Send one message whose text was rendered before it was queued."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@task
def send_mail_once(
    *, key: str, subject: str, body: str, to: list[str], attachments: list[tuple[str, str, str]] | None = None
) -> bool:
    """Send a rendered message unless one with this key was already sent; attachments are (file name, text,
    MIME type). A failed send releases the claim so that a retry can try again."""
    from catchment.core.models import MailClaim

    try:
        with transaction.atomic():
            MailClaim.objects.create(key=key[:200])
    except IntegrityError:
        return False
    message = EmailMessage(subject=subject, body=body, to=to)
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    try:
        message.send()
    except Exception:
        MailClaim.objects.filter(key=key[:200]).delete()
        raise
    return True


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
        send_rendered_mail.enqueue(subject=subject, body=body, to=[address])
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
