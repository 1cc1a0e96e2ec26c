"""Sessions (reliability.md #23): a new session key at sign-in, sign-out ends the session, a password change
ends every other session and every API token, a sign-in ends after SESSION_IDLE_DAYS without use (not while
it is used), and production cookies are Secure, HttpOnly and SameSite."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catchment.accounts.tests.factories import UserFactory
from catchment.api import services as tokens
from catchment.api.models import AccessToken


def sign_in(client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": "correct-horse-battery"})
    assert response.status_code == 302, response.content[:500]


def test_signing_in_gives_a_new_session_key(db):
    user = UserFactory(email="fixation@example.org")
    client = Client()
    client.get(reverse("account_login"))
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    before = session.session_key
    sign_in(client, user.email)
    assert client.session.session_key != before


def test_an_old_session_cookie_is_useless_after_sign_out(db):
    user = UserFactory(email="leaver@example.org")
    client = Client()
    sign_in(client, user.email)
    old_cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get(reverse("notifications:list")).status_code == 302


def test_a_password_change_ends_other_sessions_and_revokes_tokens(db):
    user = UserFactory(email="changer@example.org")
    _token, secret = tokens.token_create(actor=user, name="Script", scope="read")
    here, elsewhere = Client(), Client()
    sign_in(here, user.email)
    sign_in(elsewhere, user.email)
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": "correct-horse-battery",
            "password1": "a-new-long-passphrase-42",
            "password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("notifications:list")).status_code == 200
    assert elsewhere.get(reverse("notifications:list")).status_code == 302
    assert AccessToken.objects.get(user=user).revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me/").status_code == 401


def test_production_cookies_are_secure_httponly_and_samesite():
    from config.settings import base

    production = {}
    source = open("config/settings/production.py").read()  # noqa: SIM115 - read the settings without importing them
    for line in source.splitlines():
        if line.startswith(("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE")):
            name, value = (part.strip() for part in line.split("=", 1))
            production[name] = value
    assert production == {
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "LANGUAGE_COOKIE_SECURE": "True",
    }
    assert base.SESSION_COOKIE_HTTPONLY is True
    assert base.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.fixture
def clock(monkeypatch):
    """Moves the hub's clock (what the session store and the idle check read) forward by some days."""
    real_now = timezone.now
    offset = {"days": 0.0}
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=offset["days"]))

    def at(days: float) -> None:
        offset["days"] = days

    return at


@pytest.mark.parametrize("remember", [True, False])
def test_a_sign_in_ends_after_the_idle_period_without_use(db, clock, remember):
    idle_days = settings.SESSION_COOKIE_AGE / 86400
    assert idle_days == 14
    user = UserFactory(email="idle@example.org")
    client = Client()
    data = {"login": user.email, "password": "correct-horse-battery"}
    if remember:
        data["remember"] = "on"
    assert client.post(reverse("account_login"), data).status_code == 302
    clock(idle_days - 0.5)
    assert client.get(reverse("notifications:list")).status_code == 200
    clock(idle_days - 0.5 + idle_days + 0.1)  # a fortnight and a bit after that last use
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_active_member_stays_signed_in_with_one_save_a_day_at_most(db, clock):
    user = UserFactory(email="regular@example.org")
    client = Client()
    sign_in(client, user.email)
    stamped = client.session["catchment_refreshed"]
    key = client.session.session_key
    assert client.get(reverse("notifications:list")).status_code == 200
    assert client.session["catchment_refreshed"] == stamped  # the sign-in's own save stamped it
    for day in range(10, 61, 10):  # every ten days for two months: each visit within the idle period
        clock(day)
        assert client.get(reverse("notifications:list")).status_code == 200, day
        refreshed = client.session["catchment_refreshed"]
        assert refreshed > stamped
        assert client.get(reverse("notifications:list")).status_code == 200
        assert client.session["catchment_refreshed"] == refreshed  # the same day's second visit saves nothing
        stamped = refreshed
    assert client.session.session_key == key
