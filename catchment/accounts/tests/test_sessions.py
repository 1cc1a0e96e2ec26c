"""Sessions (reliability.md #23): a new session key at sign-in, sign-out ends the session, a password change
ends every other session and every API token, and production cookies are Secure, HttpOnly and SameSite."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

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
