"""Passwords are stored with Argon2id; older hashes are upgraded when their owner next signs in."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password

from catchment.accounts.tests.factories import UserFactory
from config.settings import base


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def test_a_new_password_is_stored_with_argon2id(db, production_hashers):
    user = UserFactory()
    user.set_password("a long river of words")
    user.save()
    assert user.password.startswith("argon2$argon2id$")
    assert "a long river of words" not in user.password


def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_at_sign_in(db, production_hashers):
    user = UserFactory(email="old@example.org")
    user.password = make_password("an old but good passphrase", hasher="pbkdf2_sha256")
    user.save()
    assert authenticate(username="old@example.org", password="an old but good passphrase") is not None
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# A ceiling as well as a floor (reliability.md #20, ASVS 2.1.2): nothing past 128 characters reaches a hasher.
LONG = "a river of words " * 600  # 10,200 characters


@pytest.fixture
def hashing(production_hashers, monkeypatch):
    """Counts every Argon2 hash made or checked."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    calls = []
    encode, verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def counted_encode(self, password, salt):
        calls.append(len(password))
        return encode(self, password, salt)

    def counted_verify(self, password, encoded):
        calls.append(len(password))
        return verify(self, password, encoded)

    monkeypatch.setattr(Argon2PasswordHasher, "encode", counted_encode)
    monkeypatch.setattr(Argon2PasswordHasher, "verify", counted_verify)
    return calls


@pytest.mark.parametrize("email", ["member@example.org", "nobody@example.org"])
def test_a_sign_in_with_a_password_past_the_ceiling_is_refused_before_any_hashing(db, hashing, email):
    from django.test import Client
    from django.urls import reverse

    UserFactory(email="member@example.org")
    hashing.clear()
    response = Client().post(reverse("account_login"), {"login": email, "password": LONG})
    assert response.status_code == 200
    assert "password you specified are not correct" in response.content.decode()
    assert hashing == []
    # The spy sees hashing when there is some: a wrong password within the ceiling is checked as usual.
    Client().post(reverse("account_login"), {"login": email, "password": "w" * 128})
    assert hashing and max(hashing) == 128


def test_the_admin_sign_in_refuses_a_password_past_the_ceiling_before_any_hashing(db, hashing):
    from django.test import Client

    staff = UserFactory(is_staff=True, is_superuser=True)
    hashing.clear()
    response = Client().post("/admin/login/", {"username": staff.username, "password": LONG})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
    assert hashing == []


def test_a_new_password_past_the_ceiling_is_refused_with_a_translated_message(db):
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from catchment.accounts.passwords import MaximumLengthValidator

    user = UserFactory(email="changer@example.org")
    client = Client()
    client.force_login(user)
    too_long = "Tarn-" + "riverbank-" * 12 + "1234"  # 129 characters
    assert len(too_long) == 129
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct-horse-battery", "password1": too_long, "password2": too_long},
    )
    assert response.status_code == 200
    assert "use at most 128 characters" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")
    longest = too_long[:-1]
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct-horse-battery", "password1": longest, "password2": longest},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(longest)
    for language in ("es", "fr", "ru"):
        with translation.override(language):
            with pytest.raises(Exception) as refused:
                MaximumLengthValidator().validate(too_long)
            message = refused.value.messages[0]
            assert "128" in message and "use at most" not in message, (language, message)
            assert "128" in MaximumLengthValidator().get_help_text()


def test_a_current_password_past_the_ceiling_is_wrong_without_hashing(db, hashing):
    from django.test import Client
    from django.urls import reverse

    user = UserFactory(email="checker@example.org")
    client = Client()
    client.force_login(user)
    hashing.clear()
    assert user.check_password(LONG) is False
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": LONG,
            "password1": "a-new-long-passphrase-42",
            "password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert hashing == []
