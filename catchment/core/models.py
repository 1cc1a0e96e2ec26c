"""Abstract bases shared by every app; core holds no domain tables, only the mail claims and the
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


class MailClaim(models.Model):
    """A mail that has been (or is being) sent, by key: claimed before sending, so a retried task that
    would send the same mail again finds the claim and stops."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
