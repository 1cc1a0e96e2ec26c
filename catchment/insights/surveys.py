"""The existing-connections survey (design notes §2.2): before a community launches, its convenors ask the
people it is meant for "Whom do you turn to for advice on this topic, and through which channels?". The
answers are analysed like the interaction network, with reach and bridging per channel, in the task queue;
the analysis is cached on the survey.

Privacy (design notes §2.2): answering needs consent; respondents may let the moderators see their name
on the map, and are pseudonyms there otherwise; people named by others are always pseudonyms, and the
names typed in are seen by nobody but the respondent. A respondent may withdraw their answers at any time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Stage
from catchment.core.tasks import task
from catchment.insights import extract, network, permissions
from catchment.insights.models import (
    Channel,
    ConnectionSurvey,
    Frequency,
    Snapshot,
    SnapshotKind,
    SurveyContact,
    SurveyResponse,
    SurveyStatus,
)

MAX_CONTACTS = 30
DRAWN_NODES = 90
ENGAGED_LEVELS = {"core", "active"}
ANALYSIS_VERSION = "survey-1"


class SurveyError(ValueError):
    """A survey or an answer that cannot be saved; the message is translated and safe to show."""


@dataclass
class SurveyData:
    topic: str
    channels: list[str]
    introduction: str = ""
    closes_on: datetime.date | None = None


@dataclass
class ContactData:
    name: str
    channels: list[str]
    organisation: str = ""
    frequency: int = Frequency.MONTHLY


@dataclass
class AnswerData:
    contacts: list[ContactData] = field(default_factory=list)
    named: bool = False
    consent: bool = False


def accepting(survey: ConnectionSurvey, today: datetime.date | None = None) -> bool:
    """Open, and not past its closing day."""
    today = today or timezone.localdate()
    return survey.status == SurveyStatus.OPEN and (survey.closes_on is None or today <= survey.closes_on)


def _membership(actor: Viewer, community: Community) -> Any:
    return community_policy.membership_of(actor, community)


def _check_channels(channels: Iterable[str]) -> list[str]:
    known = [value for value, _label in Channel.choices]
    chosen = [value for value in known if value in set(channels)]
    if not chosen:
        raise SurveyError(_("Choose at least one channel to ask about."))
    return chosen


def survey_save(
    *, actor: Viewer, community: Community, data: SurveyData, survey: ConnectionSurvey | None = None
) -> ConnectionSurvey:
    """Create or change a survey. Once people have answered, a channel they used cannot be taken away."""
    if not permissions.can_manage_surveys(actor, community, _membership(actor, community)):
        raise PermissionDenied
    topic = data.topic.strip()
    if not topic:
        raise SurveyError(_("Say what people would ask advice on."))
    channels = _check_channels(data.channels)
    if (
        data.closes_on is not None
        and data.closes_on < timezone.localdate()
        and (survey is None or data.closes_on != survey.closes_on)
    ):
        # A new closing day must lie ahead; one that has passed may stay as it is on a closed survey.
        raise SurveyError(_("The closing day has already passed."))
    with transaction.atomic():
        if survey is None:
            survey = ConnectionSurvey(community=community, created_by_id=actor.pk)
        else:
            survey = ConnectionSurvey.objects.select_for_update().get(pk=survey.pk, community=community)
            used = {
                value
                for row in SurveyContact.objects.filter(response__survey=survey).values_list(
                    "channels", flat=True
                )
                for value in row.split(",")
                if value
            }
            dropped = sorted(used - set(channels))
            if dropped:
                labels = ", ".join(str(Channel(value).label) for value in dropped)
                raise SurveyError(
                    _("People have already answered with %(channels)s; keep it in the list.")
                    % {"channels": labels}
                )
        survey.topic = topic
        survey.introduction = data.introduction.strip()
        survey.channels = ",".join(channels)
        survey.closes_on = data.closes_on
        survey.save()
    return survey


def survey_set_status(*, actor: Viewer, survey: ConnectionSurvey, status: str) -> ConnectionSurvey:
    """Open a draft, close an open survey (its analysis is then computed), or open a closed one again."""
    community = survey.community
    if not permissions.can_manage_surveys(actor, community, _membership(actor, community)):
        raise PermissionDenied
    allowed = {
        SurveyStatus.DRAFT: {SurveyStatus.OPEN},
        SurveyStatus.OPEN: {SurveyStatus.CLOSED},
        SurveyStatus.CLOSED: {SurveyStatus.OPEN},
    }
    with transaction.atomic():
        survey = ConnectionSurvey.objects.select_for_update().get(pk=survey.pk)
        if status == survey.status:
            return survey
        if status not in allowed[SurveyStatus(survey.status)]:
            raise SurveyError(
                _("This survey cannot go from %(now)s to %(next)s.")
                % {
                    "now": SurveyStatus(survey.status).label,
                    "next": SurveyStatus(status).label if status in SurveyStatus.values else status,
                }
            )
        now = timezone.now()
        if status == SurveyStatus.OPEN:
            if survey.closes_on is not None and survey.closes_on < timezone.localdate():
                raise SurveyError(_("Its closing day has passed: choose a later one before opening it."))
            survey.opened_at = survey.opened_at or now
            survey.closed_at = None
        else:
            survey.closed_at = now
        survey.status = status
        survey.save(update_fields=["status", "opened_at", "closed_at"])
        if status == SurveyStatus.CLOSED:
            compute_survey_task.enqueue(survey.pk)
    return survey


def _clean_contacts(survey: ConnectionSurvey, contacts: list[ContactData]) -> list[ContactData]:
    allowed = set(survey.channel_list)
    cleaned: list[ContactData] = []
    seen: set[tuple[str, str]] = set()
    for contact in contacts:
        name = " ".join(contact.name.split())
        organisation = " ".join(contact.organisation.split())
        if not name:
            continue
        key = (name.casefold(), organisation.casefold())
        if key in seen:
            raise SurveyError(
                _("You named %(name)s twice; put all the channels on one line.") % {"name": name}
            )
        seen.add(key)
        channels = [value for value in survey.channel_list if value in set(contact.channels) & allowed]
        if not channels:
            raise SurveyError(_("Say through which channels you reach %(name)s.") % {"name": name})
        frequency = contact.frequency if contact.frequency in Frequency.values else Frequency.MONTHLY
        cleaned.append(ContactData(name[:150], channels, organisation[:200], frequency))
    if len(cleaned) > MAX_CONTACTS:
        raise SurveyError(_("Name at most %(count)d people.") % {"count": MAX_CONTACTS})
    return cleaned


def answer_save(*, actor: Viewer, survey: ConnectionSurvey, data: AnswerData) -> SurveyResponse:
    """Record (or replace) the actor's answers. Naming nobody is an answer too: it says who is not yet
    connected."""
    try:
        with transaction.atomic():
            # The survey as it is now, locked: closing it or changing its channels waits for this answer
            # (and an answer waits for them), so no answer lands in a closed survey or on a dropped channel.
            survey = (
                ConnectionSurvey.objects.select_for_update(of=("self",))
                .select_related("community")
                .get(pk=survey.pk)
            )
            community = survey.community
            if not permissions.can_answer_survey(
                actor, community, _membership(actor, community), accepting=accepting(survey)
            ):
                raise PermissionDenied
            if not data.consent:
                raise SurveyError(
                    _("Tick the box to agree to how your answers are used, or leave the survey.")
                )
            contacts = _clean_contacts(survey, data.contacts)
            accounts = extract.accounts_named((contact.name, contact.organisation) for contact in contacts)
            response, _created = SurveyResponse.objects.get_or_create(survey=survey, respondent_id=actor.pk)
            response.named = data.named
            response.save()
            response.contacts.all().delete()
            SurveyContact.objects.bulk_create(
                SurveyContact(
                    response=response,
                    position=index,
                    name=contact.name,
                    organisation=contact.organisation,
                    person_id=accounts.get((contact.name.casefold(), contact.organisation.casefold())),
                    channels=",".join(contact.channels),
                    frequency=contact.frequency,
                )
                for index, contact in enumerate(contacts)
            )
            ConnectionSurvey.objects.filter(pk=survey.pk).update(answers_changed_at=timezone.now())
    except IntegrityError:
        # Two submissions at once from the same person: the other one won; keep theirs, ask to check.
        raise SurveyError(
            _("Your answers were saved from another window; check them and save again.")
        ) from None
    return response


def answer_withdraw(*, actor: Viewer, survey: ConnectionSurvey) -> bool:
    """Delete the actor's answers (at any time, even after the survey closed). True if there were any."""
    if not is_member(actor):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = SurveyResponse.objects.filter(survey=survey, respondent_id=actor.pk).delete()
        if deleted:
            ConnectionSurvey.objects.filter(pk=survey.pk).update(answers_changed_at=timezone.now())
            # Withdrawn answers leave the cached analysis at once, not at the next nightly run.
            compute_survey_task.enqueue(survey.pk)
    return bool(deleted)


