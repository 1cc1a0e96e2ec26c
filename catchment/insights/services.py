"""Computing insights (in the task queue) and the few writes people make here: recompute, level settings,
staying off named maps. Each computation is stored whole as a snapshot with its parameters."""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Stage
from catchment.core.tasks import task
from catchment.insights import extract, health, levels, network, permissions, stories, surveys
from catchment.insights.models import LevelSettings, MapOptOut, Snapshot, SnapshotKind

CODE_VERSION = "insights-1"
HEALTH_WINDOW_DAYS = 90
DRAWN_NODES = 80
DRAWN_EDGES = 220
BETWEENNESS_SAMPLE = 200  # exact betweenness up to this many people; sampled above
CO_ATTENDANCE_MAX = 40  # events with more people than this make no co-attendance ties


def _config(settings: LevelSettings) -> levels.LevelConfig:
    return levels.LevelConfig(
        topic_weight=settings.topic_weight,
        reply_weight=settings.reply_weight,
        resource_weight=settings.resource_weight,
        attendance_weight=settings.attendance_weight,
        hosting_weight=settings.hosting_weight,
        active_weeks=settings.active_weeks,
        active_contributions=settings.active_contributions,
        core_weeks=settings.core_weeks,
        core_share=settings.core_percent / 100,
    )


def settings_for(community: Community) -> LevelSettings:
    found = LevelSettings.objects.filter(community=community).first()
    return found or LevelSettings(community=community)


def _latest(community: Community, kind: str) -> Snapshot | None:
    return Snapshot.objects.filter(community=community, kind=kind).order_by("-computed_at", "-pk").first()


