"""Reading a page number from a query string without trusting it."""

from django.http import HttpRequest


def page_number(request: HttpRequest) -> int:
    """The `page` parameter as a positive number; anything malformed or absurdly long means page 1."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1
