"""Views without a domain: health check and translated failure pages."""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from catchment.core import audit
from catchment.core.uploads import StorageUnavailable

logger = logging.getLogger(__name__)

# How long a client should wait before trying again after an outage answer.
RETRY_AFTER_SECONDS = 30
# Disk full and over quota: the file store has no room, whatever the storage backend says about it.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT}


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except (redis.RedisError, OSError):
        return "error"
    return "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database (and Redis, when configured) answer; 503 when one does not."""
    checks = {"database": _database_status(), "redis": _redis_status()}
    healthy = all(value in {"ok", "not configured"} for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A translated page for an expired or missing form token, telling the person how to recover."""
    audit.event("access.denied", outcome="refused", status=403, reason="csrf")
    return render(request, "errors/csrf.html", status=403)


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse | None:
    """Programs calling the API get its JSON error shape (docs/api.md), not an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message, "fields": {}}}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    answer = _api_error(request, 400, "bad_request", _("This request could not be understood."))
    return answer or render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    audit.event("access.denied", outcome="refused", status=403)
    answer = _api_error(request, 403, "permission_denied", _("You may not do this."))
    return answer or render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    answer = _api_error(request, 404, "not_found", _("Not found, or not visible to you."))
    return answer or render(request, "404.html", status=404)


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A sign-in, sign-up or reset rate limit (allauth): the translated page, and when to come back."""
    audit.event("ratelimit.hit", outcome="refused")
    answer = _api_error(
        request, 429, "throttled", _("Too many attempts. Please wait a few minutes and try again.")
    )
    response = answer or render(request, "429.html", status=429)
    response["Retry-After"] = str(settings.RATE_LIMIT_RETRY_AFTER)
    return response


def outage(exception: BaseException | None) -> str | None:
    """What an unhandled exception says about the service: "database" when the database cannot be reached
    or refused to work (lost connection, statement timeout, SQLite's "database or disk is full"), "storage"
    when the file store has no room, None for anything else (a bug: a 500). Causes are followed, so a
    domain error raised from a full disk counts too."""
    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, OperationalError | InterfaceError | sqlite3.OperationalError):
            return "database"
        if isinstance(exception, StorageUnavailable) or (
            isinstance(exception, OSError) and exception.errno in NO_ROOM
        ):
            return "storage"
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return None


def _error_page(template: str, status: int, context: dict[str, Any] | None = None) -> HttpResponse:
    """An error page drawn without the request's context processors, which would ask the database (the
    thing that may be failing) for the person's notifications; if even that fails, a few plain words."""
    content: str
    try:
        content = render_to_string(template, context)
    except Exception:  # the last answer the server gives: never a traceback
        logger.exception("could not draw the %s page", status)
        content = f"<!DOCTYPE html><title>Catchment</title><p>{_('Something went wrong on our side')}</p>"
    return HttpResponse(content, status=status)


def outage_response(request: HttpRequest, kind: str) -> HttpResponse:
    """The answer while the database or the file store is failing: 503 (database) or 507 (no room for
    files), a translated page (the API's JSON error shape under /api/), Retry-After, and never cached."""
    if kind == "storage":
        status, code = 507, "insufficient_storage"
        message = _("The file could not be stored just now, so nothing was saved. Please try again later.")
        template = "507.html"
    else:
        status, code = 503, "unavailable"
        message = _("We cannot reach the hub's database just now. Please try again in a minute.")
        template = "503.html"
    response = _api_error(request, status, code, message) or _error_page(template, status)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage (database gone, disk full) gets its 503/507 answer, anything else the 500 page;
    no traceback either way (it is in the log)."""
    kind = outage(sys.exc_info()[1])
    if kind is not None:
        return outage_response(request, kind)
    # The page shows the request's id and nothing else about the error; the log line of the traceback carries
    # the same id (LOGGING's "django.request"), so a member quoting it leads to the cause.
    reference = getattr(request, "request_id", "")
    response = _api_error(request, 500, "server_error", _("Something went wrong on our side")) or (
        _error_page("500.html", 500, {"reference": reference})
    )
    add_never_cache_headers(response)
    return response


def serve_picture(field: FieldFile) -> FileResponse:
    """A stored, re-encoded JPEG picture, privately cached and never sniffed; 404 when it is missing.
    The caller has already asked the policy whether the viewer may see it."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_download(field: FieldFile, name: str, content_type: str) -> FileResponse:
    """A stored upload, always as a download under its cleaned name and checked type: never rendered by the
    browser, never sniffed, never kept by shared caches. The caller has already asked the policy."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to return to (its `next` field), when that is on this site; else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for binding a form: an empty POST still binds (and so shows "required" errors)."""
    return request.POST if request.method == "POST" else None