def recompute(*, actor: Viewer, survey: ConnectionSurvey) -> None:
    if not permissions.can_see_insights(actor, survey.community, _membership(actor, survey.community)):
        raise PermissionDenied
    compute_survey_task.enqueue(survey.pk)


def nightly(today: datetime.date | None = None) -> int:
    """Close the open surveys whose closing day has passed and analyse every survey with new answers
    (answers only mark the analysis stale, so answering stays fast). Returns how many were analysed."""
    close_expired(today)
    stale = [
        survey
        for survey in ConnectionSurvey.objects.exclude(status=SurveyStatus.DRAFT)
        .filter(answers_changed_at__isnull=False)
        .select_related("community")
        if survey.results_stale
    ]
    for survey in stale:
        compute_survey(survey)
    return len(stale)


def close_expired(today: datetime.date | None = None) -> int:
    """Close the open surveys whose closing day has passed or whose community was archived (nobody can
    close those any more), and compute their analysis."""
    today = today or timezone.localdate()
    expired = list(
        ConnectionSurvey.objects.filter(status=SurveyStatus.OPEN)
        .filter(Q(closes_on__lt=today) | Q(community__stage=Stage.ARCHIVED))
        .values_list("pk", flat=True)
    )
    for pk in expired:
        with transaction.atomic():
            changed = ConnectionSurvey.objects.filter(pk=pk, status=SurveyStatus.OPEN).update(
                status=SurveyStatus.CLOSED, closed_at=timezone.now()
            )
            if changed:
                compute_survey_task.enqueue(pk)
    return len(expired)


