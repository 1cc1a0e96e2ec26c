"""The browser pages of the API: its guide and reference (drawn from the OpenAPI document, readable without
JavaScript), and where people make and revoke their personal access tokens."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator

from catchment.api import selectors, services
from catchment.api.forms import TokenForm
from catchment.api.models import TokenScope

METHODS = ("get", "post", "put", "patch", "delete")
JUST_MADE = "api_token_just_made"


TAGS = {
    "me": gettext_lazy("You"),
    "tokens": gettext_lazy("Tokens"),
    "communities": gettext_lazy("Communities"),
    "discussions": gettext_lazy("Discussions"),
    "webhooks": gettext_lazy("Webhooks"),
    "events": gettext_lazy("Events"),
    "library": gettext_lazy("Library"),
    "people": gettext_lazy("People"),
    "notifications": gettext_lazy("Notifications"),
    "search": gettext_lazy("Search"),
    "alliances": gettext_lazy("Learning alliances"),
    "insights": gettext_lazy("Insights"),
}


@functools.cache
def _schema_in(language: str) -> dict[str, Any]:
    with translation.override(language):
        return SchemaGenerator(patterns=None).get_schema(request=None, public=True)


def _schema() -> dict[str, Any]:
    """The OpenAPI document, with summaries in the active language (made once per language)."""
    return _schema_in(translation.get_language() or "en")


def operations() -> list[tuple[str, list[dict[str, Any]]]]:
    """The API's operations grouped by tag, in the order of the document, for the reference."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for route, item in _schema()["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "choices": parameter.get("schema", {}).get("enum", []),
                }
                for parameter in operation.get("parameters", [])
            ]
            body = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            tag = operation.get("tags", ["api"])[0]
            groups.setdefault(str(TAGS.get(tag, tag)), []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary", ""),
                    "parameters": parameters,
                    "body": body.get("$ref", "").rsplit("/", 1)[-1],
                    "success": sorted(
                        code for code in operation.get("responses", {}) if code.startswith("2")
                    ),
                }
            )
    return list(groups.items())


def guide(request: HttpRequest) -> HttpResponse:
    """How to use the API, then every operation."""
    base = request.build_absolute_uri("/api/v1/")
    return render(request, "api/docs.html", {"groups": operations(), "base": base})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in person's tokens, and the form to make one (the secret is shown on the next page only)."""
    communities = selectors.communities_run_by(request.user)
    form = TokenForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                community=form.cleaned_data.get("community"),
                expires_on=form.cleaned_data.get("expires_on"),
            )
        except services.TokenError as error:
            form.add_error(None, str(error))
        else:
            # Shown on the next page, once: a reload there, or of this POST, never makes or shows another.
            request.session[JUST_MADE] = [token.pk, secret]
            return redirect("api_tokens:made")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": list(selectors.tokens_of(request.user)[:100]),
            "admin_scope": TokenScope.ADMIN,
        },
    )


@login_required
def token_made(request: HttpRequest) -> HttpResponse:
    """The new token's secret, shown this once."""
    just_made = request.session.pop(JUST_MADE, None)
    if not just_made:
        return redirect("api_tokens:list")
    pk, secret = just_made
    token = selectors.token_of(request.user, int(pk))
    response = render(request, "api/token_made.html", {"token": token, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(request.user, pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
