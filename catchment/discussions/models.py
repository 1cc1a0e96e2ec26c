"""Conversations in a community: topics (discussions, questions, announcements) made of posts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catchment.communities.models import Community


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    ANNOUNCEMENT = "announcement", _("Announcement")


class Visibility(models.TextChoices):
    """What happened to a post or topic: shown, hidden by a moderator, or deleted (both can be undone)."""

    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")
    DELETED = "deleted", _("Deleted")


class Topic(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="topics")
    kind = models.CharField(_("kind"), max_length=16, choices=TopicKind.choices, default=TopicKind.DISCUSSION)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="topics"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_posted_at = models.DateTimeField(_("last post"))
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode"), default=0)
    status = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.VISIBLE)
    accepted_post = models.ForeignKey(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
    )

    class Meta:
        ordering = ["-is_pinned", "-last_posted_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status", "-is_pinned", "-last_posted_at"], name="topic_list"),
            models.Index(fields=["community", "kind", "status"], name="topic_kind"),
            # the newest activity of a community and of the hub (feeds, recent topics)
            models.Index(fields=["community", "status", "-last_posted_at", "-id"], name="topic_recent"),
            models.Index(fields=["-last_posted_at", "-id"], name="topic_recent_hub"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind == TopicKind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.accepted_post_id is not None


class Post(models.Model):
    """The opening post of a topic (number 1) or a reply to it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    body = models.TextField(_("message"), max_length=20000)
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in reply to"),
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.VISIBLE)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["topic", "number"]
        constraints = [models.UniqueConstraint(fields=["topic", "number"], name="discussions_post_number")]
        indexes = [
            models.Index(fields=["author", "created_at"], name="post_author_recent"),
            models.Index(fields=["-created_at"], name="post_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    @property
    def is_visible(self) -> bool:
        return self.status == Visibility.VISIBLE


class PostRevision(models.Model):
    """The text a post had before an edit: edits never lose what was said."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Revision of {self.post}"


class ModerationAction(models.Model):
    """The log of every moderator action: who did what to which topic or post, when and why."""

    class Verb(models.TextChoices):
        PIN = "pin", _("pinned")
        UNPIN = "unpin", _("unpinned")
        LOCK = "lock", _("locked")
        UNLOCK = "unlock", _("unlocked")
        HIDE = "hide", _("hid")
        UNHIDE = "unhide", _("showed again")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")
        DISMISS = "dismiss", _("dismissed the flags on")
        SLOW = "slow", _("set slow mode on")
        MOVE = "move", _("moved")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="moderation_actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=16, choices=Verb.choices)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="moderation_actions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"], name="moderation_log")]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.topic}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    CONDUCT = "conduct", _("Breaks the code of conduct")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A member's report that a post needs a moderator's eye; it waits in the community's review queue."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    note = models.CharField(_("note for the moderators"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=16, blank=True)  # "hidden" or "kept"

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="discussions_flag_once")]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="flag_queue")]

    def __str__(self) -> str:
        return f"{self.reporter} flagged {self.post}"


class ReactionKind(models.TextChoices):
    THANKS = "thanks", _("Thanks")
    AGREE = "agree", _("Agree")
    INSIGHTFUL = "insightful", _("Insightful")
    CELEBRATE = "celebrate", _("Well done")


REACTION_SYMBOLS = {"thanks": "🙏", "agree": "👍", "insightful": "💡", "celebrate": "🎉"}


class Reaction(models.Model):
    """A member's quick response to a post; one of each kind per person and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="discussions_react_once")
        ]
        indexes = [models.Index(fields=["post", "kind"], name="reaction_count")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.post}"


class Attachment(models.Model):
    """A file attached to a post: checked from its content, stored under a random name, and served only as a
    download to people who may read the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "pk"]

    def __str__(self) -> str:
        return self.name
