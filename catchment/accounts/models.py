"""People, their profiles and organisations, and the hub-wide thematic taxonomy."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from catchment.core.models import TimeStampedModel

INTERFACE_LANGUAGES = settings.LANGUAGES
# Canonical Area/City zones only: the legacy aliases (US/Eastern, Etc/GMT+3, …) add hundreds of options
# to the profile form without adding a place anyone lives in.
TIME_ZONE_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
TIME_ZONE_CHOICES = [("UTC", "UTC")] + [
    (name, name.replace("_", " "))
    for name in sorted(zoneinfo.available_timezones())
    if name.split("/")[0] in TIME_ZONE_AREAS
]


class User(AbstractUser):
    """An account. Login is by email; `username` is the stable handle used in profile addresses."""

    email = models.EmailField(_("email address"))
    display_name = models.CharField(_("display name"), max_length=120)
    language = models.CharField(
        _("interface language"), max_length=8, choices=INTERFACE_LANGUAGES, blank=True
    )
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [
            models.Index(fields=["-date_joined"], name="user_recent")
        ]  # the home page's newest members

    def __str__(self) -> str:
        return self.display_name or self.username

    def check_password(self, raw_password: str) -> bool:
        """A password past the ceiling (accounts/passwords.py) is wrong without being hashed: the current
        password asked by a password change, a re-authentication or an account's deletion."""
        from catchment.accounts.passwords import too_long

        if too_long(raw_password):
            return False
        return super().check_password(raw_password)


class Theme(models.Model):
    """One entry of the hub-wide thematic taxonomy, named in each interface language; staff edit it."""

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order in lists"), default=0)
    is_active = models.BooleanField(_("offered to members"), default=True)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The theme's name in the active language, falling back to English."""
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class StakeholderGroup(models.TextChoices):
    GOVERNMENT = "government", _("Government agency")
    BASIN = "basin", _("Basin organisation")
    UTILITY = "utility", _("Utility or service provider")
    CIVIL_SOCIETY = "civil_society", _("Civil society or NGO")
    ACADEMIA = "academia", _("Academia or research")
    PRIVATE = "private", _("Private sector")
    INTERNATIONAL = "international", _("International or donor organisation")
    COMMUNITY = "community", _("Community-based organisation")
    YOUTH = "youth", _("Youth")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class OrganisationType(models.TextChoices):
    COUNTRY_PARTNERSHIP = "country_partnership", _("Country water partnership")
    REGIONAL_PARTNERSHIP = "regional_partnership", _("Regional water partnership")
    GOVERNMENT = "government", _("Government agency")
    BASIN = "basin", _("Basin organisation")
    UTILITY = "utility", _("Utility or service provider")
    NGO = "ngo", _("Civil society or NGO")
    ACADEMIC = "academic", _("University or research institute")
    PRIVATE = "private", _("Company")
    INTERNATIONAL = "international", _("International or donor organisation")
    COMMUNITY = "community", _("Community-based organisation")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel):
    """An organisation members belong to; country water partnerships are organisations too."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    is_verified = models.BooleanField(_("verified"), default=False)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_organisations",
        verbose_name=_("admins"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(Lower("name"), name="accounts_organisation_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can see my profile")
    MEMBERS = "members", _("Members only: only signed-in members can see my profile")


class Profile(TimeStampedModel):
    """What a member tells the network about themselves."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    position = models.CharField(_("position"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"), blank=True)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=32, choices=StakeholderGroup.choices, blank=True
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="profiles", verbose_name=_("expertise"))
    bio = models.TextField(_("short bio"), blank=True, max_length=3000)
    avatar = models.ImageField(_("picture"), upload_to="avatars/", blank=True)
    visibility = models.CharField(
        _("profile visibility"),
        max_length=16,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.MEMBERS,
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [models.Index(fields=["country"]), models.Index(fields=["stakeholder_group"])]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def language_codes(self) -> list[str]:
        return [spoken.code for spoken in self.spoken_languages.all()]


class SpokenLanguage(models.Model):
    """A language a member speaks (ISO 639 code), one row each so the directory can filter on it."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="spoken_languages")
    code = models.CharField(_("language"), max_length=10)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="accounts_spoken_language_unique")
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code
