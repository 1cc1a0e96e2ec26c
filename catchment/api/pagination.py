"""Cursor pages on every list: stable under inserts, constant cost however deep, with `limit` (1 to 100) and
an `ordering` chosen from what each list offers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class CursorPage(CursorPagination):
    page_size = 25
    page_size_query_param = "limit"
    max_page_size = 100
    ordering: Any = ("-pk",)

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        choices: dict[str, tuple[str, ...]] = getattr(view, "orderings", {})
        wanted = request.query_params.get("ordering", "")
        if "ordering" in request.query_params:  # sent empty is not one of the choices either
            if wanted not in choices:
                raise exceptions.ValidationError({"ordering": [_("Choose one of: %s.") % ", ".join(choices)]})
            return choices[wanted]
        default = getattr(view, "default_ordering", "")
        if default in choices:
            return choices[default]
        if choices:
            return next(iter(choices.values()))
        return tuple(self.ordering)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError({"limit": [_("Give a number from 1 to 100.")]})
        return size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        # DRF answers a bad cursor with 404, and a forged position fails when the query is built or run (a
        # text where a number or a date belongs): all of them are the request's fault.
        except (exceptions.NotFound, ValueError, TypeError, DjangoValidationError) as error:
            raise exceptions.ValidationError({"cursor": [_("This cursor is not valid.")]}) from error

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "limit":
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
        choices = list(getattr(view, "orderings", {}))
        if choices:
            parameters = [p for p in parameters if p["name"] != "ordering"]
            parameters.append(
                {
                    "name": "ordering",
                    "required": False,
                    "in": "query",
                    "description": "Order of the list.",
                    "schema": {"type": "string", "enum": choices},
                }
            )
        return parameters