def _store(
    community: Community | None,
    kind: str,
    as_of: datetime.datetime,
    window: int,
    params: dict[str, Any],
    data: dict[str, Any],
    started: float,
) -> Snapshot:
    return Snapshot.objects.create(
        community=community,
        kind=kind,
        as_of=as_of,
        window_days=window,
        params={**params, "code_version": CODE_VERSION},
        data=data,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def compute_levels(
    community: Community, as_of: datetime.datetime, people: dict[int, extract.Person]
) -> Snapshot:
    """Participation levels for the window ending at `as_of`, with hysteresis from the last snapshot, the
    transitions since it and the shares by organisation, country, stakeholder group and language."""
    started = time.monotonic()
    setting = settings_for(community)
    config = _config(setting)
    before = _latest(community, SnapshotKind.LEVELS)
    previous_people = (before.data.get("people", {}) if before else {}) or {}
    previous = {
        int(pk): levels.Previous(level=levels.Level(row["level"]), quiet=int(row.get("quiet", 0)))
        for pk, row in previous_people.items()
    }
    result = levels.classify(
        extract.activities(community, people, as_of, setting.window_days), config, previous
    )
    assigned = {pk: a.level for pk, a in result.assignments.items()}
    member_levels = {pk: level for pk, level in assigned.items() if pk in people}
    attributes = {
        "organisation": {pk: p.organisation for pk, p in people.items()},
        "country": {pk: p.country for pk, p in people.items()},
        "stakeholder_group": {pk: p.group for pk, p in people.items()},
        "language": {pk: p.language for pk, p in people.items()},
    }
    matrix = levels.transitions(
        {int(pk): levels.Level(row["level"]) for pk, row in previous_people.items()}, assigned
    )
    data = {
        "people": {
            str(pk): {"level": a.level.value, "score": a.score, "reason": a.reason, "quiet": a.quiet}
            for pk, a in result.assignments.items()
        },
        "counts": {level.value: n for level, n in result.counts().items()},
        "shares": {level.value: share for level, share in levels.shares(member_levels.values()).items()},
        "core_quota": result.core_quota,
        "transitions": {a.value: {b.value: n for b, n in row.items()} for a, row in matrix.items()}
        if before
        else {},
        "previous_at": before.as_of.isoformat() if before else "",
        "disparities": {
            name: {
                value: {level.value: share for level, share in shares.items()}
                for value, shares in levels.shares_by(member_levels, values).items()
            }
            for name, values in attributes.items()
        },
    }
    params = {
        "as_of": as_of.isoformat(),
        "window_days": setting.window_days,
        "config": config.__dict__ | {"core_roles": sorted(config.core_roles)},
    }
    return _store(community, SnapshotKind.LEVELS, as_of, setting.window_days, params, data, started)


def compute_network(
    community: Community, as_of: datetime.datetime, people: dict[int, extract.Person], window_days: int
) -> Snapshot:
    """The interaction network of the window: metrics, and the most connected people laid out for drawing."""
    started = time.monotonic()
    ties, attended = extract.ties(community, as_of, window_days)
    directed = network.interaction_graph(ties, people=list(people))
    # Sharing a workshop, a field visit or a café table connects people; sitting in the same 300-person
    # webinar does not (and would turn the network into one big clique): larger events are left out.
    small = {
        event: people_there
        for event, people_there in attended.items()
        if len(people_there) <= CO_ATTENDANCE_MAX
    }
    for source, target, weight in network.undirected(network.co_attendance(small)).edges(data="weight"):
        # Co-attendance adds weak undirected ties, both ways, at half a reply each shared event.
        for a, b in ((source, target), (target, source)):
            if directed.has_edge(a, b):
                directed[a][b]["weight"] += 0.5 * weight
            else:
                directed.add_edge(a, b, weight=0.5 * weight)
    attributes: dict[str, Mapping[int | str, str]] = {
        "organisation": {pk: p.organisation for pk, p in people.items()},
        "country": {pk: p.country for pk, p in people.items()},
        "stakeholder_group": {pk: p.group for pk, p in people.items()},
    }
    sample = BETWEENNESS_SAMPLE if directed.number_of_nodes() > BETWEENNESS_SAMPLE else None
    metrics = network.analyse(directed, attributes, betweenness_sample=sample)
    cluster_of = {node: index for index, cluster in enumerate(metrics.clusters) for node in cluster}
    drawn = sorted(directed.nodes, key=lambda n: (-metrics.degree.get(n, 0), str(n)))[:DRAWN_NODES]
    positions = network.layout(network.undirected(directed).subgraph(drawn))
    edges = sorted(
        (
            (s, t, round(w, 3))
            for s, t, w in network.undirected(directed).subgraph(drawn).edges(data="weight")
        ),
        key=lambda e: -e[2],
    )[:DRAWN_EDGES]
    brokers, spanners = set(metrics.brokers), set(metrics.boundary_spanners)

    def node(pk: Any) -> dict[str, Any]:
        person = people.get(pk)
        return {
            "id": pk,
            "cluster": cluster_of.get(pk, 0),
            "degree": round(metrics.degree.get(pk, 0.0), 4),
            "betweenness": round(metrics.betweenness.get(pk, 0.0), 4),
            "eigenvector": round(metrics.eigenvector.get(pk, 0.0), 4),
            "core": metrics.core_number.get(pk, 0),
            "broker": pk in brokers,
            "spanner": pk in spanners,
            "organisation": person.organisation if person else "",
            "country": person.country if person else "",
            "stakeholder_group": person.group if person else "",
            "member": person is not None,
            "x": positions.get(pk, (0.5, 0.5))[0],
            "y": positions.get(pk, (0.5, 0.5))[1],
        }

    data = {
        "summary": {
            "nodes": metrics.nodes,
            "edges": metrics.edges,
            "density": round(metrics.density, 4),
            "reciprocity": round(metrics.reciprocity, 4) if metrics.reciprocity is not None else None,
            "average_clustering": round(metrics.average_clustering, 4),
            "transitivity": round(metrics.transitivity, 4),
            "components": len(metrics.components),
            "largest_component": len(metrics.components[0]) if metrics.components else 0,
            "isolates": len(metrics.isolates),
            "bridges": len(metrics.bridges),
            "articulation_points": len(metrics.articulation_points),
            "clusters": len(metrics.clusters),
            "modularity": round(metrics.modularity, 4) if metrics.modularity is not None else None,
            "brokers": len(metrics.brokers),
            "spanners": len(metrics.boundary_spanners),
            "ei": {name: (round(v, 4) if v is not None else None) for name, v in metrics.ei.items()},
        },
        "nodes": [
            node(pk) for pk in sorted(directed.nodes, key=lambda n: (-metrics.degree.get(n, 0), str(n)))
        ],
        "drawn": [str(pk) for pk in drawn],
        "edges": [[s, t, w] for s, t, w in edges],
        "all_edges": [[s, t, round(w, 3)] for s, t, w in network.undirected(directed).edges(data="weight")][
            :50_000
        ],
    }
    params = {
        "as_of": as_of.isoformat(),
        "window_days": window_days,
        "betweenness_sample": sample,
        "co_attendance_max": CO_ATTENDANCE_MAX,
        "louvain_seed": network.LOUVAIN_SEED,
    }
    return _store(community, SnapshotKind.NETWORK, as_of, window_days, params, data, started)


def compute_health(
    community: Community, as_of: datetime.datetime, people: dict[int, extract.Person]
) -> Snapshot:
    """Response times and rates, monthly use, retention, rhythm and the heartbeat, with weekly series."""
    started = time.monotonic()
    window = settings_for(community)
    since = as_of - datetime.timedelta(days=HEALTH_WINDOW_DAYS)
    stats = health.response_stats(
        extract.topics(community, as_of, HEALTH_WINDOW_DAYS), extract.facilitators(people)
    )
    month_end = as_of.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_start = (month_end - datetime.timedelta(days=1)).replace(day=1)
    month_actions = extract.actions(community, month_start, month_end)
    mau = health.mau(month_actions, month_start.year, month_start.month)
    dau = health.dau_average(month_actions, month_start.year, month_start.month)
    contributors = len({actor for actor, _at in month_actions})
    cohort_start = (month_start - datetime.timedelta(days=1)).replace(day=1)
    cohort = extract.joined_between(community, cohort_start, month_start)
    actions = extract.actions(community, since, as_of)
    first_week = since.date() - datetime.timedelta(days=since.weekday())
    weekly = health.weekly_series(actions, first_week, 13)
    held = extract.event_days(community, since, as_of)
    planned = extract.planned_dates(community, since.date(), as_of.date())
    action_days = sorted({(at.date() - since.date()).days for _actor, at in actions})
    gap = health.heartbeat_gap_days(extract.last_touchpoint(community, as_of), as_of.date())
    stats_data = {
        key: (round(value, 4) if isinstance(value, float) else value) for key, value in stats.__dict__.items()
    }
    data = {
        "response": stats_data,
        "mau": mau,
        "dau_avg": round(dau, 2),
        "stickiness": _round(health.stickiness(dau, mau)),
        "contributor_ratio": _round(health.contributor_ratio(min(contributors, mau), mau)),
        "month": month_start.date().isoformat(),
        "retention_m1": _round(health.retention(cohort, {actor for actor, _at in month_actions})),
        "cohort_size": len(cohort),
        "burstiness": _round(health.burstiness([float(day) for day in action_days])),
        "cadence_cv": _round(health.cadence_cv([float((day - since.date()).days) for day in held])),
        "cadence_adherence": _round(health.cadence_adherence(planned, held)),
        "planned_events": len(planned),
        "held_events": len(held),
        "heartbeat_gap_days": gap,
        "alert": health.lethargy_alert(gap, window.lethargy_days),
        "lethargy_days": window.lethargy_days,
        "weekly": [[week.isoformat(), users, count] for week, users, count in weekly],
        "charter_versions": extract.charter_versions(community),
        "recurring_share": _round(extract.recurring_share(community)),
    }
    params = {
        "as_of": as_of.isoformat(),
        "window_days": HEALTH_WINDOW_DAYS,
        "lethargy_days": window.lethargy_days,
    }
    return _store(community, SnapshotKind.HEALTH, as_of, HEALTH_WINDOW_DAYS, params, data, started)


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 4)


