"""Reads for the insights dashboards: the latest snapshots and the names to show (or not) on maps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from catchment.accounts.models import User
from catchment.communities.models import Community
from catchment.insights import value
from catchment.insights.models import (
    CYCLE_NAMES,
    Capital,
    ConnectionSurvey,
    Cycle,
    Indicator,
    LevelSettings,
    MapOptOut,
    Observation,
    Snapshot,
    SnapshotKind,
    Story,
    StoryStatus,
    SurveyResponse,
    SurveyStatus,
)


@dataclass
class Latest:
    levels: Snapshot | None
    network: Snapshot | None
    health: Snapshot | None

    @property
    def computed_at(self) -> object:
        found = [s.computed_at for s in (self.levels, self.network, self.health) if s is not None]
        return min(found) if found else None


# What the dashboard reads of each snapshot: the per-person parts (thousands of rows in a large community)
# stay in the database.
LEVEL_SUMMARY = ("counts", "shares", "transitions", "previous_at", "core_quota", "disparities")
NETWORK_SUMMARY = ("summary",)
SNAPSHOT_FIELDS = (
    "pk",
    "community_id",
    "kind",
    "as_of",
    "window_days",
    "params",
    "computed_at",
    "duration_ms",
)


def snapshot(community: Community, kind: str, keys: tuple[str, ...] | None = None) -> Snapshot | None:
    """The newest snapshot of one kind (one query); with `keys`, only those parts of its data are read
    and decoded (the database extracts them), which keeps large communities' pages fast."""
    newest = Snapshot.objects.filter(community=community, kind=kind).order_by("-computed_at", "-pk")
    if keys is None:
        return newest.first()
    row = newest.values(*SNAPSHOT_FIELDS, *(f"data__{key}" for key in keys)).first()
    if row is None:
        return None
    data = {key: row.pop(f"data__{key}") for key in keys}
    row["id"] = row.pop("pk")
    return Snapshot(**row, data={key: value for key, value in data.items() if value is not None})


def latest(
    community: Community,
    levels: tuple[str, ...] | None = LEVEL_SUMMARY,
    network: tuple[str, ...] | None = NETWORK_SUMMARY,
) -> Latest:
    """The newest snapshot of each kind for a community (three queries), by default only the parts the
    dashboard shows."""
    return Latest(
        snapshot(community, SnapshotKind.LEVELS, levels),
        snapshot(community, SnapshotKind.NETWORK, network),
        snapshot(community, SnapshotKind.HEALTH),
    )


def latest_hub() -> Snapshot | None:
    return (
        Snapshot.objects.filter(community__isnull=True, kind=SnapshotKind.HUB)
        .order_by("-computed_at", "-pk")
        .first()
    )


def names(ids: list[int], named: bool, pseudonym: str, shown: set[int] | None = None) -> dict[int, str]:
    """Display names for people on a map: real names when the viewer may see them and the person has not
    opted out, else a stable pseudonym (`pseudonym` % {"number": n}, by their place in the list); only for
    the `shown` ones when given. Two queries for any number of people."""
    pseudonyms = {
        pk: pseudonym % {"number": index + 1} for index, pk in enumerate(ids) if shown is None or pk in shown
    }
    ids = [pk for pk in ids if pk in pseudonyms]
    if not named or not ids:
        return pseudonyms
    hidden = set(MapOptOut.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    real = dict(
        User.objects.filter(pk__in=[pk for pk in ids if pk not in hidden]).values_list("pk", "display_name")
    )
    return {pk: real.get(pk) or pseudonyms[pk] for pk in ids}


def level_settings(community: Community) -> LevelSettings:
    return LevelSettings.objects.filter(community=community).first() or LevelSettings(community=community)


def opted_out(user_id: int) -> bool:
    return MapOptOut.objects.filter(user_id=user_id).exists()


@dataclass
class MatrixRow:
    cycle: int
    name: str
    question: str
    indicators: list[tuple[Indicator, Observation | None, Observation | None]]
    verified: int
    aspirational: int
    capitals: list[tuple[str, int]]


def stories(viewer_id: int | None, community: Community, everything: bool) -> QuerySet[Story]:
    """The stories the viewer may read: all of them for those who see the insights, else the published
    ones and the viewer's own."""
    found = Story.objects.filter(community=community)
    if not everything:
        found = found.filter(
            Q(status=StoryStatus.PUBLISHED, consent_publish=True) | Q(teller_id=viewer_id or 0)
        )
    return found.select_related("teller").prefetch_related("steps").order_by("-updated_at", "-pk")


def story_for(community: Community, pk: int) -> Story | None:
    return (
        Story.objects.filter(community=community, pk=pk)
        .select_related("teller")
        .prefetch_related("steps")
        .first()
    )


def _latest_two(indicator: Indicator) -> tuple[Indicator, Observation | None, Observation | None]:
    observed = list(indicator.observations.all())  # prefetched, newest first
    return (
        indicator,
        observed[0] if observed else None,
        observed[1] if len(observed) > 1 else None,
    )


def value_matrix(community: Community) -> tuple[list[MatrixRow], dict[tuple[int, int], int], int]:
    """The value-creation matrix: per cycle, its indicators with their latest two observations, the
    stories touching it (verified or published vs aspirational), the forms of capital named; plus the
    flow between consecutive cycles and the number of stories (three queries)."""
    indicators = list(
        Indicator.objects.filter(community=community, is_active=True)
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("-period_start", "-pk"))
        )
        .order_by("cycle", "name")
    )
    told = list(
        Story.objects.filter(community=community)
        .exclude(status=StoryStatus.WITHDRAWN)
        .prefetch_related("steps")
    )
    cycles_of = [frozenset(step.cycle for step in story.steps.all()) for story in told]
    rows = []
    for cycle, name in CYCLE_NAMES.items():
        verified = aspirational = 0
        capitals: dict[str, int] = {}
        for story in told:
            for step in story.steps.all():
                if step.cycle != cycle:
                    continue
                if step.is_aspirational:
                    aspirational += 1
                elif story.status in {StoryStatus.VERIFIED, StoryStatus.PUBLISHED, StoryStatus.FOLLOWED_UP}:
                    verified += 1
                for capital in step.capital_list:
                    capitals[capital] = capitals.get(capital, 0) + 1
        labels = dict(Capital.choices)
        rows.append(
            MatrixRow(
                cycle=cycle,
                name=str(name),
                question=str(Cycle(cycle).label),
                indicators=[_latest_two(indicator) for indicator in indicators if indicator.cycle == cycle],
                verified=verified,
                aspirational=aspirational,
                capitals=sorted(
                    ((str(labels[k]).split(":")[0].strip(), n) for k, n in capitals.items()),
                    key=lambda kv: -kv[1],
                ),
            )
        )
    flows = {(a.value, b.value): n for (a, b), n in value.transitions(cycles_of).items()}
    return rows, flows, len(told)


