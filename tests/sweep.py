"""Shared by the reliability sweeps (IDOR, role escalation, page-form mass assignment, no writes on GET):
a whole community built with the services (one of every kind of object the URLs take), a database
snapshot, and the URL parameters of every pattern resolved against such a community.

The snapshot hashes every row of every table, except what is bookkeeping rather than state:

* ``django_session``: the test client's own session (sign-in, messages between pages);
* ``accounts_user.last_login``: stamped at sign-in, not by the pages swept;
* ``api_accesstoken.last_used_at``: stamped when a token authenticates a request (the request's own
  credential, never the object asked for);
* ``core_interaction``: not excluded — the interaction log is written only by services, so a row there
  is a real action;
* caches and rate limits live in the cache (locmem in tests), not in the database.
"""

from __future__ import annotations

import datetime
import hashlib
from functools import cache
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, UserFactory
from catchment.communities.models import Consultation, JoinRequest, Role
from catchment.communities.tests.factories import (
    ActivityFactory,
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
    MilestoneFactory,
    ResourceCommitmentFactory,
    jpeg_bytes,
)

# Tables and columns that are bookkeeping (see the module's docstring).
IGNORED_TABLES = {"django_session"}
IGNORED_COLUMNS = {"accounts_user": {"last_login"}, "api_accesstoken": {"last_used_at"}}


@cache
def _queries() -> tuple[tuple[str, str], ...]:
    """One SELECT per table of our models and the installed apps, built once."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in IGNORED_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        skip = IGNORED_COLUMNS.get(table, set())
        columns = [field.column for field in model._meta.concrete_fields if field.column not in skip]
        names, order = ", ".join(quote(c) for c in columns), quote(model._meta.pk.column)
        sql = f"SELECT {names} FROM {quote(table)} ORDER BY {order}"  # noqa: S608 - names from the models, quoted
        queries.append((table, sql))
    return tuple(sorted(set(queries)))


def snapshot() -> dict[str, str]:
    """A hash of every table's rows (ordered by primary key), bookkeeping left out."""
    result = {}
    with connection.cursor() as cursor:
        for table, sql in _queries():
            cursor.execute(sql)
            result[table] = hashlib.blake2b(repr(cursor.fetchall()).encode(), digest_size=16).hexdigest()
    return result


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])