def compute_community(community: Community, as_of: datetime.datetime | None = None) -> list[Snapshot]:
    """Levels, network and health of one community for the window ending at `as_of` (now by default)."""
    as_of = as_of or timezone.now()
    people = extract.members(community)
    window = settings_for(community).window_days
    with transaction.atomic():
        snapshots = [
            compute_levels(community, as_of, people),
            compute_network(community, as_of, people, window),
            compute_health(community, as_of, people),
        ]
        stories.record_automatic(community, as_of)
    return snapshots


@task
def compute_community_task(community_id: int) -> int:
    """The task behind "Recompute now" and the nightly run; returns how many snapshots were stored."""
    community = Community.objects.filter(pk=community_id).first()
    return len(compute_community(community)) if community is not None else 0


def compute_hub(as_of: datetime.datetime | None = None) -> Snapshot:
    """The hub team's comparison of every running community, from their latest snapshots."""
    started = time.monotonic()
    as_of = as_of or timezone.now()
    rows = []
    for community in Community.objects.exclude(stage=Stage.DESIGN).order_by("name"):
        level = _latest(community, SnapshotKind.LEVELS)
        pulse = _latest(community, SnapshotKind.HEALTH)
        shares = level.data.get("shares", {}) if level else {}
        response = pulse.data.get("response", {}) if pulse else {}
        rows.append(
            {
                "id": community.pk,
                "slug": community.slug,
                "name": community.name,
                "stage": community.stage,
                "members": community.memberships.filter(status="active").count(),
                "core": shares.get("core"),
                "active": shares.get("active"),
                "peripheral": shares.get("peripheral"),
                "mau": pulse.data.get("mau") if pulse else None,
                "ttfr_median_h": response.get("ttfr_median_h"),
                "unanswered_share": response.get("unanswered_share"),
                "heartbeat_gap_days": pulse.data.get("heartbeat_gap_days") if pulse else None,
                "alert": bool(pulse and pulse.data.get("alert")),
                "computed_at": pulse.computed_at.isoformat() if pulse else "",
            }
        )
    return _store(
        None,
        SnapshotKind.HUB,
        as_of,
        HEALTH_WINDOW_DAYS,
        {"as_of": as_of.isoformat()},
        {"communities": rows},
        started,
    )


