"""Reliability row 7: hostile text never renders executable, on any surface.

One hub holds a row of every model of ours. Every free-text field of every row (found by introspection, so
a new field is covered without touching this file) is filled with payloads from tests/xss_payloads.py,
packed up to the field's length between an opening and a closing marker naming the field and row; URL
fields get script addresses. The test crawls the site as a superuser who is convenor, organiser,
initiator and participant everywhere: every URL pattern that needs no argument, every object's page, our
models' admin lists and change pages, search results, and every link those pages hold (two URLs per route,
one per admin route), plus the API (`*_html` fields), the CSV/GraphML/JSON/Word downloads and the mail
outbox (newsletter HTML, notifications, digests). Later rounds move the rest of the corpus through every
field, rendered on the few pages that between them show every field.

Each HTML answer is parsed: no script but our own same-origin files; none of the FORBIDDEN elements
(iframe, object, embed, style, base, noscript, math, …); meta only charset/name, link only our stylesheet
and icon, forms only posting to our paths; no `on*` attribute; no javascript:/vbscript:/data:text/html URL
in any URL attribute; no dangerous CSS in style attributes. Raw opening tags of risky elements must match
the parsed elements one for one (parser-independent: a tag hidden in an attribute or raw text is a
mutation-XSS candidate). CSV cells never start a formula, XML parts stay well formed, and no page shows the
secret key or a password hash (nobody's text is run as a template). A field counts as rendered on a surface
only when its closing marker shows, so truncated excerpts are not counted.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import re
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.utils import timezone

from catchment.core.markdown import render_markdown
from tests.xss_payloads import HOSTILE_URLS, PAYLOADS

ROUNDS = 3
LONGEST = 6500  # characters of payloads per value: long fields take the corpus over the rounds
PER_ROUTE = 2
MARKER = re.compile(r"zq(\d+)x(\d+)q")

# Text fields that are not free text written by a person: identifiers, codes, hashes, machine state.
NOT_FREE_TEXT = {
    "password",
    "username",
    "slug",
    "code",
    "language",
    "default_language",
    "time_zone",
    "timezone",
    "token_hash",
    "key_hash",
    "prefix",
    "secret",
    "sha256",
    "content_type",
    "key",
    "fingerprint",
    "event_id",
    "period",
    "object_type",
    "source",
    "query_key",
    "country",
    "resolution",
    "capitals",
    "name_es",
    "name_fr",
    "name_ru",
    "file",
    "cover",
    "avatar",
    "tags",
    "channels",
    "location",
}
# The search index is rebuilt from the filled rows after each fill, as the signals would keep it.
SKIP_MODELS = {
    "core.OutboundMail",
    "api.IdempotentRequest",
    "insights.Snapshot",
    "search.SearchDocument",
}
FORBIDDEN = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "style",
    "template",
    "xmp",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "isindex",
    "portal",
    "marquee",
    "math",
    "video",
    "audio",
    "source",
}
DANGEROUS_ELEMENTS = (
    "html",
    "head",
    "body",
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "style",
    "base",
    "meta",
    "link",
    "svg",
    "math",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "template",
    "img",
    "video",
    "audio",
    "source",
    "input",
    "button",
    "textarea",
    "select",
    "isindex",
    "portal",
    "details",
    "marquee",
    "title",
)
RAW_TAG = re.compile(r"<\s*(" + "|".join(DANGEROUS_ELEMENTS) + r")[\s/>]", re.IGNORECASE)
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
    "poster",
    "data",
    "background",
    "srcdoc",
    "codebase",
    "cite",
    "lowsrc",
    "dynsrc",
    "ping",
}
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html|data:image/svg|livescript|mocha):?", re.I)
BAD_CSS = re.compile(r"expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import", re.I)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Admin pages that show no stored text, or only what the change page shows; GETs that change state.
SKIP_ROUTES = ("_add", "_history", "_delete", "logout", "open", "password_change", "password_change_done")
THIRD_PARTY_ADMIN = ("admin:auth_", "admin:account_", "admin:mfa_", "admin:socialaccount_", "admin:sites_")
SKIP_PATH = re.compile(
    r"^/(static|media)/|/logout/|^/i18n/|/(avatar|cover|attachments?|download|file)/|/admin/jsi18n/"
    r"|/admin/r/|/password/|/api/v1/(schema|docs|explorer)"
)


# ---------------------------------------------------------------------------------------------------- fill


@dataclass
class Slot:
    """One free-text field of one model."""

    index: int
    model: type[models.Model]
    name: str
    length: int
    is_url: bool

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"


def free_text_slots() -> list[Slot]:
    slots: list[Slot] = []
    for model in apps.get_models():
        if not model.__module__.startswith("catchment") or model._meta.label in SKIP_MODELS:
            continue
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.CharField | models.TextField):
                continue
            if model_field.choices or model_field.name in NOT_FREE_TEXT:
                continue
            if isinstance(model_field, models.EmailField) or model_field.name.endswith("_id"):
                continue
            if getattr(model_field, "primary_key", False) or (
                model_field.unique and model_field.name != "name"
            ):
                continue
            length = min(model_field.max_length or LONGEST, LONGEST)
            slots.append(
                Slot(len(slots), model, model_field.name, length, isinstance(model_field, models.URLField))
            )
    return slots


@dataclass
class Ledger:
    """Which payloads each field received, and where each field's marker showed up."""

    stored: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # (slot, row) -> payload indices held in the current round
    current: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # (slot, payload) -> surfaces that showed it
    seen: dict[tuple[int, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    surfaces: set[str] = field(default_factory=set)
    checked_outputs: int = 0
    executable: list[str] = field(default_factory=list)


def pack(slot: Slot, row: int, cursor: int) -> tuple[str, list[int], int]:
    """Payloads from `cursor` on that fit the field, after the marker; the new cursor."""
    marker = f"zq{slot.index}x{row}q"
    text = marker
    used: list[int] = []
    position = cursor
    while len(used) < len(PAYLOADS):
        payload = PAYLOADS[position % len(PAYLOADS)]
        candidate = f"{text}\n\n{payload}"
        if len(candidate) + len(marker) + 3 > slot.length:
            break
        text = candidate
        used.append(position % len(PAYLOADS))
        position += 1
    # the closing marker tells a whole rendering from a truncated one
    return f"{text}\n\nzq{slot.index}x{row}z", used, position


def fill(slots: list[Slot], cursors: dict[int, int], ledger: Ledger) -> None:
    ledger.current.clear()
    for slot in slots:
        if slot.is_url:
            # URL fields are validated on the way in (http/https only); a stored script URL must still
            # never become a link that runs.
            for pk in slot.model._default_manager.order_by("pk").values_list("pk", flat=True):
                cursor = cursors.get(slot.index, 0)
                cursors[slot.index] = cursor + 1
                url = HOSTILE_URLS[cursor % len(HOSTILE_URLS)].replace("\x01", "")
                slot.model._default_manager.filter(pk=pk).update(**{slot.name: url[: slot.length]})
            continue
        for row, pk in enumerate(slot.model._default_manager.order_by("pk").values_list("pk", flat=True)):
            text, used, cursors[slot.index] = pack(slot, row, cursors.get(slot.index, slot.index * 7))
            slot.model._default_manager.filter(pk=pk).update(**{slot.name: text})
            ledger.current[(slot.index, row)] = used
            ledger.stored[slot.index].update(used)
    from catchment.search.services import rebuild

    rebuild()
    cache.clear()


# ---------------------------------------------------------------------------------------------------- world


def build_world() -> dict[str, Any]:
    """A row of every model, all reachable by `boss`."""
    from catchment.accounts.models import Organisation, Profile, SpokenLanguage, Theme
    from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory
    from catchment.alliances import models as al
    from catchment.api.models import AccessToken
    from catchment.communities import models as co
    from catchment.communities.tests.factories import (
        ActivityFactory,
        CharterVersionFactory,
        CommunityFactory,
        MembershipFactory,
        MilestoneFactory,
        ResourceCommitmentFactory,
    )
    from catchment.conversations import models as cv
    from catchment.core.models import Interaction
    from catchment.discussions import models as di
    from catchment.events import models as ev
    from catchment.insights import models as ins
    from catchment.library.models import Download, Resource
    from catchment.newsletters import models as nl
    from catchment.notifications import models as no
    from catchment.search.models import SearchDocument
    from catchment.webhooks import models as wh

    now = timezone.now()
    today = now.date()
    organisation = cast(Organisation, OrganisationFactory(slug="hostile-org", website="https://ok.example/"))
    boss_profile = cast(
        Profile,
        ProfileFactory(
            user__display_name="Boss", user__is_staff=True, user__is_superuser=True, organisation=organisation
        ),
    )
    boss = boss_profile.user
    organisation.admins.add(boss)
    other_profile = cast(Profile, ProfileFactory(user__display_name="Other", organisation=organisation))
    other = other_profile.user
    for profile in (boss_profile, other_profile):
        SpokenLanguage.objects.create(profile=profile, code="en")
    Theme.objects.get_or_create(slug="hostile-theme", defaults={"name_en": "Theme"})
    community = cast(
        co.Community, CommunityFactory(slug="hostile", created_by=boss, description="d", visibility="public")
    )
    co.CommunityLanguage.objects.create(community=community, code="en")
    MembershipFactory(community=community, user=boss, role="convenor")
    MembershipFactory(community=community, user=other, role="member", organisation=organisation)
    applicant = cast(Profile, ProfileFactory(user__display_name="Applicant")).user
    co.JoinRequest.objects.create(community=community, user=applicant, message="m", decision_message="d")
    co.Invitation.objects.create(
        community=community,
        email="guest@example.org",
        token_hash="0" * 64,
        expires_at=now + datetime.timedelta(days=3),
        invited_by=boss,
        message="m",
    )
    charter = cast(co.CharterVersion, CharterVersionFactory(community=community, author=boss, note="n"))
    co.Consultation.objects.create(community=community, updated_by=boss)
    co.CharterRevision.objects.create(
        community=community,
        version=charter,
        revision_date=today,
        approved_by_name="A",
        approval_date=today,
        reason="r",
        implemented_by=boss,
        approved_by=boss,
    )
    ResourceCommitmentFactory(community=community, person=boss)
    ActivityFactory(community=community, owner=boss)
    MilestoneFactory(community=community, owner=boss)

    topics, posts = [], []
    for number in range(3):
        topic = di.Topic.objects.create(
            community=community, author=other, title="t", language="en", last_posted_at=now
        )
        first = di.Post.objects.create(topic=topic, author=other, number=1, body="b", edited_at=now)
        reply = di.Post.objects.create(topic=topic, author=boss, number=2, body="b", reply_to=first)
        topics.append(topic)
        posts += [first, reply]
        di.PostRevision.objects.create(post=first, editor=other, body="b", title="t")
        di.ModerationAction.objects.create(
            community=community, actor=boss, topic=topic, post=first, reason="r"
        )
        di.Flag.objects.create(post=first, reporter=boss, reason="spam", note="n")
        di.Reaction.objects.create(post=first, user=boss, kind="thanks")
        if number == 0:
            di.Attachment.objects.create(
                post=first, file="attachments/x.pdf", name="x.pdf", content_type="application/pdf", size=3
            )

    conversation = cv.Conversation.objects.create(subject="s", last_message_at=now, started_by=other)
    for person in (boss, other):
        cv.Participant.objects.create(conversation=conversation, user=person)
    message = cv.Message.objects.create(conversation=conversation, author=other, body="b")
    cv.Message.objects.create(conversation=conversation, author=boss, body="b")
    cv.Report.objects.create(message=message, reporter=boss, reason="spam", note="n", resolution_note="r")
    cv.MessagingSetting.objects.create(user=other)

    no.Subscription.objects.create(user=boss, topic=topics[0], level="watch")
    no.Notification.objects.create(recipient=boss, actor=other, kind="reply", topic=topics[0], post=posts[0])
    no.Notification.objects.create(
        recipient=boss, actor=other, kind="message", conversation=conversation, message=message
    )
    no.DigestSetting.objects.create(user=boss, frequency="daily")

    newsletter = nl.Newsletter.objects.create(community=community, author=boss)
    nl.Edition.objects.create(newsletter=newsletter, language="en", subject="s", body="b")
    hub_newsletter = nl.Newsletter.objects.create(community=None, author=boss, status="sent", sent_at=now)
    nl.Edition.objects.create(newsletter=hub_newsletter, language="en", subject="s", body="b")
    nl.Delivery.objects.create(newsletter=hub_newsletter, user=other, language="en", error="e")

    resources = []
    for _ in range(2):
        resources.append(
            Resource.objects.create(
                kind="link",
                title="t",
                language="en",
                community=community,
                organisation=organisation,
                added_by=boss,
                url="https://ok.example/",
                file_name="f.pdf",
            )
        )
    Resource.objects.create(kind="link", title="t", language="en", added_by=boss, url="https://ok.example/")
    Download.objects.create(resource=resources[0], user=boss)

    events = []
    for kind in ("webinar", "world_cafe"):
        event = ev.Event.objects.create(
            kind=kind,
            title="t",
            time_zone="UTC",
            starts_at=now + datetime.timedelta(days=5),
            ends_at=now + datetime.timedelta(days=5, hours=2),
            community=community,
            organiser=boss,
            venue="v",
            capacity=50,
        )
        events.append(event)
        ev.EventLanguage.objects.create(event=event, code="en")
        ev.Speaker.objects.create(event=event, name="n", affiliation="a", user=other)
        ev.Registration.objects.create(event=event, user=other, language="en", status="registered")
    cafe = ev.Cafe.objects.create(event=events[1], purpose="p", synthesis="s")
    ev.CafeQuestion.objects.create(cafe=cafe, round_no=1, text="q")
    table = ev.CafeTable.objects.create(cafe=cafe, label="l", breakout="b", host=other)
    ev.Seat.objects.create(cafe=cafe, round_no=1, table=table, user=other, is_host=True)
    ev.Harvest.objects.create(cafe=cafe, table=table, round_no=1, author=other, notes="n", insights="i")

    story = ins.Story.objects.create(community=community, title="t", teller=other, consent_publish=True)
    ins.StoryStep.objects.create(story=story, cycle=1, narrative="n")
    indicator = ins.Indicator.objects.create(community=community, cycle=1, name="n")
    ins.Observation.objects.create(
        indicator=indicator, period_start=today, period_end=today, value=Decimal(1), note="n"
    )
    survey = ins.ConnectionSurvey.objects.create(
        community=community, topic="t", channels="email", created_by=boss, introduction="i"
    )
    response = ins.SurveyResponse.objects.create(survey=survey, respondent=other)
    ins.SurveyContact.objects.create(response=response, name="n", channels="email", organisation="o")

    alliance = al.LearningAlliance.objects.create(
        slug="hostile-alliance", name="n", theme="t", created_by=boss, visibility="public", status="active"
    )
    platform = al.Platform.objects.create(
        alliance=alliance, community=community, level="national", facilitator=boss
    )
    al.StageChange.objects.create(platform=platform, stage=platform.stage, actor=boss, note="n")
    al.DirectionVersion.objects.create(alliance=alliance, number=1, author=boss)
    holders = [
        al.Stakeholder.objects.create(
            alliance=alliance,
            name=f"n{n}",
            org_type="ngo",
            level="national",
            organisation=organisation,
            contact=other,
            assessed_by=boss,
            assessed_at=now,
        )
        for n in range(2)
    ]
    al.Assessment.objects.create(
        stakeholder=holders[0],
        interest=3,
        influence=3,
        importance=3,
        alignment=3,
        engagement_current="neutral",
        engagement_desired="supportive",
        strategy="involve",
        assessed_at=now,
        assessed_by=boss,
        rationale="r",
        evidence="e",
    )
    al.MobilisationStep.objects.create(
        stakeholder=holders[0],
        from_status=holders[0].status,
        to_status=holders[0].status,
        reason="r",
        actor=boss,
    )
    al.StakeholderRelation.objects.create(source=holders[0], target=holders[1], kind="collaboration")
    al.ActionResearchCycle.objects.create(platform=platform, number=1, question="q", created_by=boss)
    al.ProcessEntry.objects.create(platform=platform, happened_on=today, title="t", author=boss)
    al.DisseminationOutput.objects.create(
        platform=platform, kind="report", title="t", audience="national", channel="web", published_on=today
    )
    system_map = al.SystemMap.objects.create(community=community, title="t", created_by=boss)
    variables = [al.Variable.objects.create(map=system_map, label=f"v{n}") for n in range(3)]
    for source, target in ((0, 1), (1, 2), (2, 0)):
        al.CausalLink.objects.create(
            map=system_map, source=variables[source], target=variables[target], polarity=1, evidence="e"
        )
    al.LoopNote.objects.create(map=system_map, key="k", name="n", narrative="n")

    endpoint = wh.Endpoint.objects.create(
        community=community, url="https://hooks.example/x", secret="s" * 32, description="d", created_by=boss
    )
    wh.Delivery.objects.create(
        endpoint=endpoint, event="topic.created", event_id="e1", payload={}, last_error="e"
    )
    AccessToken.objects.create(user=boss, name="n", prefix="p", key_hash="h" * 64, community=community)
    Interaction.objects.create(
        actor=other, verb="reply", occurred_at=now, source="s", community_id=community.pk
    )
    from catchment.search.services import rebuild

    rebuild()
    assert SearchDocument.objects.exists()
    return {
        "boss": boss,
        "other": other,
        "community": community,
        "topics": topics,
        "posts": posts,
        "conversation": conversation,
        "newsletter": newsletter,
        "events": events,
        "alliance": alliance,
        "platform": platform,
        "map": system_map,
        "story": story,
        "survey": survey,
        "resources": resources,
        "organisation": organisation,
    }


# ---------------------------------------------------------------------------------------------------- checks


def _bad_url(value: str) -> bool:
    from html import unescape

    text = CONTROL.sub("", unescape(unescape(value))).lower()
    return bool(BAD_SCHEME.match(text))


def _same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def html_findings(body: str) -> list[str]:
    """What in `body` could run or take over the page. Our templates use script only with a same-origin
    src, link only for our stylesheet, meta only for charset/name, forms only posting to our own paths; they
    never use the FORBIDDEN elements. Raw opening tags must match the parsed elements one for one: a tag
    hidden in an attribute or raw-text element is a mutation-XSS candidate."""
    findings: list[str] = []
    if not body.strip():
        return findings
    tree = lxml.html.fromstring(body)
    parsed: Counter[str] = Counter()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        parsed[tag] += 1
        if tag in FORBIDDEN:
            findings.append(f"<{tag}> element")
        if tag == "script" and (not _same_origin(element.get("src", "")) or (element.text or "").strip()):
            findings.append(f"script src={element.get('src')!r} text={(element.text or '')[:40]!r}")
        if tag == "meta" and set(element.attrib) - {"charset", "name", "content"}:
            findings.append(f"meta {dict(element.attrib)}")
        if tag == "link" and not (
            element.get("rel") in {"stylesheet", "icon"} and _same_origin(element.get("href", ""))
        ):
            findings.append(f"link {dict(element.attrib)}")
        if tag == "form" and element.get("action") and not _same_origin(element.get("action", "")):
            findings.append(f"form action={element.get('action')!r}")
        for attribute, value in element.attrib.items():
            lowered = attribute.lower()
            if lowered.startswith("on"):
                findings.append(f"handler {lowered} on <{tag}>")
            if lowered in URL_ATTRIBUTES and _bad_url(value):
                findings.append(f"{lowered}={value[:60]!r} on <{tag}>")
            if lowered == "style" and BAD_CSS.search(CSS_COMMENT.sub("", value)):
                findings.append(f"style={value[:60]!r} on <{tag}>")
    raw = Counter(match.group(1).lower() for match in RAW_TAG.finditer(body))
    for tag, count in raw.items():
        if count > parsed[tag]:
            findings.append(f"{count - parsed[tag]} <{tag} hidden in text or attributes")
    return findings


def json_findings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, HTML) for every `*_html` string in an API answer."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and key.endswith("_html"):
                yield f"{path}.{key}", value
            else:
                yield from json_findings(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from json_findings(value, f"{path}[{index}]")


def csv_findings(text: str) -> list[str]:
    findings = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA):
                findings.append(f"formula cell {cell[:40]!r}")
    return findings


# ---------------------------------------------------------------------------------------------------- crawl


def route(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def seed_paths(world: dict[str, Any]) -> list[str]:
    paths = ["/"]
    for entry in _patterns(get_resolver()):
        try:
            paths.append(reverse(entry))
        except NoReverseMatch:
            continue
    for model in apps.get_models():
        if not model.__module__.startswith("catchment"):
            continue
        for obj in model._default_manager.all()[:PER_ROUTE]:
            url = getattr(obj, "get_absolute_url", None)
            if url:
                with contextlib.suppress(NoReverseMatch, AttributeError, TypeError, ValueError):
                    paths.append(url())
        if model in admin.site._registry:
            meta = model._meta
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
            for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:1]:
                paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk]))
    return paths


