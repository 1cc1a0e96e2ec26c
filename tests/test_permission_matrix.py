"""Every URL pattern, requested by every hub-level role: expected status for ours, never a 500 for any.

A new URL pattern fails this test until it is added to EXPECTED (or, for third-party apps, to the
kwargs table), so no page can ship without someone deciding who may see it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from catchment.accounts.models import ProfileVisibility
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory

ROLES = ("anonymous", "member", "org_admin", "staff")
ALL_OK = dict.fromkeys(ROLES, 200)
LOGIN_THEN_OK = {"anonymous": 302, "member": 200, "org_admin": 200, "staff": 200}
LOGIN_THEN_405 = {"anonymous": 302, "member": 405, "org_admin": 405, "staff": 405}
HIDDEN_FROM_ANONYMOUS = {"anonymous": 404, "member": 200, "org_admin": 200, "staff": 200}

# (url name) -> {role: status} for GET
EXPECTED: dict[str, dict[str, int]] = {
    "home": ALL_OK,
    "healthz": ALL_OK,
    "set_language": dict.fromkeys(ROLES, 405),
    "accounts:directory": ALL_OK,
    "accounts:directory_map": ALL_OK,
    "accounts:directory_countries_csv": ALL_OK,
    "accounts:profile": HIDDEN_FROM_ANONYMOUS,
    "accounts:avatar": HIDDEN_FROM_ANONYMOUS,
    "accounts:profile_edit": LOGIN_THEN_OK,
    "accounts:data_export": LOGIN_THEN_OK,
    "accounts:account_delete": LOGIN_THEN_OK,
    "accounts:organisations": ALL_OK,
    "accounts:organisation_create": LOGIN_THEN_OK,
    "accounts:organisation": ALL_OK,
    "accounts:organisation_edit": {"anonymous": 302, "member": 404, "org_admin": 200, "staff": 200},
    "accounts:organisation_admin_add": LOGIN_THEN_405,
    "accounts:organisation_admin_remove": LOGIN_THEN_405,
    "accounts:organisation_verify": LOGIN_THEN_405,
    "notifications:list": LOGIN_THEN_OK,
    "search:results": ALL_OK,
    "notifications:open": {"anonymous": 302, "member": 404, "org_admin": 404, "staff": 404},
    "notifications:read_all": LOGIN_THEN_405,
    "notifications:topic_level": LOGIN_THEN_405,
    "notifications:community_level": LOGIN_THEN_405,
    "notifications:unsubscribe": dict.fromkeys(ROLES, 404),
    "notifications:settings": LOGIN_THEN_OK,
    "notifications:digest_unsubscribe": dict.fromkeys(ROLES, 404),
}

# (url name) -> {role: status} for POST with an empty or minimal body: who can change things.
EXPECTED_POST: dict[str, tuple[dict[str, str], dict[str, int]]] = {
    "accounts:organisation_edit": ({}, {"anonymous": 302, "member": 404, "org_admin": 200, "staff": 200}),
    "accounts:organisation_admin_add": (
        {"email": "x@example.org"},
        {"anonymous": 302, "member": 404, "org_admin": 302, "staff": 302},
    ),
    "accounts:organisation_verify": (
        {"verified": "1"},
        {"anonymous": 302, "member": 404, "org_admin": 404, "staff": 302},
    ),
    "accounts:profile_edit": ({}, {"anonymous": 302, "member": 200, "org_admin": 200, "staff": 200}),
    # A member downloads only their own archive; a POST without the password erases nothing.
    "accounts:data_export": ({}, {"anonymous": 302, "member": 200, "org_admin": 200, "staff": 200}),
    "accounts:account_delete": (
        {"confirmation": "not-the-password"},
        {"anonymous": 302, "member": 200, "org_admin": 200, "staff": 200},
    ),
}

OUR_NAMESPACES = ("", "accounts", "notifications", "search")
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from walk(entry, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                (f"{namespace}:{entry.name}" if namespace else entry.name),
                prefix + str(entry.pattern),
                entry,
            )


def all_patterns():
    return list(walk(get_resolver()))


@pytest.fixture
def world(db):
    admin_profile = ProfileFactory(user__display_name="Org Admin")
    organisation = OrganisationFactory(slug="org")
    organisation.admins.add(admin_profile.user)
    admin_profile.organisation = organisation
    admin_profile.save()
    hidden = ProfileFactory(visibility=ProfileVisibility.MEMBERS, avatar="avatars/hidden.jpg")
    hidden.avatar.storage.save("avatars/hidden.jpg", __import__("io").BytesIO(b"\xff\xd8\xff"))
    users = {
        "member": ProfileFactory().user,
        "org_admin": admin_profile.user,
        "staff": ProfileFactory(user__is_staff=True).user,
    }
    kwargs = {
        "username": hidden.user.username,
        "slug": organisation.slug,
        "key": "not-a-real-key",
        "uidb36": "zz",
        "token": "bad-token",
        "content_type_id": "1",
        "object_id": "1",
        "app_label": "accounts",
        "type": "totp",
        "pk": "1",
        "post": "1",
        "message": "1",
        "attachment": "1",
        "table": "1",
        "round_no": "1",
        "id": "1",
        "url": "nothing",
        "variable": "1",
        "link": "1",
        "number": "1",
        "topic": "1",
        "action": "ping",
    }
    return users, kwargs, admin_profile.user


def client_for(role, users):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    return client


def url_for(name, pattern, entry, kwargs, admin_user):
    needed = entry.pattern.regex.groupindex.keys()
    values = {key: kwargs[key] for key in needed if key in kwargs}
    if name == "accounts:organisation_admin_remove":
        values["username"] = admin_user.username
    return reverse(name, kwargs=values) if name else None


def test_every_named_pattern_of_ours_has_an_expectation():
    ours = {
        name
        for name, _route, _entry in all_patterns()
        if name
        and name.split(":")[0] in OUR_NAMESPACES
        and ":" not in name.replace("accounts:", "").replace("notifications:", "").replace("search:", "")
    }
    ours = {
        name for name in ours if not name.startswith(("account_", "mfa_", "communities:", "discussions:"))
    }
    assert ours - set(EXPECTED) == set(), "new URL: add it to the permission matrix"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected_and_never_500(world, role):
    users, kwargs, admin_user = world
    client = client_for(role, users)
    problems = []
    for name, route, entry in all_patterns():
        if not name:
            continue
        try:
            url = url_for(name, route, entry, kwargs, admin_user)
        except Exception as error:
            problems.append(f"{name}: cannot build a URL ({error})")
            continue
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{name} {url}: {response.status_code}")
        elif name in EXPECTED and response.status_code != EXPECTED[name][role]:
            problems.append(f"{name} {url}: {response.status_code}, expected {EXPECTED[name][role]}")
        elif (
            name.startswith("admin:")
            and name not in ADMIN_PUBLIC
            and role != "staff"
            and response.status_code == 200
        ):
            problems.append(f"{name} {url}: admin page open to {role}")
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_writes_are_allowed_only_to_the_right_roles(world, role):
    users, kwargs, admin_user = world
    client = client_for(role, users)
    problems = []
    for name, (data, expected) in EXPECTED_POST.items():
        entry = next(entry for pattern_name, _route, entry in all_patterns() if pattern_name == name)
        url = url_for(name, None, entry, kwargs, admin_user)
        response = client.post(url, data)
        if response.status_code != expected[role]:
            problems.append(f"POST {name}: {response.status_code}, expected {expected[role]}")
    assert problems == []


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_admin_site_is_closed_to_everyone_but_staff(world, role):
    users, _kwargs, _admin = world
    response = client_for(role, users).get("/admin/")
    assert response.status_code == 302