@task
def compute_all() -> int:
    """Recompute every running community, then the hub comparison, then the connection surveys with new
    answers (nightly)."""
    count = 0
    for community in Community.objects.filter(stage__in=[Stage.LAUNCHED, Stage.DORMANT]).order_by("pk"):
        count += len(compute_community(community))
    compute_hub()
    return count + 1 + surveys.nightly()


def recompute(*, actor: Viewer, community: Community) -> None:
    """Ask for a fresh computation of a community's insights (queued)."""
    if not permissions.can_see_insights(actor, community, community_policy.membership_of(actor, community)):
        raise PermissionDenied
    compute_community_task.enqueue(community.pk)


def recompute_hub(*, actor: Viewer) -> None:
    if not permissions.can_compare_communities(actor):
        raise PermissionDenied
    compute_hub_task.enqueue()


@task
def compute_hub_task() -> int:
    compute_hub()
    return 1


def map_opt_out_set(*, actor: Viewer, opted_out: bool) -> None:
    """Stay off named network maps (appear as a number), or appear by name again."""
    if not is_member(actor):
        raise PermissionDenied
    if opted_out:
        MapOptOut.objects.get_or_create(user=cast(User, actor))
    else:
        MapOptOut.objects.filter(user_id=actor.pk or 0).delete()


def level_settings_save(*, actor: Viewer, community: Community, values: dict[str, int]) -> LevelSettings:
    """Change a community's level weights and thresholds (its convenors)."""
    if not community_policy.can_edit_community(
        actor, community, community_policy.membership_of(actor, community)
    ):
        raise PermissionDenied
    setting, _created = LevelSettings.objects.update_or_create(community=community, defaults=values)
    return setting
