"""Abuse (reliability.md #6, #12, #13): every state change needs the CSRF token, guessing one account's
password from many addresses is stopped, and the answers never tell whether an address has an account."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catchment.accounts.tests.factories import UserFactory
from tests.test_permission_matrix import all_patterns, url_for, world  # noqa: F401 - the matrix's fixture

# RFC 8058 one-click unsubscribe: mail clients POST without a session or token; a signed key is the credential.
CSRF_EXEMPT = {"notifications:unsubscribe", "notifications:digest_unsubscribe", "newsletters:unsubscribe"}


def test_every_post_without_the_csrf_token_is_refused(world):  # noqa: F811
    users, kwargs, admin_user = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["member"])
    accepted = []
    checked = 0
    for name, route, entry in all_patterns():
        if not name or name.startswith("admin:") or name in CSRF_EXEMPT:
            continue
        try:
            url = url_for(name, route, entry, kwargs, admin_user)
        except Exception:  # noqa: S112 - patterns needing values the matrix does not plant are skipped
            continue
        checked += 1
        response = client.post(url, {})
        if response.status_code != 403:
            accepted.append(f"{name}: {response.status_code}")
    assert accepted == []
    assert checked > 250


def test_guessing_one_account_from_many_addresses_is_stopped(db):
    UserFactory(email="target@example.org")
    for attempt in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{attempt + 1}").post(
            reverse("account_login"), {"login": "target@example.org", "password": f"guess-{attempt}"}
        )
    final = Client(REMOTE_ADDR="203.0.113.77")
    response = final.post(
        reverse("account_login"), {"login": "target@example.org", "password": "correct-horse-battery"}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in final.session


def test_the_lock_lifts_five_minutes_after_the_first_failure_and_not_before(db, monkeypatch):
    """Time to unlock (reliability.md #12): the account's budget is 5 failures in a sliding 5 minutes, so the
    right password is refused until the first failure is 5 minutes old, then accepted."""
    import time

    UserFactory(email="target@example.org")
    real_time = time.time
    started = real_time()
    offset = {"seconds": 0.0}
    monkeypatch.setattr(time, "time", lambda: real_time() + offset["seconds"])
    for attempt in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{attempt + 1}").post(
            reverse("account_login"), {"login": "target@example.org", "password": f"guess-{attempt}"}
        )
    right = {"login": "target@example.org", "password": "correct-horse-battery"}
    offset["seconds"] = 298 - (real_time() - started)  # 298 s after the first failure
    early = Client(REMOTE_ADDR="203.0.113.77")
    assert "Too many failed login attempts" in early.post(reverse("account_login"), right).content.decode()
    assert "_auth_user_id" not in early.session
    offset["seconds"] = 301 - (real_time() - started)
    later = Client(REMOTE_ADDR="203.0.113.78")
    assert later.post(reverse("account_login"), right).status_code == 302
    assert "_auth_user_id" in later.session
    print("time to unlock: 300 s after the first failure of the five")


def test_a_forged_forwarded_for_header_does_not_buy_new_attempts(db):
    """200 wrong passwords on one account from one client rotating X-Forwarded-For: the header is not trusted
    (no proxy configured), so the address limit and the account limit both hold."""
    UserFactory(email="target@example.org")
    client = Client(REMOTE_ADDR="198.51.100.9")
    checked = 0
    for attempt in range(200):
        response = client.post(
            reverse("account_login"),
            {"login": "target@example.org", "password": f"guess-{attempt}"},
            HTTP_X_FORWARDED_FOR=f"10.0.{attempt // 250}.{attempt % 250}",
        )
        checked += "password you specified are not correct" in response.content.decode()
    # The account's budget: 5 wrong passwords in 5 minutes, then refused whatever the address.
    assert checked == 5
    right = client.post(
        reverse("account_login"),
        {"login": "target@example.org", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert "_auth_user_id" not in client.session
    assert right.status_code == 429 or "Too many failed login attempts" in right.content.decode()


def test_the_api_counts_the_connection_address_unless_a_proxy_is_configured(db, settings, monkeypatch):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anonymous": "3/min"}
    )
    spoofer = Client(REMOTE_ADDR="198.51.100.10")
    statuses = [
        spoofer.get("/api/v1/communities/", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    # Behind one trusted proxy, the address the proxy appended is the client's: two clients, two budgets.
    monkeypatch.setattr(api_settings, "NUM_PROXIES", 1)
    from django.core.cache import cache

    cache.clear()
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = [
        proxy.get("/api/v1/communities/", HTTP_X_FORWARDED_FOR="forged, 203.0.113.1").status_code
        for _ in range(4)
    ]
    second = proxy.get("/api/v1/communities/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code
    assert first == [200, 200, 200, 429]
    assert second == 200


def _strip(html: bytes) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


@pytest.mark.parametrize("path", ["account_reset_password"])
def test_a_password_reset_answers_the_same_for_known_and_unknown_addresses(db, path):
    UserFactory(email="known@example.org")
    known = Client().post(reverse(path), {"email": "known@example.org"})
    unknown = Client().post(reverse(path), {"email": "nobody@example.org"})
    assert (known.status_code, known.get("Location")) == (unknown.status_code, unknown.get("Location"))
    assert _strip(Client().get(known["Location"]).content) == _strip(
        Client().get(unknown["Location"]).content
    )


def test_signing_up_with_a_taken_address_looks_like_any_sign_up(db):
    UserFactory(email="taken@example.org")

    def sign_up(email):
        return Client().post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": "a-long-passphrase-77",
                "password2": "a-long-passphrase-77",
                "display_name": "Someone",
            },
        )

    taken, fresh = sign_up("taken@example.org"), sign_up("fresh@example.org")
    assert (taken.status_code, taken.get("Location")) == (fresh.status_code, fresh.get("Location"))


@pytest.mark.parametrize("name", ["account_reset_password", "account_signup"])
def test_accepted_sign_ups_and_resets_wait_for_the_floor_and_nothing_else_does(
    db, settings, monkeypatch, name
):
    """core.limits.SteadyAnswerMiddleware: an accepted POST (the redirect, for a known or unknown address alike)
    waits out what is left of STEADY_ANSWER_MS; the page, a form error and a rate-limit refusal answer at once
    (the timing itself is measured by tests/reliability/test_timing.py)."""
    from catchment.core import limits

    waits: list[float] = []
    monkeypatch.setattr(limits, "_sleep", waits.append)
    settings.STEADY_ANSWER_MS = 60_000
    # allauth counts every sign-up POST, but only the resets it accepts.
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/h/ip", "signup": "2/h/ip"}
    client = Client()
    assert client.get(reverse(name)).status_code == 200
    error = client.post(reverse(name), {"email": "not-an-address"})
    assert error.status_code == 200 and "csrfmiddlewaretoken" in error.content.decode()
    assert waits == []
    form = {
        "email": "someone@example.org",
        "password1": "a-long-passphrase-77",
        "password2": "a-long-passphrase-77",
    }
    accepted = client.post(reverse(name), {**form, "display_name": "Someone"})
    assert accepted.status_code == 302
    assert len(waits) == 1 and 50 < waits[0] <= 60
    refused = client.post(reverse(name), {**form, "email": "another@example.org", "display_name": "Another"})
    assert refused.status_code == 429
    assert len(waits) == 1
