"""IDOR sweep (reliability.md #3): people of community A ask for the objects of community B by id or slug.

Every URL pattern that takes an id, a slug or a username has an entry in ROUTES naming what each parameter
is. The sweep builds two communities with one of everything (A, public; B, secret, by invitation, with
SENTINEL in every text), then, as A's member, moderator and convenor, sends GET and POST to each such
route with every mix of A's and B's values that names at least one thing of B (A's slug with B's topic,
A's topic with B's message, B's slug with A's topic…); API routes are sent GET, POST, PUT, PATCH and
DELETE with an admin-scope token of A's convenor. Each request must leave the database as it was
(tests/sweep.py's snapshot), never answer 2xx to a change, never answer 2xx to a GET of B's things (beyond
the few public pages listed in PUBLIC_GET) and never show SENTINEL.
"""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from catchment.api import services as token_services
from tests.sweep import Watcher, body_of, build_community, params_of, payload, value_of
from tests.test_api_permission_matrix import BODIES
from tests.test_permission_matrix import all_patterns

SENTINEL = "SENTINEL-IDOR-b71c"
C, T, E, AL, MAP = "community", "topic", "event", "alliance", "map"

# url name -> what each parameter names, in the pattern's order. "forged" parameters are credentials in the
# URL (signed or random tokens): the sweep sends a forged value.
ROUTES: dict[str, tuple[str, ...]] = {
    # API
    "api:token": ("token",),
    "api:community": (C,),
    "api:join": (C,),
    "api:join_request": (C,),
    "api:membership": (C,),
    "api:members": (C,),
    "api:member": (C, "target"),
    "api:charter": (C,),
    "api:charter_versions": (C,),
    "api:charter_version": (C, "number"),
    "api:requests": (C,),
    "api:request_decision": (C, "join_request"),
    "api:invitations": (C,),
    "api:members_csv": (C,),
    "api:archive": (C,),
    "api:insights": (C,),
    "api:topics": (C,),
    "api:posts": (C, T),
    "api:reactions": (C, T, "reply"),
    "api:flags": (C, T, "reply"),
    "api:webhooks": (C,),
    "api:webhook": (C, "endpoint"),
    "api:webhook_ping": (C, "endpoint"),
    "api:webhook_deliveries": (C, "endpoint"),
    "api:event": (E,),
    "api:registration": (E,),
    "api:registrations": (E,),
    "api:registrations_csv": (E,),
    "api:attendance": (E,),
    "api:cafe": (E,),
    "api:harvest": (E, "table", "round"),
    "api:alliance": (AL,),
    "api:stakeholders": (AL,),
    "api:organisation": ("organisation",),
    "api:resource": ("resource",),
    "api:person": ("member",),
    # pages
    "api_tokens:revoke": ("token",),
    "webhooks:list": (C,),
    "webhooks:detail": (C, "endpoint"),
    "webhooks:act": (C, "endpoint", "delete"),
    "notifications:open": ("notification",),
    "notifications:topic_level": (T,),
    "notifications:community_level": (C,),
    "notifications:unsubscribe": ("forged",),
    "notifications:digest_unsubscribe": ("forged",),
    "conversations:detail": ("conversation",),
    "conversations:reply": ("conversation",),
    "conversations:mark_read": ("conversation",),
    "conversations:add_people": ("conversation",),
    "conversations:leave": ("conversation",),
    "conversations:mute": ("conversation",),
    "conversations:report": ("conversation", "message"),
    "conversations:block": ("target",),
    "conversations:unblock": ("target",),
    "conversations:resolve": ("message",),
    "conversations:restore": ("message",),
    "newsletters:unsubscribe": ("forged",),
    "newsletters:detail": ("newsletter",),
    "newsletters:edit": ("newsletter",),
    "newsletters:test": ("newsletter",),
    "newsletters:send": ("newsletter",),
    "newsletters:retry": ("newsletter",),
    "newsletters:read": ("newsletter",),
    "newsletters:community_list": (C,),
    "newsletters:community_new": (C,),
    "library:detail": ("resource",),
    "library:edit": ("resource",),
    "library:download": ("resource",),
    "library:cover": ("resource",),
    "library:moderate": ("resource",),
    "library:community": (C,),
    "library:community_new": (C,),
    "events:user_feed": ("forged",),
    "events:detail": (E,),
    "events:ics": (E,),
    "events:edit": (E,),
    "events:cancel": (E,),
    "events:register": (E,),
    "events:unregister": (E,),
    "events:registrations": (E,),
    "events:registrations_csv": (E,),
    "events:cafe": (E,),
    "events:cafe_setup": (E,),
    "events:cafe_seat": (E,),
    "events:cafe_cards": (E,),
    "events:harvest": (E, "table", "round"),
    "events:synthesis": (E,),
    "events:community": (C,),
    "events:community_new": (C,),
    "events:community_feed": (C,),
    **{
        f"insights:{name}": (C,)
        for name in (
            "dashboard",
            "recompute",
            "network",
            "network_graphml",
            "network_csv",
            "me",
            "settings",
            "value",
            "value_csv",
            "stories",
            "story_new",
            "indicators",
            "indicators_seed",
            "surveys",
            "survey_new",
        )
    },
    "insights:story": (C, "story"),
    "insights:story_edit": (C, "story"),
    "insights:observe": (C, "indicator"),
    **{
        f"insights:{name}": (C, "survey")
        for name in (
            "survey",
            "survey_edit",
            "survey_status",
            "survey_withdraw",
            "survey_results",
            "survey_csv",
            "survey_graphml",
            "survey_recompute",
        )
    },
    **{
        f"alliances:{name}": (AL,)
        for name in (
            "detail",
            "edit",
            "platform_new",
            "direction",
            "direction_edit",
            "stakeholders",
            "stakeholders_csv",
            "stakeholders_import",
            "stakeholder_new",
            "grid",
            "grid_csv",
            "pipeline",
            "cycles",
            "process",
            "process_csv",
            "process_new",
            "outputs",
        )
    },
    "alliances:direction_version": (AL, "number"),
    "alliances:platform": (AL, "platform"),
    "alliances:platform_edit": (AL, "platform"),
    "alliances:platform_remove": (AL, "platform"),
    "alliances:cycle_new": (AL, "platform"),
    "alliances:stakeholder": (AL, "stakeholder"),
    "alliances:stakeholder_edit": (AL, "stakeholder"),
    "alliances:stakeholder_move": (AL, "stakeholder"),
    "alliances:relation_add": (AL, "stakeholder"),
    "alliances:relation_remove": (AL, "relation"),
    "alliances:cycle": (AL, "cycle"),
    "alliances:process_edit": (AL, "process"),
    "alliances:process_delete": (AL, "process"),
    "alliances:output_delete": (AL, "output"),
    "alliances:maps": (C,),
    "alliances:map_import": (C,),
    **{
        f"alliances:{name}": (C, MAP)
        for name in ("map", "map_edit", "variable_add", "link_add", "loop_note", "map_json", "map_csv")
    },
    "alliances:variable_edit": (C, MAP, "variable"),
    "alliances:variable_delete": (C, MAP, "variable"),
    "alliances:link_delete": (C, MAP, "link"),
    **{f"discussions:{name}": (C,) for name in ("topics", "topic_new", "moderation_log", "review_queue")},
    **{
        f"discussions:{name}": (C, T) for name in ("topic", "reply", "accept", "topic_moderate", "topic_move")
    },
    **{
        f"discussions:{name}": (C, T, "reply")
        for name in ("post_edit", "post_history", "post_moderate", "flag", "react")
    },
    "discussions:attachment": (C, T, "attachment"),
    "discussions:resolve": (C, "reply"),
    "communities:invitation": ("forged",),
    **{
        f"communities:{name}": (C,)
        for name in (
            "detail",
            "settings",
            "cover",
            "join",
            "request",
            "leave",
            "conduct",
            "invitations",
            "stage",
            "members",
            "charter",
            "charter_edit",
            "charter_approve",
            "charter_markdown",
            "charter_docx",
            "consultation",
            "resources",
            "activities",
            "activities_csv",
            "milestones",
        )
    },
    "communities:decide": (C, "join_request"),
    "communities:invitation_withdraw": (C, "invitation"),
    "communities:member_role": (C, "target"),
    "communities:member_remove": (C, "target"),
    "communities:hand_over": (C, "target"),
    "communities:resource_edit": (C, "commitment"),
    "communities:resource_delete": (C, "commitment"),
    "communities:activity_edit": (C, "activity"),
    "communities:activity_delete": (C, "activity"),
    "communities:milestone_edit": (C, "milestone"),
    "communities:milestone_delete": (C, "milestone"),
    "accounts:profile": ("member",),
    "accounts:avatar": ("member",),
    "accounts:organisation": ("organisation",),
    "accounts:organisation_edit": ("organisation",),
    "accounts:organisation_admin_add": ("organisation",),
    "accounts:organisation_verify": ("organisation",),
    "accounts:organisation_admin_remove": ("organisation", "convenor"),
    "account_confirm_email": ("forged",),
    "account_reset_password_from_key": ("forged", "forged"),
}

