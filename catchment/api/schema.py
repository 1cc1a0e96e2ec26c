"""The OpenAPI document: every operation lists the errors it can answer with, in the one error shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

ERRORS = {
    "400": "The request is malformed, a field is invalid, or the hub refused it (the message says why).",
    "401": "No valid session or token; sign in or send `Authorization: Bearer <token>`.",
    "403": "Signed in, but not allowed (or the token's scope does not cover this).",
    "404": "Not found, or not visible to you.",
    "405": "This method is not offered here.",
    "406": "Only JSON is offered.",
    "409": "A request with the same Idempotency-Key is still being processed.",
    "415": "Send JSON or a form (multipart for uploads).",
    "422": "The Idempotency-Key was used for a different request.",
    "429": "Too many requests; wait the number of seconds in Retry-After.",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the Error component, and its responses on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code == "304":
                    continue
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
            if method == "get":
                responses.setdefault(
                    "304", {"description": "Not modified since the ETag sent in If-None-Match."}
                )
    return result


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "catchment.api.authentication.AccessTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "A personal access token (cat_…)."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "catchment.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class CatchmentAutoSchema(AutoSchema):
    """Views marked `public_read` answer anonymous readers with what is public (public communities, events,
    the library, profiles): for their safe methods the document adds the empty security requirement (no
    token needed), which drf-spectacular adds only for DRF's own AllowAny/IsAuthenticatedOrReadOnly. Every
    other operation, and every write, needs a token or a session; Schemathesis's ignored_auth check holds
    the document to that (catchment/api/tests/test_fuzz.py)."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths = list(super().get_auth())
        if getattr(self.view, "public_read", False) and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
