"""The shared library: documents, links, publications, tools, case studies and videos, hub-wide or per
community, with their versions and translations linked to each other."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catchment.accounts.models import Organisation, Theme
from catchment.communities.models import Community


class ResourceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Web link")
    PUBLICATION = "publication", _("Publication")
    TOOL = "tool", _("Tool or toolkit")
    CASE_STUDY = "case_study", _("Case study")
    VIDEO = "video", _("Video")


class Licence(models.TextChoices):
    NOT_STATED = "", _("Not stated")
    CC_BY = "cc-by", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa", "CC BY-NC-SA 4.0"
    CC0 = "cc0", _("CC0 (public domain)")
    COPYRIGHT = "copyright", _("All rights reserved")
    OTHER = "other", _("Other (see the summary)")


class ResourceStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Resource(models.Model):
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("organisation"),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10)
    themes = models.ManyToManyField(Theme, blank=True, related_name="resources", verbose_name=_("themes"))
    licence = models.CharField(_("licence"), max_length=16, choices=Licence.choices, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    file = models.FileField(max_length=200, blank=True)
    file_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    cover = models.ImageField(max_length=200, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    status = models.CharField(max_length=8, choices=ResourceStatus.choices, default=ResourceStatus.VISIBLE)
    original = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    previous_version = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_versions",
        verbose_name=_("replaces"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-is_featured", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status", "-created_at"], name="resource_list"),
            models.Index(fields=["status", "-is_featured", "-created_at"], name="resource_featured"),
            models.Index(fields=["kind", "status"], name="resource_kind"),
            models.Index(fields=["language", "status"], name="resource_language"),
            models.Index(fields=["year", "status"], name="resource_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class Download(models.Model):
    """One download of a resource's file (who, when), kept for the insights; the count is denormalised."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["resource", "created_at"], name="download_recent")]

    def __str__(self) -> str:
        return f"{self.resource_id} by {self.user_id}"
