"""Learning alliances (domain.md §3) and systems maps (§5).

A learning alliance is a tree of multi-stakeholder platforms at national, intermediate and community
levels; each platform is a community of the hub (membership, discussions, library and events come from
there) with a facilitator. Around it: the shared direction (versioned, like the charter), the stakeholder
register with its append-only assessments and mobilisation history, action-research cycles, the process
log and dissemination outputs. Systems maps belong to a community (any community, platform or not).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catchment.accounts.models import Organisation
from catchment.communities.models import Community


class AllianceStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    CLOSED = "closed", _("Closed")


class AllianceVisibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can see the alliance, its platforms and its shared direction")
    MEMBERS = "members", _("Members: only the people of its platforms see it")


class Level(models.TextChoices):
    NATIONAL = "national", pgettext_lazy("institutional level", "National")
    BASIN = "basin", pgettext_lazy("institutional level", "Basin")
    REGIONAL = "regional", pgettext_lazy("institutional level", "Regional")
    INTERMEDIATE = "intermediate", pgettext_lazy("institutional level", "District (intermediate)")
    COMMUNITY = "community", pgettext_lazy("institutional level", "Community (local)")


class AllianceStage(models.TextChoices):
    INITIATION = "initiation", _("Initiation")
    STAKEHOLDER_ANALYSIS = "stakeholder_analysis", _("Stakeholder analysis")
    PROBLEM_IDENTIFICATION = "problem_identification", _("Problem or opportunity identification")
    MOBILISATION = "mobilisation", _("Mobilisation")
    VISIONING = "visioning", _("Shared vision")
    ACTION_RESEARCH = "action_research", _("Action research")
    DOCUMENTATION = "documentation", _("Process documentation")
    DISSEMINATION = "dissemination", _("Dissemination")


class LearningAlliance(models.Model):
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=160)
    theme = models.CharField(
        _("theme"), max_length=160, help_text=_("For example: multiple-use water services.")
    )
    summary = models.TextField(_("summary"), max_length=3000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AllianceStatus.choices, default=AllianceStatus.FORMING
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=AllianceVisibility.choices, default=AllianceVisibility.PUBLIC
    )
    initiators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="alliances_initiated", verbose_name=_("initiators")
    )
    initiating_organisations = models.CharField(_("initiating organisations"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        return self.status == AllianceStatus.CLOSED


def default_needed_types() -> list[str]:
    return ["gov", "utility", "ngo", "cbo", "private", "academia"]


class Platform(models.Model):
    """One multi-stakeholder platform of an alliance: a community of the hub at one level of the tree."""

    alliance = models.ForeignKey(LearningAlliance, on_delete=models.CASCADE, related_name="platforms")
    community = models.OneToOneField(Community, on_delete=models.PROTECT, related_name="platform")
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="platforms_facilitated",
        verbose_name=_("facilitator"),
    )
    stage = models.CharField(
        _("current stage"), max_length=24, choices=AllianceStage.choices, default=AllianceStage.INITIATION
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    area = models.CharField(_("area or basin"), max_length=120, blank=True)
    needed_types = models.JSONField(_("stakeholder types it needs"), default=default_needed_types, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alliance", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="alliances_platform_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return str(self.community.name)


class StageChange(models.Model):
    """A platform's stage history: steps iterate, so the alliance page shows the path, not just the state."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=24, choices=AllianceStage.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.platform_id}: {self.stage}"


CORE_VALUES = (
    ("transparency", _("Transparency")),
    ("mutual_trust", _("Mutual trust")),
    ("inclusiveness", _("Inclusiveness")),
    ("equity", _("Equity")),
    ("accountability", _("Accountability")),
    ("openness", _("Openness to learning")),
    ("respect", _("Respect for local knowledge")),
    ("gender_equality", _("Gender equality")),
)
DIRECTION_FIELDS = (
    "objectives",
    "vision",
    "mission",
    "activities",
    "responsibilities",
    "resources",
    "contributions",
)