# GETs that may answer 200 about B's things: a person's public profile and picture, a listed
# organisation. None of them may carry SENTINEL.
PUBLIC_GET = {
    "accounts:profile",
    "accounts:avatar",
    "accounts:organisation",
    "api:person",
    "api:organisation",
}
# POSTs that change only the sender's own state about someone named in the URL: blocking anyone is allowed.
OWN_STATE = {"conversations:block", "conversations:unblock"}
# allauth's key pages answer a forged key with a 200 page saying the link is invalid (and change nothing).
ALLAUTH_FORGED = {"account_confirm_email", "account_reset_password_from_key"}
# Literal parameter values: not things of A or B.
FIXED = {"number", "round", "delete", "forged"}
MODERATED = ("discussions:", "communities:", "events:", "insights:", "library:")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def swept_patterns():
    """Every named pattern that takes a parameter, admin excepted (ADMIN is swept separately)."""
    return [(name, entry) for name, _route, entry in all_patterns() if name and params_of(entry)]


def test_every_route_with_a_parameter_has_an_entry():
    missing = []
    for name, entry in swept_patterns():
        if name.startswith("admin:"):
            continue
        if name not in ROUTES:
            missing.append(name)
        elif len(ROUTES[name]) != len(params_of(entry)):
            missing.append(f"{name}: {len(params_of(entry))} parameters, entry names {len(ROUTES[name])}")
    assert missing == [], "new URL with a parameter: add it to ROUTES"


