"""Every event URL, as each community role, on public, private and secret communities: a community's
events, their join links, registrations and café harvests reach only those who may see them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory, person_in_role
from catchment.events import services
from tests.sweep import body_of
from tests.test_community_permission_matrix import MANAGERS, ROLES, VISIBILITIES, reads
from tests.test_permission_matrix import all_patterns

SECRET = "PRIVATE-5c7d-EVENT"
JOIN = "https://meet.example.org/PRIVATE-JOIN-LINK"
POSTS_ONLY = {"events:cancel", "events:register", "events:unregister", "events:cafe_seat"}
READABLE = {"events:detail", "events:ics", "events:community", "events:cafe", "events:synthesis"}
MANAGED = {
    "events:edit",
    "events:registrations",
    "events:registrations_csv",
    "events:cafe_setup",
    "events:cafe_cards",
}


def expected(name, role, visibility):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    anonymous = role == "anonymous"
    if name in {"events:list", "events:hub_feed"}:
        return 200
    if name in {"events:new", "events:mine"}:
        if anonymous:
            return 302
        return 200 if name == "events:mine" or role == "staff" else 404
    if name == "events:user_feed":
        return 404  # a forged token, for everyone
    if name in READABLE:
        return 200 if reads(role, visibility) else 404
    if name == "events:community_feed":
        return 200 if reads(role, visibility) else 404
    if name in POSTS_ONLY:
        return 302 if anonymous else 405
    if name in MANAGED or name == "events:community_new":
        if anonymous:
            return 302
        return 200 if role in MANAGERS else 404
    if name == "events:harvest":
        if anonymous:
            return 302
        return 200 if reads(role, visibility) else 404
    raise AssertionError(f"{name} is not in the event permission matrix")


NAMES = sorted(name for name, _route, _entry in all_patterns() if name.startswith("events:"))


def test_every_event_url_is_in_the_matrix():
    assert NAMES
    for name in NAMES:
        expected(name, "member", "public")


def make_event(community):
    organiser = MembershipFactory(community=community, role=Role.MODERATOR).user
    starts = (timezone.now() + datetime.timedelta(days=5)).replace(tzinfo=None, microsecond=0)
    event = services.event_create(
        actor=organiser,
        community=community,
        data=services.EventData(
            kind="world_cafe",
            title=f"{SECRET} café",
            summary=SECRET,
            time_zone="Europe/Stockholm",
            starts=starts,
            ends=starts + datetime.timedelta(hours=2),
            join_url=JOIN,
        ),
    )
    people = [MembershipFactory(community=community).user for _ in range(4)]
    for person in people:
        services.register(actor=person, event=event, language="en")
    services.cafe_setup(
        actor=organiser,
        event=event,
        setup=services.CafeSetup(
            purpose=SECRET,
            mode="online",
            rounds=1,
            round_minutes=20,
            table_size=6,
            questions=[SECRET],
            tables=[("A", None, ""), ("B", None, "")],
        ),
    )
    services.cafe_seat(actor=organiser, event=event, seed=1)
    table = event.cafe.tables.first()
    services.harvest_save(
        actor=organiser, event=event, table=table, round_no=1, notes=SECRET, insights=SECRET
    )
    return event, table


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_private_text_otherwise(db, role, visibility):
    community = CommunityFactory(slug=f"ev-{visibility}", visibility=visibility)
    event, table = make_event(community)
    person = person_in_role(role, community)
    client = Client()
    if role != "anonymous":
        client.force_login(person)
    problems = []
    for name in NAMES:
        entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
        values = {"pk": event.pk, "slug": community.slug, "token": "forged", "table": table.pk, "round_no": 1}
        response = client.get(
            reverse(name, kwargs={key: values[key] for key in entry.pattern.regex.groupindex})
        )
        want = expected(name, role, visibility)
        if response.status_code != want:
            problems.append(f"{name}: {response.status_code}, expected {want}")
        body = body_of(response)  # the text and every header, a redirect's Location among them
        if not reads(role, visibility) and SECRET in body:
            problems.append(f"{name}: private text shown to {role}")
        if role not in MANAGERS and JOIN in body:
            problems.append(f"{name}: join link shown to {role}, who is not registered")
    assert problems == []
