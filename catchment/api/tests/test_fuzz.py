"""Schemathesis against the OpenAPI document, in-process: every operation, as anonymous, member and
convenor, with generated requests (valid and invalid) — no 5xx, and every answer matches the document."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from catchment.discussions.models import Post

from .conftest import token_for

METHODS = ("get", "post", "put", "patch", "delete")
DOCUMENT = json.loads(json.dumps(SchemaGenerator(patterns=None).get_schema(request=None, public=True)))
OPERATIONS = [
    (method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in METHODS if method in item
]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "100"))
APPLICATION = get_wsgi_application()


def real_parameters(hub, path: str) -> dict[str, object]:
    """Path values that exist, so generated requests reach the operation rather than a 404."""
    post = Post.objects.get(topic=hub.topic, number=1)
    values = {
        "slug": "rivers",
        "topic": hub.topic.pk,
        "id": post.pk if "/posts/" in path else hub.event.pk,
        "username": hub.member.username,
        "number": 1,
        "table": 1,
        "round_no": 1,
    }
    return {name: value for name, value in values.items() if "{" + name + "}" in path}


def optional_body(method: str, path: str) -> bool:
    """Whether the operation takes a body none of whose fields is required."""
    content = DOCUMENT["paths"][path][method.lower()].get("requestBody", {}).get("content", {})
    for media in content.values():
        schema = media.get("schema", {})
        if "$ref" in schema:
            schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        if not schema.get("required"):
            return True
    return False


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The application is called as plain WSGI, which closes the database connection after each request (as
    in production); Django's test client suspends that, and so must this test, or PostgreSQL would lose the
    test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["anonymous", "member", "convenor"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(hub, role, method, path):
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    schema.app = APPLICATION
    operation = schema[path][method]
    headers = {}
    if role != "anonymous":
        user = hub.member if role == "member" else hub.convenor
        scope, community = ("admin", hub.public) if role == "convenor" else ("write", None)
        headers["Authorization"] = f"Bearer {token_for(user, scope, community)}"
    parameters = real_parameters(hub, path)

    def run(strategy, examples, checks):
        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            cache.clear()  # rate limits: each case (and ignored_auth's replays) judged on its own
            response = case.call(headers=headers)
            cache.clear()
            case.validate_response(response, checks=checks, headers=headers)

        check()

    # A signed-in role's successful answers are replayed without the token and with a wrong one: an operation
    # the document says needs a token must then refuse (ignored_auth).
    positive = CHECKS + ([ignored_auth] if role != "anonymous" else [])
    run(operation.as_strategy(path_parameters=parameters or None), EXAMPLES, positive)
    # Requests the document says are invalid must be refused with a 4xx, not accepted (negative_data_rejection).
    # Where every field of the body is optional, an empty request is valid, and a negated body that a form
    # encoding cannot carry (`true`) goes out as exactly that: negative_data_rejection would count its 200 as
    # accepting invalid data, so it is left out there.
    negative = CHECKS if optional_body(method, path) else [*CHECKS, negative_data_rejection]
    try:
        run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), max(10, EXAMPLES // 4), negative)
    except Unsatisfiable:
        # Nothing in this request can be invalid (a public read whose only parameter is a free-text path
        # segment, and no required token to spoil): there is no negative case to send.
        queries = [
            p for p in DOCUMENT["paths"][path][method.lower()].get("parameters", []) if p["in"] == "query"
        ]
        assert method == "GET" and not queries, f"{method} {path}: no invalid request could be generated"
