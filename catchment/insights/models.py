"""Computed insights: snapshots of levels, networks and health (with the parameters that produced them),
each community's level settings, and members' choice to stay out of named network maps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catchment.communities.models import Community


class SnapshotKind(models.TextChoices):
    LEVELS = "levels", _("Participation levels")
    NETWORK = "network", _("Network")
    HEALTH = "health", _("Health and rhythm")
    HUB = "hub", _("All communities compared")


class Snapshot(models.Model):
    """One computation, kept whole: what was computed (`data`), for which moment and window, with which
    parameters and code version, so that any figure on a dashboard can be reproduced."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="insight_snapshots"
    )
    kind = models.CharField(max_length=16, choices=SnapshotKind.choices)
    as_of = models.DateTimeField()
    window_days = models.PositiveSmallIntegerField()
    params = models.JSONField(default=dict)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["community", "kind", "-computed_at"], name="snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.community_id} at {self.as_of:%Y-%m-%d}"


class LevelSettings(models.Model):
    """A community's own weights and thresholds for participation levels (the defaults of the design
    notes until its convenors change them)."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="level_settings")
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=90)
    topic_weight = models.PositiveSmallIntegerField(_("weight of a topic"), default=3)
    reply_weight = models.PositiveSmallIntegerField(_("weight of a reply"), default=2)
    resource_weight = models.PositiveSmallIntegerField(_("weight of a shared resource"), default=2)
    attendance_weight = models.PositiveSmallIntegerField(_("weight of an event attended"), default=1)
    hosting_weight = models.PositiveSmallIntegerField(_("weight of an event hosted"), default=5)
    active_weeks = models.PositiveSmallIntegerField(_("active weeks to count as active"), default=4)
    active_contributions = models.PositiveSmallIntegerField(_("contributions to count as active"), default=3)
    core_weeks = models.PositiveSmallIntegerField(_("active weeks to count as core"), default=8)
    core_percent = models.PositiveSmallIntegerField(
        _("core group at most (percent of contributors)"), default=15
    )
    lethargy_days = models.PositiveSmallIntegerField(_("alert after days without a touchpoint"), default=30)

    def __str__(self) -> str:
        return f"Level settings of {self.community}"


class MapOptOut(models.Model):
    """A member who does not want to appear by name on network maps (they appear as a number)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} stays off named maps"


class Cycle(models.IntegerChoices):
    """Wenger, Trayner and de Laat's cycles of value creation (2011)."""

    IMMEDIATE = 1, _("Immediate value: what happened, and how was it?")
    POTENTIAL = 2, _("Potential value: what has it produced?")
    APPLIED = 3, _("Applied value: what difference has it made to practice?")
    REALIZED = 4, _("Realized value: what difference has it made to what matters?")
    REFRAMING = 5, _("Reframing value: has it changed what we think matters?")


CYCLE_NAMES = {
    1: _("Immediate"),
    2: _("Potential"),
    3: _("Applied"),
    4: _("Realized"),
    5: _("Reframing"),
}


