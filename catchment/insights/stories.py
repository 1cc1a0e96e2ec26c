"""Value creation: stories told across the cycles, the indicator catalogue, observations (entered or
computed from the log), the value-creation matrix and the flow between cycles (design notes §1)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

import networkx as nx
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.models import Profile, User
from catchment.accounts.permissions import Viewer
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership, Milestone
from catchment.core.models import Interaction, Verb
from catchment.insights import network, permissions, value
from catchment.insights.models import (
    CYCLE_NAMES,
    Capital,
    Indicator,
    Observation,
    Story,
    StoryStatus,
    StoryStep,
)


class StoryError(ValueError):
    """A story or indicator that cannot be saved; the message is translated and safe to show."""


@dataclass
class StepData:
    narrative: str
    capitals: list[str] = field(default_factory=list)
    is_aspirational: bool = False
    evidence_url: str = ""
    occurred_on: datetime.date | None = None


@dataclass
class StoryData:
    title: str
    summary: str = ""
    status: str = StoryStatus.DRAFT
    consent_publish: bool = False
    anonymise: bool = False
    steps: dict[int, StepData] = field(default_factory=dict)


def _membership(actor: Viewer, community: Community) -> Membership | None:
    return community_policy.membership_of(actor, community)


def _check(data: StoryData) -> list[str]:
    if not " ".join((data.title or "").split()):
        raise StoryError(_("Give the story a title."))
    if data.status not in StoryStatus.values:
        raise StoryError(_("Choose a status from the list."))
    steps = {cycle: step for cycle, step in data.steps.items() if step.narrative.strip()}
    if not steps:
        raise StoryError(_("Tell at least one step of the story."))
    try:
        value.validate_publication(data.status, data.consent_publish)
    except value.ValueStoryError as error:
        raise StoryError(_("A story is published only when its teller agrees.")) from error
    for cycle, step in steps.items():
        if any(capital not in Capital.values for capital in step.capitals):
            raise StoryError(_("Choose the forms of knowledge capital from the list."))
        try:
            value.validate_step(cycle, frozenset(value.Capital(c) for c in step.capitals))
        except value.ValueStoryError as error:
            raise StoryError(_("Knowledge capital belongs to the potential-value step only.")) from error
        if step.evidence_url and not step.evidence_url.lower().startswith(("https://", "http://")):
            raise StoryError(_("A web address starts with https:// or http://."))
    coverage = value.coverage(steps)
    warnings = []
    if value.APPLIED_EVIDENCE_MISSING in coverage.warnings:
        warnings.append(_("Realized value without applied value: how was it put to use?"))
    return warnings


@transaction.atomic
def story_save(
    *, actor: Viewer, community: Community, data: StoryData, story: Story | None = None
) -> tuple[Story, list[str]]:
    """Tell a story (or change it); aspirational steps from the applied cycle on get follow-up milestones
    in the community's follow-up plan at +1, +3 and +6 months. Returns the story and warnings to show."""
    membership = _membership(actor, community)
    if story is None:
        if not permissions.can_tell_story(actor, community, membership):
            raise PermissionDenied
    elif story.community_id != community.pk or not permissions.can_edit_story(
        actor, story.teller_id, community, membership
    ):
        raise PermissionDenied
    warnings = _check(data)
    if data.status in {StoryStatus.VERIFIED} and not permissions.can_see_insights(
        actor, community, membership
    ):
        raise StoryError(_("Only the community's moderators verify a story."))
    created = story is None
    story = story or Story(community=community, teller=cast(User, actor))
    story.title = " ".join(data.title.split())[:200]
    story.summary = (data.summary or "").strip()[:3000]
    story.status = data.status
    story.consent_publish = data.consent_publish
    story.anonymise = data.anonymise
    story.save()
    story.steps.all().delete()
    steps = [
        StoryStep(
            story=story,
            cycle=cycle,
            narrative=step.narrative.strip()[:5000],
            capitals=",".join(sorted(set(step.capitals))),
            is_aspirational=step.is_aspirational,
            evidence_url=step.evidence_url,
            occurred_on=step.occurred_on,
        )
        for cycle, step in sorted(data.steps.items())
        if step.narrative.strip()
    ]
    StoryStep.objects.bulk_create(steps)
    hoped = [step.cycle for step in steps if step.is_aspirational]
    if created and value.needs_follow_up(hoped):
        today = timezone.localdate()
        Milestone.objects.bulk_create(
            [
                Milestone(
                    community=community,
                    title=_("Follow up the story “%(title)s”") % {"title": story.title[:120]},
                    due_on=due,
                    owner=cast(User, actor),
                )
                for due in value.follow_up_dates(today)
            ]
        )
    return story, warnings


# --- indicators -------------------------------------------------------------------------------------


