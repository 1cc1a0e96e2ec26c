"""Newsletters: written in Markdown once per language by the hub team or a community's convenors, sent to a
segment of members through the task queue, one delivery row per recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from catchment.accounts.models import StakeholderGroup
from catchment.communities.models import Community


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Newsletter(models.Model):
    """One newsletter. `community` set: from that community to its members (and in its list); empty: from
    the hub team. The segment narrows the audience further by stakeholder group and country."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletters",
        verbose_name=_("community"),
    )
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=32, choices=StakeholderGroup.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    default_language = models.CharField(
        _("language for everyone else"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"], name="newsletter_list")]

    def __str__(self) -> str:
        edition = next(iter(self.editions.all()), None)
        return edition.subject if edition else f"Newsletter {self.pk}"


class Edition(models.Model):
    """The newsletter in one language: recipients get the one in their language, else the default one."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="editions")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=50000)

    class Meta:
        ordering = ["newsletter", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "language"], name="newsletters_one_edition_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.language})"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent: no longer wanted")


class Delivery(models.Model):
    """One recipient of a sent newsletter, fixed when it was sent. A row is claimed before its mail leaves,
    so a retried task never sends it twice."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "user"], name="newsletters_deliver_once")
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="delivery_progress")]

    def __str__(self) -> str:
        return f"{self.newsletter_id} → {self.user_id}: {self.status}"


class OptOut(models.Model):
    """A member who no longer wants newsletters from the hub team (`community` empty) or from one community."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="newsletters_opt_out_once"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(community__isnull=True), name="newsletters_opt_out_hub_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} opted out of {self.community or 'hub'} newsletters"