class DirectionVersion(models.Model):
    """One saved state of the alliance's shared direction: objectives, vision, mission, core values, and
    the rules of the game. Saving never overwrites."""

    alliance = models.ForeignKey(LearningAlliance, on_delete=models.CASCADE, related_name="directions")
    number = models.PositiveIntegerField(_("version"))
    objectives = models.TextField(_("Objectives"), blank=True, max_length=10000)
    vision = models.TextField(_("Vision"), blank=True, max_length=5000)
    mission = models.TextField(_("Mission"), blank=True, max_length=5000)
    core_values = models.JSONField(_("Core values"), default=list, blank=True)
    other_values = models.CharField(_("Other values"), max_length=300, blank=True)
    activities = models.TextField(_("Agreements on activities"), blank=True, max_length=10000)
    responsibilities = models.TextField(_("Responsibilities"), blank=True, max_length=10000)
    resources = models.TextField(_("Resources"), blank=True, max_length=10000)
    contributions = models.TextField(_("Each partner's contribution"), blank=True, max_length=10000)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alliance", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "number"], name="alliances_direction_version")
        ]

    def __str__(self) -> str:
        return f"{self.alliance} direction v{self.number}"


class OrgType(models.TextChoices):
    GOV = "gov", _("Government")
    UTILITY = "utility", _("Water utility or service provider")
    BASIN_ORG = "basin_org", _("Basin organisation")
    NGO = "ngo", _("Non-governmental organisation")
    CBO = "cbo", _("Community-based organisation")
    PRIVATE = "private", _("Private sector")
    ACADEMIA = "academia", _("Research and academia")
    DONOR = "donor", _("Donor")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Engagement(models.TextChoices):
    UNAWARE = "unaware", _("Unaware")
    RESISTANT = "resistant", _("Resistant")
    NEUTRAL = "neutral", _("Neutral")
    SUPPORTIVE = "supportive", _("Supportive")
    LEADING = "leading", _("Leading")


class Strategy(models.TextChoices):
    INFORM = "inform", _("Inform")
    CONSULT = "consult", _("Consult")
    INVOLVE = "involve", _("Involve")
    COLLABORATE = "collaborate", _("Collaborate")
    EMPOWER = "empower", _("Empower")


class Mobilisation(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    BRIEFED = "briefed", _("Briefed")
    CONSULTED = "consulted", _("Consulted")
    COMMITTED = "committed", _("Committed")
    ACTIVE_MEMBER = "active_member", _("Active member")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StakeholderKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")


SCORE = [MinValueValidator(1), MaxValueValidator(5)]
SCORE_FIELDS = ("interest", "influence", "importance", "alignment")


def _score_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"{prefix}_{name}_1_5"
        )
        for name in SCORE_FIELDS
    ]