def _patterns(resolver: Any, namespace: str = "") -> Iterator[str]:
    from django.urls import URLPattern, URLResolver

    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


TEXT_TYPES = ("html", "json", "csv", "xml", "text/plain", "text/markdown", "text/calendar")


@dataclass
class Page:
    path: str
    route: str
    seconds: float
    slots: set[int]


def discover(client: Client, seeds: list[str], look: Any) -> list[Page]:
    """Every page reachable from the seeds (at most PER_ROUTE per route, one per admin route) that answers
    200 with text showing at least one field marker; `look(route, path, kind, body)` checks each answer."""
    queue = list(dict.fromkeys(seeds))
    seen: set[str] = set(queue)
    per_route: Counter[str] = Counter()
    found: list[Page] = []
    while queue:
        path = queue.pop(0)
        if SKIP_PATH.search(path):
            continue
        name = route(path)
        if name is None or name in {"healthz", "set_language"} or name.endswith(SKIP_ROUTES):
            continue
        if name.startswith(THIRD_PARTY_ADMIN) or per_route[name] >= (
            1 if name.startswith("admin:") else PER_ROUTE
        ):
            continue
        per_route[name] += 1
        started = time.monotonic()
        response = client.get(path)
        kind = response.get("Content-Type", "")
        if response.status_code == 200 and "officedocument" in kind:
            look(name, path, kind, response.content)
            continue
        if response.status_code != 200 or not any(t in kind for t in TEXT_TYPES):
            continue
        body = body_of(response)
        look(name, path, kind, body)
        if "html" in kind:
            tree = lxml.html.fromstring(body or "<p></p>")
            for href in tree.xpath("//a/@href"):
                parts = urlsplit(href)
                if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.query:
                    continue
                if parts.path not in seen:
                    seen.add(parts.path)
                    queue.append(parts.path)
        if MARKER.search(body):
            slots = {int(index) for index, _row in MARKER.findall(body)}
            found.append(Page(path, name, time.monotonic() - started, slots))
    return found