@transaction.atomic
def indicators_seed(*, actor: Viewer, community: Community) -> int:
    """Start the community's indicator catalogue from the design notes' list (once)."""
    if not permissions.can_see_insights(actor, community, _membership(actor, community)):
        raise PermissionDenied
    existing = set(Indicator.objects.filter(community=community).values_list("name", flat=True))
    fresh = [
        Indicator(
            community=community,
            cycle=int(seed.cycle),
            name=seed.name,
            definition=seed.definition,
            data_source=str(seed.data_source),
            query_key=seed.query_key,
        )
        for seed in value.SEED_INDICATORS
        if seed.name not in existing
    ]
    Indicator.objects.bulk_create(fresh)
    return len(fresh)


@transaction.atomic
def indicator_save(
    *, actor: Viewer, community: Community, cycle: int, name: str, definition: str, data_source: str
) -> Indicator:
    if not permissions.can_see_insights(actor, community, _membership(actor, community)):
        raise PermissionDenied
    name = " ".join((name or "").split())[:200]
    if not name or cycle not in CYCLE_NAMES:
        raise StoryError(_("Give the indicator a name and a cycle."))
    indicator, _created = Indicator.objects.update_or_create(
        community=community,
        name=name,
        defaults={"cycle": cycle, "definition": definition.strip()[:1000], "data_source": data_source},
    )
    return indicator


@transaction.atomic
def observation_add(
    *,
    actor: Viewer,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    amount: Decimal | None,
    note: str = "",
    sample: int | None = None,
    source_ref: str = "",
) -> Observation:
    """Record a value of an indicator for a period."""
    if not permissions.can_see_insights(actor, indicator.community, _membership(actor, indicator.community)):
        raise PermissionDenied
    if period_end < period_start:
        raise StoryError(_("The period must end after it starts."))
    if amount is None and not note.strip():
        raise StoryError(_("Give a value or a note."))
    return Observation.objects.create(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=amount,
        note=note.strip()[:300],
        sample=sample,
        source_ref=source_ref.strip()[:300],
        collected_by=cast(User, actor),
    )


def _month(as_of: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    end = as_of.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (end - datetime.timedelta(days=1)).replace(day=1)
    return start, end


def automatic_values(community: Community, as_of: datetime.datetime) -> dict[str, Decimal]:
    """The platform-computed indicators for the last complete month, from the interaction log."""
    start, end = _month(as_of)
    rows = list(
        Interaction.objects.filter(
            community_id=community.pk, occurred_at__gte=start, occurred_at__lt=end
        ).values_list("actor_id", "verb", "target_id", "object_id")
    )
    verbs = Counter(verb for _actor, verb, _target, _object in rows)
    attended: dict[int, set[int]] = defaultdict(set)
    for actor, verb, _target, obj in rows:
        if verb == Verb.ATTEND and obj:
            attended[obj].add(actor)
    ties = {
        (actor, target) for actor, verb, target, _obj in rows if verb in {Verb.REPLY, Verb.MENTION} and target
    }
    before = set(
        Interaction.objects.filter(
            community_id=community.pk,
            occurred_at__lt=start,
            verb__in=[Verb.REPLY, Verb.MENTION],
            target__isnull=False,
        ).values_list("actor_id", "target_id")
    )
    pairs = {frozenset(tie) for tie in ties} - {frozenset(tie) for tie in before}
    organisation = dict(
        Profile.objects.filter(user_id__in={a for a, _t in ties} | {t for _a, t in ties}).values_list(
            "user_id", "organisation__name"
        )
    )
    graph = nx.Graph()
    graph.add_edges_from(ties)
    crossing = network.ei_index(graph, {pk: name or "" for pk, name in organisation.items()})
    topics = verbs.get(Verb.TOPIC, 0)
    values = {
        "distinct_participants": Decimal(value.distinct_participants(attended.values())),
        "posts_and_replies": Decimal(verbs.get(Verb.TOPIC, 0) + verbs.get(Verb.REPLY, 0)),
        "reply_depth": Decimal(round(verbs.get(Verb.REPLY, 0) / topics, 3)) if topics else Decimal(0),
        "resources_published": Decimal(verbs.get(Verb.SHARE, 0)),
        "downloads": Decimal(verbs.get(Verb.DOWNLOAD, 0)),
        "new_ties": Decimal(len(pairs)),
    }
    if crossing is not None:
        values["cross_boundary_ties"] = Decimal(str(round(crossing, 3)))
    return values


def record_automatic(community: Community, as_of: datetime.datetime) -> int:
    """Store last month's computed indicators as observations (replacing an earlier computation of the same
    month); returns how many were stored."""
    start, end = _month(as_of)
    values = automatic_values(community, as_of)
    stored = 0
    for indicator in Indicator.objects.filter(
        community=community, data_source="platform_auto", is_active=True
    ):
        if indicator.query_key not in values:
            continue
        Observation.objects.update_or_create(
            indicator=indicator,
            period_start=start.date(),
            period_end=(end - datetime.timedelta(days=1)).date(),
            collected_by=None,
            defaults={"value": values[indicator.query_key], "source_ref": "interaction log"},
        )
        stored += 1
    return stored
