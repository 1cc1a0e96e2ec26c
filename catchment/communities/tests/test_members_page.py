"""A community's people: the home shows a bounded preview whatever the community's size, the members page
lists everyone fifty to a page, with search, and managers act on members from there."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.accounts.tests.factories import UserFactory
from catchment.communities import selectors
from catchment.communities.models import Membership, Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="sava", name="Sava basin", visibility="public")


def crowd(community, count, start=0):
    now = timezone.now()
    people = []
    for n in range(start, start + count):
        membership = MembershipFactory(community=community, user__display_name=f"Person {n:03d}")
        Membership.objects.filter(pk=membership.pk).update(joined_at=now - datetime.timedelta(days=1000 - n))
        people.append(membership.user)
    return people


def test_the_home_shows_leaders_and_the_newest_members_only(client, community):
    convenor = MembershipFactory(
        community=community, role=Role.CONVENOR, user__display_name="Ana Convenor"
    ).user
    crowd(community, 30)
    page = client.get("/communities/sava/").content.decode()
    assert "Ana Convenor" in page
    assert "Person 029" in page and "Person 018" in page  # the twelve who joined last
    assert "Person 017" not in page and "Person 000" not in page
    assert "31 members" in page and 'href="/communities/sava/members/"' in page
    assert convenor.display_name in page


def test_the_home_costs_the_same_queries_for_ten_or_two_hundred_members(client, community):
    MembershipFactory(community=community, role=Role.CONVENOR)
    crowd(community, 10)
    client.get("/communities/sava/")
    with CaptureQueriesContext(connection) as small:
        client.get("/communities/sava/", HTTP_ACCEPT_LANGUAGE="fr")  # another language: not from the cache
    crowd(community, 190, start=10)
    with CaptureQueriesContext(connection) as large:
        client.get("/communities/sava/", HTTP_ACCEPT_LANGUAGE="es")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_members_page_lists_everyone_fifty_to_a_page_by_name(client, community):
    crowd(community, 120)
    first = client.get("/communities/sava/members/").content.decode()
    assert "120 members" in first and "Person 000" in first and "Person 049" in first
    assert "Person 050" not in first
    third = client.get("/communities/sava/members/?page=3").content.decode()
    assert "Person 100" in third and "Person 119" in third


def test_members_are_found_by_name_and_role(client, community):
    crowd(community, 20)
    MembershipFactory(community=community, role=Role.MODERATOR, user__display_name="Mira Moderator")
    found = client.get("/communities/sava/members/?q=person+01").content.decode()
    assert "Person 010" in found and "Person 019" in found and "Person 020" not in found
    moderators = client.get("/communities/sava/members/?role=moderator").content.decode()
    assert "Mira Moderator" in moderators and "Person 001" not in moderators
    nothing = client.get("/communities/sava/members/?role=emperor&q=%00zzz").content.decode()
    assert "Nobody matches this search." in nothing


def test_a_manager_changes_a_role_from_the_members_page_and_comes_back_to_it(client, community):
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    (member,) = crowd(community, 1)
    client.force_login(convenor)
    page = client.get("/communities/sava/members/?page=1").content.decode()
    assert "Change role" in page
    answer = client.post(
        f"/communities/sava/members/{member.username}/role/",
        {"role": "moderator", "next": "/communities/sava/members/?page=1"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/communities/sava/members/?page=1"
    assert Membership.objects.get(community=community, user=member).role == Role.MODERATOR
    elsewhere = client.post(
        f"/communities/sava/members/{member.username}/role/",
        {"role": "member", "next": "https://evil.example/"},
    )
    assert elsewhere["Location"] == "/communities/sava/"


def test_private_members_lists_stay_private(client):
    hidden = CommunityFactory(slug="inner", visibility="private")
    MembershipFactory(community=hidden, user__display_name="PRIVATE-PERSON")
    assert client.get("/communities/inner/members/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/communities/inner/members/").status_code == 404


def test_the_count_on_the_home_is_the_stored_counter(community):
    crowd(community, 3)
    community.refresh_from_db()
    assert community.member_count == 3 == selectors.active_member_count(community)
