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