def cover(pages: list[Page]) -> list[Page]:
    """A few quick pages that between them show every field any page shows (greedy set cover)."""
    wanted = set().union(*(page.slots for page in pages))
    chosen: list[Page] = []
    while wanted:
        best = max(pages, key=lambda page: len(page.slots & wanted) / (page.seconds + 0.01))
        chosen.append(best)
        wanted -= best.slots
    return chosen


def body_of(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def api_paths(world: dict[str, Any]) -> list[str]:
    community = world["community"]
    topic = world["topics"][0]
    candidates = [
        ("api:me", {}),
        ("api:communities", {}),
        ("api:community", {"slug": community.slug}),
        ("api:members", {"slug": community.slug}),
        ("api:topics", {"slug": community.slug}),
        ("api:posts", {"slug": community.slug, "pk": topic.pk}),
        ("api:posts", {"slug": community.slug, "topic": topic.pk}),
        ("api:events", {}),
        ("api:event", {"pk": world["events"][0].pk}),
        ("api:event", {"pk": world["events"][1].pk}),
        ("api:cafe", {"pk": world["events"][1].pk}),
        ("api:resources", {}),
        ("api:organisations", {}),
        ("api:organisation", {"slug": world["organisation"].slug}),
        ("api:alliances", {}),
        ("api:alliance", {"slug": world["alliance"].slug}),
        ("api:stakeholders", {"slug": world["alliance"].slug}),
        ("api:charter", {"slug": community.slug}),
        ("api:charter_versions", {"slug": community.slug}),
        ("api:requests", {"slug": community.slug}),
        ("api:invitations", {"slug": community.slug}),
        ("api:webhooks", {"slug": community.slug}),
        ("api:insights", {"slug": community.slug}),
        ("api:registrations", {"pk": world["events"][0].pk}),
        ("api:tokens", {}),
        ("api:resource", {"pk": world["resources"][0].pk}),
        ("api:people", {}),
        ("api:person", {"username": world["other"].username}),
        ("api:notifications", {}),
        ("api:archive", {"slug": community.slug}),
        ("api:members_csv", {"slug": community.slug}),
    ]
    paths = ["/search/?q=alert", "/search/?q=script", "/api/v1/search/?q=alert"]
    for post in world["posts"][:1]:
        kwargs = {"slug": community.slug, "pk": post.topic_id, "post": post.pk}
        paths.append(reverse("discussions:post_history", kwargs=kwargs))
    for name, kwargs in candidates:
        try:
            paths.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    return list(dict.fromkeys(paths))


# ---------------------------------------------------------------------------------------------------- the test

CLOSING = re.compile(r"zq(\d+)x(\d+)z")


def record(ledger: Ledger, surface: str, body: str) -> None:
    """Which whole fields (opening and closing marker) this surface showed: their payloads count as seen."""
    ledger.surfaces.add(surface)
    for slot, row in {(int(a), int(b)) for a, b in CLOSING.findall(body)}:
        for payload in ledger.current.get((slot, row), ()):
            ledger.seen[(slot, payload)].add(surface)


def check(ledger: Ledger, surface: str, findings: list[str]) -> None:
    ledger.checked_outputs += 1
    ledger.executable += [f"{surface}: {finding}" for finding in findings]


def send_mail(world: dict[str, Any]) -> None:
    from catchment.newsletters import services as newsletters
    from catchment.notifications import digests
    from catchment.notifications import services as notifications
    from catchment.notifications.models import DigestLog, Notification

    newsletters.send_test(world["newsletter"].pk, world["boss"].pk, "en")
    for notification in Notification.objects.all():
        Notification.objects.filter(pk=notification.pk).update(
            emailed_at=None, read_at=None, email_wanted=True
        )
        notifications.send_notification_email(notification.pk)
    DigestLog.objects.all().delete()
    digests.send_digest(world["boss"], "daily", timezone.now())


def test_hostile_text_never_renders_executable(db, settings) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    world = build_world()
    slots = free_text_slots()
    client = Client(raise_request_exception=False)
    client.force_login(world["boss"])
    ledger = Ledger()
    cursors: dict[int, int] = {}
    secrets = (settings.SECRET_KEY, world["boss"].password)

    def look(surface: str, path: str, kind: str, body: str | bytes) -> None:
        if isinstance(body, bytes):  # a Word document: every XML part well formed
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                parts = [name for name in archive.namelist() if name.endswith(".xml")]
                texts = [archive.read(name) for name in parts]
            for name, text in zip(parts, texts, strict=True):
                look(surface, f"{path}!{name}", "application/xml", text.decode())
            return
        if "html" in kind:
            check(ledger, surface, html_findings(body))
        elif "csv" in kind:
            check(ledger, surface, csv_findings(body))
        elif "xml" in kind:
            try:  # well formed: no text broke out of its element
                lxml.etree.fromstring(body.encode())
                check(ledger, surface, [])
            except lxml.etree.XMLSyntaxError as error:
                check(ledger, surface, [f"{path} ({kind}) is not well-formed XML: {error}"])
        elif "json" in kind:
            for key, html in json_findings(json.loads(body)):
                check(ledger, f"{surface}{key}", html_findings(html))
            check(ledger, surface, [])
        else:
            check(ledger, surface, [])
        check(ledger, surface, [f"a template ran at {path}" for secret in secrets if secret in body])
        record(ledger, surface, body)

    def mail_round() -> None:
        mail.outbox.clear()
        send_mail(world)
        for message in mail.outbox:
            record(ledger, "mail:text", f"{message.subject}\n{message.body}")
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    check(ledger, "mail:html", html_findings(str(content)))
                    record(ledger, "mail:html", str(content))

    # Round 0: every surface, found by crawling.
    started = time.monotonic()
    fill(slots, cursors, ledger)
    pages = discover(client, seed_paths(world) + api_paths(world), look)
    mail_round()
    quick = cover(pages)
    print(f"round 0: {len(pages)} pages in {time.monotonic() - started:.1f}s; {len(quick)} show every field")
    # Later rounds: the rest of the corpus through every field, on pages that between them show them all.
    for round_no in range(1, ROUNDS):
        started = time.monotonic()
        fill(slots, cursors, ledger)
        for page in quick:
            response = client.get(page.path)
            look(page.route, page.path, response.get("Content-Type", ""), body_of(response))
        mail_round()
        print(f"round {round_no} in {time.monotonic() - started:.1f}s")
    for payload in PAYLOADS:
        check(ledger, "markdown", html_findings(f"<div>{render_markdown(payload)}</div>"))

    text_slots = [slot for slot in slots if not slot.is_url]
    cells = sum(len(surfaces) for surfaces in ledger.seen.values())
    whole = {slot.index for slot in text_slots if len(ledger.stored[slot.index]) == len(PAYLOADS)}
    shown = {slot for slot, _payload in ledger.seen}
    summary = (
        f"XSS corpus: {len(PAYLOADS)} payloads, {len(text_slots)} free-text fields "
        f"({len(whole)} given the whole corpus, {len(shown)} seen rendered) and "
        f"{len(slots) - len(text_slots)} URL fields (given {len(HOSTILE_URLS)} script addresses), "
        f"{len(ledger.surfaces)} surfaces "
        f"({len(pages)} pages and downloads, API, mail, Markdown); {cells} payload x field x surface cells "
        f"checked over {ledger.checked_outputs} outputs; executable outputs: {len(ledger.executable)}"
    )
    print(summary)
    for slot in text_slots:
        if slot.index not in shown:
            print("  never rendered whole:", slot.label)
    assert not ledger.executable, "\n".join(sorted(set(ledger.executable))[:80])


def test_the_detector_flags_the_markup_payloads_when_they_are_not_escaped() -> None:
    """The checks above would see a hole: every markup payload, placed in a page raw, is reported."""
    from tests import xss_payloads as corpus

    raw_markup = [
        *corpus.SCRIPTS[:20],
        *corpus.HANDLER_TAGS,
        *corpus.MUTATIONS[:16],
        *corpus.CSS,
        *corpus.ELEMENTS[:-2],
        *(
            form.format(u=url)
            for url in corpus.HOSTILE_URLS
            for form in corpus.URL_FORMS
            if form[:2] in "<a<i"
        ),
    ]
    # These run nothing even raw: a slash ends no unquoted value (src is "x/onerror=alert(1)"), and
    # whitespace ends one (href is "java").
    raw_markup.remove("<img/src=x/onerror=alert(1)>")
    raw_markup = [payload for payload in raw_markup if not re.match(r"<a href=\S*\s", payload)]
    missed = [
        payload
        for payload in raw_markup
        if not html_findings(f"<html><body><div>{payload}</div></body></html>")
    ]
    assert not missed
    assert not html_findings(
        "<html><body><p>&lt;script&gt;alert(1)&lt;/script&gt; &quot; onmouseover=x</p></body></html>"
    )
    assert csv_findings("name\n=cmd|' /C calc'!A0\n") and not csv_findings("name\n'=cmd\n")
