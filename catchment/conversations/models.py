"""Private messages between members: one-to-one or small-group conversations, blocks, and reports to the
hub team."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_group = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField()
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_message_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class Participant(models.Model):
    """A person in a conversation; `left_at` set once they leave (they no longer read or receive it)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_places"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    is_muted = models.BooleanField(_("no emails"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="conversations_one_place"),
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="conversation_inbox")]

    def __str__(self) -> str:
        return f"{self.user} in {self.conversation}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class MessageStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by the hub team")


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.VISIBLE)

    class Meta:
        ordering = ["conversation", "created_at", "pk"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="conversation_messages"),
            models.Index(fields=["author", "created_at"], name="message_author_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.conversation}"

    @property
    def is_visible(self) -> bool:
        return self.status == MessageStatus.VISIBLE


class Block(models.Model):
    """`blocker` no longer hears from `blocked`: no new conversations either way, no messages shown."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="conversations_block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="conversations_no_self_block"),
        ]
        indexes = [models.Index(fields=["blocked"], name="block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    HARASSMENT = "harassment", _("Harassment or abuse")
    CONDUCT = "conduct", _("Breaks the code of conduct")
    OTHER = "other", _("Something else")


class Resolution(models.TextChoices):
    HIDDEN = "hidden", _("Message hidden")
    KEPT = "kept", _("Message kept")


class Report(models.Model):
    """A participant's report of a private message to the hub team; settled reports stay as history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    note = models.CharField(_("note for the hub team"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="conversations_report_once")
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="report_queue")]

    def __str__(self) -> str:
        return f"{self.reporter} reported {self.message}"


class Accepts(models.TextChoices):
    EVERYONE = "everyone", _("Any member of the hub")
    COMMUNITIES = "communities", _("Only members of communities I belong to")
    NOBODY = "nobody", _("Nobody (the hub team can still write to me)")


class MessagingSetting(models.Model):
    """Who may start a conversation with a member (anyone, unless they choose otherwise)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_setting"
    )
    accepts = models.CharField(
        _("who may send me private messages"),
        max_length=16,
        choices=Accepts.choices,
        default=Accepts.EVERYONE,
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.accepts}"
