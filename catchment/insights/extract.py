"""From the database to plain data: the only module of insights that reads other apps' tables. Everything
it returns is lists, dicts and dataclasses that the pure modules (levels, network, health) compute on."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from catchment.accounts.models import Organisation, Profile, User
from catchment.communities.design import occurrences
from catchment.communities.models import Activity as PlanActivity
from catchment.communities.models import CharterVersion, Community, Membership, MembershipStatus, Role
from catchment.core.models import Interaction, Verb
from catchment.discussions.models import Post, Topic, TopicKind, Visibility
from catchment.events.models import Event, EventStatus
from catchment.insights import health, levels
from catchment.insights.network import Tie
from catchment.newsletters.models import Newsletter

CONTRIBUTIONS = {Verb.TOPIC, Verb.REPLY, Verb.SHARE, Verb.HOST}
WEEKLY = {Verb.TOPIC, Verb.REPLY, Verb.SHARE, Verb.HOST, Verb.ATTEND, Verb.MENTION, Verb.REACTION}
TIE_VERBS = {Verb.REPLY: "reply", Verb.MENTION: "mention", Verb.REACTION: "reaction"}
FACILITATORS = {Role.CONVENOR, Role.CO_CONVENOR, Role.MODERATOR}


@dataclass(frozen=True)
class Person:
    id: int
    role: str
    organisation: str
    country: str
    group: str
    language: str


def members(community: Community) -> dict[int, Person]:
    """The community's active members with the attributes the analyses compare (two queries)."""
    memberships = list(
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).values_list(
            "user_id", "role", "user__language"
        )
    )
    profiles = {
        row[0]: row[1:]
        for row in Profile.objects.filter(user_id__in=[m[0] for m in memberships]).values_list(
            "user_id", "organisation__name", "country", "stakeholder_group"
        )
    }
    return {
        user_id: Person(
            id=user_id,
            role=role,
            organisation=(profiles.get(user_id) or ("", "", ""))[0] or "",
            country=str((profiles.get(user_id) or ("", "", ""))[1] or ""),
            group=(profiles.get(user_id) or ("", "", ""))[2] or "",
            language=language or "",
        )
        for user_id, role, language in memberships
    }


def _log(
    community: Community, since: datetime.datetime, until: datetime.datetime
) -> list[tuple[int, str, int | None, datetime.datetime, int | None]]:
    return list(
        Interaction.objects.filter(community_id=community.pk, occurred_at__gte=since, occurred_at__lt=until)
        .values_list("actor_id", "verb", "target_id", "occurred_at", "object_id")
        .order_by()
        .iterator(chunk_size=5000)
    )


def activities(
    community: Community, people: dict[int, Person], as_of: datetime.datetime, window_days: int
) -> list[levels.Activity]:
    """What each member (and each outsider who touched the community) did in the window."""
    since = as_of - datetime.timedelta(days=window_days)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    weeks: dict[int, set[tuple[int, int]]] = defaultdict(set)
    days: dict[int, set[datetime.date]] = defaultdict(set)
    for actor, verb, _target, occurred_at, _object in _log(community, since, as_of):
        counts[actor][verb] += 1
        days[actor].add(occurred_at.date())
        if verb in WEEKLY:
            year, week, _day = occurred_at.isocalendar()
            weeks[actor].add((year, week))
    # Sign-ins are hub-wide; they count as visits for the community's members.
    for actor, occurred_at in (
        Interaction.objects.filter(
            # A subquery rather than a list of ids: a community of 40,000 would pass SQLite's limit.
            verb=Verb.VISIT,
            actor_id__in=Membership.objects.filter(
                community=community, status=MembershipStatus.ACTIVE
            ).values("user_id"),
            occurred_at__gte=since,
            occurred_at__lt=as_of,
        )
        .values_list("actor_id", "occurred_at")
        .order_by()
    ):
        days[actor].add(occurred_at.date())
    everyone = set(people) | set(counts)
    result = []
    for person in sorted(everyone):
        done = counts.get(person, {})
        member = people.get(person)
        result.append(
            levels.Activity(
                person=person,
                is_member=member is not None,
                topics=done.get(Verb.TOPIC, 0),
                replies=done.get(Verb.REPLY, 0),
                resources=done.get(Verb.SHARE, 0),
                attendances=done.get(Verb.ATTEND, 0),
                hosted=done.get(Verb.HOST, 0),
                active_weeks=len(weeks.get(person, ())),
                days_visited=len(days.get(person, ())),
                other_interactions=sum(n for verb, n in done.items() if verb not in CONTRIBUTIONS),
                roles=frozenset({member.role})
                if member is not None and member.role != Role.MEMBER
                else frozenset(),
            )
        )
    return result


def ties(
    community: Community, as_of: datetime.datetime, window_days: int
) -> tuple[list[Tie], dict[str, list[int]]]:
    """Reply, mention and reaction ties (directed, counted), and who attended each event, in the window."""
    since = as_of - datetime.timedelta(days=window_days)
    counted: dict[tuple[int, int, str], int] = defaultdict(int)
    attended: dict[str, list[int]] = defaultdict(list)
    for actor, verb, target, _occurred_at, object_id in _log(community, since, as_of):
        if verb in TIE_VERBS and target:
            counted[(actor, target, TIE_VERBS[Verb(verb)])] += 1
        elif verb == Verb.ATTEND and object_id:
            attended[str(object_id)].append(actor)
    return [Tie(source, target, kind, count) for (source, target, kind), count in counted.items()], dict(
        attended
    )


