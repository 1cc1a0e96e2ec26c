from __future__ import annotations

from django.http import HttpRequest

from catchment.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The unread count shown in the header; evaluated only when a template uses it (one query)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": (lambda: unread_count(user)) if user is not None else 0}
