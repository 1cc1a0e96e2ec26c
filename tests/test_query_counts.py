"""Pages run the same number of SQL queries whatever the amount of data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catchment.accounts.models import SpokenLanguage
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, ThemeFactory


def populate(count, organisation):
    themes = [ThemeFactory(slug=f"qc-{n}") for n in range(3)]
    for number in range(count):
        profile = ProfileFactory(country=["KE", "PE", "SE"][number % 3], organisation=organisation)
        profile.themes.set(themes[: 1 + number % 3])
        SpokenLanguage.objects.create(profile=profile, code=["en", "fr"][number % 2])


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    "/",
    "/members/",
    "/members/?q=member&country=KE&theme=qc-1&language=en",
    "/members/map.svg",
    "/members/countries.csv",
    "/organisations/",
    "/organisations/qc-org/",
    "/members/member-target/",
]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_data(client, db, url, signed_in):
    organisation = OrganisationFactory(slug="qc-org")
    ProfileFactory(user__username="member-target", organisation=organisation)
    viewer = ProfileFactory().user
    if signed_in:
        client.force_login(viewer)
    populate(3, organisation)
    small = queries_for(client, url)
    populate(40, organisation)
    OrganisationFactory.create_batch(10)
    large = queries_for(client, url)
    assert small == large
    assert large <= 12
