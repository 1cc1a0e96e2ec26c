"""Views without a domain: health check and translated failure pages."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


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
    answer = _api_error(request, 403, "permission_denied", _("You may not do this."))
    return answer or render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    answer = _api_error(request, 404, "not_found", _("Not found, or not visible to you."))
    return answer or render(request, "404.html", status=404)


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