# Analysis -----------------------------------------------------------------------------------------------


def _engaged(community: Community) -> set[int]:
    """Members who were core or active in the latest participation levels."""
    snapshot = (
        Snapshot.objects.filter(community=community, kind=SnapshotKind.LEVELS)
        .order_by("-as_of", "-pk")
        .first()
    )
    people = (snapshot.data.get("people") if snapshot else None) or {}
    return {int(pk) for pk, row in people.items() if row.get("level") in ENGAGED_LEVELS}


def compute_survey(survey: ConnectionSurvey) -> dict[str, Any]:
    """Analyse the answers and store the result on the survey. Inside, people are "u<account>" when they
    have a hub account and "x<n>" otherwise (told apart by name and organisation, which never enter the
    result). The stored result names every person by an opaque id of this survey ("n1", "n2"…, most
    turned-to first), so nothing shown or downloaded can be matched with other pages; `accounts` maps the
    opaque ids to hub accounts for naming those who allowed it, and is never shown."""
    computed_at = timezone.now()
    responses = list(
        SurveyResponse.objects.filter(survey=survey)
        .order_by("pk")
        .values_list("pk", "respondent_id", "named")
    )
    rows = list(
        SurveyContact.objects.filter(response__survey=survey)
        .order_by("response_id", "position", "pk")
        .values_list("response__respondent_id", "name", "organisation", "person_id", "channels", "frequency")
    )
    accounts = {respondent for _pk, respondent, _named in responses} | {row[3] for row in rows if row[3]}
    profile_org = extract.organisations_of(accounts)
    organisation: dict[int | str, str] = {f"u{pk}": profile_org.get(pk, "") for pk in accounts}
    outside: dict[tuple[str, str], str] = {}
    ties: list[network.SurveyTie] = []
    for respondent, name, org, person, channels, frequency in rows:
        if person:
            alter = f"u{person}"
        else:
            key = (name.casefold(), org.casefold())
            if key not in outside:
                outside[key] = f"x{len(outside) + 1}"
            alter = outside[key]
        # The profile's organisation wins; otherwise the first spelling a respondent typed.
        organisation[alter] = organisation.get(alter) or org
        for channel in channels.split(","):
            if channel:
                ties.append(network.SurveyTie(f"u{respondent}", alter, channel, int(frequency)))
    ties = network.clean_ties(ties)
    respondents = [f"u{respondent}" for _pk, respondent, _named in responses]
    engaged = {f"u{pk}" for pk in _engaged(survey.community)}
    members = {f"u{person.id}" for person in extract.members(survey.community).values()}
    # Organisations are compared without regard to case ("Org 2" and "org 2" are one).
    compared = {key: value.casefold() for key, value in organisation.items()}
    report = network.survey_report(ties, respondents, compared, engaged)
    metrics = report.metrics
    graph = network.undirected(network.survey_graph(ties))
    graph.add_nodes_from(respondents)
    order = sorted(graph.nodes, key=lambda n: (-report.in_degree.get(n, 0), -graph.degree(n), str(n)))
    drawn = order[:DRAWN_NODES]
    positions = network.layout(graph.subgraph(drawn))
    cluster_of = {node: index for index, cluster in enumerate(metrics.clusters) for node in cluster}
    brokers = set(metrics.brokers)
    respondent_set = set(respondents)
    opaque = {key: f"n{index + 1}" for index, key in enumerate(order)}

    def node(key: int | str) -> dict[str, Any]:
        return {
            "id": opaque[key],
            "kind": "respondent" if key in respondent_set else ("member" if key in members else "outside"),
            "organisation": organisation.get(key, ""),
            "in_degree": report.in_degree.get(key, 0),
            "degree": graph.degree(key),
            "betweenness": round(metrics.betweenness.get(key, 0.0), 4),
            "cluster": cluster_of.get(key, 0),
            "broker": key in brokers,
            "x": positions.get(key, (0.5, 0.5))[0],
            "y": positions.get(key, (0.5, 0.5))[1],
        }

    channel_edges: dict[tuple[str, str], list[str]] = {}
    for tie in ties:
        first, second = sorted((opaque[tie.respondent], opaque[tie.alter]))
        channel_edges.setdefault((first, second), [])
        if tie.channel not in channel_edges[(first, second)]:
            channel_edges[(first, second)].append(tie.channel)
    members_count = len(members)
    results = {
        "version": ANALYSIS_VERSION,
        "respondents": report.respondents,
        "members": members_count,
        "member_respondents": len(respondent_set & members),
        "named": report.named,
        "outside": len(outside),
        "cross_organisation": _round(report.cross_organisation),
        "channels": [
            {
                "channel": c.channel,
                "reach": round(c.reach, 4),
                "tie_share": round(c.tie_share, 4),
                "bridging": _round(c.bridging),
                "respondents": c.respondents,
                "ties": c.ties,
            }
            for c in report.channels
        ],
        "recommended": report.recommended,
        "summary": {
            "nodes": metrics.nodes,
            "edges": metrics.edges,
            "density": round(metrics.density, 4),
            "reciprocity": _round(metrics.reciprocity),
            "components": len(metrics.components),
            "largest_component": len(metrics.components[0]) if metrics.components else 0,
            "isolates": len(metrics.isolates),
            "brokers": len(metrics.brokers),
            "clusters": len(metrics.clusters),
            "ei_organisation": _round(metrics.ei.get("organisation")),
        },
        "go_to": [opaque[key] for key in report.go_to[:15]],
        "to_draw_in": [opaque[key] for key in report.to_draw_in],
        "nodes": [node(key) for key in order],
        "drawn": [opaque[key] for key in drawn],
        "edges": [[s, t, chans] for (s, t), chans in sorted(channel_edges.items())],
        "ties": [[opaque[t.respondent], opaque[t.alter], t.channel, t.frequency] for t in ties],
        "accounts": {opaque[key]: int(str(key)[1:]) for key in order if str(key).startswith("u")},
        "params": {"louvain_seed": network.LOUVAIN_SEED, "engaged_levels": sorted(ENGAGED_LEVELS)},
    }
    ConnectionSurvey.objects.filter(pk=survey.pk).update(results=results, computed_at=computed_at)
    survey.results, survey.computed_at = results, computed_at
    return results


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


@task
def compute_survey_task(survey_id: int) -> int:
    """Analyse one survey's answers (queued after each answer, on closing, and on "Recompute")."""
    survey = ConnectionSurvey.objects.select_related("community").filter(pk=survey_id).first()
    if survey is None:
        return 0
    compute_survey(survey)
    return 1
