"""Every operation of the API, for every role, in public, private and secret communities: the status each
must get, no 5xx, and nothing private in any answer to someone outside. A new URL under /api/v1/ fails
`test_every_api_url_is_in_the_schema_and_the_matrix` until someone decides who may use it.

Rows run in order against one hub, as a person would use it: in the public community the outsider and staff
join (the join row) and so post, react and leave like members in the rows after; hub staff do not take part
in private or secret communities they have not joined (they read them, they do not post there).

Roles: anonymous; outsider (write token, in no community); member (write token, member of the community at
hand); convenor (admin token for the community at hand); staff (signed-in session, hub staff).
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory
from catchment.api import services as token_services
from catchment.api.web import _schema
from catchment.communities.models import Role
from catchment.communities.tests.factories import CharterVersionFactory, CommunityFactory, MembershipFactory
from catchment.discussions import services as discussions
from catchment.events import services as events
from catchment.events.services import EventData
from catchment.webhooks import services as webhooks

ROLES = ("anonymous", "outsider", "member", "convenor", "staff")
VISIBILITIES = ("public", "private", "secret")
SENTINEL = "SENTINEL-matrix-9F4"
NOT_API = {"api:schema", "api:docs", "api:explorer"}


def _everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _hub_read() -> dict[str, dict[str, int]]:
    return dict.fromkeys(VISIBILITIES, _everyone(200))


def _signed_in(status: int) -> dict[str, dict[str, int]]:
    return {key: {**_everyone(status), "anonymous": 401} for key in VISIBILITIES}


INSIDERS = {"member": 200, "convenor": 200, "staff": 200}
COMMUNITY_DETAIL = {
    "public": _everyone(200),
    "private": _everyone(200),  # private communities are listed: their name and summary are public
    "secret": {"anonymous": 404, "outsider": 404, **INSIDERS},
}
CONTENT = {
    "public": _everyone(200),
    "private": {"anonymous": 404, "outsider": 404, **INSIDERS},
    "secret": {"anonymous": 404, "outsider": 404, **INSIDERS},
}
MANAGERS_ONLY = {
    "public": {"anonymous": 401, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
    "private": {"anonymous": 404, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
    "secret": {"anonymous": 404, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
}
EVENT_ORGANISERS = {
    "public": {"anonymous": 404, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
    "private": {"anonymous": 404, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
    "secret": {"anonymous": 404, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
}

# (url name, method) -> expected status by visibility of the community involved, then by role.
MATRIX: dict[tuple[str, str], dict[str, dict[str, int]]] = {
    ("api:me", "GET"): _signed_in(200),
    ("api:tokens", "GET"): {key: {**_everyone(403), "anonymous": 401, "staff": 200} for key in VISIBILITIES},
    ("api:tokens", "POST"): {key: {**_everyone(403), "anonymous": 401, "staff": 400} for key in VISIBILITIES},
    ("api:token", "DELETE"): {
        key: {**_everyone(403), "anonymous": 401, "staff": 404} for key in VISIBILITIES
    },
    ("api:communities", "GET"): _hub_read(),
    ("api:community", "GET"): COMMUNITY_DETAIL,
    ("api:join", "POST"): {
        "public": {"anonymous": 401, "outsider": 201, "member": 400, "convenor": 400, "staff": 201},
        "private": {"anonymous": 401, "outsider": 403, "member": 400, "convenor": 400, "staff": 403},
        "secret": {"anonymous": 404, "outsider": 404, "member": 400, "convenor": 400, "staff": 403},
    },
    # In the public community, the outsider and staff have just joined (row above): already members.
    ("api:join_request", "POST"): {
        "public": {"anonymous": 401, "outsider": 400, "member": 400, "convenor": 400, "staff": 400},
        "private": {"anonymous": 401, "outsider": 201, "member": 400, "convenor": 400, "staff": 201},
        "secret": {"anonymous": 404, "outsider": 404, "member": 400, "convenor": 400, "staff": 403},
    },
    ("api:membership", "DELETE"): {
        "public": {"anonymous": 401, "outsider": 204, "member": 204, "convenor": 400, "staff": 204},
        "private": {"anonymous": 401, "outsider": 400, "member": 204, "convenor": 400, "staff": 400},
        "secret": {"anonymous": 404, "outsider": 404, "member": 204, "convenor": 400, "staff": 400},
    },
    ("api:members", "GET"): CONTENT,
    ("api:member", "PATCH"): {
        "public": {"anonymous": 401, "outsider": 403, "member": 403, "convenor": 200, "staff": 200},
        "private": {"anonymous": 404, "outsider": 404, "member": 403, "convenor": 200, "staff": 200},
        "secret": {"anonymous": 404, "outsider": 404, "member": 403, "convenor": 200, "staff": 200},
    },
    ("api:topics", "GET"): CONTENT,
    ("api:topics", "POST"): {
        "public": {"anonymous": 401, "outsider": 201, "member": 201, "convenor": 201, "staff": 201},
        "private": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 403},
        "secret": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 403},
    },
    ("api:posts", "GET"): CONTENT,
    ("api:posts", "POST"): {
        "public": {"anonymous": 401, "outsider": 201, "member": 201, "convenor": 201, "staff": 201},
        "private": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 403},
        "secret": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 403},
    },
    # The convenor wrote the post: nobody reacts to their own message.
    ("api:reactions", "POST"): {
        "public": {"anonymous": 401, "outsider": 200, "member": 200, "convenor": 403, "staff": 200},
        "private": {"anonymous": 404, "outsider": 404, "member": 200, "convenor": 403, "staff": 403},
        "secret": {"anonymous": 404, "outsider": 404, "member": 200, "convenor": 403, "staff": 403},
    },
    ("api:flags", "POST"): {
        "public": {"anonymous": 401, "outsider": 201, "member": 201, "convenor": 403, "staff": 201},
        "private": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 403, "staff": 403},
        "secret": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 403, "staff": 403},
    },
    ("api:webhooks", "GET"): MANAGERS_ONLY,
    ("api:webhooks", "POST"): {v: {**MANAGERS_ONLY[v], "convenor": 201, "staff": 201} for v in VISIBILITIES},
    ("api:webhook", "GET"): MANAGERS_ONLY,
    ("api:webhook", "PATCH"): MANAGERS_ONLY,
    ("api:webhook", "DELETE"): {v: {**MANAGERS_ONLY[v], "convenor": 204, "staff": 204} for v in VISIBILITIES},
    ("api:webhook_ping", "POST"): {
        v: {**MANAGERS_ONLY[v], "convenor": 202, "staff": 202} for v in VISIBILITIES
    },
    ("api:webhook_deliveries", "GET"): MANAGERS_ONLY,
    ("api:events", "GET"): _hub_read(),
    ("api:event", "GET"): CONTENT,
    ("api:registration", "POST"): {
        "public": {"anonymous": 401, "outsider": 201, "member": 201, "convenor": 201, "staff": 201},
        "private": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 201},
        "secret": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 201},
    },
    # Everyone who registered in the POST row above gives their place back here.
    ("api:registration", "DELETE"): {
        "public": {**_everyone(200), "anonymous": 401},
        "private": {"anonymous": 404, "outsider": 404, **INSIDERS},
        "secret": {"anonymous": 404, "outsider": 404, **INSIDERS},
    },
    ("api:registrations", "GET"): {
        "public": {"anonymous": 401, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
        "private": EVENT_ORGANISERS["private"],
        "secret": EVENT_ORGANISERS["secret"],
    },
    ("api:resources", "GET"): _hub_read(),
    ("api:resources", "POST"): {
        "public": {"anonymous": 401, "outsider": 201, "member": 201, "convenor": 201, "staff": 201},
        "private": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 201},
        "secret": {"anonymous": 404, "outsider": 404, "member": 201, "convenor": 201, "staff": 201},
    },
    ("api:organisations", "GET"): _hub_read(),
    ("api:alliances", "GET"): _hub_read(),
    # The matrix's webinars hold no café (catchment/api/tests/test_cafe.py has one).
    ("api:cafe", "GET"): dict.fromkeys(VISIBILITIES, _everyone(404)),
    ("api:harvest", "PUT"): {
        "public": {**_everyone(404), "anonymous": 401},
        "private": _everyone(404),
        "secret": _everyone(404),
    },
    # Alliances have their own rules (catchment/api/tests/test_alliances.py); here: no such alliance.
    ("api:alliance", "GET"): dict.fromkeys(VISIBILITIES, _everyone(404)),
    ("api:stakeholders", "GET"): dict.fromkeys(VISIBILITIES, _everyone(404)),
    ("api:organisation", "GET"): _hub_read(),
    ("api:charter", "GET"): CONTENT,
    ("api:charter_versions", "GET"): CONTENT,
    ("api:charter_version", "GET"): CONTENT,
    ("api:requests", "GET"): MANAGERS_ONLY,
    # No request 999999: managers learn it does not exist, others that there is nothing for them.
    ("api:request_decision", "POST"): {
        "public": {**_everyone(404), "anonymous": 401},
        "private": _everyone(404),
        "secret": _everyone(404),
    },
    ("api:invitations", "GET"): MANAGERS_ONLY,
    ("api:invitations", "POST"): {
        v: {**MANAGERS_ONLY[v], "convenor": 201, "staff": 201} for v in VISIBILITIES
    },
    ("api:members_csv", "GET"): MANAGERS_ONLY,
    ("api:archive", "GET"): MANAGERS_ONLY,
    ("api:insights", "GET"): MANAGERS_ONLY,
    ("api:registrations_csv", "GET"): {
        "public": {"anonymous": 401, "outsider": 404, "member": 404, "convenor": 200, "staff": 200},
        "private": EVENT_ORGANISERS["private"],
        "secret": EVENT_ORGANISERS["secret"],
    },
    # Only the organisers get as far as reading the body: JSON is refused (415), the upload is a form.
    ("api:attendance", "POST"): {
        "public": {"anonymous": 401, "outsider": 404, "member": 404, "convenor": 415, "staff": 415},
        "private": {**EVENT_ORGANISERS["private"], "convenor": 415, "staff": 415},
        "secret": {**EVENT_ORGANISERS["secret"], "convenor": 415, "staff": 415},
    },
    ("api:resource", "GET"): dict.fromkeys(VISIBILITIES, _everyone(404)),  # no resource 999999
    ("api:people", "GET"): _hub_read(),
    ("api:person", "GET"): _hub_read(),
    ("api:notifications", "GET"): _signed_in(200),
    ("api:notifications_read", "POST"): _signed_in(200),
    ("api:search", "GET"): _hub_read(),
}

BODIES = {
    ("api:tokens", "POST"): {"name": "", "scope": "read"},
    ("api:topics", "POST"): {"title": "Matrix topic", "body": "Body", "language": "en"},
    ("api:posts", "POST"): {"body": "A reply"},
    ("api:reactions", "POST"): {"kind": "thanks"},
    ("api:flags", "POST"): {"reason": "spam"},
    ("api:member", "PATCH"): {"role": "moderator"},
    ("api:webhooks", "POST"): {"url": "https://partner.example.org/hook", "events": ["member.joined"]},
    ("api:webhook", "PATCH"): {"description": "Changed"},
    ("api:harvest", "PUT"): {"notes": "Harvest"},
    ("api:registration", "POST"): {"language": "en"},
    ("api:resources", "POST"): {
        "kind": "link",
        "title": "Matrix link",
        "language": "en",
        "link": "https://example.org/",
    },
    ("api:request_decision", "POST"): {"approve": True},
    ("api:join", "POST"): {"accept_conduct": True},
    ("api:invitations", "POST"): {"email": "new.person@example.org"},
}


def api_patterns() -> list[tuple[str, URLPattern]]:
    found = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api" and entry.name:
                found.append((f"api:{entry.name}", entry))

    walk(get_resolver(), "")
    return found


def test_every_api_url_is_in_the_schema_and_the_matrix():
    in_matrix = {name for name, _method in MATRIX}
    names = {name for name, _entry in api_patterns()} - NOT_API
    assert names - in_matrix == set(), "new API URL: add it to MATRIX"
    operations = {
        (operation["operationId"], method)
        for item in _schema()["paths"].values()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert len(operations) == len(MATRIX), "each matrix row is one operation of the schema"
    paths = set(_schema()["paths"])
    for name, entry in api_patterns():
        if name in NOT_API:
            continue
        route = "/api/v1/" + str(entry.pattern)
        template = route.replace("<slug:", "{").replace("<id:", "{").replace(">", "}").replace("{pk}", "{id}")
        assert template in paths, f"{name} ({template}) is not in the OpenAPI document"


@pytest.fixture
def places(db):
    outsider = ProfileFactory(user__display_name="Otto Outsider").user
    OrganisationFactory(slug="m-org", name="Matrix Water Partnership")
    staff = ProfileFactory(user__display_name="Sam Staff", user__is_staff=True).user
    worlds = {}
    for visibility in VISIBILITIES:
        join_policy = {"public": "open", "private": "approval", "secret": "invitation"}[visibility]
        community = CommunityFactory(
            description="Open to all" if visibility == "public" else f"About {SENTINEL}",
            slug=f"m-{visibility}",
            name=f"{visibility.title()} community",
            visibility=visibility,
            join_policy=join_policy,
        )
        convenor = ProfileFactory(user__display_name=f"Convenor {visibility}").user
        member = ProfileFactory(user__display_name=f"Member {visibility}").user
        target = ProfileFactory(user__display_name=f"Target {visibility}").user
        MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
        MembershipFactory(community=community, user=member)
        MembershipFactory(community=community, user=target)
        topic = discussions.topic_create(
            actor=convenor,
            community=community,
            kind="discussion",
            title="Open question" if visibility == "public" else f"Inside {SENTINEL}",
            body="Body" if visibility == "public" else f"Inside {SENTINEL}",
            language="en",
        )
        starts = (
            (timezone.now() + datetime.timedelta(days=5))
            .astimezone(datetime.UTC)
            .replace(tzinfo=None, microsecond=0)
        )
        event = events.event_create(
            actor=convenor,
            community=community,
            data=EventData(
                kind="webinar",
                title="Public webinar" if visibility == "public" else f"Closed webinar {SENTINEL}",
                time_zone="UTC",
                starts=starts,
                ends=starts + datetime.timedelta(hours=1),
                languages=["en"],
                join_url="https://meet.example.org/x",
            ),
        )
        CharterVersionFactory(community=community, number=1, purpose=f"Purpose {SENTINEL}")
        endpoint = webhooks.endpoint_create(
            actor=convenor, community=community, url="https://partner.example.org/h", events=["member.joined"]
        )
        worlds[visibility] = {
            "community": community,
            "convenor": convenor,
            "member": member,
            "target": target,
            "topic": topic,
            "post": topic.posts.get(number=1),
            "event": event,
            "endpoint": endpoint,
        }
    return outsider, staff, worlds


def client_for(role, visibility, outsider, staff, world):
    client = APIClient()
    if role == "anonymous":
        return client
    if role == "staff":
        client.force_login(staff)
        return client
    user = {"outsider": outsider, "member": world["member"], "convenor": world["convenor"]}[role]
    scope, community = ("admin", world["community"]) if role == "convenor" else ("write", None)
    _token, secret = token_services.token_create(actor=user, name="matrix", scope=scope, community=community)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def url_of(name, world):
    from django.urls import reverse

    kwargs = {
        "api:community": {"slug": world["community"].slug},
        "api:join": {"slug": world["community"].slug},
        "api:join_request": {"slug": world["community"].slug},
        "api:membership": {"slug": world["community"].slug},
        "api:members": {"slug": world["community"].slug},
        "api:member": {"slug": world["community"].slug, "username": world["target"].username},
        "api:topics": {"slug": world["community"].slug},
        "api:posts": {"slug": world["community"].slug, "topic": world["topic"].pk},
        "api:reactions": {
            "slug": world["community"].slug,
            "topic": world["topic"].pk,
            "pk": world["post"].pk,
        },
        "api:flags": {"slug": world["community"].slug, "topic": world["topic"].pk, "pk": world["post"].pk},
        "api:webhooks": {"slug": world["community"].slug},
        "api:webhook": {"slug": world["community"].slug, "pk": world["endpoint"].pk},
        "api:webhook_ping": {"slug": world["community"].slug, "pk": world["endpoint"].pk},
        "api:webhook_deliveries": {"slug": world["community"].slug, "pk": world["endpoint"].pk},
        "api:event": {"pk": world["event"].pk},
        "api:registration": {"pk": world["event"].pk},
        "api:registrations": {"pk": world["event"].pk},
        "api:token": {"pk": 999999},
        "api:resource": {"pk": 999999},
        "api:person": {"username": world["member"].username},
        "api:organisation": {"slug": "m-org"},
        "api:alliance": {"slug": "no-alliance"},
        "api:cafe": {"pk": world["event"].pk},
        "api:harvest": {"pk": world["event"].pk, "table": 1, "round_no": 1},
        "api:stakeholders": {"slug": "no-alliance"},
        "api:charter": {"slug": world["community"].slug},
        "api:charter_versions": {"slug": world["community"].slug},
        "api:charter_version": {"slug": world["community"].slug, "number": 1},
        "api:requests": {"slug": world["community"].slug},
        "api:request_decision": {"slug": world["community"].slug, "pk": 999999},
        "api:invitations": {"slug": world["community"].slug},
        "api:members_csv": {"slug": world["community"].slug},
        "api:archive": {"slug": world["community"].slug},
        "api:insights": {"slug": world["community"].slug},
        "api:registrations_csv": {"pk": world["event"].pk},
        "api:attendance": {"pk": world["event"].pk},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    if name == "api:search":
        url += f"?q={SENTINEL}"
    return url


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_each_role_as_the_matrix_says(places, role, visibility):
    outsider, staff, worlds = places
    world = worlds[visibility]
    problems = []
    client = client_for(role, visibility, outsider, staff, world)
    # Leaving and deleting go last, so the rows before them see the community as the fixture made it.
    for (name, method), expected in sorted(
        MATRIX.items(), key=lambda row: (row[0][1] == "DELETE", row[0][0] == "api:membership")
    ):
        url = url_of(name, world)
        body = dict(BODIES.get((name, method), {}))
        if name == "api:resources":
            body["community"] = world["community"].slug
        response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
        wanted = expected[visibility][role]
        if response.status_code >= 500 or response.status_code != wanted:
            problems.append(
                f"{method} {name} [{visibility}/{role}]: {response.status_code}, expected {wanted}"
            )
        outside = role in ("anonymous", "outsider") and visibility != "public"
        if outside and SENTINEL in response.content.decode("utf-8", "replace") + str(response.headers):
            problems.append(f"{method} {name} [{visibility}/{role}]: private content in the answer")
    assert problems == [], "\n".join(problems)