def variants(keys, a, b):
    """Every mix of A's and B's values with at least one of B's (fixed values are the same in both)."""
    objects = [index for index, key in enumerate(keys) if key not in FIXED]
    for owners in itertools.product("ab", repeat=len(objects)):
        if "b" not in owners and objects:
            continue
        values = []
        choice = dict(zip(objects, owners, strict=True))
        for index, key in enumerate(keys):
            if key == "forged":
                values.append("forged-token-0000")
            else:
                values.append(value_of(b if choice.get(index) == "b" else a, key))
        yield "".join(owners) or "fixed", values


def url_for(name, entry, values):
    return reverse(name, kwargs=dict(zip(params_of(entry), values, strict=True)))


@pytest.fixture
def worlds(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = build_community("a")
        b = build_community("b", sentinel=SENTINEL, visibility="secret", join_policy="invitation")
    return a, b


def _judge(problems, label, method, response, changes, name):
    status = response.status_code
    if changes and name not in OWN_STATE:
        problems.append(f"{label}: changed {changes}")
    if status >= 500:
        problems.append(f"{label}: {status}")
    if SENTINEL in body_of(response):
        problems.append(f"{label}: B's content in the answer")
    if 200 <= status < 300:
        if method != "GET" and name not in OWN_STATE | ALLAUTH_FORGED:
            problems.append(f"{label}: {status} on a change")
        if method == "GET" and name not in PUBLIC_GET | ALLAUTH_FORGED:
            problems.append(f"{label}: {status}")


def test_people_of_a_reach_nothing_of_b_through_the_pages(worlds):
    a, b = worlds
    watcher = Watcher()
    problems: list[str] = []
    swept = 0
    for role in ("member", "moderator", "convenor"):
        client = Client(raise_request_exception=False)
        client.force_login(a["people"][role])
        watcher.reset()
        for name, entry in swept_patterns():
            if name.startswith(("api:", "admin:")):
                continue
            if role == "moderator" and not name.startswith(MODERATED):
                continue  # elsewhere a moderator has no more rights than a member
            for mix, values in variants(ROUTES[name], a, b):
                url = url_for(name, entry, values)
                for method in ("GET", "POST"):
                    cache.clear()  # rate limits must not stand in for the permission check
                    response = client.get(url) if method == "GET" else client.post(url, payload(name, a, b))
                    swept += 1
                    label = f"{role} {method} {name} [{mix}] {url}"
                    _judge(problems, label, method, response, watcher.changes(), name)
    print(f"IDOR pages: {swept} requests, {len(problems)} successes")
    assert problems == [], "\n".join(problems)
    assert swept > 1200


def test_an_admin_token_of_a_reaches_nothing_of_b_through_the_api(worlds):
    a, b = worlds
    _token, secret = token_services.token_create(
        actor=a["people"]["convenor"], name="idor", scope="admin", community=a["community"]
    )
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    watcher = Watcher()
    problems: list[str] = []
    swept = 0
    for name, entry in swept_patterns():
        if not name.startswith("api:"):
            continue
        for mix, values in variants(ROUTES[name], a, b):
            url = url_for(name, entry, values)
            for method in API_METHODS:
                cache.clear()
                body = {**BODIES.get((name, method), {}), "community": b["community"].slug}
                response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
                swept += 1
                _judge(problems, f"{method} {name} [{mix}] {url}", method, response, watcher.changes(), name)
    print(f"IDOR API: {swept} requests, {len(problems)} successes")
    assert problems == [], "\n".join(problems)
    assert swept > 200


def test_the_admin_site_gives_nothing_of_b_to_people_of_a(worlds):
    """The admin's object pages, with B's ids, to A's convenor (not hub staff): never an answer."""
    a, b = worlds
    client = Client(raise_request_exception=False)
    client.force_login(a["people"]["convenor"])
    watcher = Watcher()
    problems: list[str] = []
    values = {
        "object_id": str(b["community"].pk),
        "app_label": "accounts",
        "content_type_id": "1",
        "id": str(b["community"].pk),
        "pk": str(b["community"].pk),
    }
    for name, entry in swept_patterns():
        if not name.startswith("admin:"):
            continue
        url = reverse(name, kwargs={key: values.get(key, "1") for key in params_of(entry)})
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {})
            _judge(problems, f"{method} {name} {url}", method, response, watcher.changes(), name)
            if response.status_code == 200:
                problems.append(f"{method} {name}: 200")
    assert problems == [], "\n".join(problems)