def topics(community: Community, as_of: datetime.datetime, window_days: int) -> list[health.TopicThread]:
    """The window's topics with their first replies, for response times (two queries)."""
    since = as_of - datetime.timedelta(days=window_days)
    found = list(
        Topic.objects.filter(
            community=community, created_at__gte=since, created_at__lt=as_of, status=Visibility.VISIBLE
        )
        .exclude(kind=TopicKind.ANNOUNCEMENT)
        .values_list("pk", "author_id", "created_at")
    )
    replies: dict[int, list[health.Reply]] = defaultdict(list)
    for topic_id, author_id, created_at in (
        Post.objects.filter(topic_id__in=[t[0] for t in found], number__gt=1, status=Visibility.VISIBLE)
        .values_list("topic_id", "author_id", "created_at")
        .order_by("topic_id", "number")
    ):
        if len(replies[topic_id]) < 20:
            replies[topic_id].append(health.Reply(author=author_id or 0, created_at=created_at))
    # Imported or hand-edited data can date a reply before its topic; such replies say nothing of response
    # times and are left out rather than failing the whole computation.
    return [
        health.TopicThread(
            author=author or 0,
            created_at=created,
            replies=tuple(reply for reply in replies.get(pk, ()) if reply.created_at >= created),
        )
        for pk, author, created in found
    ]


def actions(
    community: Community, since: datetime.datetime, until: datetime.datetime
) -> list[tuple[int, datetime.datetime]]:
    """(person, time) of every qualifying action (not downloads, joins or leaves) in the period."""
    return [
        (actor, occurred_at)
        for actor, verb, _target, occurred_at, _object in _log(community, since, until)
        if verb in WEEKLY
    ]


def facilitators(people: dict[int, Person]) -> frozenset[int]:
    return frozenset(person.id for person in people.values() if person.role in FACILITATORS)


def joined_between(community: Community, since: datetime.datetime, until: datetime.datetime) -> set[int]:
    return set(
        Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, joined_at__gte=since, joined_at__lt=until
        ).values_list("user_id", flat=True)
    )


def event_days(
    community: Community, since: datetime.datetime, until: datetime.datetime
) -> list[datetime.date]:
    """The dates the community's events took place (cancelled ones left out)."""
    return sorted(
        starts.date()
        for starts in Event.objects.filter(
            community=community, starts_at__gte=since, starts_at__lt=until, status=EventStatus.SCHEDULED
        ).values_list("starts_at", flat=True)
    )


def planned_dates(community: Community, since: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Dates of the recurring events in the community's activity plan that fall in the period (webinars,
    meetings, trainings, World Cafés: discussions and newsletters are not events)."""
    planned: list[datetime.date] = []
    for kind, cadence, starts_on, ends_on in PlanActivity.objects.filter(community=community).values_list(
        "kind", "cadence", "starts_on", "ends_on"
    ):
        if cadence == "once" or kind in {"discussion", "newsletter"}:
            continue
        planned.extend(
            day for day in occurrences(cadence, starts_on, min(ends_on or until, until)) if day >= since
        )
    return sorted(planned)


def last_touchpoint(community: Community, as_of: datetime.datetime) -> datetime.date | None:
    """The latest community-wide touchpoint before `as_of`: an event held, a newsletter sent, or an
    announcement or pinned topic."""
    moments = [
        Event.objects.filter(community=community, starts_at__lt=as_of, status=EventStatus.SCHEDULED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first(),
        Newsletter.objects.filter(community=community, sent_at__lt=as_of)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first(),
        Topic.objects.filter(community=community, created_at__lt=as_of)
        .filter(Q(kind=TopicKind.ANNOUNCEMENT) | Q(is_pinned=True))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first(),
    ]
    found = [moment for moment in moments if moment is not None]
    return max(found).date() if found else None


def charter_versions(community: Community) -> int:
    """How often the charter was revised ("design for evolution")."""
    return CharterVersion.objects.filter(community=community).count()


def recurring_share(community: Community) -> float | None:
    """Share of the activity plan that recurs (familiarity) rather than happening once (excitement)."""
    cadences = list(PlanActivity.objects.filter(community=community).values_list("cadence", flat=True))
    return sum(1 for cadence in cadences if cadence != "once") / len(cadences) if cadences else None


def organisations_of(user_ids: Iterable[int]) -> dict[int, str]:
    """The organisation on each person's profile (one query)."""
    return {
        user_id: name or ""
        for user_id, name in Profile.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "organisation__name"
        )
    }


def accounts_named(people: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The hub account each (name, organisation) stands for: the only active account with that display
    name, or, when several share it, the only one of them in that organisation (one query). Keys are
    case-folded; ambiguous and unknown people are left out."""
    wanted = {(name.strip().casefold(), org.strip().casefold()) for name, org in people if name.strip()}
    if not wanted:
        return {}
    query = Q()
    for name in {name for name, _org in wanted}:
        query |= Q(display_name__iexact=name)
    found: dict[str, list[tuple[int, str]]] = {}
    for pk, display_name, organisation in User.objects.filter(query, is_active=True).values_list(
        "pk", "display_name", "profile__organisation__name"
    ):
        found.setdefault(display_name.strip().casefold(), []).append((pk, (organisation or "").casefold()))
    result: dict[tuple[str, str], int] = {}
    for name, org in wanted:
        candidates = found.get(name, [])
        if len(candidates) > 1 and org:
            candidates = [c for c in candidates if c[1] == org]
        if len(candidates) == 1:
            result[(name, org)] = candidates[0][0]
    return result


def member_names(community: Community, limit: int) -> list[str]:
    """Display names of the community's active members, for suggesting whom to name (one query)."""
    return list(
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE, user__is_active=True)
        .order_by("user__display_name")
        .values_list("user__display_name", flat=True)[:limit]
    )


def organisation_names(limit: int) -> list[str]:
    """Organisation names known to the hub, for suggestions (one query)."""
    return list(Organisation.objects.order_by("name").values_list("name", flat=True)[:limit])
