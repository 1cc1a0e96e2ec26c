"""Abstract bases shared by every app; core holds no domain tables, only the mail outbox and the
interaction log below."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OutboundMail(models.Model):
    """One message waiting to go out, or gone (the outbox, catchment/core/mail.py). Written in the same transaction
    as the change that causes it, so a rolled-back change sends nothing and a committed one is never forgotten;
    a send that fails is tried again later; a `key` makes the same message (a digest for a period, an event
    reminder) go out at most once however often the job that makes it runs."""

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField(max_length=254, db_index=True)
    from_email = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300)
    # Composed by the hub from bounded parts; no CHECK, so an unusually long digest is never refused.
    body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [file name, text, MIME type]
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return self.key


class Verb(models.TextChoices):
    TOPIC = "topic", pgettext_lazy("interaction", "started a topic")
    REPLY = "reply", pgettext_lazy("interaction", "replied")
    MENTION = "mention", pgettext_lazy("interaction", "mentioned")
    REACTION = "reaction", pgettext_lazy("interaction", "reacted")
    REGISTER = "register", pgettext_lazy("interaction", "registered for an event")
    ATTEND = "attend", pgettext_lazy("interaction", "attended an event")
    HOST = "host", pgettext_lazy("interaction", "hosted an event")
    SHARE = "share", pgettext_lazy("interaction", "shared a resource")
    DOWNLOAD = "download", pgettext_lazy("interaction", "downloaded a resource")
    JOIN = "join", pgettext_lazy("interaction", "joined")
    LEAVE = "leave", pgettext_lazy("interaction", "left")
    VISIT = "visit", pgettext_lazy("interaction", "visited")


class Interaction(models.Model):
    """One line of the interaction log (actor, verb, object, community, time): the single source for
    participation levels, networks, health and value indicators. Written by the services that do the
    actions; `source` names the record it comes from, so writing it twice (a retry, the backfill) keeps one.

    Communities and objects are plain ids, not foreign keys, so that core depends on no domain app."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=16, choices=Verb.choices)
    community_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=24, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=80, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["community_id", "occurred_at"], name="interaction_community"),
            models.Index(fields=["actor", "occurred_at"], name="interaction_actor"),
            models.Index(fields=["verb", "occurred_at"], name="interaction_verb"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.object_type}:{self.object_id}"
