"""Whole pages cached for anonymous visitors, the bulk of a public hub's traffic.

A cached page is stored under its address, the visitor's language and the current *version* of each scope
it depends on: `hub` (anything on the hub changed), `community:<slug>` (something in that community
changed) and `shared` (a change with no community, such as a member's profile, which any page may show).
Every save or delete of a model in the watched apps replaces the versions it touches, at once and again
when its transaction commits, so the next request renders afresh: a new post shows at once for its viewers. Entries also
expire after PAGE_CACHE_SECONDS, which bounds what no write announces (time passing: "starts in 2 hours").

Signed-in members, unsafe methods, visitors with a pending message and htmx fragments are never served
from the cache; only complete 200 answers that set no cookie are stored. A page's CSRF token is swapped
for a marker when stored and a fresh token for this visitor is put back on each hit, so forms on a cached
page (the language switcher) keep working. Each cached answer carries an ETag derived from its key, and a
visitor who sends it back gets 304 Not Modified without the page being read.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag

PREFIX = "pagecache"
MARK = "__catchment_csrf_token__"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
WATCHED_APPS = {"accounts", "communities", "discussions", "events", "library", "alliances", "newsletters"}
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Referrer-Policy")

Scopes = Callable[..., Iterable[str]]
T = TypeVar("T")


def _timeout() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 300))


def _version_key(scope: str) -> str:
    return f"{PREFIX}:v:{scope}"


def versions(scopes: Iterable[str]) -> str:
    """The current version of each scope, joined; a scope never seen gets a fresh version."""
    names = sorted(set(scopes))
    found = cache.get_many([_version_key(name) for name in names])
    parts = []
    for name in names:
        value = found.get(_version_key(name))
        if value is None:
            value = str(time.time_ns())
            if not cache.add(_version_key(name), value, None):
                value = cache.get(_version_key(name)) or value
        parts.append(f"{name}={value}")
    return "&".join(parts)


def remember(name: str, scopes: Iterable[str], compute: Callable[[], T]) -> T:
    """A value computed once per version of `scopes` and shared by every process (a fragment cache): the
    next change those scopes cover makes the next reader compute it afresh."""
    if _timeout() <= 0:
        return compute()
    key = f"{PREFIX}:value:{name}:" + hashlib.sha256(versions(scopes).encode()).hexdigest()[:32]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, _timeout())
    return cast(T, found)


def bump(scopes: Iterable[str]) -> None:
    """Give each scope a new version now and again when the current transaction commits: a page rendered
    from the data before the commit may be stored meanwhile, and the second bump retires it."""
    names = set(scopes)
    if not names:
        return

    def replace() -> None:
        stamp = str(time.time_ns())
        cache.set_many({_version_key(name): stamp for name in names}, None)

    replace()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(replace)


def _cacheable_request(request: HttpRequest) -> bool:
    if _timeout() <= 0 or request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if getattr(request, "user", None) is None or request.user.is_authenticated:
        return False
    stored = getattr(request, "_messages", None)
    return not (stored is not None and len(stored))


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
    )


def cache_anonymous(scopes: Scopes) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's page to anonymous visitors from the cache; `scopes(**view_kwargs)` names what it
    shows."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            identity = "|".join(
                [request.get_full_path(), getattr(request, "LANGUAGE_CODE", ""), versions(scopes(**kwargs))]
            )
            digest = hashlib.sha256(identity.encode()).hexdigest()
            etag = quote_etag(digest[:32])
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                patch_vary_headers(not_modified, ("Cookie", "Accept-Language"))
                return not_modified
            key = f"{PREFIX}:page:{digest}"
            stored = cache.get(key)
            if stored is not None:
                headers, body = stored
                response = HttpResponse(body.replace(MARK, get_token(request)) if MARK in body else body)
                for name, value in headers.items():
                    response[name] = value
                response["X-Page-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if not _cacheable_response(response):
                    return response
                body = response.content.decode(response.charset)
                for token in set(TOKEN.findall(body)):
                    body = body.replace(token, MARK)
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                cache.set(key, (headers, body), _timeout())
                response["X-Page-Cache"] = "miss"
            response["ETag"] = etag
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            return response

        return wrapped

    return decorate


def hub_scope(**_kwargs: Any) -> list[str]:
    """Pages showing the whole hub: any change may show on them."""
    return ["hub"]


def community_scope(*, slug: str, **_kwargs: Any) -> list[str]:
    """Pages of one community: its own changes and changes shared by every page (names, profiles)."""
    return [f"community:{slug}", "shared"]


def _community_slug(instance: models.Model) -> str | None:
    """The community an object belongs to, following the usual parents (topic, post, event)."""
    from catchment.communities.models import Community

    if isinstance(instance, Community):
        return instance.slug
    community_id = getattr(instance, "community_id", None)
    if community_id is None:
        for parent in ("topic", "post", "event", "platform"):
            if getattr(instance, f"{parent}_id", None) is not None:
                owner = getattr(instance, parent, None)
                if owner is not None:
                    return _community_slug(owner)
        return None
    return Community.objects.filter(pk=community_id).values_list("slug", flat=True).first()


UNSEEN_FIELDS = {"last_login"}  # written at every sign-in, shown on no cached page


def _changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender._meta.app_label not in WATCHED_APPS:
        return
    fields = kwargs.get("update_fields")
    if fields and set(fields) <= UNSEEN_FIELDS:
        return
    from catchment.communities.models import Community

    if isinstance(instance, Community):
        # its address or visibility may have changed: retire every community page, the old address's too
        bump(["hub", "shared", f"community:{instance.slug}"])
        return
    try:
        slug = _community_slug(instance)
    except models.ObjectDoesNotExist:  # a parent deleted in the same cascade
        slug = None
    bump(["hub", f"community:{slug}"] if slug else ["hub", "shared"])


def connect() -> None:
    """Watch every model's saves and deletes (called once from the core app's ready())."""
    post_save.connect(_changed, dispatch_uid="pagecache-save")
    post_delete.connect(_changed, dispatch_uid="pagecache-delete")