class Capital(models.TextChoices):
    HUMAN = "human", _("Human capital: skills, knowledge, confidence")
    SOCIAL = "social", _("Social capital: relationships and connections")
    TANGIBLE = "tangible", _("Tangible capital: documents, tools, resources")
    REPUTATIONAL = "reputational", _("Reputational capital: the community's standing")
    LEARNING = "learning", _("Learning capital: a new way of learning")


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASPIRATIONAL = "aspirational", _("Aspirational: some steps are hopes, to follow up")
    FOLLOWED_UP = "followed_up", _("Followed up")
    VERIFIED = "verified", _("Verified")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Story(models.Model):
    """A value-creation story: a member's account of how taking part produced something, how it was used,
    and what difference it made, told step by step across the cycles."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="value_stories")
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("teller"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=3000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StoryStatus.choices, default=StoryStatus.DRAFT
    )
    consent_publish = models.BooleanField(
        _("the teller agrees that the community may read it"), default=False
    )
    anonymise = models.BooleanField(_("tell it without my name"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["community", "status", "-updated_at"], name="story_list")]

    def __str__(self) -> str:
        return self.title


class StoryStep(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="steps")
    cycle = models.PositiveSmallIntegerField(_("cycle"), choices=Cycle.choices)
    narrative = models.TextField(_("what happened"), max_length=5000)
    capitals = models.CharField(_("forms of knowledge capital"), max_length=100, blank=True)
    is_aspirational = models.BooleanField(_("a hope, not yet happened"), default=False)
    evidence_url = models.URLField(_("evidence (a web address)"), max_length=500, blank=True)
    occurred_on = models.DateField(_("when"), null=True, blank=True)

    class Meta:
        ordering = ["story", "cycle"]
        constraints = [models.UniqueConstraint(fields=["story", "cycle"], name="insights_one_step_a_cycle")]

    def __str__(self) -> str:
        return f"{self.story} – {self.cycle}"

    @property
    def capital_list(self) -> list[str]:
        return [value for value in self.capitals.split(",") if value]


class DataSourceChoice(models.TextChoices):
    PLATFORM = "platform_auto", _("Computed by the hub")
    SURVEY = "survey", _("Survey")
    MANUAL = "manual", _("Entered by hand")
    EXTERNAL = "external", _("From outside the hub")


class Indicator(models.Model):
    """An indicator of value in one cycle; the hub computes some from the interaction log, people enter
    the others."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="value_indicators")
    cycle = models.PositiveSmallIntegerField(_("cycle"), choices=Cycle.choices)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), max_length=1000, blank=True)
    data_source = models.CharField(
        _("source"), max_length=16, choices=DataSourceChoice.choices, default=DataSourceChoice.MANUAL
    )
    query_key = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["community", "cycle", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="insights_indicator_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    """A value of an indicator for a period ("effect data")."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    period_start = models.DateField(pgettext_lazy("period", "from"))
    period_end = models.DateField(pgettext_lazy("period", "to"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True, blank=True)
    note = models.CharField(_("note or qualitative value"), max_length=300, blank=True)
    sample = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    source_ref = models.CharField(_("source"), max_length=300, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    collected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "-period_start", "-pk"]
        indexes = [models.Index(fields=["indicator", "-period_start"], name="observation_latest")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


# The pre-launch existing-connections survey (design notes §2.2: "how your targeted audience is already
# connected and via which platforms").


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey", "Draft")
    OPEN = "open", pgettext_lazy("survey", "Open")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    MESSAGING = "messaging", _("WhatsApp or another messaging app")
    LINKEDIN = "linkedin", _("LinkedIn")
    IWA_CONNECT = "iwa_connect", _("IWA Connect")
    SUSANA = "susana", _("SuSanA forum")
    NATIONAL = "national_platform", _("A national platform")
    MEETINGS = "meetings", _("Meetings, face to face")
    CALLS = "calls", _("Phone or video calls")
    OTHER = "other", _("Another platform")


class Frequency(models.IntegerChoices):
    YEARLY = 1, _("Once a year or less")
    FEW = 2, _("A few times a year")
    MONTHLY = 3, _("About once a month")
    WEEKLY = 4, _("About once a week")
    DAILY = 5, _("Most days")


class ConnectionSurvey(models.Model):
    """A name-generator survey run before (or while) a community starts: "Whom do you turn to for advice on
    this topic, and through which channels?". Its cached analysis lives in `results`."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="connection_surveys")
    topic = models.CharField(_("advice on what?"), max_length=200)
    introduction = models.TextField(_("introduction"), max_length=3000, blank=True)
    channels = models.CharField(_("channels to ask about"), max_length=300)
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    answers_changed_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.topic

    @property
    def channel_list(self) -> list[str]:
        return [value for value in self.channels.split(",") if value]

    @property
    def results_stale(self) -> bool:
        return self.answers_changed_at is not None and (
            self.computed_at is None or self.computed_at < self.answers_changed_at
        )


class SurveyResponse(models.Model):
    """One person's answers; given with consent, withdrawable. `named` lets moderators see the respondent's
    name on the map; without it they are a pseudonym there."""

    survey = models.ForeignKey(ConnectionSurvey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    named = models.BooleanField(_("the moderators may see my name on the map"), default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["survey", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="insights_survey_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.respondent_id}"


class SurveyContact(models.Model):
    """A person the respondent turns to for advice. `person` is the hub account matched by name, if any;
    the free-text name is seen only by the respondent."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channels = models.CharField(_("channels"), max_length=300)
    frequency = models.PositiveSmallIntegerField(
        _("how often"), choices=Frequency.choices, default=Frequency.MONTHLY
    )

    class Meta:
        ordering = ["response", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_list(self) -> list[str]:
        return [value for value in self.channels.split(",") if value]
