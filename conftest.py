"""Fixtures shared by every test: a clean cache (rate limits live there) and the four hub-level roles."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def member(db):
    from catchment.accounts.tests.factories import ProfileFactory

    return ProfileFactory(user__display_name="Mia Member").user


@pytest.fixture
def staff(db):
    from catchment.accounts.tests.factories import ProfileFactory

    return ProfileFactory(user__display_name="Sam Staff", user__is_staff=True).user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
