"""Sending already-rendered mail through the task queue (rendering happens in the recipient's language)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

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
