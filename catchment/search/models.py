"""One search index for the whole hub: people, communities, topics and posts today; library resources and
events join it later with their own `kind`, without changing the table.

Who may find a document is decided by the same rules as the pages: `community` (whose read rule applies;
null for hub-wide documents) and `audience` (public or members, for hub-wide documents such as profiles).
PostgreSQL keeps a weighted, language-aware tsvector with a GIN index; SQLite keeps an FTS5 table. Both
are created by migration 0002 for the database in use."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from catchment.communities.models import Community


class Kind(models.TextChoices):
    PERSON = "person", _("People")
    COMMUNITY = "community", _("Communities")
    TOPIC = "topic", _("Topics")
    POST = "post", _("Replies")
    RESOURCE = "resource", _("Library")
    EVENT = "event", _("Events")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")


# PostgreSQL text search configurations per document language; anything else is indexed as 'simple'.
CONFIGS = {"en": "english", "es": "spanish", "fr": "french", "ru": "russian"}


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    language = models.CharField(max_length=10, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    updated_at = models.DateTimeField()
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_one_document")]
        indexes = [
            models.Index(fields=["kind", "-updated_at"], name="search_kind_recent"),
            models.Index(fields=["community", "kind"], name="search_community"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
