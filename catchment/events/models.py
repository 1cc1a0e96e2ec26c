"""Events (webinars, meetings, workshops, trainings, World Cafés), registrations with a waiting list, and
the World Café's rounds, tables, seating and harvests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catchment.communities.models import Community
from catchment.library.models import Resource


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    MEETING = "meeting", _("Meeting")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")
    WORLD_CAFE = "world_cafe", _("World Café")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Event(models.Model):
    """An event, hub-wide or in a community. Times are stored in UTC with the organiser's time zone, so every
    page can show both the viewer's time and the organiser's."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("description"), max_length=10000, blank=True)
    agenda = models.TextField(_("agenda"), max_length=10000, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    time_zone = models.CharField(_("organiser's time zone"), max_length=64)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    join_url = models.URLField(_("online join link"), max_length=500, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registered_count = models.PositiveIntegerField(default=0)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    recording = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recording"),
    )
    materials = models.ManyToManyField(
        Resource, blank=True, related_name="events", verbose_name=_("materials")
    )
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="events_end_after_start"),
            # The last line of defence for capacity: the database itself refuses one registration too many.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(registered_count__lte=F("capacity")),
                name="events_within_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "starts_at"], name="event_community_time"),
            models.Index(fields=["starts_at"], name="event_time"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.registered_count)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED


class EventLanguage(models.Model):
    """A language the event is held in (`interpretation` false) or interpreted into."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=10)
    interpretation = models.BooleanField(_("interpreted"), default=False)

    class Meta:
        ordering = ["event", "interpretation", "code"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="events_language_once")]

    def __str__(self) -> str:
        return self.code


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=150)
    affiliation = models.CharField(_("role or organisation"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One person's place (or place in line) at an event; one row per person and event, reused when they
    cancel and come back."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="events_register_once")]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"], name="registration_queue"),
            models.Index(fields=["user", "status"], name="registration_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.event}: {self.status}"


class CafeMode(models.TextChoices):
    IN_PERSON = "in_person", _("In a room")
    ONLINE = "online", _("Online (tables are breakout rooms)")
    HYBRID = "hybrid", _("Hybrid")


class Cafe(models.Model):
    """The World Café of an event: its purpose, rounds and the synthesis of what was harvested."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="cafe")
    purpose = models.TextField(_("purpose"), max_length=3000, blank=True)
    mode = models.CharField(_("where"), max_length=16, choices=CafeMode.choices, default=CafeMode.IN_PERSON)
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=3)
    round_minutes = models.PositiveSmallIntegerField(_("minutes per round"), default=20)
    table_size = models.PositiveSmallIntegerField(_("largest table"), default=6)
    synthesis = models.TextField(_("synthesis"), max_length=20000, blank=True)
    seated_at = models.DateTimeField(null=True, blank=True)
    seed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"World Café of {self.event}"


class CafeQuestion(models.Model):
    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="questions")
    round_no = models.PositiveSmallIntegerField()
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        ordering = ["cafe", "round_no"]
        constraints = [
            models.UniqueConstraint(fields=["cafe", "round_no"], name="events_one_question_a_round")
        ]

    def __str__(self) -> str:
        return self.text


class CafeTable(models.Model):
    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="tables")
    label = models.CharField(_("table"), max_length=60)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    breakout = models.CharField(_("breakout room or board"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cafe", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["cafe", "label"], name="events_table_label_once")]

    def __str__(self) -> str:
        return self.label


class Seat(models.Model):
    """Where one person sits in one round (hosts stay at their table)."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="seats")
    round_no = models.PositiveSmallIntegerField()
    table = models.ForeignKey(CafeTable, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_host = models.BooleanField(default=False)

    class Meta:
        ordering = ["cafe", "round_no", "table", "-is_host", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cafe", "round_no", "user"], name="events_one_seat_a_round")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.table} in round {self.round_no}"


class Harvest(models.Model):
    """What one table brought out of one round: its notes and key insights."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="harvests")
    table = models.ForeignKey(CafeTable, on_delete=models.CASCADE, related_name="harvests")
    round_no = models.PositiveSmallIntegerField()
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    insights = models.TextField(_("key insights"), max_length=5000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cafe", "round_no", "table"]
        constraints = [
            models.UniqueConstraint(fields=["table", "round_no"], name="events_one_harvest_a_table_round")
        ]

    def __str__(self) -> str:
        return f"{self.table}, round {self.round_no}"
