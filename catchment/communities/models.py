"""Communities of practice: who belongs, in which role, and how the community was designed and governed."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catchment.accounts.models import Organisation, Theme
from catchment.core.models import TimeStampedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read")
    PRIVATE = "private", _("Private: listed, only members read")
    SECRET = "secret", _("Secret: invisible to non-members")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    APPROVAL = "approval", _("By approval: people ask, moderators decide")
    INVITATION = "invitation", _("By invitation only")


class MembershipBasis(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuals")
    ORGANISATION = "organisation", _("Organisations, represented by named people")


class Stage(models.TextChoices):
    DESIGN = "design", _("In design")
    LAUNCHED = "launched", _("Launched")
    DORMANT = "dormant", _("Dormant")
    ARCHIVED = "archived", _("Archived")


class Role(models.TextChoices):
    CONVENOR = "convenor", _("Convenor")
    CO_CONVENOR = "co_convenor", _("Co-convenor")
    MODERATOR = "moderator", _("Moderator")
    CORE = "core", _("Core member")
    MEMBER = "member", _("Member")


# Higher ranks may do everything lower ranks may; the policy in permissions.py reads these.
ROLE_RANK = {Role.MEMBER: 1, Role.CORE: 2, Role.MODERATOR: 3, Role.CO_CONVENOR: 4, Role.CONVENOR: 5}
FACILITATING_ROLES = (Role.MODERATOR, Role.CO_CONVENOR, Role.CONVENOR)


class Community(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    summary = models.CharField(_("summary"), max_length=280)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    themes = models.ManyToManyField(Theme, blank=True, related_name="communities", verbose_name=_("themes"))
    cover = models.ImageField(_("cover image"), upload_to="covers/", blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("who can join"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    membership_basis = models.CharField(
        _("membership basis"),
        max_length=16,
        choices=MembershipBasis.choices,
        default=MembershipBasis.INDIVIDUAL,
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.DESIGN)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    is_moderators_community = models.BooleanField(_("community for moderators"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Active members, kept by recount_members() on every membership change (the catalogue lists a thousand
    # communities without counting half a million memberships).
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(
                fields=["is_moderators_community"],
                condition=Q(is_moderators_community=True),
                name="communities_one_moderators_community",
            )
        ]
        indexes = [models.Index(fields=["stage", "visibility"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        return self.stage == Stage.ARCHIVED


class CommunityLanguage(models.Model):
    """A working language of a community (ISO 639 code)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=10)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="communities_language_unique")
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BANNED = "banned", _("Banned")


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_memberships",
        verbose_name=_("representing"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    conduct_accepted_at = models.DateTimeField(_("code of conduct accepted"), null=True, blank=True)
    conduct_version = models.ForeignKey(
        "CharterVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charter version accepted"),
    )

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="communities_membership_unique")
        ]
        indexes = [
            models.Index(fields=["community", "status", "role"]),
            models.Index(fields=["community", "status", "-joined_at"], name="membership_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message to the moderators"), blank=True, max_length=2000)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("representing"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_message = models.TextField(_("message to the applicant"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="communities_one_pending_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.status})"


class Invitation(models.Model):
    """An emailed, expiring, single-use invitation; only the token's hash is stored."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["community", "email"]),
            models.Index(fields=["invited_by", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.community}"

    @staticmethod
    def hash_token(token: str) -> str:
        """Only this digest is stored: a leaked database does not leak working invitation links."""
        return hashlib.sha256(token.encode()).hexdigest()


CHARTER_SECTIONS = (
    "purpose",
    "objectives",
    "scope",
    "processes",
    "formats_tools",
    "structure",
    "code_of_conduct",
)


class CharterStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("charter", "Draft")
    APPROVED = "approved", pgettext_lazy("charter", "Approved")
    SUPERSEDED = "superseded", pgettext_lazy("charter", "Superseded")


class CharterVersion(models.Model):
    """One saved state of a community's charter: the seven elements. Saving never overwrites. The
    sponsor approves a complete version; the one approved before it is then superseded."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="charter_versions")
    number = models.PositiveIntegerField(_("version"))
    purpose = models.TextField(_("Purpose"), blank=True, max_length=10000)
    objectives = models.TextField(_("Objectives"), blank=True, max_length=10000)
    scope = models.TextField(_("Scope"), blank=True, max_length=10000)
    processes = models.TextField(_("Processes and practices"), blank=True, max_length=10000)
    formats_tools = models.TextField(_("Formats and tools"), blank=True, max_length=10000)
    structure = models.TextField(_("Organisational structure"), blank=True, max_length=10000)
    code_of_conduct = models.TextField(_("Code of conduct"), blank=True, max_length=10000)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    status = models.CharField(max_length=12, choices=CharterStatus.choices, default=CharterStatus.DRAFT)

    class Meta:
        ordering = ["community", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="communities_charter_version")
        ]

    def __str__(self) -> str:
        return f"{self.community} charter v{self.number}"

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CHARTER_SECTIONS}


CONSULTATION_FIELDS = ("motivation", "purpose", "expectations", "needs", "limitations")


class Consultation(models.Model):
    """The preparatory consultation held while designing a community."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="consultation")
    motivation = models.TextField(_("Motivation"), blank=True, max_length=5000)
    purpose = models.TextField(_("Purpose"), blank=True, max_length=5000)
    expectations = models.TextField(_("Expectations"), blank=True, max_length=5000)
    needs = models.TextField(_("Needs"), blank=True, max_length=5000)
    limitations = models.TextField(_("Limitations of the CoP approach"), blank=True, max_length=5000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    def __str__(self) -> str:
        return f"Consultation for {self.community}"


class CharterRevision(models.Model):
    """A line of the charter's version history, as in the CDC charter template: written when the sponsor
    approves a version (who implemented it, when, who approved it, when, and why)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="charter_revisions")
    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="revisions")
    implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision_date = models.DateField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by_name = models.CharField(max_length=120)  # kept if the account goes
    approval_date = models.DateField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["community", "approval_date", "pk"]

    def __str__(self) -> str:
        return f"{self.version} approved {self.approval_date}"


