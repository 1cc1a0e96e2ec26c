"""Reading page numbers and text from a query string without trusting them."""

import unicodedata

from django.http import HttpRequest


def page_number(request: HttpRequest) -> int:
    """The `page` parameter as a positive number; anything malformed or absurdly long means page 1."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdecimal() and raw.isascii() and 0 < len(raw) < 7 else 1


def query_text(request: HttpRequest, name: str, limit: int = 100) -> str:
    """A query-string value as text a database can hold: control characters (NUL among them, which
    PostgreSQL refuses) removed, cut to `limit` characters."""
    raw = request.GET.get(name, "")[: limit * 2]
    return "".join(ch for ch in raw if unicodedata.category(ch) != "Cc")[:limit].strip()
