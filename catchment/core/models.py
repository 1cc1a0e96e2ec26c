"""Abstract bases shared by every app; core holds no domain tables, only the mail claims below."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