class ResourceCommitment(models.Model):
    """A line of the roles-and-resources sheet: who takes which responsibility, for how many hours a month."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="resource_commitments")
    responsibility = models.CharField(_("responsibility"), max_length=120)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    person_name = models.CharField(_("or a name"), max_length=120, blank=True)
    hours_per_month = models.DecimalField(_("hours per month"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["responsibility", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_month__gte=0) & Q(hours_per_month__lte=744),
                name="communities_hours_in_a_month",
                violation_error_message=_("Hours per month must be between 0 and 744."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.responsibility}: {self.hours_per_month} h"

    @property
    def who(self) -> str:
        return str(self.person) if self.person else self.person_name


class ActivityKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    DISCUSSION = "discussion", _("Online discussion")
    WORLD_CAFE = "world_cafe", _("World Café")
    TRAINING = "training", _("Training")
    NEWSLETTER = "newsletter", _("Newsletter")
    FIELD_VISIT = "field_visit", _("Field visit")
    MEETING = "meeting", _("Meeting")


class Cadence(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices, default=Cadence.ONCE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="communities_activity_ends_after_start",
                violation_error_message=_("The end cannot come before the start."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Milestone(models.Model):
    """A step of the follow-up plan toward launch."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, as_of: datetime.date) -> bool:
        return self.status == MilestoneStatus.OPEN and self.due_on < as_of


def charter_section_label(name: str) -> str:
    """The translated heading of one of the seven charter elements."""
    return str(getattr(CharterVersion._meta.get_field(name), "verbose_name", name))


def recount_members(community_id: int) -> None:
    """Store a community's number of active members, right under concurrent joins and leaves: the row lock
    is taken before counting, so whoever counts last sees every membership committed before, and its own.
    (FOR NO KEY UPDATE does not wait for the key-share locks that inserting memberships takes.)"""
    if not list(Community.objects.select_for_update(no_key=True).filter(pk=community_id).values_list("pk")):
        return
    count = Membership.objects.filter(community_id=community_id, status=MembershipStatus.ACTIVE).count()
    Community.objects.filter(pk=community_id).update(member_count=count)


@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender: type[Membership], instance: Membership, **kwargs: object) -> None:
    with transaction.atomic():
        recount_members(instance.community_id)