def indicators(community: Community) -> list[Indicator]:
    return list(
        Indicator.objects.filter(community=community)
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("-period_start", "-pk"))
        )
        .order_by("cycle", "name")
    )


def indicator_for(community: Community, pk: int) -> Indicator:
    found = Indicator.objects.filter(community=community, pk=pk).first()
    if found is None:
        raise Http404
    return found


def surveys(community: Community, viewer_id: int | None, everything: bool) -> list[ConnectionSurvey]:
    """The community's connection surveys with how many answered and whether the viewer did (one query);
    drafts only for those who manage surveys."""
    rows = ConnectionSurvey.objects.filter(community=community).annotate(
        answers=Count("responses", distinct=True),
        answered=Exists(SurveyResponse.objects.filter(survey=OuterRef("pk"), respondent_id=viewer_id or 0)),
    )
    if not everything:
        rows = rows.exclude(status=SurveyStatus.DRAFT)
    return list(rows.defer("results").order_by("-created_at", "-pk")[:50])


def survey_for(community: Community, pk: int) -> ConnectionSurvey | None:
    return ConnectionSurvey.objects.filter(community=community, pk=pk).first()


def own_answer(survey: ConnectionSurvey, viewer_id: int | None) -> SurveyResponse | None:
    """The viewer's answers with their contacts (two queries)."""
    if not viewer_id:
        return None
    return (
        SurveyResponse.objects.filter(survey=survey, respondent_id=viewer_id)
        .prefetch_related("contacts")
        .first()
    )


def open_survey_to_answer(community: Community, viewer_id: int | None) -> ConnectionSurvey | None:
    """The latest open survey of the community that the viewer has not answered (one query)."""
    if not viewer_id:
        return None
    today = timezone.localdate()
    return (
        ConnectionSurvey.objects.filter(community=community, status=SurveyStatus.OPEN)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .exclude(responses__respondent_id=viewer_id)
        .defer("results")
        .order_by("-opened_at", "-pk")
        .first()
    )


def survey_names(survey: ConnectionSurvey, named: bool, pseudonym: str) -> dict[str, str]:
    """Labels for the nodes of a survey's map: a respondent's name only when the viewer may see names, the
    respondent allowed it and has not opted out of maps; a stable pseudonym for everyone else (people
    named by others never chose to be on the map). Two queries."""
    nodes = [str(node["id"]) for node in survey.results.get("nodes", [])]
    labels = {key: pseudonym % {"number": index + 1} for index, key in enumerate(nodes)}
    if not named:
        return labels
    accounts: dict[str, int] = survey.results.get("accounts", {})
    allowed = set(
        SurveyResponse.objects.filter(survey=survey, named=True).values_list("respondent_id", flat=True)
    )
    wanted = [pk for pk in accounts.values() if pk in allowed]
    hidden = set(MapOptOut.objects.filter(user_id__in=wanted).values_list("user_id", flat=True))
    shown = dict(
        User.objects.filter(pk__in=[pk for pk in wanted if pk not in hidden]).values_list(
            "pk", "display_name"
        )
    )
    return {key: shown.get(accounts.get(key, 0)) or label for key, label in labels.items()}


def answered_survey(slug: str, pk: int, viewer_id: int | None) -> ConnectionSurvey | None:
    """A survey the viewer has answered, found without the community's read rules (for withdrawing)."""
    if not viewer_id:
        return None
    return (
        ConnectionSurvey.objects.filter(community__slug=slug, pk=pk, responses__respondent_id=viewer_id)
        .select_related("community")
        .defer("results")
        .first()
    )


def my_answers(viewer_id: int | None) -> list[SurveyResponse]:
    """Every survey the viewer has answered, newest first (one query)."""
    if not viewer_id:
        return []
    return list(
        SurveyResponse.objects.filter(respondent_id=viewer_id)
        .select_related("survey__community")
        .defer("survey__results")
        .order_by("-updated_at", "-pk")
    )