def _write_counter() -> int | None:
    """How many rows this connection has written so far, where the database tells it cheaply: a request
    that leaves it unchanged wrote nothing, so the full snapshot can be skipped. None: always snapshot."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            )
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            return None
        return int(cursor.fetchone()[0])


class Watcher:
    """Snapshot before and after each request; the previous 'after' is the next 'before'."""

    def __init__(self) -> None:
        self.state = snapshot()
        self.counter = _write_counter()

    def changes(self) -> list[str]:
        counter = _write_counter()
        if counter is not None and counter == self.counter:
            return []
        self.counter = counter
        state = snapshot()
        tables = changed_tables(self.state, state)
        self.state = state
        return tables

    def reset(self) -> None:
        self.state = snapshot()
        self.counter = _write_counter()


def body_of(response: Any) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return raw.decode("utf-8", "replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())


def build_community(tag, *, sentinel="", visibility="public", join_policy="open"):
    """One community with one of everything a URL can name, built through the services. `sentinel`
    goes into every text of it that a page could show."""
    from catchment.alliances import map_services
    from catchment.alliances import services as alliances
    from catchment.api import services as api
    from catchment.communities import services as communities
    from catchment.conversations import services as conversations
    from catchment.discussions import services as discussions
    from catchment.events import services as events
    from catchment.insights import stories, surveys
    from catchment.library import services as library
    from catchment.newsletters import services as newsletters
    from catchment.notifications.models import Notification
    from catchment.webhooks import services as webhooks

    mark = f"{sentinel} " if sentinel else ""
    community = CommunityFactory(
        slug=f"sweep-{tag}",
        name=f"{mark}Community {tag}",
        visibility=visibility,
        join_policy=join_policy,
        description=f"{mark}about {tag}",
    )
    people = {
        "convenor": ProfileFactory(user__display_name=f"Convenor {tag}").user,
        "co_convenor": ProfileFactory(user__display_name=f"Co-convenor {tag}").user,
        "moderator": ProfileFactory(user__display_name=f"Moderator {tag}").user,
        "member": ProfileFactory(user__display_name=f"Member {tag}").user,
        "target": ProfileFactory(user__display_name=f"Target {tag}").user,
        "applicant": ProfileFactory(user__display_name=f"Applicant {tag}").user,
    }
    for role in ("convenor", "co_convenor", "moderator", "member", "target"):
        MembershipFactory(
            community=community,
            user=people[role],
            role=Role.MEMBER if role in ("member", "target") else Role(role),
        )
    convenor, moderator, member, target = (people[k] for k in ("convenor", "moderator", "member", "target"))
    join_request = JoinRequest.objects.create(community=community, user=people["applicant"], message=mark)
    CharterVersionFactory(community=community, number=1, purpose=f"{mark}purpose")
    Consultation.objects.create(community=community, motivation=f"{mark}motivation")
    sent = communities.invitation_create(
        actor=convenor, community=community, email=f"invitee-{tag}@example.org"
    )
    topic = discussions.topic_create(
        actor=member,
        community=community,
        kind="question",
        title=f"{mark}topic",
        body=f"{mark}body",
        language="en",
    )
    reply = discussions.post_reply(
        actor=target,
        topic=topic,
        body=f"{mark}reply @{member.username}",
        files=[SimpleUploadedFile("minutes.pdf", f"%PDF-1.4 {mark}\n%%EOF".encode())],
    )
    discussions.post_flag(actor=moderator, post=reply, reason="spam", note=mark)
    starts = (timezone.now() + datetime.timedelta(days=5)).replace(tzinfo=None, microsecond=0)
    event = events.event_create(
        actor=convenor,
        community=community,
        data=events.EventData(
            kind="world_cafe",
            title=f"{mark}café",
            summary=mark,
            time_zone="UTC",
            starts=starts,
            ends=starts + datetime.timedelta(hours=2),
            join_url="https://meet.example.org/sweep",
        ),
    )
    for person in (member, target, moderator, people["co_convenor"]):
        events.register(actor=person, event=event, language="en")
    events.cafe_setup(
        actor=convenor,
        event=event,
        setup=events.CafeSetup(
            purpose=mark or "Purpose",
            mode="online",
            rounds=1,
            round_minutes=20,
            table_size=6,
            questions=[f"{mark}question"],
            tables=[("A", None, ""), ("B", None, "")],
        ),
    )
    events.cafe_seat(actor=convenor, event=event, seed=1)
    table = event.cafe.tables.order_by("pk").first()
    events.harvest_save(
        actor=convenor, event=event, table=table, round_no=1, notes=f"{mark}notes", insights=mark
    )
    resource = library.resource_create(
        actor=member,
        community=community,
        data=library.ResourceData(kind="document", title=f"{mark}resource", language="en", summary=mark),
        upload=SimpleUploadedFile("r.pdf", f"%PDF-1.4 {mark}\n%%EOF".encode()),
        cover=SimpleUploadedFile("c.jpg", jpeg_bytes((600, 400))),
    )
    newsletter = newsletters.newsletter_create(
        actor=convenor,
        community=community,
        draft=newsletters.Draft(default_language="en", editions={"en": (f"{mark}news", f"{mark}news body")}),
    )
    story, _warnings = stories.story_save(
        actor=member,
        community=community,
        data=stories.StoryData(
            title=f"{mark}story",
            status="draft",
            consent_publish=True,
            steps={1: stories.StepData(mark or "x")},
        ),
    )
    indicator = stories.indicator_save(
        actor=moderator,
        community=community,
        cycle=1,
        name=f"{mark}indicator",
        definition="",
        data_source="manual",
    )
    survey = surveys.survey_save(
        actor=moderator, community=community, data=surveys.SurveyData(topic="drought", channels=["email"])
    )
    surveys.survey_set_status(actor=moderator, survey=survey, status="open")
    endpoint = webhooks.endpoint_create(
        actor=convenor,
        community=community,
        url=f"https://partner-{tag}.example.org/hook",
        events=["member.joined"],
        description=mark,
    )
    webhooks.endpoint_ping(actor=convenor, endpoint=endpoint)
    system_map = map_services.map_save(actor=convenor, community=community, values={"title": f"{mark}map"})
    rain = map_services.variable_save(actor=convenor, system_map=system_map, values={"label": f"{mark}rain"})
    recharge = map_services.variable_save(actor=convenor, system_map=system_map, values={"label": "Recharge"})
    link = map_services.link_save(
        actor=convenor, system_map=system_map, source=rain, target=recharge, polarity=1
    )
    alliance = alliances.alliance_create(
        actor=convenor,
        changes=alliances.AllianceChanges(
            name=f"Alliance {tag}",
            theme="Water",
            summary=mark,
            visibility="members" if visibility != "public" else "public",
            slug=f"alliance-{tag}",
        ),
    )
    platform = alliances.platform_add(
        actor=convenor,
        alliance=alliance,
        community=community,
        changes=alliances.PlatformChanges(level="community", facilitator=convenor),
    )
    stakeholder = alliances.stakeholder_save(
        actor=convenor,
        alliance=alliance,
        data=alliances.StakeholderData(
            name=f"{mark}ministry", org_type="gov", level="national", platforms=[platform], rationale=mark
        ),
    )
    other = alliances.stakeholder_save(
        actor=convenor,
        alliance=alliance,
        data=alliances.StakeholderData(name="Village committee", org_type="cbo", level="community"),
    )
    relation = alliances.relation_add(
        actor=convenor, source=stakeholder, target=other, kind="information", strength=3
    )
    alliances.direction_save(
        actor=convenor, alliance=alliance, values={"vision": f"{mark}vision"}, based_on=None
    )
    cycle = alliances.cycle_save(actor=convenor, platform=platform, values={"question": f"{mark}question"})
    process = alliances.process_entry_save(
        actor=convenor,
        platform=platform,
        values={"title": f"{mark}process", "happened_on": datetime.date(2026, 5, 1)},
    )
    output = alliances.output_save(
        actor=convenor,
        platform=platform,
        values={
            "kind": "brief",
            "title": f"{mark}brief",
            "audience": "national",
            "channel": "print",
            "published_on": datetime.date(2026, 6, 1),
        },
    )
    conversation = conversations.conversation_start(
        actor=convenor, recipients=[target], subject=f"{mark}subject", body=f"{mark}message"
    )
    conversations.message_send(actor=target, conversation=conversation, body=f"{mark}answer")
    organisation = OrganisationFactory(slug=f"org-{tag}", name=f"Organisation {tag}")
    organisation.admins.add(convenor)
    token, _secret = api.token_create(actor=convenor, name=f"token {tag}", scope="read")
    return {
        "tag": tag,
        "community": community,
        "people": people,
        "join_request": join_request,
        "invitation": sent.invitation,
        "topic": topic,
        "post": topic.posts.get(number=1),
        "reply": reply,
        "attachment": reply.attachments.get(),
        "event": event,
        "table": table,
        "resource": resource,
        "newsletter": newsletter,
        "story": story,
        "indicator": indicator,
        "survey": survey,
        "endpoint": endpoint,
        "map": system_map,
        "variable": rain,
        "link": link,
        "alliance": alliance,
        "platform": platform,
        "stakeholder": stakeholder,
        "relation": relation,
        "cycle": cycle,
        "process": process,
        "output": output,
        "conversation": conversation,
        "message": conversation.messages.order_by("pk").first(),
        "notification": Notification.objects.filter(recipient=member).order_by("pk").first(),
        "convenor_notification": Notification.objects.filter(recipient=convenor).order_by("pk").first(),
        "organisation": organisation,
        "token": token,
        "commitment": ResourceCommitmentFactory(community=community, responsibility=f"{mark}responsibility"),
        "activity": ActivityFactory(community=community, title=f"{mark}activity"),
        "milestone": MilestoneFactory(community=community, title=f"{mark}milestone"),
    }


def staff_user() -> Any:
    return UserFactory(is_staff=True)


PERSON_KEYS = {"convenor", "co_convenor", "moderator", "member", "target", "applicant"}
LITERALS = {"number": 1, "round": 1, "ping": "ping", "delete": "delete"}
SLUGGED = {"community", "alliance", "organisation"}


def value_of(world: dict[str, Any], key: str) -> Any:
    """The URL value naming `key` of `world`: a slug, a username or a primary key."""
    if key in LITERALS:
        return LITERALS[key]
    if key in PERSON_KEYS:
        return world["people"][key].username
    thing = world[key]
    return thing.slug if key in SLUGGED else thing.pk


def params_of(entry: Any) -> list[str]:
    return list(entry.pattern.regex.groupindex)


def payload(name: str, world: dict[str, Any], other: dict[str, Any] | None = None) -> dict[str, Any]:
    """A valid body for the page form behind `name`, as a person of `world` would send it; `other`, when
    given, is the community under attack (moving a topic there, naming its people)."""
    target = other or world
    soon = (timezone.now() + datetime.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    later = (timezone.now() + datetime.timedelta(days=9, hours=1)).strftime("%Y-%m-%dT%H:%M")
    bodies: dict[str, dict[str, Any]] = {
        "communities:create": {
            "name": "Made by sweep",
            "summary": "A summary.",
            "description": "A description.",
            "visibility": "public",
            "join_policy": "open",
            "membership_basis": "individual",
            "languages": ["en"],
        },
        "communities:settings": {
            "name": world["community"].name,
            "summary": "Changed summary.",
            "description": "Changed.",
            "visibility": world["community"].visibility,
            "join_policy": world["community"].join_policy,
            "membership_basis": world["community"].membership_basis,
            "languages": ["en"],
        },
        "communities:join": {"accept_conduct": "on", "message": "Hello"},
        "communities:request": {"accept_conduct": "on", "message": "Hello"},
        "communities:conduct": {"accept_conduct": "on"},
        "communities:decide": {"decision": "approve", "message": "Welcome"},
        "communities:invitations": {"emails": "new-person@example.org", "role": "member", "message": "Join"},
        "communities:stage": {"stage": "dormant"},
        "communities:member_role": {"role": "moderator"},
        "communities:member_remove": {"ban": "1"},
        "communities:charter_edit": {"purpose": "Changed purpose", "note": "sweep", "based_on": "1"},
        "communities:charter_approve": {"number": "1"},
        "communities:consultation": {"motivation": "Changed", "based_on": ""},
        "communities:resources": {"responsibility": "Host", "person_name": "Someone", "hours_per_month": "2"},
        "communities:resource_edit": {
            "responsibility": "Host",
            "person_name": "Someone",
            "hours_per_month": "3",
        },
        "communities:activities": {
            "title": "Call",
            "kind": "webinar",
            "cadence": "monthly",
            "status": "planned",
        },
        "communities:activity_edit": {
            "title": "Call",
            "kind": "webinar",
            "cadence": "monthly",
            "status": "planned",
        },
        "communities:milestones": {"title": "Step", "due_on": "2026-12-01", "status": "planned"},
        "communities:milestone_edit": {"title": "Step", "due_on": "2026-12-01", "status": "planned"},
        "discussions:topic_new": {
            "kind": "discussion",
            "title": "New topic",
            "body": "Body",
            "language": "en",
        },
        "discussions:reply": {"body": "A reply from the sweep"},
        "discussions:accept": {"post": str(target["reply"].pk)},
        "discussions:topic_moderate": {"verb": "lock", "reason": "sweep"},
        "discussions:post_moderate": {"verb": "hide", "reason": "sweep"},
        "discussions:topic_move": {"target": str(world["community"].pk), "reason": "sweep"},
        "discussions:post_edit": {"title": "Edited", "body": "Edited body"},
        "discussions:flag": {"reason": "spam", "note": "sweep"},
        "discussions:react": {"kind": "thanks"},
        "discussions:resolve": {"decision": "hide", "reason": "sweep"},
        "webhooks:list": {"url": "https://elsewhere.example.org/hook", "events": ["member.joined"]},
        "webhooks:detail": {"url": "https://elsewhere.example.org/hook", "events": ["member.joined"]},
        "notifications:topic_level": {"level": "mute"},
        "notifications:community_level": {"level": "watch"},
        "notifications:settings": {"frequency": "weekly"},
        "conversations:start": {"to": target["people"]["target"].username, "subject": "Hi", "body": "Hello"},
        "conversations:settings": {"accepts": "nobody"},
        "conversations:reply": {"body": "A private reply"},
        "conversations:add_people": {"people": world["people"]["member"].username},
        "conversations:mute": {"muted": "1"},
        "conversations:report": {"reason": "spam", "note": "sweep"},
        "conversations:resolve": {"decision": "hide", "note": "sweep"},
        "newsletters:community_new": {"default_language": "en", "subject_en": "News", "body_en": "Body"},
        "newsletters:hub_new": {"default_language": "en", "subject_en": "News", "body_en": "Body"},
        "newsletters:edit": {"default_language": "en", "subject_en": "Changed", "body_en": "Changed"},
        "newsletters:test": {"language": "en"},
        "newsletters:send": {"confirm": "on"},
        "newsletters:preferences": {"community": world["community"].slug, "receive": "0"},
        "library:community_new": {
            "kind": "link",
            "title": "A link",
            "url": "https://example.org/",
            "language": "en",
        },
        "library:new": {"kind": "link", "title": "A link", "url": "https://example.org/", "language": "en"},
        "library:edit": {"kind": "link", "title": "Edited", "url": "https://example.org/", "language": "en"},
        "library:moderate": {"action": "hide"},
        "events:community_new": {
            "kind": "webinar",
            "title": "Call",
            "time_zone": "UTC",
            "starts": soon,
            "ends": later,
            "languages": ["en"],
            "join_url": "https://meet.example.org/new",
            "capacity": "40",
        },
        "events:edit": {
            "kind": "world_cafe",
            "title": "Edited café",
            "time_zone": "UTC",
            "starts": soon,
            "ends": later,
            "languages": ["en"],
            "join_url": "https://meet.example.org/sweep",
            "capacity": "50",
        },
        "events:register": {"language": "en"},
        "events:registrations": {"attended": [str(target["people"]["member"].pk)]},
        "events:cafe_setup": {
            "purpose": "Purpose",
            "mode": "online",
            "rounds": "1",
            "round_minutes": "20",
            "table_size": "6",
            "questions": "One question",
            "tables": "A\nB",
        },
        "events:harvest": {"notes": "Notes", "insights": "Insights"},
        "events:synthesis": {"synthesis": "Synthesis"},
        "insights:settings": {
            "window_days": "90",
            "topic_weight": "3",
            "reply_weight": "1",
            "resource_weight": "2",
            "attendance_weight": "1",
            "hosting_weight": "3",
            "active_weeks": "2",
            "active_contributions": "2",
            "core_weeks": "6",
            "core_percent": "10",
            "lethargy_days": "60",
        },
        "insights:map_opt_out": {"opted_out": "1"},
        "insights:story_new": {"title": "Story", "status": "draft", "consent_publish": "on"},
        "insights:story_edit": {"title": "Edited story", "status": "draft", "consent_publish": "on"},
        "insights:indicators": {"cycle": "1", "name": "Indicator", "data_source": "manual"},
        "insights:observe": {"period_start": "2026-01-01", "period_end": "2026-02-01", "value": "3"},
        "insights:survey_new": {"topic": "floods", "channels": ["email"]},
        "insights:survey_edit": {"topic": "floods", "channels": ["email"]},
        "insights:survey_status": {"status": "closed"},
        "insights:survey": {"consent": "on", "named": "on"},
        "alliances:new": {
            "name": "New alliance",
            "slug": "new-alliance",
            "theme": "Water",
            "status": "forming",
            "visibility": "public",
        },
        "alliances:edit": {
            "name": "Changed alliance",
            "theme": "Water",
            "status": "forming",
            "visibility": "public",
            "slug": world["alliance"].slug,
        },
        "alliances:direction_edit": {"vision": "Changed vision", "based_on": "1"},
        "alliances:stakeholder_new": {"name": "New stakeholder", "org_type": "ngo", "level": "national"},
        "alliances:stakeholder_edit": {"name": "Edited stakeholder", "org_type": "ngo", "level": "national"},
        "alliances:stakeholder_move": {"target": "contacted", "reason": "sweep"},
        "alliances:relation_add": {
            "target": str(target["stakeholder"].pk),
            "kind": "information",
            "strength": "2",
        },
        "alliances:platform_edit": {"level": "community", "stage": "initiation"},
        "alliances:cycle_new": {"question": "Why?", "phase": "plan"},
        "alliances:cycle": {"question": "Why now?", "phase": "plan"},
        "alliances:process_new": {
            "platform": str(target["platform"].pk),
            "happened_on": "2026-05-02",
            "title": "Entry",
        },
        "alliances:process_edit": {
            "platform": str(target["platform"].pk),
            "happened_on": "2026-05-02",
            "title": "Edited entry",
        },
        "alliances:outputs": {
            "platform": str(target["platform"].pk),
            "kind": "brief",
            "title": "Brief",
            "audience": "national",
            "channel": "print",
            "published_on": "2026-06-02",
        },
        "alliances:maps": {"title": "A map"},
        "alliances:map_edit": {"title": "Edited map"},
        "alliances:variable_add": {"label": "Wells", "type": "stock"},
        "alliances:variable_edit": {"label": "Edited", "type": "stock"},
        "alliances:link_add": {
            "source": str(target["variable"].pk),
            "target": str(target["link"].target_id),
            "polarity": "-1",
        },
        "alliances:loop_note": {"key": "x", "name": "Loop", "narrative": "Story"},
        "accounts:profile_edit": {
            "display_name": "Changed name",
            "visibility": "members",
            "timezone": "UTC",
            "language": "en",
        },
        "accounts:organisation_create": {"name": "New organisation", "type": "ngo", "country": "SE"},
        "accounts:organisation_edit": {"name": "Changed organisation", "type": "ngo", "country": "SE"},
        "accounts:organisation_admin_add": {"email": world["people"]["member"].email},
        "accounts:organisation_verify": {"verified": "1"},
        "api_tokens:list": {"name": "A token", "scope": "read"},
        "set_language": {"language": "es"},
    }
    return bodies.get(name, {})
