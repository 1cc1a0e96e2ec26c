"""No writes on GET (reliability.md #6, second half): every URL pattern, fetched by the convenor of a
community with one of everything and by an anonymous visitor, leaves the database as it was
(tests/sweep.py's snapshot; bookkeeping columns listed there). Each answer's Content-Security-Policy and
cache headers are checked on the way (tests/test_crawl.py, #8 and #24).

The documented exceptions (docs/architecture.md, "Departures"), each confined to its own table:

* ``notifications:open`` marks the opened notification read (a link in the notification list);
* ``library:download`` counts a download (one ``library_download`` row, the resource's count and the
  interaction log's "downloaded" row).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catchment.accounts.tests.factories import ProfileFactory
from tests.sweep import Watcher, build_community, params_of, value_of
from tests.test_crawl import cache_problems, policy_problems
from tests.test_idor import ROUTES
from tests.test_permission_matrix import all_patterns

DOCUMENTED = {
    "notifications:open": {"notifications_notification"},
    "library:download": {"library_download", "library_resource", "core_interaction"},
}


def _url(name, entry, world, admin_values):
    if name.startswith("admin:"):
        return reverse(name, kwargs={key: admin_values.get(key, "1") for key in params_of(entry)})
    keys = ROUTES.get(name, ())
    values = ["forged-token-0000" if key == "forged" else value_of(world, key) for key in keys]
    return reverse(name, kwargs=dict(zip(params_of(entry), values, strict=True)))


@pytest.mark.parametrize("who", ["convenor", "member", "site_admin", "anonymous"])
def test_no_get_changes_the_database(db, who, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world = build_community("g")
    client = Client(raise_request_exception=False)
    if who == "site_admin":
        # (an account made at sign-up, so with its profile: one made by createsuperuser gets it on first visit)
        client.force_login(ProfileFactory(user__is_staff=True, user__is_superuser=True).user)
    elif who != "anonymous":
        client.force_login(world["people"][who])
    # The convenor was answered in a conversation: opening that notification is the page that marks read.
    world["notification"] = world["convenor_notification"]
    assert world["notification"] is not None
    admin_values = {"object_id": str(world["community"].pk), "app_label": "accounts", "content_type_id": "1"}
    watcher = Watcher()
    writes = []
    headers: list[str] = []
    crawled = 0
    for name, _route, entry in all_patterns():
        if not name:
            continue
        if params_of(entry) and not name.startswith("admin:") and name not in ROUTES:
            writes.append(f"{name}: no entry in tests/test_idor.py ROUTES")
            continue
        cache.clear()
        url = _url(name, entry, world, admin_values)
        response = client.get(url)
        crawled += 1
        changes = set(watcher.changes())
        if response.status_code >= 500:
            writes.append(f"GET {name} {url}: {response.status_code}")
        # Every answer on the way is also checked for its Content-Security-Policy and cache headers (#8, #24).
        headers.extend(cache_problems(url, response, signed_in=who != "anonymous"))
        if response.get("Content-Type", "").startswith("text/html"):
            headers.extend(policy_problems(url, response.get("Content-Security-Policy"), response.content))
        unexpected = changes - DOCUMENTED.get(name, set())
        if unexpected:
            writes.append(f"GET {name} {url}: wrote {sorted(unexpected)}")
    print(f"GET crawl as {who}: {crawled} routes, {len(writes)} writes")
    assert writes == [], "\n".join(writes)
    assert headers == [], "\n".join(headers)
    assert crawled > 300
