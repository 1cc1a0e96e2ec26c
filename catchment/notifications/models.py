"""What a member follows (subscriptions) and what they are told (notifications)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catchment.communities.models import Community
from catchment.discussions.models import Post, Topic


class Level(models.TextChoices):
    WATCH = "watch", _("Watch: tell me about every new message, by email too")
    TRACK = "track", _("Track: tell me on the site when someone replies to me or mentions me")
    MUTE = "mute", _("Mute: never tell me")


class Subscription(models.Model):
    """A member's level for one community or one topic (a topic's level overrides its community's)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=True, topic__isnull=False)
                | Q(community__isnull=False, topic__isnull=True),
                name="notifications_subscription_one_target",
            ),
            models.UniqueConstraint(fields=["user", "topic"], name="notifications_one_topic_level"),
            models.UniqueConstraint(fields=["user", "community"], name="notifications_one_community_level"),
        ]
        indexes = [
            models.Index(fields=["topic", "level"], name="subscription_topic"),
            models.Index(fields=["community", "level"], name="subscription_community"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.level} {self.topic or self.community}"


class Kind(models.TextChoices):
    NEW_POST = "new_post", _("New message in a topic you watch")
    NEW_TOPIC = "new_topic", _("New topic in a community you watch")
    REPLY = "reply", _("Reply to your message")
    MENTION = "mention", _("Mention")
    ANSWER_ACCEPTED = "accepted", _("Your answer was accepted")
    MESSAGE = "message", _("Private message")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        "conversations.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            # The sweep for mail whose task never ran (services.send_due_notification_emails): only the
            # few rows still waiting are in it.
            models.Index(
                fields=["created_at"],
                name="notification_mail_waiting",
                condition=Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "post", "kind"], name="notifications_once_per_post"),
            models.UniqueConstraint(
                fields=["recipient", "message", "kind"], name="notifications_once_per_message"
            ),
            models.CheckConstraint(
                condition=Q(topic__isnull=False) | Q(conversation__isnull=False),
                name="notifications_about_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Never")


class DigestSetting(models.Model):
    """How often a member wants the digest of their communities (weekly unless they choose)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_setting"
    )
    frequency = models.CharField(
        _("digest"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency}"


class DigestLog(models.Model):
    """One row per member and period: claimed before the mail leaves, so a period is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=24)  # "weekly:2026-W47", "daily:2026-11-23"
    sent_at = models.DateTimeField(auto_now_add=True)
    topics = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="notifications_digest_once")]
        indexes = [models.Index(fields=["user", "-sent_at"], name="digest_recent")]

    def __str__(self) -> str:
        return f"{self.user} {self.period}"
