"""Per-request middleware: the signed-in user's language and time zone, idle sign-in sessions, conditional
GET, private answers, and outage answers (503/507) instead of tracebacks."""

from __future__ import annotations

import hashlib
import logging
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import http
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}
# When IdleSessionMiddleware last moved the session's expiry (Unix time).
REFRESHED_KEY = "catchment_refreshed"
logger = logging.getLogger(__name__)
CSRF_TOKEN_VALUE = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')


class UserPreferencesMiddleware:
    """Apply the language and time zone stored on the user, after LocaleMiddleware's guess from the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "language", "")
            if language in SUPPORTED_LANGUAGES:
                translation.activate(language)
                request.LANGUAGE_CODE = language
            try:
                timezone.activate(zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC"))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class IdleSessionMiddleware:
    """A sign-in ends after SESSION_COOKIE_AGE without use (SESSION_IDLE_DAYS), not that long after it began:
    a signed-in session is saved again, which moves its expiry (in the database and on the cookie), when it was
    last refreshed SESSION_REFRESH_SECONDS ago or more; so an active member stays signed in for at most one
    write a day, and a forgotten session on a shared computer ends within the idle period. Sign-in stamps the
    session (`connect`), in the same save as the sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(timezone.now().timestamp())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return response


def connect() -> None:
    """Stamp each new sign-in's session (called once, from the core app), so its first pages do not save it."""
    from django.contrib.auth.signals import user_logged_in

    def stamp(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        session = getattr(request, "session", None)
        if session is not None:
            session[REFRESHED_KEY] = int(timezone.now().timestamp())

    user_logged_in.connect(stamp, weak=False, dispatch_uid="catchment.core.middleware.stamp")


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's conditional GET (ETag, 304 Not Modified), with an ETag that survives the CSRF token.

    Every render masks the page's CSRF token afresh, so a hash of the raw content would never match twice.
    The ETag hashes the content without the token values, plus the visitor's CSRF cookie: a 304 tells the
    browser to reuse its copy, whose token is still valid for that same cookie.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            request.method == "GET"
            and isinstance(response, HttpResponse)
            and self.needs_etag(response)
            and not response.has_header("ETag")
            and response.content
        ):
            content = CSRF_TOKEN_VALUE.sub(b"", response.content)
            digest = hashlib.md5(content, usedforsecurity=False)
            digest.update(request.META.get("CSRF_COOKIE", "").encode())
            response["ETag"] = quote_etag(digest.hexdigest())
        return super().process_response(request, response)


class PrivateResponsesMiddleware:
    """Nothing answered to a signed-in person or to a request carrying credentials is kept by a shared cache:
    such responses are marked `Cache-Control: private` and vary on the credentials (a proxy must never serve
    one token holder's answer to another). No error answer is kept by any cache: a 404 is cacheable by default
    (RFC 9111), and a page that is missing or refused now may exist or be allowed a minute later."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        has_credentials = "HTTP_AUTHORIZATION" in request.META
        user = getattr(request, "user", None)
        if has_credentials or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie", "Authorization") if has_credentials else ("Cookie",))
        if response.status_code >= 400:
            add_never_cache_headers(response)
        return response


class OutageMiddleware:
    """A view that fails because the database went away (or timed out, or SQLite found its disk full) or
    because the file store has no room answers a translated 503 or 507 page with Retry-After, never a
    traceback, even with DEBUG on. Failures outside views reach handler500 (core.views.server_error),
    which gives the same answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from catchment.core import views

        kind = views.outage(exception)
        if kind is None:
            return None
        logger.error("%s unavailable answering %s %s", kind, request.method, request.path, exc_info=exception)
        return views.outage_response(request, kind)