class Stakeholder(models.Model):
    """An organisation or person in the alliance's register, with its latest assessment."""

    alliance = models.ForeignKey(LearningAlliance, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=StakeholderKind.choices, default=StakeholderKind.ORGANISATION
    )
    org_type = models.CharField(_("type"), max_length=10, choices=OrgType.choices)
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    platforms = models.ManyToManyField(
        Platform, blank=True, related_name="stakeholders", verbose_name=_("platforms")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hub organisation"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hub profile"),
    )
    interest = models.PositiveSmallIntegerField(_("interest"), validators=SCORE, default=3)
    influence = models.PositiveSmallIntegerField(_("influence (power)"), validators=SCORE, default=3)
    importance = models.PositiveSmallIntegerField(_("importance"), validators=SCORE, default=3)
    alignment = models.PositiveSmallIntegerField(_("alignment"), validators=SCORE, default=3)
    engagement_current = models.CharField(
        _("current engagement"), max_length=10, choices=Engagement.choices, default=Engagement.UNAWARE
    )
    engagement_desired = models.CharField(
        _("desired engagement"), max_length=10, choices=Engagement.choices, default=Engagement.SUPPORTIVE
    )
    strategy = models.CharField(
        _("engagement strategy"), max_length=12, choices=Strategy.choices, default=Strategy.INFORM
    )
    rationale = models.TextField(_("rationale"), max_length=3000, blank=True)
    evidence = models.TextField(_("evidence"), max_length=3000, blank=True)
    status = models.CharField(
        _("mobilisation"), max_length=14, choices=Mobilisation.choices, default=Mobilisation.IDENTIFIED
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alliance", "name"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="alliances_stakeholder_name"),
            models.UniqueConstraint("alliance", Lower("name"), name="alliances_stakeholder_name_any_case"),
            *_score_constraints("alliances_stakeholder"),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """Append-only: every scoring of a stakeholder, so trends can be drawn and nothing is lost."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="assessments")
    interest = models.PositiveSmallIntegerField(validators=SCORE)
    influence = models.PositiveSmallIntegerField(validators=SCORE)
    importance = models.PositiveSmallIntegerField(validators=SCORE)
    alignment = models.PositiveSmallIntegerField(validators=SCORE)
    engagement_current = models.CharField(max_length=10, choices=Engagement.choices)
    engagement_desired = models.CharField(max_length=10, choices=Engagement.choices)
    strategy = models.CharField(max_length=12, choices=Strategy.choices)
    rationale = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["stakeholder", "-assessed_at", "-pk"]
        constraints = _score_constraints("alliances_assessment")

    def __str__(self) -> str:
        return f"{self.stakeholder_id} at {self.assessed_at:%Y-%m-%d}"


class MobilisationStep(models.Model):
    """Append-only: each move through the mobilisation pipeline, with its reason."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=14, choices=Mobilisation.choices)
    to_status = models.CharField(max_length=14, choices=Mobilisation.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    fast_track = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stakeholder", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.stakeholder_id}: {self.from_status} → {self.to_status}"


class RelationKind(models.TextChoices):
    FORMAL_AUTHORITY = "formal_authority", _("Formal authority")
    FUNDING = "funding", _("Funding")
    INFORMATION = "information", _("Information")
    COLLABORATION = "collaboration", _("Collaboration")
    CONFLICT = "conflict", _("Conflict")


class StakeholderRelation(models.Model):
    source = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("kind"), max_length=16, choices=RelationKind.choices)
    strength = models.PositiveSmallIntegerField(_("strength"), validators=SCORE, default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="alliances_relation_once"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="alliances_relation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=1, strength__lte=5), name="alliances_relation_strength"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.kind})"


class CyclePhase(models.TextChoices):
    PLAN = "plan", _("Plan")
    ACT = "act", _("Act")
    OBSERVE = "observe", _("Observe")
    REFLECT = "reflect", _("Reflect")
    CLOSED = "closed", _("Closed")


class ActionResearchCycle(models.Model):
    """One plan → act → observe → reflect cycle of a platform; `previous` links it to the cycle it grew
    out of (so each cycle points to the next)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    question = models.CharField(_("research question"), max_length=300)
    plan = models.TextField(_("Plan"), max_length=10000, blank=True)
    act_log = models.TextField(_("Act"), max_length=10000, blank=True)
    observations = models.TextField(_("Observe"), max_length=10000, blank=True)
    reflection = models.TextField(_("Reflect"), max_length=10000, blank=True)
    phase = models.CharField(_("phase"), max_length=8, choices=CyclePhase.choices, default=CyclePhase.PLAN)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycle",
        verbose_name=_("follows"),
    )
    evidence = models.ManyToManyField(
        "library.Resource", blank=True, related_name="+", verbose_name=_("evidence")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "number"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "number"], name="alliances_cycle_number"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="alliances_cycle_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} cycle {self.number}"


class ProcessEntry(models.Model):
    """Process monitoring and documentation: what happened on a platform and what it changed."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="process_entries")
    happened_on = models.DateField(_("date"))
    title = models.CharField(_("what happened"), max_length=200)
    details = models.TextField(_("details"), max_length=5000, blank=True)
    what_changed = models.TextField(_("what changed"), max_length=3000, blank=True)
    enabling = models.TextField(_("enabling factors"), max_length=2000, blank=True)
    hindering = models.TextField(_("hindering factors"), max_length=2000, blank=True)
    corrective_action = models.TextField(_("corrective action"), max_length=2000, blank=True)
    evidence_url = models.URLField(_("evidence (web address)"), max_length=500, blank=True)
    evidence = models.ForeignKey(
        "library.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence in the library"),
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Separated by commas."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["platform", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.happened_on}: {self.title}"

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class OutputKind(models.TextChoices):
    BRIEF = "brief", _("Policy or practice brief")
    REPORT = "report", _("Report")
    EVENT = "event", _("Event")
    ARTICLE = "article", _("Article or blog")
    VIDEO = "video", _("Video or radio")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    NATIONAL = "national", pgettext_lazy("institutional level", "National")
    INTERMEDIATE = "intermediate", pgettext_lazy("institutional level", "District (intermediate)")
    COMMUNITY = "community", pgettext_lazy("institutional level", "Community (local)")


class Channel(models.TextChoices):
    PRINT = "print", _("Print")
    EMAIL = "email", _("Email or newsletter")
    WEB = "web", _("Website")
    SOCIAL = "social", _("Social media")
    RADIO = "radio", _("Radio or television")
    MEETING = "meeting", _("Meeting or workshop")
    OTHER = "other", _("Other")


class DisseminationOutput(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=10, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience level"), max_length=14, choices=Audience.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    published_on = models.DateField(_("date"))
    url = models.URLField(_("web address"), max_length=500, blank=True)
    resource = models.ForeignKey(
        "library.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in the library"),
    )
    reach = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


# --- Systems maps (domain.md §5) -----------------------------------------------------------------------


class SystemMap(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="system_maps")
    title = models.CharField(_("title"), max_length=160)
    framing_question = models.CharField(_("framing question"), max_length=300, blank=True)
    guiding_star = models.CharField(_("guiding star"), max_length=300, blank=True)
    near_star = models.CharField(_("near star"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community", "title"]

    def __str__(self) -> str:
        return self.title


class VariableType(models.TextChoices):
    STOCK = "stock", _("Stock")
    FLOW = "flow", _("Flow")
    FACTOR = "factor", _("Factor")
    ACTOR = "actor", _("Actor")
    RESOURCE = "resource", _("Resource")


class Domain(models.TextChoices):
    HYDROLOGICAL = "hydrological", _("Hydrological")
    ECOLOGICAL = "ecological", _("Ecological")
    SOCIAL = "social", _("Social")
    ECONOMIC = "economic", _("Economic")
    GOVERNANCE = "governance", _("Governance")


class Force(models.TextChoices):
    ENABLER = "enabler", _("Enabler")
    INHIBITOR = "inhibitor", _("Inhibitor")
    NEUTRAL = "neutral", _("Neutral")


class CauseType(models.TextChoices):
    STRUCTURAL = "structural", _("Structural")
    ATTITUDINAL = "attitudinal", _("Attitudinal")
    TRANSACTIONAL = "transactional", _("Transactional")


class Variable(models.Model):
    map = models.ForeignKey(SystemMap, on_delete=models.CASCADE, related_name="variables")
    label = models.CharField(_("label"), max_length=200, help_text=_("A neutral, measurable noun phrase."))
    type = models.CharField(
        _("type"), max_length=10, choices=VariableType.choices, default=VariableType.FACTOR
    )
    domain = models.CharField(_("domain"), max_length=14, choices=Domain.choices, blank=True)
    force = models.CharField(_("force"), max_length=10, choices=Force.choices, default=Force.NEUTRAL)
    cause_type = models.CharField(_("kind of cause"), max_length=14, choices=CauseType.choices, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ["map", "pk"]
        constraints = [models.UniqueConstraint(fields=["map", "label"], name="alliances_variable_label")]

    def __str__(self) -> str:
        return self.label


class CausalLink(models.Model):
    map = models.ForeignKey(SystemMap, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="+")
    polarity = models.SmallIntegerField(_("polarity"), choices=[(1, "+"), (-1, "−")])
    delay = models.BooleanField(_("delay"), default=False)
    strength = models.PositiveSmallIntegerField(
        _("strength"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)

    class Meta:
        ordering = ["map", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="alliances_link_once"),
            models.CheckConstraint(condition=Q(polarity__in=[1, -1]), name="alliances_link_polarity"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="alliances_link_not_self"),
            models.CheckConstraint(
                condition=Q(strength__gte=1, strength__lte=3), name="alliances_link_strength"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=3), name="alliances_link_confidence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.polarity:+d})"


class LoopNote(models.Model):
    """The facilitators' name and narrative for a detected loop, matched by the loop's key (its variable
    ids, rotated so the smallest comes first). The loop itself and its polarity are always recomputed."""

    map = models.ForeignKey(SystemMap, on_delete=models.CASCADE, related_name="loop_notes")
    key = models.CharField(max_length=200)
    name = models.CharField(_("name"), max_length=200, blank=True)
    narrative = models.TextField(_("narrative"), max_length=3000, blank=True)
    is_deep_structure = models.BooleanField(_("part of the deep structure"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["map", "key"], name="alliances_loop_key")]

    def __str__(self) -> str:
        return self.name or self.key
